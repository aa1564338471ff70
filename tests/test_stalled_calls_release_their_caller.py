"""A call stalled on the network (the server took the request and sends nothing) holds nobody.

A pane's worker esc'd while one of its pages is stalled must stop waiting at once, not at the
page's read time-out; a connection closed (quit, another profile) releases every caller
waiting on it at once, as "closed", never as a connection that broke. The stalled call itself
may run on to its time-out, unheard. Every stall here lasts until the test ends it, far longer
than any wait of the test: a caller that waited for it would fail the test, not slow it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler

import pytest

from nmbrs_client.cancel import stopping_when, was_stopped
from nmbrs_client.client import NmbrsClient
from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.rest.backend import RestBackend
from nmbrs_client.rest.client import RestClient, StaticToken
from nmbrs_client.rest.transport import RestReply
from nmbrs_client.rest_operations import RestOp
from tests.hostile_server import HostileServer, hostile_server, settings_for
from tests.rest.fake import uid
from tests.rest.gated import PAGES, SAFETY_S, GatedTransport, on_a_thread

COMPANY = uid("company", 1)
READ_TIMEOUT_S = 60.0  # what a stalled call would hold its caller for: twice the test's safety


class StalledTransport(GatedTransport):
    """Page 1 at once; every later page stalls until the test ends the stall (or its read
    time-out passes): then it is answered, or, with ``broken`` set, its connection breaks."""

    def __init__(self, stalled_path: str = "") -> None:
        super().__init__()
        self.broken = threading.Event()
        self.stalled_path = stalled_path  # when given, every page of that path stalls, page 1 too
        self.path_held = threading.Event()  # a page of ``stalled_path`` is stalled

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
        on_stalled_path = bool(self.stalled_path) and self.stalled_path in path
        if number > 1 or on_stalled_path:
            (self.path_held if on_stalled_path else self.first_held).set()
            ended = self.gate.wait(READ_TIMEOUT_S)
            if self.broken.is_set() or not ended:
                with self._lock:
                    self.sent.append(number)
                raise NmbrsTransportError(
                    operation,
                    self.host,
                    "the connection broke while reading the reply",
                    kind="connection",
                )
        with self._lock:
            self.sent.append(number)
        body = (
            b'{"pagination": {"pageNumber": %d, "totalPages": %d}, "data": [{"employeeId": "%s"}]}'
            % (number, PAGES, uid("employee", number).encode())
        )
        return RestReply(200, "application/json", body, {})


def _reading(client: RestClient, first_row: threading.Event) -> None:
    """Read the list to its end; ``first_row`` once page 1's rows are given, which is after
    every later page was queued: from then on the reader waits for page 2."""
    for _row in client.rows(RestOp.EMPLOYEES, {"companyId": COMPANY}):
        first_row.set()


@pytest.fixture
def stalled() -> Iterator[tuple[StalledTransport, RestClient]]:
    transport = StalledTransport()
    # one page thread, one place on the wire: the page that stalls is page 2, the very page
    # the reader waits for next (not one still waiting for a place, which a close wakes)
    client = RestClient(transport, StaticToken("token"), concurrency=1)  # type: ignore[arg-type]
    yield transport, client
    transport.gate.set()  # the stalled pages end now, long after their callers did
    assert client.pages.wait_idle(SAFETY_S)
    client.close()


def test_an_escd_reader_stops_waiting_for_a_stalled_page(
    stalled: tuple[StalledTransport, RestClient],
) -> None:
    transport, client = stalled
    cancelled, first_row = threading.Event(), threading.Event()

    def read() -> None:
        with stopping_when(cancelled.is_set):
            _reading(client, first_row)

    ended, raised = on_a_thread(read)
    assert transport.first_held.wait(SAFETY_S) and first_row.wait(SAFETY_S)
    cancelled.set()
    assert ended.wait(SAFETY_S), "the esc'd reader still waits for its stalled page"
    assert not transport.gate.is_set()  # released while its pages were still stalled
    assert raised and was_stopped(raised[0])


def test_closing_releases_a_reader_waiting_for_a_stalled_page_as_closed(
    stalled: tuple[StalledTransport, RestClient],
) -> None:
    transport, client = stalled
    first_row = threading.Event()
    ended, raised = on_a_thread(lambda: _reading(client, first_row))
    assert transport.first_held.wait(SAFETY_S) and first_row.wait(SAFETY_S)
    client.close()
    assert ended.wait(SAFETY_S), "a reader of a closed client still waits for its stalled page"
    assert not transport.gate.is_set()
    failure = raised[0]
    assert isinstance(failure, NmbrsTransportError) and failure.kind == "closed"


def test_a_rest_call_that_breaks_after_its_client_closed_is_closed_not_broken(
    stalled: tuple[StalledTransport, RestClient],
) -> None:
    """The call on the caller's own thread cannot be let go; when it ends, it says why."""
    transport, client = stalled
    ended, raised = on_a_thread(
        lambda: client.page(RestOp.EMPLOYEES, {"companyId": COMPANY}, number=2)
    )
    assert transport.first_held.wait(SAFETY_S)
    client.close()
    transport.broken.set()
    transport.gate.set()  # the closed socket: the read ends with a broken connection
    assert ended.wait(SAFETY_S)
    failure = raised[0]
    assert isinstance(failure, NmbrsTransportError)
    assert failure.kind == "closed", failure.problem
    assert "broke" not in str(failure)


@pytest.fixture
def stalling_soap() -> Iterator[tuple[HostileServer, threading.Event, threading.Event]]:
    """A SOAP server that takes the request, sends nothing until ``release``, then hangs up."""
    arrived, release = threading.Event(), threading.Event()

    def stall(handler: BaseHTTPRequestHandler) -> None:
        arrived.set()
        release.wait(READ_TIMEOUT_S)
        handler.close_connection = True  # no reply at all: the read ends on a closed socket

    with hostile_server({"stall": stall}) as running:
        yield running, arrived, release
        release.set()


@pytest.mark.parametrize("ended_by", ["close", "esc"])
def test_a_soap_call_that_breaks_after_close_or_esc_says_so_not_broken(
    stalling_soap: tuple[HostileServer, threading.Event, threading.Event], ended_by: str
) -> None:
    server, arrived, release = stalling_soap
    client = NmbrsClient(settings_for(server.url("stall"), timeout_s=READ_TIMEOUT_S))
    cancelled = threading.Event()

    def call() -> None:
        with stopping_when(cancelled.is_set):
            client.companies()

    ended, raised = on_a_thread(call)
    assert arrived.wait(SAFETY_S)
    if ended_by == "close":
        client.close()
    else:
        cancelled.set()
    release.set()
    assert ended.wait(SAFETY_S)
    client.close()
    failure = raised[0]
    assert isinstance(failure, NmbrsTransportError), failure
    assert failure.kind == ("closed" if ended_by == "close" else "cancelled"), failure.problem


def test_an_escd_contracts_read_stops_waiting_for_a_history_stalled_on_its_first_page() -> None:
    """The contracts are five histories read side by side, each on a thread of its own. The
    first history's first page stalls on its thread (no page pool between), so only the
    contracts' own wait can end; the others' failures come after it in the order asked."""
    transport = StalledTransport(stalled_path="/personalinfo")
    client = RestClient(transport, StaticToken("token"), concurrency=8)  # type: ignore[arg-type]
    backend = RestBackend(client)
    cancelled = threading.Event()

    def read() -> None:
        with stopping_when(cancelled.is_set):
            backend.contracts(COMPANY)

    ended, raised = on_a_thread(read)
    try:
        assert transport.path_held.wait(SAFETY_S)
        cancelled.set()
        assert ended.wait(SAFETY_S), "the esc'd contracts read still waits for a history"
        assert not transport.gate.is_set()
        assert raised and was_stopped(raised[0])
    finally:
        transport.gate.set()
        client.close()
