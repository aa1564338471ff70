"""The retry policy (protocol-neutral) and the SOAP client's use of it against scripted replies."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.errors import NmbrsFault, NmbrsTransportError
from nmbrs_client.retry import Failure, FailureKind, RetryPolicy, parse_retry_after
from tests.hostile_server import (
    Behaviour,
    HostileServer,
    hostile_server,
    reply,
    reset,
    settings_for,
    soap_fault,
)
from tests.test_client_hostile import envelope

GOOD = reply(
    200,
    envelope(
        "<Company><ID>7</ID><Number>3</Number><Name>Acme</Name>"
        "<LoonaangifteTijdvak>Month</LoonaangifteTijdvak></Company>"
    ),
)
TRUNCATED = reply(200, envelope("<Company><ID>7</ID>")[:-60])
HTML_502 = reply(502, b"<html><head><title>Bad gateway</title></head></html>", "text/html")
THROTTLED = reply(429, b"", "text/plain", headers={"Retry-After": "0"})
UNAVAILABLE = reply(503, b"busy", "text/plain", headers={"Retry-After": "0"})
SLOW_DOWN = soap_fault("Server was unable to process request. ---&gt; Too many calls, slow down")
DENIED = soap_fault("Server was unable to process request. ---&gt; 1002: Unauthorized access")
FAST = RetryPolicy(base_delay_s=0.0, max_delay_s=0.0, jitter=0.0)


def sequence(*plays: Behaviour) -> Behaviour:
    """Each request gets the next behaviour; the last one repeats."""
    remaining = list(plays)

    def play(handler: BaseHTTPRequestHandler) -> None:
        step = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        step(handler)

    return play


# --------------------------------------------------------------------------- policy
def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Tue, 01 Dec 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Tue, 01 Dec 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_retry_after_is_capped_and_the_budget_ends_retrying() -> None:
    policy = RetryPolicy(retry_after_cap_s=5.0, budget_s=20.0)
    throttled = Failure(FailureKind.THROTTLED, retry_after_s=3600)
    assert policy.delay_before_retry(throttled, 1, 0.0) == 5.0
    assert policy.delay_before_retry(throttled, 2, 16.0) is None  # 16 + 5 > 20


def test_attempts_per_kind_and_final_never_retried() -> None:
    policy = RetryPolicy(transient_attempts=3, throttled_attempts=5, jitter=0.0)
    rng = random.Random(1)
    reset = Failure(FailureKind.RESET)
    assert [policy.delay_before_retry(reset, n, 0.0, rng=rng) for n in (1, 2, 3)] == [
        0.25,
        0.5,
        None,
    ]
    # a time-out already cost a whole read time-out: one more (short) try, then give up
    timeout = Failure(FailureKind.TIMEOUT)
    assert [policy.delay_before_retry(timeout, n, 0.0, rng=rng) for n in (1, 2)] == [0.25, None]
    assert policy.read_timeout_after(timeout, 30.0) == policy.retry_timeout_s < 30.0
    assert policy.read_timeout_after(reset, 30.0) == 30.0
    assert policy.delay_before_retry(Failure(FailureKind.THROTTLED), 4, 0.0) == 2.0
    assert policy.delay_before_retry(Failure(FailureKind.THROTTLED), 5, 0.0) is None
    assert policy.delay_before_retry(Failure(FailureKind.FINAL), 1, 0.0) is None


# --------------------------------------------------------------------------- client
@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with hostile_server(
        {
            "truncated": sequence(TRUNCATED, GOOD),
            "reset": sequence(reset(), GOOD),
            "gateway": sequence(HTML_502, HTML_502, GOOD),
            "throttled": sequence(THROTTLED, UNAVAILABLE, THROTTLED, GOOD),
            "slowdown": sequence(SLOW_DOWN, GOOD),
            "denied": DENIED,
            "always502": HTML_502,
        }
    ) as running:
        yield running


def client(server: HostileServer, case: str, policy: RetryPolicy = FAST) -> NmbrsClient:
    return NmbrsClient(settings_for(server.url(case)), retry_policy=policy)


@pytest.mark.parametrize(
    ("case", "kind", "retries"),
    [
        ("truncated", "malformed", 1),
        ("reset", "reset", 1),
        ("gateway", "server_error", 2),
        ("throttled", "throttled", 3),
        ("slowdown", "throttled", 1),
    ],
)
def test_transient_failures_and_throttling_are_retried_and_counted(
    server: HostileServer, case: str, kind: str, retries: int
) -> None:
    nmbrs = client(server, case)
    companies = nmbrs.companies()
    assert [c.ID for c in companies] == [7]
    records = nmbrs.call_log.records()
    assert [r.attempt for r in records] == list(range(1, retries + 2))
    assert [r.outcome for r in records][-1] == "ok"
    assert nmbrs.retry_stats.snapshot() == {"retries": {kind: retries}, "gave_up": {}}
    assert nmbrs.retry_stats.total == retries


def test_a_fault_with_a_meaning_is_never_retried(server: HostileServer) -> None:
    nmbrs = client(server, "denied")
    with pytest.raises(NmbrsFault) as info:
        nmbrs.companies()
    assert info.value.code == 1002 and not info.value.retries_exhausted
    assert len(nmbrs.call_log.records()) == 1 and nmbrs.retry_stats.total == 0


def test_giving_up_is_marked_so_nobody_retries_on_top(server: HostileServer) -> None:
    nmbrs = client(server, "always502", RetryPolicy(transient_attempts=3, base_delay_s=0.0))
    with pytest.raises(NmbrsTransportError) as info:
        nmbrs.companies()
    error = info.value
    assert error.attempts == 3 and error.retries_exhausted
    assert len(nmbrs.call_log.records()) == 3
    assert nmbrs.retry_stats.snapshot() == {
        "retries": {"server_error": 2},
        "gave_up": {"server_error": 1},
    }
    from nmbrs_client.rights.classify import is_retryable

    assert not is_retryable(error)
