"""A REST transport that answers page 1 of a list at once and holds every other page at a gate:
what a test needs to see what the client does while pages are on their way."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from nmbrs_client.rest.transport import RestReply, TransportLimits
from tests.rest.fake import BASE, uid

PAGES = 50
SAFETY_S = 30.0  # only against a hang; no test waits for time to pass


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

    def sent_count(self) -> int:
        with self._lock:
            return len(self.sent)

    def close(self) -> None:
        pass  # what is on its way stays on its way


def on_a_thread(work: Callable[[], object]) -> tuple[threading.Event, list[BaseException]]:
    """Run ``work`` on a thread of its own: the event is set when it ends, the list holds what
    it raised."""
    ended = threading.Event()
    raised: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            raised.append(exc)
        finally:
            ended.set()

    threading.Thread(target=run, daemon=True).start()
    return ended, raised
