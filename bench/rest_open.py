"""REST vs SOAP: open the 5,000-employee company, and fetch one payslip.

"Open" is what the employees pane loads for a company: the employee list and every
employee's employments, side by side as the pane loads them. Over SOAP that is two calls
(``List_GetByCompany`` and ``Employment_GetAll_AllEmployeesByCompany``). Over REST both are
paged with at most 100 rows a page, so each takes 50 pages for 5,000 employees: the client reads
page 1 of each, learns ``totalPages`` and fetches the other pages concurrently, as many on the
wire as the client's window allows (at most the REST concurrency the app uses). Its bound is
``pages ÷ concurrency × RTT`` at 100 ms. Each record says how many calls were made.

One payslip: SOAP ``SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2`` is one call; REST
is ``payslipperperiod`` → ``taskId`` → ``/api/documents/{taskId}``, polled while it answers 202.
For the timed figure the demo builds each document in a known time (:data:`DOCUMENT_READY_S`,
besides its default reading of three 202s), so the bound is that time plus the two round trips
that cannot overlap it; three build times are summed, so no schedule is judged by where one
of them happens to fall between two polls.

Both demo servers run in their own process (see :mod:`bench.server_proc`), at 0 and 100 ms
injected latency per call.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

from bench.records import Record, median, metric
from bench.server_proc import ServerProcess
from nmbrs_client.rest.connect import MAX_CONCURRENCY

REST_SCENARIO = "healthy"  # its consent holds the debtor of the 5,000-employee company
REST_CONCURRENCY = MAX_CONCURRENCY  # what the app uses with the default profile
# how long the demo takes to build a document in the timed figure: several times, spread
# over an order of magnitude, so no polling schedule is judged by one lucky or unlucky point
DOCUMENT_READY_S = (0.1, 0.3, 1.0)
OPEN_TARGET = 1.3
PAYSLIP_TARGET = 1.2


def _serve_rest(conn: Connection, scenario: str, latency_ms: int) -> None:
    from nmbrs_demo.rest.server import start_rest_demo_server

    server = start_rest_demo_server(scenario, latency_ms=latency_ms)
    big = server.world.big_company_id()
    number = next(c.Number for c in server.world.companies() if big == c.ID)
    conn.send(
        {"base_url": server.base_url, "token": server.script_token(), "big_number": str(number)}
    )
    try:
        while True:  # ("ready", seconds) sets the documents' build time; anything else stops
            message = conn.recv()
            if not (isinstance(message, tuple) and message[0] == "ready"):
                break
            server.demo.document_ready_s = float(message[1])
            conn.send("ok")
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

    def build_time(seconds: float) -> None:
        parent.send(("ready", seconds))
        parent.recv()

    try:
        yield {**parent.recv(), "build_time": build_time}
    finally:
        with contextlib.suppress(OSError, BrokenPipeError):
            parent.send("stop")
        process.join(10)
        if process.is_alive():
            process.kill()


def _rest_backend(info: dict[str, Any]) -> Any:
    from nmbrs_client.rest.connect import open_rest_backend
    from nmbrs_demo.credentials import DEMO_REST_SUBSCRIPTION_KEY

    env = {
        "NMBRS_REST_BASE_URL": info["base_url"],
        "NMBRS_SUBSCRIPTION_KEY": DEMO_REST_SUBSCRIPTION_KEY,
        "NMBRS_REST_TOKEN": info["token"],
    }
    return open_rest_backend("bench", environ=env, concurrency=REST_CONCURRENCY)


def _open(backend: Any, company_id: Any) -> tuple[float, int]:
    """Both lists side by side, as the employees pane loads them (one thread each)."""
    calls_before = len(backend.call_log)
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        listed = pool.submit(backend.employees, company_id)
        employed = pool.submit(backend.employments, company_id)
        employees = listed.result()
        employed.result()
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
            slips: dict[float, list[tuple[float, int]]] = {}
            for ready in DOCUMENT_READY_S:
                info["build_time"](ready)
                slips[ready] = [_payslip(backend, company.id) for _ in range(reps)]
        finally:
            backend.close()
        opened = []
        for _ in range(reps):  # a fresh backend each time: it keeps history lists per company
            fresh = _rest_backend(info)
            try:
                # what the app calls when it connects, before any company can be opened
                fresh.identity()
                fresh.companies()
                opened.append(_open(fresh, company.id))
            finally:
                fresh.close()
    latency = latency_ms / 1000
    pages = opened[0][1]
    open_s = median([t for t, _ in opened])
    open_bound = pages / REST_CONCURRENCY * latency
    # the median of each build time, summed, against the sum of their bounds
    slip_s = sum(median([t for t, _ in runs]) for runs in slips.values())
    slip_bound = sum(ready + 2 * latency for ready in slips)
    per_ready = {
        f"{ready:g}s": round(median([t for t, _ in runs]) / (ready + 2 * latency), 3)
        for ready, runs in slips.items()
    }
    return [
        metric(
            f"rest_open.rest_open_big_company.{latency_ms}ms",
            open_s,
            "s",
            samples=[t for t, _ in opened],
            bound=open_bound if open_bound else None,
            ratio=open_s / open_bound if open_bound else None,
            target=OPEN_TARGET if open_bound else None,
            calls=pages,
            concurrency=REST_CONCURRENCY,
            note="employees + employments side by side, pages of 100, pages 2..N concurrent; "
            "bound: pages ÷ concurrency × RTT",
        ),
        metric(
            f"rest_open.rest_payslip_document_task.{latency_ms}ms",
            slip_s,
            "s",
            bound=slip_bound,
            ratio=slip_s / slip_bound,
            target=PAYSLIP_TARGET if latency_ms == 0 else None,
            calls=[runs[0][1] for runs in slips.values()],
            document_ready_s=list(DOCUMENT_READY_S),
            ratio_per_build_time=per_ready,
            note="payslipperperiod → taskId → documents, polled while it answers 202, for "
            "documents that take 0.1, 0.3 and 1 s to build (medians summed); bound: the build "
            "times + 2 round trips each",
        ),
    ]


def _soap(latency_ms: int, reps: int) -> list[Record]:
    from nmbrs_client.client import NmbrsClient
    from nmbrs_client.soap_backend import SoapBackend
    from nmbrs_demo.reach import demo_settings

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
