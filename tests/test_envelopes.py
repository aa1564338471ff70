"""The envelope templates write the bytes zeep writes, for every operation and any values.

Each case renders one operation's template and asks zeep to build the same request; the bytes
must be equal (so the server sees the same request), and where zeep refuses a value (a
character XML cannot carry) the template must refuse it too and leave the call to zeep.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from zeep.wsdl.utils import etree_to_string

from nmbrs_client.client import NmbrsClient
from nmbrs_client.envelopes import EnvelopeTemplate, build_template
from nmbrs_client.operations import OPERATIONS, Header, Operation
from nmbrs_demo.reach import demo_settings
from tests.capture_server import capture_server
from tests.hostile_server import settings_for

HOSTILE_TEXT = [
    "",
    "plain",
    "a<b&c>d",
    "]]>",
    "<![CDATA[x]]>",
    "&amp; already escaped",
    "quotes \" and '",
    "tab\tnew\nline\r\nreturn\r",
    "née Müller ß € 中文 😀",
    "\x7f\x85\u2028\u202e",  # allowed in XML 1.0, odd anywhere else
    "x" * 10_000,
]
NOT_XML = ["\x00", "nul\x00in", "\x01", "\x1b[31m", "\x0b\x0c", "\ud800", "\ufffe", "\uffff"]
INTEGERS = [0, 1, -1, 7, 2**31 - 1, -(2**31), 2**63, -(10**30)]


@cache
def _client() -> NmbrsClient:
    return NmbrsClient(demo_settings("http://127.0.0.1:9/soap/v3/"))


def _fields(op: Operation, username: str, token: str, domain: str | None) -> dict[str, Any]:
    if op.header is Header.AUTH:
        return {"Username": username, "Token": token}
    return {"Username": username, "Token": token, "Domain": domain}


def by_zeep(op: Operation, fields: dict[str, Any], arguments: dict[str, Any]) -> bytes | None:
    """zeep's request body for these values, or None when zeep refuses them."""
    proxy = _client().service(op.service)
    try:
        envelope, _headers = proxy._binding._create(
            op.name,
            (),
            {**arguments, "_soapheaders": {op.header.value: fields}},
            client=proxy._client,
            options=proxy._binding_options,
        )
        return bytes(etree_to_string(envelope))
    except ValueError:  # lxml: "All strings must be XML compatible"
        return None


def template(op: Operation, fields: dict[str, Any]) -> EnvelopeTemplate:
    shape = {name: (None if value is None else "") for name, value in fields.items()}
    built = build_template(_client().service(op.service), op, op.header.value, shape)
    assert built is not None, f"{op.qualified_name} has no template"
    return built


def assert_alike(op: Operation, fields: dict[str, Any], arguments: dict[str, Any]) -> bool:
    """The template's bytes are zeep's; True when the template wrote them."""
    ours = template(op, fields).render(fields, arguments)
    theirs = by_zeep(op, fields, arguments)
    if ours is None:
        return False
    assert ours == theirs
    return True


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.qualified_name)
@pytest.mark.parametrize("domain", [None, "acme", "a<&>b"])
def test_every_operation_is_written_as_zeep_writes_it(op: Operation, domain: str | None) -> None:
    for text, number in zip(HOSTILE_TEXT, INTEGERS * 2, strict=False):
        fields = _fields(op, f"user {text}", f"token {text}", domain and domain + text)
        arguments = {p.name: number + i for i, p in enumerate(op.params)}
        assert assert_alike(op, fields, arguments)
    # Same tree as well as same bytes: the envelope zeep writes for the server, with its values.
    fields = _fields(op, "u", "t<&]]>\r", domain)
    body = template(op, fields).render(fields, {p.name: 5 for p in op.params})
    assert body is not None
    token = etree.fromstring(body).find(".//{*}Token")
    assert token is not None and token.text == "t<&]]>\r"


@pytest.mark.parametrize("op", OPERATIONS[:3] + OPERATIONS[-3:], ids=lambda op: op.qualified_name)
def test_text_xml_cannot_carry_is_left_to_zeep_which_refuses_it(op: Operation) -> None:
    for text in NOT_XML:
        for fields in (
            _fields(op, text, "token", "acme"),
            _fields(op, "user", f"tok{text}en", "acme"),
        ):
            assert template(op, fields).render(fields, {p.name: 1 for p in op.params}) is None
            assert by_zeep(op, fields, {p.name: 1 for p in op.params}) is None


@pytest.mark.parametrize("value", [True, False, "5", 5.0, None, b"5"])
def test_an_argument_that_is_not_a_plain_int_is_left_to_zeep(value: Any) -> None:
    op = next(op for op in OPERATIONS if op.params)
    fields = _fields(op, "user", "token", "acme")
    arguments = {p.name: value for p in op.params}
    assert template(op, fields).render(fields, arguments) is None


@settings(max_examples=300, deadline=None)
@given(
    op=st.sampled_from(OPERATIONS),
    username=st.text(max_size=20),
    token=st.text(max_size=40),
    domain=st.none() | st.text(max_size=20),
    numbers=st.lists(st.integers(), min_size=4, max_size=4),
)
def test_any_values_are_written_as_zeep_writes_them_or_left_to_zeep(
    op: Operation, username: str, token: str, domain: str | None, numbers: list[int]
) -> None:
    fields = _fields(op, username, token, domain)
    arguments = {p.name: n for p, n in zip(op.params, numbers, strict=False)}
    if not assert_alike(op, fields, arguments):
        # Left to zeep only when zeep itself refuses the values.
        assert by_zeep(op, fields, arguments) is None


def test_the_client_sends_zeeps_request_and_the_token_nowhere_else() -> None:
    token = "SECRET-<&]]>-é-TOKEN"
    with capture_server() as capture:
        client = NmbrsClient(settings_for(f"{capture.base}/soap/v3/", token=token))
        client.call("EmployeeService.Function_GetCurrent", EmployeeId=42)
        client.call("DebtorService.Environment_Get")
    op = next(op for op in OPERATIONS if op.qualified_name == "EmployeeService.Function_GetCurrent")
    expected = by_zeep(op, _fields(op, "support@example.nl", token, "acme"), {"EmployeeId": 42})
    function_call, environment_call = capture.seen
    assert function_call.body == expected
    assert function_call.line.startswith("POST /soap/v3/EmployeeService.asmx ")
    assert (
        "SOAPAction",
        '"https://api.nmbrs.nl/soap/v3/EmployeeService/Function_GetCurrent"',
    ) in function_call.headers
    assert b"<ns0:AuthHeader " in environment_call.body  # Environment_Get: no domain header
    assert token not in repr(client)
    assert all(token not in repr(record) for record in client.call_log.records())
    kept = [t for t in client._templates.values() if t is not None]
    assert kept and all(token.encode() not in b"".join(t.pieces) for t in kept)
    assert all(token not in repr(t) for t in kept)
