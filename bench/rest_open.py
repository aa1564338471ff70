"""REST vs SOAP: open the 5,000-employee company, and fetch one payslip.

"Open" is what the employees pane loads for a company: the employee list and every
employee's employments. Over SOAP that is two calls (``List_GetByCompany`` and
``Employment_GetAll_AllEmployeesByCompany``). Over REST both are paged with at most 100 rows
a page, so each takes 50 pages for 5,000 employees: the client reads page 1, learns
``totalPages`` and fetches the other pages concurrently (``concurrency`` at a time); the two
lists are read one after the other. Each record says how many calls were made.

One payslip: SOAP ``SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2`` is one call; REST
is ``payslipperperiod`` → ``taskId`` → ``/api/documents/{taskId}``, polled while it answers 202
(the demo answers 202 a few times first, as its default reading says).

Both demo servers run in their own process (see :mod:`bench.server_proc`), at 0 and 100 ms
injected latency per call.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

from bench.records import Record, median, metric
from bench.server_proc import ServerProcess

REST_SCENARIO = "healthy"  # its consent holds the debtor of the 5,000-employee company
REST_CONCURRENCY = 6


def _serve_rest(conn: Connection, scenario: str, latency_ms: int) -> None:
    from nmbrs_demo.rest.server import start_rest_demo_server

    server = start_rest_demo_server(scenario, latency_ms=latency_ms)
    big = server.world.big_company_id()
    number = next(c.Number for c in server.world.companies() if big == c.ID)
    conn.send(
        {"base_url": server.base_url, "token": server.script_token(), "big_number": str(number)}
    )
    try:
        conn.recv()
    except EOFError:
        pass
    finally:
        server.stop()


@contextlib.contextmanager
def rest_server(latency_ms: int) -> Iterator[dict[str, Any]]:
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_serve_rest, args=(child, REST_SCENARIO, latency_ms), daemon=True)
    process.start()
    child.close()
    if not parent.poll(90):
        process.kill()
        raise RuntimeError("the REST demo server process did not start within 90 s")
    try:
        yield parent.recv()
    finally:
        with contextlib.suppress(OSError, BrokenPipeError):
            parent.send("stop")
        process.join(10)
        if process.is_alive():
            process.kill()


def _rest_backend(info: dict[str, Any]) -> Any:
    from nmbrs_client.demo_identity import DEMO_REST_SUBSCRIPTION_KEY
    from nmbrs_client.rest.connect import open_rest_backend

    env = {
        "NMBRS_REST_BASE_URL": info["base_url"],
        "NMBRS_SUBSCRIPTION_KEY": DEMO_REST_SUBSCRIPTION_KEY,
        "NMBRS_REST_TOKEN": info["token"],
    }
    return open_rest_backend("bench", environ=env, concurrency=REST_CONCURRENCY)


def _open(backend: Any, company_id: Any) -> tuple[float, int]:
    calls_before = len(backend.call_log)
    started = time.perf_counter()
    employees = backend.employees(company_id)
    backend.employments(company_id)
    elapsed = time.perf_counter() - started
    assert len(employees) >= 4000, f"expected the big company, got {len(employees)} employees"
    return elapsed, len(backend.call_log) - calls_before


def _payslip(backend: Any, company_id: Any) -> tuple[float, int]:
    year = 2026
    runs = backend.runs(company_id, year)
    run = runs[0]
    member = backend.run_employees(company_id, run)[0]
    calls_before = len(backend.call_log)
    started = time.perf_counter()
    documents = backend.payslips(company_id, member.employee_id, run)
    elapsed = time.perf_counter() - started
    assert documents.pdfs, "no payslip PDF"
    return elapsed, len(backend.call_log) - calls_before


def _rest(latency_ms: int, reps: int) -> list[Record]:
    with rest_server(latency_ms) as info:
        backend = _rest_backend(info)
        try:
            company = next(c for c in backend.companies() if c.number == info["big_number"])
            _open(backend, company.id)  # warm-up: the demo generates the big company lazily
            slips = [_payslip(backend, company.id) for _ in range(reps)]
        finally:
            backend.close()
        opened = []
        for _ in range(reps):  # a fresh backend each time: it keeps history lists per company
            fresh = _rest_backend(info)
            try:
                opened.append(_open(fresh, company.id))
            finally:
                fresh.close()
    return [
        metric(
            f"rest_open.rest_open_big_company.{latency_ms}ms",
            median([t for t, _ in opened]),
            "s",
            calls=opened[0][1],
            concurrency=REST_CONCURRENCY,
            note="employees + employments, pages of 100, pages 2..N concurrent",
        ),
        metric(
            f"rest_open.rest_payslip_document_task.{latency_ms}ms",
            median([t for t, _ in slips]),
            "s",
            calls=slips[0][1],
            note="payslipperperiod → taskId → documents (202 polled with back-off)",
        ),
    ]


def _soap(latency_ms: int, reps: int) -> list[Record]:
    from nmbrs_client.client import NmbrsClient
    from nmbrs_client.config import demo_settings
    from nmbrs_client.soap_backend import SoapBackend

    with ServerProcess("healthy", latency_ms=latency_ms) as server:
        backend = SoapBackend(NmbrsClient(demo_settings(server.base_url)))
        try:
            _open(backend, server.big_company)  # warm-up, as for REST
            opened = [_open(backend, server.big_company) for _ in range(reps)]
            slips = [_payslip(backend, server.big_company) for _ in range(reps)]
        finally:
            backend.close()
    return [
        metric(
            f"rest_open.soap_open_big_company.{latency_ms}ms",
            median([t for t, _ in opened]),
            "s",
            calls=opened[0][1],
        ),
        metric(
            f"rest_open.soap_payslip.{latency_ms}ms",
            median([t for t, _ in slips]),
            "s",
            calls=slips[0][1],
        ),
    ]


def run(quick: bool = False) -> list[Record]:
    reps = 1 if quick else 3
    records: list[Record] = []
    for latency in (0, 100):
        records += _rest(latency, reps)
        records += _soap(latency, reps)
    return records
