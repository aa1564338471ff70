"""The probe scheduler alone: one call per distinct request, retries, cancel, priorities."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from nmbrs_client.calllog import CallLog
from nmbrs_client.client import DomainState
from nmbrs_client.errors import NmbrsFault, NmbrsTransportError
from nmbrs_client.operations import Operation, get_operation
from nmbrs_client.rights.scheduler import Outcome, ProbeScheduler
from tests.test_rights_engine import FakeSettings

RUNS = get_operation("CompanyService", "Run_GetList")
PERIOD = get_operation("CompanyService", "Company_GetCurrentPeriod")


class CountingClient:
    """Answers every call; ``fail`` maps an operation to the exceptions it raises first."""

    def __init__(self, fail: dict[str, list[Exception]] | None = None) -> None:
        self.settings = FakeSettings()
        self.base_url = self.settings.soap.base_url
        self.host = "fake.invalid"
        self.username = "fake"
        self.domain: str | None = "demo"
        self.domain_state = DomainState.PROFILE
        self.domain_source = "profile"
        self.domain_fault_code: int | None = None
        self.call_log: CallLog | None = None
        self.calls: Counter[tuple[str, tuple[tuple[str, Any], ...]]] = Counter()
        self.order: list[str] = []
        self.fail = fail or {}
        self.gate = threading.Event()
        self.gate.set()
        self._lock = threading.Lock()

    def ensure_domain(self) -> str | None:
        return self.domain

    def prepare(self) -> None:
        """Nothing to build: no WSDL behind this fake."""

    def call(self, operation: Operation, *, discover_domain: bool = True, **params: Any) -> Any:
        self.gate.wait(5)
        with self._lock:
            self.calls[(operation.qualified_name, tuple(sorted(params.items())))] += 1
            self.order.append(f"{operation.name}:{params.get('CompanyId')}")
            pending = self.fail.get(operation.qualified_name)
            if pending:
                raise pending.pop(0)
        return [{"ID": params.get("CompanyId", 0)}]


def scheduler(client: CountingClient, concurrency: int = 4, retries: int = 2) -> ProbeScheduler:
    return ProbeScheduler(
        client,
        concurrency=concurrency,
        retries=retries,
        backoff_s=0.0,
        cancel_event=threading.Event(),
    )


def test_the_same_call_is_made_once_and_shared() -> None:
    client = CountingClient()
    seen: list[Outcome] = []
    with scheduler(client) as s:
        for _ in range(3):
            s.request(RUNS, {"CompanyId": 1, "Year": 2026}, seen.append)
        s.run_until_idle()
        s.request(RUNS, {"Year": 2026, "CompanyId": 1}, seen.append)  # cached, any order
        s.run_until_idle()
    assert len(seen) == 4 and all(o.ok for o in seen)
    assert sum(client.calls.values()) == 1 and s.calls == 1


def test_transport_errors_are_retried_faults_are_not() -> None:
    reset = NmbrsTransportError(RUNS.qualified_name, "fake", "reset", kind="connection")
    fault = NmbrsFault(PERIOD.qualified_name, 1002, "Unauthorized access")
    client = CountingClient({RUNS.qualified_name: [reset, reset], PERIOD.qualified_name: [fault]})
    got: dict[str, Outcome] = {}
    with scheduler(client) as s:
        s.request(RUNS, {"CompanyId": 1, "Year": 2026}, lambda o: got.__setitem__("runs", o))
        s.request(PERIOD, {"CompanyId": 1}, lambda o: got.__setitem__("period", o))
        s.run_until_idle()
    assert got["runs"].ok and got["runs"].attempts == 3
    assert not got["period"].ok and got["period"].attempts == 1
    assert got["period"].verdict.fault_code == 1002


def test_cancelled_requests_are_answered_without_a_call() -> None:
    client = CountingClient()
    s = scheduler(client)
    s.cancel_event.set()
    got: list[Outcome] = []
    with s:
        s.request(RUNS, {"CompanyId": 1, "Year": 2026}, got.append)
        s.run_until_idle()
    assert got and got[0].cancelled and "cancelled" in got[0].verdict.message
    assert not client.calls


def test_lower_priority_value_runs_first_when_workers_are_busy() -> None:
    client = CountingClient()
    client.gate.clear()  # hold the single worker on the first call
    with scheduler(client, concurrency=1) as s:
        s.request(PERIOD, {"CompanyId": 0}, lambda _o: None)
        for company in (1, 2, 3):
            s.request(PERIOD, {"CompanyId": company}, lambda _o: None, priority=1)
        s.request(PERIOD, {"CompanyId": 9}, lambda _o: None, priority=0)
        client.gate.set()
        s.run_until_idle()
    assert client.order == [f"Company_GetCurrentPeriod:{c}" for c in (0, 9, 1, 2, 3)]


class SlowClient(CountingClient):
    """Every call takes a while (a big list, a slow network); counts the calls in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = 0
        self.most_in_flight = 0

    def call(self, operation: Operation, *, discover_domain: bool = True, **params: Any) -> Any:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            threading.Event().wait(0.05)
            return [{"ID": params.get("CompanyId", 0)}]
        finally:
            with self._lock:
                self.in_flight -= 1


def _run_slow(adapt_to_rate: float | None) -> tuple[SlowClient, ProbeScheduler]:
    client = SlowClient()
    sched = ProbeScheduler(
        client,
        concurrency=2,
        retries=0,
        backoff_s=0.0,
        cancel_event=threading.Event(),
        adapt_to_rate=adapt_to_rate,
    )
    with sched:
        for company in range(80):
            sched.request(PERIOD, {"CompanyId": company}, lambda _o: None)
        sched.run_until_idle()
    return client, sched


def test_calls_in_flight_grow_with_call_time_to_keep_up_with_the_rate() -> None:
    # 200 calls/s of ≥ 50 ms each need at least 10 in flight; 2 would cap it at 40/s.
    client, sched = _run_slow(200.0)
    assert sched.concurrency >= 10
    assert client.most_in_flight > 2
    assert client.most_in_flight <= sched.max_concurrency


def test_without_a_rate_the_configured_concurrency_holds() -> None:
    client, sched = _run_slow(None)
    assert sched.concurrency == 2 and client.most_in_flight <= 2
