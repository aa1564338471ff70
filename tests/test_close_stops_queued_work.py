"""Closing a connection ends the work queued on it, on both APIs, and quitting does not wait.

Quitting right after opening the big company closes the session while most of its pages are
still queued. Those pages must end at once as "closed", unsent: not go out one by one to a
server nobody waits for, holding the process (a pool's workers are joined at exit) until the
last of them is answered. Every wait here is on an event, never on the clock.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.concurrency import AdaptiveConcurrency, WindowClosed
from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.rest.client import RestClient, StaticToken
from nmbrs_client.rest.transport import RestReply, TransportLimits
from nmbrs_client.rest_operations import RestOp
from tests.hostile_server import HostileServer, hostile_server, settings_for
from tests.rest.fake import BASE, uid
from tests.test_retry import HTML_502

COMPANY = uid("company", 1)
PAGES = 50
SAFETY_S = 30.0  # only against a hang; nothing here waits for time to pass


class GatedTransport:
    """A REST transport that answers page 1 at once and holds every other page at a gate.

    Like a socket blocked in ``recv``, it cannot be interrupted by closing it: only the
    client can keep queued pages from reaching it.
    """

    host = "api.test.example"
    base_url = BASE + "/"
    limits = TransportLimits()

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.first_held = threading.Event()
        self.sent: list[int] = []
        self._lock = threading.Lock()

    def get(
        self,
        operation: str,
        path: str,
        params: Mapping[str, str],
        *,
        access_token: str,
        read_timeout_s: float | None = None,
    ) -> RestReply:
        number = int(params["pageNumber"])
        with self._lock:
            self.sent.append(number)
        if number > 1:
            self.first_held.set()
            assert self.gate.wait(SAFETY_S), "the test never opened the gate"
        body = (
            b'{"pagination": {"pageNumber": %d, "totalPages": %d}, "data": [{"employeeId": "%s"}]}'
            % (number, PAGES, uid("employee", number).encode())
        )
        return RestReply(200, "application/json", body, {})

    def close(self) -> None:
        pass  # what is on its way stays on its way


def _pages_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("nmbrs-rest-pages")]


def test_closing_the_rest_client_stops_its_queued_pages() -> None:
    transport = GatedTransport()
    client = RestClient(transport, StaticToken("token"), concurrency=8)  # type: ignore[arg-type]
    failure: list[BaseException] = []
    ended = threading.Event()

    def read() -> None:
        try:
            client.list_all(RestOp.EMPLOYEES, {"companyId": COMPANY})
        except BaseException as exc:
            failure.append(exc)
        finally:
            ended.set()

    threading.Thread(target=read, daemon=True).start()
    assert transport.first_held.wait(SAFETY_S)
    client.close()
    with transport._lock:
        sent_before_close = len(transport.sent)
    transport.gate.set()  # the pages that were on their way are answered now
    assert ended.wait(SAFETY_S)
    for thread in _pages_threads():
        thread.join(SAFETY_S)

    # only page 1 and the pages already on the wire were sent; the queued ones never were
    assert sent_before_close <= 1 + client.window.cap
    assert len(transport.sent) == sent_before_close < PAGES
    assert failure and isinstance(failure[0], NmbrsTransportError)
    assert failure[0].kind == "closed" and not failure[0].retryable
    assert not any(t.is_alive() for t in _pages_threads())


def test_a_closed_rest_client_sends_nothing_more() -> None:
    transport = GatedTransport()
    client = RestClient(transport, StaticToken("token"))  # type: ignore[arg-type]
    client.close()
    with pytest.raises(NmbrsTransportError) as info:
        client.single(RestOp.USER_INFO)
    assert info.value.kind == "closed"
    assert transport.sent == []


def test_a_closed_window_wakes_the_callers_waiting_for_a_place() -> None:
    window = AdaptiveConcurrency(1, start=1)
    window.acquire()  # the one place is taken
    waiting = threading.Event()
    outcome: list[BaseException] = []

    def wait_for_a_place() -> None:
        waiting.set()
        try:
            window.acquire()
        except WindowClosed as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=wait_for_a_place, daemon=True)
    waiter.start()
    assert waiting.wait(SAFETY_S)
    window.close()
    waiter.join(SAFETY_S)
    assert not waiter.is_alive() and outcome
    with pytest.raises(WindowClosed):
        window.try_acquire()


@pytest.fixture
def counting_502() -> Iterator[tuple[HostileServer, list[str]]]:
    hits: list[str] = []

    def answer(handler: BaseHTTPRequestHandler) -> None:
        hits.append(handler.path)
        HTML_502(handler)

    with hostile_server({"bad": answer}) as running:
        yield running, hits


def test_a_closed_soap_client_sends_nothing_more(
    counting_502: tuple[HostileServer, list[str]],
) -> None:
    server, hits = counting_502
    client = NmbrsClient(settings_for(server.url("bad")))
    client.close()  # a requests session would open a new connection for the next call
    with pytest.raises(NmbrsTransportError) as info:
        client.companies()
    assert info.value.kind == "closed"
    assert hits == []


QUIT_WITH_A_HELD_POOL = """
import atexit, sys, threading
from concurrent.futures import ThreadPoolExecutor
from tui.dashboard_cmd import leave_now, threads_holding_exit

never = threading.Event()
started = threading.Event()

def worker():  # a dashboard worker (a daemon thread) whose list pages are still queued
    pool = ThreadPoolExecutor(2)
    for _ in range(4):
        pool.submit(lambda: (started.set(), never.wait()))

threading.Thread(target=worker, daemon=True).start()
started.wait()
atexit.register(print, "exit handlers ran", flush=True)
if threads_holding_exit():
    leave_now(0)
"""


def test_quitting_does_not_wait_for_a_pool_started_from_a_daemon_worker() -> None:
    """The dashboard's workers are daemon threads, so the pools they start are too; the
    interpreter still joins those pools' workers at exit, so quitting must leave without
    them, after running the exit handlers a normal exit runs."""
    done = subprocess.run(
        [sys.executable, "-c", QUIT_WITH_A_HELD_POOL],
        capture_output=True,
        text=True,
        timeout=SAFETY_S,  # a process that waits for its pool never ends: only a safety net
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "exit handlers ran"
