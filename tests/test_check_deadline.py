"""One retry budget and one deadline per check: a call that never answers cannot hold it.

A server that accepts ``Function_GetCurrent`` and never replies must cost that call one read
time-out plus one short retry, end as ``error`` (never a verdict), leave the other cells
verified and the check exits 2. The time-outs here are configured short (the default-settings
case is measured by hand), and the deadline tests run on a fake clock: nothing waits on latency.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.ids import ApiKind
from nmbrs_client.retry import (
    CheckBudget,
    Failure,
    FailureKind,
    RetryPolicy,
    budget_applied,
    check_deadline_s,
)
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.engine import RightsEngine
from nmbrs_client.rights.protocol import CheckOptions, ProbeTuning
from nmbrs_client.rights.requirements import find_profile
from nmbrs_demo import RunningDemo, start
from nmbrs_demo.scenarios import load_scenario
from tests.hostile_server import HostileServer, hostile_server, settings_for
from tests.test_retry import HTML_502

HUNG = "EmployeeService.Function_GetCurrent"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@pytest.fixture()
def hanging_demo() -> Iterator[RunningDemo]:
    scenario = replace(load_scenario("healthy"), hang_operations=frozenset({HUNG}))
    with start(ApiKind.SOAP, scenario, latency_ms=0) as demo:
        yield demo


def test_a_hung_operation_is_one_timeout_plus_one_short_retry_then_error(
    hanging_demo: RunningDemo,
) -> None:
    settings = hanging_demo.settings().model_copy(
        update={"timeout_s": 1.5, "connect_timeout_s": 1.0}
    )
    client = NmbrsClient(settings, retry_policy=RetryPolicy(retry_timeout_s=0.5))
    try:
        report = RightsEngine(client, find_profile("integration")).run()
    finally:
        client.close()
    hung = [c for c in report.cells if c.qualified_name == HUNG]
    others = [c for c in report.cells if c.qualified_name != HUNG]
    assert hung and all(c.status is Status.ERROR for c in hung)
    assert others and all(c.status is Status.ALLOWED for c in others)
    assert int(report.exit_code) == 2
    records = [r for r in client.call_log.records() if r.operation == HUNG]
    by_employee: dict[Any, list[Any]] = {}
    for record in records:
        by_employee.setdefault(record.employee_id, []).append(record)
    for attempts in by_employee.values():
        assert [r.attempt for r in attempts] == [1, 2]  # one time-out, one short retry
        assert "1.5 s" in attempts[0].message and "0.5 s" in attempts[1].message


def test_the_scheduler_starts_nothing_after_the_check_deadline(soap_demo: RunningDemo) -> None:
    clock = FakeClock()
    calls = 0

    class SlowOnTheFakeClock:
        """The real client; every call takes 40 fake seconds."""

        def __init__(self, inner: NmbrsClient) -> None:
            self._inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

        def call(self, *args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            clock.advance(40.0)
            return self._inner.call(*args, **kwargs)

    client = NmbrsClient(soap_demo.settings())
    try:
        engine = RightsEngine(
            SlowOnTheFakeClock(client),
            find_profile("integration"),
            CheckOptions(concurrency=1),
            ProbeTuning(deadline_s=100.0, monotonic=clock),
        )
        report = engine.run()
    finally:
        client.close()
    assert calls <= 4  # three calls use up 120 s of a 100 s deadline (one may be in flight)
    assert int(report.exit_code) == 2
    late = [c for c in report.cells if "ran out of time" in c.message]
    assert late, "the cells left after the deadline must say so"
    assert all(c.status is not Status.ALLOWED for c in late)
    assert not any(c.status is Status.ALLOWED for c in report.cells)  # nothing unprobed allowed


def test_the_deadline_follows_the_settings() -> None:
    assert check_deadline_s(30.0, 10.0) == 600.0
    assert check_deadline_s(5.0, 1.0) < check_deadline_s(30.0, 10.0)


def test_transient_retries_of_a_check_are_bounded_together() -> None:
    clock = FakeClock()
    budget = CheckBudget(100.0, retry_floor=2, retry_share=0.5, clock=clock)
    reset = Failure(FailureKind.RESET)
    for _ in range(4):
        budget.attempted()
    # floor 2 + half of 4 attempts = 4 retries for the whole check, not 4 per call
    assert [budget.allow_retry(reset, 0.1) for _ in range(6)] == [True] * 4 + [False] * 2
    # throttling is waited out while the deadline allows, not counted against the budget
    assert budget.allow_retry(Failure(FailureKind.THROTTLED, 1.0), 1.0)
    clock.advance(99.5)
    assert not budget.allow_retry(Failure(FailureKind.THROTTLED, 1.0), 1.0)
    clock.advance(1.0)
    assert budget.expired and budget.remaining_s() == 0.0


@pytest.fixture(scope="module")
def always_502() -> Iterator[HostileServer]:
    with hostile_server({"bad": HTML_502}) as running:
        yield running


def test_the_client_draws_its_retries_from_the_check_budget(always_502: HostileServer) -> None:
    policy = RetryPolicy(transient_attempts=10, base_delay_s=0.0, max_delay_s=0.0, jitter=0.0)
    client = NmbrsClient(settings_for(always_502.url("bad")), retry_policy=policy)
    budget = CheckBudget(600.0, retry_floor=1, retry_share=0.0)
    try:
        with budget_applied(budget), pytest.raises(NmbrsTransportError) as first:
            client.companies()
        with budget_applied(budget), pytest.raises(NmbrsTransportError) as second:
            client.companies()
        without = NmbrsClient(settings_for(always_502.url("bad")), retry_policy=policy)
        with pytest.raises(NmbrsTransportError) as alone:
            without.companies()
        without.close()
    finally:
        client.close()
    assert first.value.attempts == 2  # the one retry of the whole budget
    assert second.value.attempts == 1  # the budget is spent: no retry for the next call
    assert alone.value.attempts == 10  # outside a check, the per-call policy alone
