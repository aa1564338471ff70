"""Property tests: whatever bytes come back, the client ends in data or in a typed error.

The fault parser, the envelope check and the full client path (transport check, zeep, model
validation) are driven with generated and mutated inputs. The only acceptable outcomes are a
result, ``NmbrsFault`` or ``NmbrsTransportError``; anything else is a crash.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import pytest
import requests
import urllib3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nmbrs_client.client import NmbrsClient
from nmbrs_client.errors import NmbrsFault, NmbrsTransportError, parse_fault_text
from nmbrs_client.retry import NO_RETRIES
from nmbrs_client.transport import FaultReply, TransportProblem, check_soap_body
from tests.hostile_server import settings_for

TRIED: Counter[str] = Counter()

NS = "https://api.nmbrs.nl/soap/v3/EmployeeService"
GOOD = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>'
    f'<List_GetByCompanyResponse xmlns="{NS}"><List_GetByCompanyResult>'
    "<Employee><Id>300001</Id><Number>1</Number><DisplayName>Jan de Vries</DisplayName>"
    "</Employee><Employee><Id>300002</Id><Number>2</Number><DisplayName>Els ten Brink"
    "</DisplayName></Employee></List_GetByCompanyResult></List_GetByCompanyResponse>"
    "</soap:Body></soap:Envelope>"
).encode()
FAULT = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b"<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Server was unable to process "
    b"request. ---&gt; 2004: Unauthorized access</faultstring><detail /></soap:Fault>"
    b"</soap:Body></soap:Envelope>"
)


class CannedAdapter(requests.adapters.BaseAdapter):
    """Answers every request with one prepared status, content type and body."""

    def __init__(self) -> None:
        super().__init__()
        self.status = 200
        self.content_type = "text/xml; charset=utf-8"
        self.body = b""

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(self.body),
            status=self.status,
            headers={"Content-Type": self.content_type},
            preload_content=False,
        )
        response = requests.Response()
        response.status_code = self.status
        response.headers = requests.structures.CaseInsensitiveDict(
            {"Content-Type": self.content_type}
        )
        response.raw = raw
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        return


@pytest.fixture(scope="module")
def canned() -> tuple[NmbrsClient, CannedAdapter]:
    # One attempt per reply: the property is about what a single reply becomes.
    client = NmbrsClient(settings_for("http://fuzz.invalid/soap/v3/"), retry_policy=NO_RETRIES)
    adapter = CannedAdapter()
    client._get_transport().session.mount("http://fuzz.invalid/", adapter)
    return client, adapter


def outcome(client: NmbrsClient) -> str:
    try:
        client.employees_of_type(20001, 1)
    except NmbrsFault:
        return "fault"
    except NmbrsTransportError:
        return "transport"
    return "ok"


@settings(max_examples=1500, deadline=None)
@given(st.text(max_size=400))
def test_fault_parser_never_crashes(text: str) -> None:
    TRIED["fault_text"] += 1
    code, message = parse_fault_text(text)
    assert code is None or 0 <= code < 100000
    assert isinstance(message, str) and len(message) <= 500


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=1000, max_value=99999), st.text(max_size=60), st.text(max_size=200))
def test_fault_parser_finds_the_code_anywhere(code: int, message: str, tail: str) -> None:
    TRIED["fault_code"] += 1
    clean = message.replace("\n", " ").replace("\r", " ")
    text = f"System.Exception: Server was unable to process request. ---> {code}: {clean}\n{tail}"
    parsed_code, parsed = parse_fault_text(text)
    assert parsed_code == code
    assert parsed == clean.strip()[:500]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=600),
    st.sampled_from([200, 500, 502, 404]),
    st.sampled_from(["text/xml", "text/html", "application/soap+xml", ""]),
)
def test_envelope_check_raises_only_typed_problems(body: bytes, status: int, ctype: str) -> None:
    TRIED["envelope_bytes"] += 1
    try:
        check_soap_body(body, status, ctype)
    except (TransportProblem, FaultReply):
        return


def mutate(data: bytes, draw: Callable[..., Any]) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "delete", "insert", "dup"]))
    if not data:
        return data
    at = draw(st.integers(min_value=0, max_value=len(data) - 1))
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    if kind == "delete":
        end = min(len(data), at + draw(st.integers(1, 40)))
        return data[:at] + data[end:]
    if kind == "insert":
        junk = draw(
            st.sampled_from(
                [
                    b"<X>1</X>",
                    b"<Id>abc</Id>",
                    b"&bogus;",
                    b"<!--c-->",
                    b"<Employee/>",
                    b'xsi:nil="true"',
                    b"\x00",
                    b"]]>",
                ]
            )
        )
        return data[:at] + bytes(junk) + data[at:]
    segment = data[at : at + draw(st.integers(1, 80))]
    return data[:at] + segment + data[at:]


@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data(), st.sampled_from([GOOD, FAULT]), st.sampled_from([200, 500]))
def test_client_survives_mutated_replies(
    canned: tuple[NmbrsClient, CannedAdapter], data: st.DataObject, base: bytes, status: int
) -> None:
    TRIED["client_replies"] += 1
    client, adapter = canned
    adapter.status = status
    adapter.body = mutate(base, data.draw)
    assert outcome(client) in {"ok", "fault", "transport"}


def test_unmutated_replies_parse(canned: tuple[NmbrsClient, CannedAdapter]) -> None:
    client, adapter = canned
    adapter.status, adapter.body = 200, GOOD
    assert [e.DisplayName for e in client.employees_of_type(20001, 1)] == [
        "Jan de Vries",
        "Els ten Brink",
    ]
    adapter.status, adapter.body = 500, FAULT
    with pytest.raises(NmbrsFault) as info:
        client.employees_of_type(20001, 1)
    assert info.value.code == 2004


def test_report_inputs_tried() -> None:
    """Prints how many generated inputs ran (visible with -s; the note quotes it)."""
    print("fuzz inputs:", dict(TRIED), "total", sum(TRIED.values()))
    assert all(value >= 0 for value in TRIED.values())
