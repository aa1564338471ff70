"""A REST client reads many lists side by side on one pool of page threads.

Opening the big company reads seven paged lists at once. Each list used to bring a pool of
its own, as many threads as the client's concurrency, all waiting for a place in the one
window of calls in flight: dozens of threads woken for every answer. The pages of every list
now share the client's pool, and each page still works for its own caller: one caller's stop
ends its queued pages, never another's. Every wait here is on an event, not on the clock.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from nmbrs_client.cancel import stopping_when, was_stopped
from nmbrs_client.rest.client import RestClient, StaticToken
from nmbrs_client.rest.transport import RestReply
from nmbrs_client.rest_operations import RestOp
from tests.rest.fake import uid
from tests.rest.gated import PAGES, SAFETY_S, GatedTransport

LISTS = 7  # the big company's open: employees, employments and the five contract histories
CONCURRENCY = 8


class ListsTransport(GatedTransport):
    """The gated transport, remembering which list (company) each page was for and which
    threads asked for the pages after the first."""

    def __init__(self, *, hold: bool) -> None:
        super().__init__()
        if not hold:
            self.gate.set()
        self.pages_of: dict[str, list[int]] = {}
        self.page_threads: set[int] = set()

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
            self.pages_of.setdefault(path, []).append(number)
            if number > 1:
                self.page_threads.add(threading.get_ident())
        return super().get(
            operation, path, params, access_token=access_token, read_timeout_s=read_timeout_s
        )


def _read(client: RestClient, company: int) -> list[str]:
    rows = client.list_all(RestOp.EMPLOYEES, {"companyId": uid("company", company)})
    return [str(row["employeeId"]) for row in rows]


def test_lists_read_side_by_side_share_one_pool_of_page_threads() -> None:
    transport = ListsTransport(hold=False)
    client = RestClient(transport, StaticToken("token"), concurrency=CONCURRENCY)  # type: ignore[arg-type]
    with ThreadPoolExecutor(LISTS) as callers:
        lists = list(callers.map(lambda n: _read(client, n), range(LISTS)))
    client.close()
    expected = [uid("employee", n) for n in range(1, PAGES + 1)]
    assert lists == [expected] * LISTS  # every list whole and in page order
    assert len(transport.pages_of) == LISTS
    # the later pages of all seven lists were fetched by the client's one pool
    assert 0 < len(transport.page_threads) <= CONCURRENCY


def test_one_callers_stop_ends_its_queued_pages_and_not_anothers() -> None:
    transport = ListsTransport(hold=True)
    client = RestClient(transport, StaticToken("token"), concurrency=CONCURRENCY)  # type: ignore[arg-type]
    stopped_path = f"/api/companies/{uid('company', 1)}/employees"
    cancelled = threading.Event()
    outcome: dict[str, object] = {}
    ended = {name: threading.Event() for name in ("stopped", "kept")}

    def read(name: str, company: int, stop: threading.Event | None) -> None:
        try:
            with stopping_when(stop.is_set if stop else None):
                outcome[name] = _read(client, company)
        except BaseException as exc:
            outcome[name] = exc
        finally:
            ended[name].set()

    threading.Thread(target=read, args=("stopped", 1, cancelled), daemon=True).start()
    threading.Thread(target=read, args=("kept", 2, None), daemon=True).start()
    assert transport.first_held.wait(SAFETY_S)
    cancelled.set()
    with transport._lock:
        sent_before = len(transport.pages_of.get(stopped_path, []))
    transport.gate.set()
    assert ended["stopped"].wait(SAFETY_S) and ended["kept"].wait(SAFETY_S)
    assert client.pages.wait_idle(SAFETY_S)
    client.close()
    failure = outcome["stopped"]
    assert isinstance(failure, BaseException) and was_stopped(failure)
    assert len(transport.pages_of[stopped_path]) == sent_before < PAGES
    assert outcome["kept"] == [uid("employee", n) for n in range(1, PAGES + 1)]
