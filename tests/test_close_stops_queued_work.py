"""Closing a connection ends the work queued on it, on both APIs, and so does cancelling the
work of a pane; quitting does not wait.

Quitting right after opening the big company closes the session while most of its pages are
still queued. Those pages must end at once as "closed", unsent: not go out one by one to a
server nobody waits for, holding the process (a pool's workers are joined at exit) until the
last of them is answered. Every wait here is on an event, never on the clock.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from nmbrs_client import kept as kept_module
from nmbrs_client.cancel import (
    Stop,
    calls_stopped,
    first_done,
    stop_requested,
    stopping_when,
    was_stopped,
)
from nmbrs_client.client import NmbrsClient
from nmbrs_client.concurrency import AdaptiveConcurrency, WindowClosed
from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.rest.backend import RestBackend
from nmbrs_client.rest.client import RestClient, StaticToken
from nmbrs_client.rest_operations import RestOp
from tests.fake_backend import FakeBackend
from tests.hostile_server import HostileServer, hostile_server, settings_for
from tests.rest.fake import uid
from tests.rest.gated import PAGES, SAFETY_S, GatedTransport, on_a_thread
from tests.test_retry import HTML_502
from tui.data.kinds import Kind
from tui.data.store import DataStore

COMPANY = uid("company", 1)


def _pages_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("nmbrs-rest-pages")]


def _stopped_midway(
    transport: GatedTransport,
    read: Callable[[], object],
    stop: Callable[[], object],
    client: RestClient,
) -> tuple[int, BaseException | None]:
    """Run ``read`` on its own thread; once its later pages are held, ``stop`` it, then let the
    held pages answer and every page job end. How many calls were sent before the stop, and
    what ``read`` raised."""
    ended, failure = on_a_thread(read)
    assert transport.first_held.wait(SAFETY_S)
    stop()
    sent_before = transport.sent_count()
    transport.gate.set()  # the pages that were on their way are answered now
    assert ended.wait(SAFETY_S)
    assert client.pages.wait_idle(SAFETY_S)  # the client's page threads outlive one list
    for thread in _pages_threads() if client.closed else []:
        thread.join(SAFETY_S)
    return sent_before, failure[0] if failure else None


def test_closing_the_rest_client_stops_its_queued_pages() -> None:
    transport = GatedTransport()
    client = RestClient(transport, StaticToken("token"), concurrency=8)  # type: ignore[arg-type]
    sent_before_close, failure = _stopped_midway(
        transport,
        lambda: client.list_all(RestOp.EMPLOYEES, {"companyId": COMPANY}),
        client.close,
        client,
    )
    # only page 1 and the pages already on the wire were sent; the queued ones never were
    assert sent_before_close <= 1 + client.window.cap
    assert transport.sent_count() == sent_before_close < PAGES
    assert isinstance(failure, NmbrsTransportError)
    assert failure.kind == "closed" and not failure.retryable
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


# ---------------------------------------------------------------- a cancelled caller's work


def test_a_cancelled_callers_queued_pages_end_unsent() -> None:
    """A pane cancelled with esc: the list its worker reads stops sending its pages."""
    transport = GatedTransport()
    client = RestClient(transport, StaticToken("token"), concurrency=8)  # type: ignore[arg-type]
    cancelled = threading.Event()

    def read() -> None:
        with stopping_when(cancelled.is_set):
            client.list_all(RestOp.EMPLOYEES, {"companyId": COMPANY})

    sent_before, failure = _stopped_midway(transport, read, cancelled.set, client)
    assert transport.sent_count() == sent_before < PAGES
    assert failure is not None and was_stopped(failure)
    client.close()


def test_a_cancelled_callers_soap_call_is_not_sent(
    counting_502: tuple[HostileServer, list[str]],
) -> None:
    server, hits = counting_502
    client = NmbrsClient(settings_for(server.url("bad")))
    with stopping_when(lambda: True), pytest.raises(NmbrsTransportError) as info:
        client.companies()
    client.close()
    assert was_stopped(info.value) and hits == []


def test_a_fetch_shared_with_a_cancelled_pane_is_made_again_for_the_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two panes wait for one entry; the one whose worker fetches it is cancelled. The other
    was not: it gets the entry (fetched again for it), not the first one's cancellation."""
    started, gate, waiting = threading.Event(), threading.Event(), threading.Event()
    made: list[int] = []

    wait = first_done

    def watched(futures: Collection[Future[Any]], stop: Stop | None = None) -> set[Future[Any]]:
        waiting.set()  # the second pane now waits for the first one's fetch
        return wait(futures, stop)

    def fetch(backend: object, key: object) -> object:
        made.append(1)
        if len(made) == 1:
            started.set()
            assert gate.wait(SAFETY_S)
        if stop_requested():
            raise calls_stopped("EMPLOYEES", "host")
        return f"rows {len(made)}"

    monkeypatch.setattr(kept_module, "first_done", watched)  # the store keeps them in a Kept
    kind: Kind[str, object] = Kind("rows", fetch, lambda key: None)
    store = DataStore(FakeBackend())
    cancelled = threading.Event()
    first: list[BaseException] = []

    def first_pane() -> None:
        with stopping_when(cancelled.is_set):
            try:
                store.fetch(kind, "company")
            except NmbrsTransportError as exc:
                first.append(exc)

    owner = threading.Thread(target=first_pane, daemon=True)
    owner.start()
    assert started.wait(SAFETY_S)
    with ThreadPoolExecutor(1) as pool:
        second = pool.submit(store.fetch, kind, "company")
        assert waiting.wait(SAFETY_S)
        cancelled.set()
        gate.set()
        assert second.result(SAFETY_S) == "rows 2"
    owner.join(SAFETY_S)
    assert first and was_stopped(first[0]) and len(made) == 2


def test_a_cancelled_callers_histories_end_unsent_too() -> None:
    """The contracts of a company are five histories read side by side, each by its own
    thread: the caller's stop reaches their pages as well."""
    transport = GatedTransport()
    client = RestClient(transport, StaticToken("token"), concurrency=8)  # type: ignore[arg-type]
    backend = RestBackend(client)
    cancelled = threading.Event()

    def read() -> None:
        with stopping_when(cancelled.is_set):
            backend.contracts(COMPANY)

    sent_before, failure = _stopped_midway(transport, read, cancelled.set, client)
    assert transport.sent_count() == sent_before < 5 * PAGES
    assert failure is not None and was_stopped(failure)
    client.close()
