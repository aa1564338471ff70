"""Large replies: a 50 MB PDF is fetched under the default limit, a 100 MB body is refused."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.settings import ConnectionSettings
from tests.hostile_server import HostileServer, hostile_server, huge, settings_for

PDF_SIZE = 50 * 1024 * 1024
NS = "https://api.nmbrs.nl/soap/v3/EmployeeService"


def big_pdf_reply(handler: BaseHTTPRequestHandler) -> None:
    pdf = b"%PDF-1.4\n" + b"0" * (PDF_SIZE - 9)
    head = (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f'<SalaryDocuments_GetAnnualStatementPDFResponse xmlns="{NS}">'
        "<SalaryDocuments_GetAnnualStatementPDFResult><PDF>"
    ).encode()
    tail = (
        b"</PDF></SalaryDocuments_GetAnnualStatementPDFResult>"
        b"</SalaryDocuments_GetAnnualStatementPDFResponse></soap:Body></soap:Envelope>"
    )
    body = base64.b64encode(pdf)
    handler.send_response(200)
    handler.send_header("Content-Type", "text/xml; charset=utf-8")
    handler.send_header("Content-Length", str(len(head) + len(body) + len(tail)))
    handler.end_headers()
    for part in (head, body, tail):
        handler.wfile.write(part)


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    cases = {
        "pdf50": big_pdf_reply,
        "body100": huge(100 * 1024 * 1024, declare_length=True),
        "body100chunked": huge(100 * 1024 * 1024, declare_length=False),
    }
    with hostile_server(cases) as state:
        yield state


def default_limit() -> int:
    return int(ConnectionSettings.model_fields["max_response_mb"].default)


def test_a_50_mb_pdf_fits_the_default_limit(server: HostileServer) -> None:
    client = NmbrsClient(
        settings_for(
            server.url("pdf50"),
            max_response_mb=default_limit(),
            timeout_s=20.0,
        )
    )
    document = client.annual_statement(300001, 2025)
    assert document is not None and document.size == PDF_SIZE
    assert (document.PDF or b"").startswith(b"%PDF-1.4")


@pytest.mark.parametrize("case", ["body100", "body100chunked"])
def test_a_100_mb_body_is_refused_with_a_clear_message(server: HostileServer, case: str) -> None:
    client = NmbrsClient(
        settings_for(
            server.url(case),
            max_response_mb=default_limit(),
            timeout_s=20.0,
        )
    )
    with pytest.raises(NmbrsTransportError) as info:
        client.companies()
    assert info.value.kind == "too_large"
    assert f"{default_limit() * 1024 * 1024 / 1e6:.0f} MB" in str(info.value)
    assert "max_response_mb" in info.value.hint
