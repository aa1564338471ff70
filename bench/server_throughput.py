"""Metric 7: how many calls per second the demo server answers on loopback.

A raw ``http.client`` keep-alive client with pre-built envelopes (no zeep) keeps the client's
own cost out of the number, so this measures the server: parse, authenticate, look up the demo
world, render with zeep, send. The server runs in its own process without the 150/s throttle
(that would cap the number by design), one and four connections in parallel.
"""

from __future__ import annotations

import http.client
import threading
import time
from urllib.parse import urlsplit

from bench.records import Record, metric
from bench.server_proc import ServerProcess
from nmbrs_client.operations import get_operation
from nmbrs_demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USERNAME

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"


def envelope(service: str, name: str, **params: int) -> tuple[str, bytes, str]:
    """(path, body, SOAPAction) of one SOAP 1.1 call with the demo credentials."""
    op = get_operation(service, name)
    ns = op.service.namespace
    fields = "".join(f"<t:{key}>{value}</t:{key}>" for key, value in params.items())
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP11}" '
        f'xmlns:t="{ns}"><soap:Header><t:AuthHeaderWithDomain><t:Username>{DEMO_USERNAME}'
        f"</t:Username><t:Token>{DEMO_TOKEN}</t:Token><t:Domain>{DEMO_DOMAIN}</t:Domain>"
        f"</t:AuthHeaderWithDomain></soap:Header><soap:Body><t:{name}>{fields}</t:{name}>"
        f"</soap:Body></soap:Envelope>"
    )
    return op.service.path, body.encode(), op.soap_action


def _hammer(
    base_url: str, request: tuple[str, bytes, str], seconds: float, connections: int
) -> tuple[int, int, int]:
    """(ok calls, failed calls, response bytes of one call) within ``seconds``."""
    parts = urlsplit(base_url)
    path, body, action = request
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'}
    counts = [0] * connections
    failures = [0] * connections
    size = [0]
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        try:
            while time.perf_counter() < deadline:
                conn.request("POST", parts.path + path, body=body, headers=headers)
                reply = conn.getresponse()
                data = reply.read()
                if reply.status == 200:
                    counts[index] += 1
                    size[0] = len(data)
                else:
                    failures[index] += 1
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts), sum(failures), size[0]


def run(quick: bool = False) -> list[Record]:
    seconds = 0.3 if quick else 2.0
    records: list[Record] = []
    with ServerProcess("healthy", rate_limit=False) as server:
        company = server.companies[0]
        from nmbrs_client.client import NmbrsClient
        from nmbrs_demo.reach import demo_settings

        client = NmbrsClient(demo_settings(server.base_url))
        employee = client.employees(company)[0].Id
        year = 2025  # the demo world's last complete year (demo today is in 2026)
        client.close()
        calls = {
            "list": ("CompanyService", "List_GetAll", {}),
            "employee_list": (
                "EmployeeService",
                "List_GetByCompany",
                {"CompanyId": company, "EmployeeType": 1},
            ),
            "pdf": (
                "EmployeeService",
                "SalaryDocuments_GetAnnualStatementPDF",
                {"EmployeeID": employee, "intYear": year},
            ),
        }
        for label, (service, name, params) in calls.items():
            request = envelope(service, name, **params)
            _hammer(server.base_url, request, 0.1, 1)  # warm caches (PDF generation, WSDL)
            for connections in (1, 4):
                ok, failed, size = _hammer(server.base_url, request, seconds, connections)
                records.append(
                    metric(
                        f"server_throughput.{label}.c{connections}",
                        ok / seconds,
                        "calls/s",
                        operation=f"{service}.{name}",
                        connections=connections,
                        duration_s=seconds,
                        response_bytes=size,
                        failed=failed,
                    )
                )
    return records
