"""The demo writes replies as an ASP.NET web service does, and reads requests as IIS does.

Simple third-party connectors read Nmbrs replies without namespace awareness: they strip the
first default ``xmlns="…"`` and look elements up by bare name. That only works when the
service namespace is the default namespace and children are unprefixed, as ASMX writes them.
"""

from __future__ import annotations

import http.client
import re
import socket
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from nmbrs_client.operations import OPERATIONS, Operation
from nmbrs_demo.server import DemoServer
from nmbrs_demo.wirestyle import envelope_open
from tests.conftest import DemoServerFactory
from tests.soap_raw import NS_ROOT, call, envelope


def _ids(server: DemoServer) -> dict[str, int]:
    world = server.world
    company = next(c.ID for c in world.companies() if len(world.employees(c.ID)) <= 12)
    employee = world.employees(company)[0].Id
    year = server.today.year
    run = world.runs(company, year)[0].ID
    debtor = next(
        d.Id for d in world.debtors() if company in {c.ID for c in world.companies_of_debtor(d.Id)}
    )
    return {
        "DebtorId": debtor,
        "CompanyId": company,
        "CompanyID": company,
        "EmployeeId": employee,
        "EmployeeID": employee,
        "RunID": run,
        "RunId": run,
        "Year": year,
        "intYear": year,
        "EmployeeType": world.employee_types()[0].Id,
    }


def _call(server: DemoServer, op: Operation) -> bytes:
    ids = _ids(server)
    header = "AuthHeader" if op.header.value == "AuthHeader" else "AuthHeaderWithDomain"
    reply = call(
        server.base_url,
        op.service.value,
        op.name,
        {name: ids[name] for name in op.param_names},
        header=header,
    )
    assert reply.status == 200, reply.body[:300]
    return reply.body


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.qualified_name)
def test_replies_read_without_namespace_awareness(demo_server: DemoServer, op: Operation) -> None:
    body = _call(demo_server, op).decode("utf-8")
    assert body.startswith(envelope_open("1.1"))
    assert f'<{op.name}Response xmlns="{op.service.namespace}">' in body
    assert not re.search(r"<ns\d+:", body)
    # What the connector does: drop the first default namespace, then find by bare name.
    stripped = re.sub(r' xmlns="[^"]+"', "", body, count=1)
    root = ET.fromstring(stripped)
    response = root.find(f".//{op.name}Response")
    assert response is not None
    result = response.find(f"{op.name}Result")
    if result is None:  # an empty list under the strict "omitted" reading
        assert len(response) == 0
        return
    assert len(result) > 0 or (result.text or "").strip()


def test_untyped_post_code_carries_xsi_type(demo_server: DemoServer) -> None:
    op = next(o for o in OPERATIONS if o.name.startswith("PersonalInfoContractSalaryAddress"))
    body = _call(demo_server, op).decode("utf-8")
    codes = re.findall(r"<PostCode([^>]*)>", body)
    assert codes and all(attrs == ' xsi:type="xsd:string"' for attrs in codes)
    assert body.count('xmlns:xsi="') == 1  # declared once, on the envelope
    assert '<ContractEndDate xsi:nil="true" />' in body or "xsi:nil" not in body


def _raw_exchange(server: DemoServer, request: bytes) -> bytes:
    """Send raw bytes on a new connection and read one HTTP response from it."""
    parts = urlsplit(server.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.read()


def test_chunked_request_body_is_accepted(demo_server: DemoServer) -> None:
    body = envelope("DebtorService", "List_GetAll")
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + 100]), body[i : i + 100])
        for i in range(0, len(body), 100)
    )
    head = (
        "POST /soap/v3/DebtorService.asmx HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: text/xml; charset=utf-8\r\n"
        f'SOAPAction: "{NS_ROOT}DebtorService/List_GetAll"\r\n'
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    reply = _raw_exchange(demo_server, head + chunks + b"0\r\n\r\n")
    assert b"<List_GetAllResult>" in reply


def test_keep_alive_serves_several_calls_on_one_connection(demo_server: DemoServer) -> None:
    body = envelope("EmployeeService", "EmployeeType_GetList")
    parts = urlsplit(demo_server.base_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{NS_ROOT}EmployeeService/EmployeeType_GetList"',
    }
    try:
        sockets = []
        for _ in range(3):
            conn.request("POST", "/soap/v3/EmployeeService.asmx", body, headers)
            response = conn.getresponse()
            assert b"<EmployeeType_GetListResult>" in response.read()
            assert response.getheader("Connection", "keep-alive").lower() != "close"
            sockets.append(conn.sock)
        assert sockets[0] is not None and all(s is sockets[0] for s in sockets)
    finally:
        conn.close()


def test_a_second_app_mounts_beside_the_soap_services(
    demo_server_factory: DemoServerFactory,
) -> None:
    async def hello(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": scope["path"].encode()})  # type: ignore[operator]

    server = demo_server_factory(mounts=[("/api", lambda _server: hello)])
    parts = urlsplit(server.root_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    conn.request("GET", "/api/employees")
    assert conn.getresponse().read() == b"/api/employees"
    conn.close()
    assert call(server.base_url, "DebtorService", "List_GetAll").status == 200
