"""The REST prober shows cells while it probes, as the SOAP engine does: a company's cells
arrive as soon as its reach probe answers, not when the last company has answered."""

from __future__ import annotations

import threading
from typing import Any

from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.results import CellResult, RightsEvent
from tests.rest.test_rest_check import probe_demo_through

PERIOD = "/period"  # the cheap per-company call the prober uses for reach


class _HeldReach:
    """Passes every call to the demo but holds the reach probes of all companies but the
    first until released (or until a generous cap, so a failing test ends)."""

    def __init__(self) -> None:
        import httpx

        self.inner = httpx.HTTPTransport()
        self.release = threading.Event()
        self.first: str | None = None
        self.held: list[str] = []
        self.released_in_time = True
        self._lock = threading.Lock()

    def handle_request(self, request: Any) -> Any:
        path = request.url.path
        if path.endswith(PERIOD):
            with self._lock:
                if self.first is None:
                    self.first = path
                hold = path != self.first
                if hold:
                    self.held.append(path)
            if hold and not self.release.wait(30):
                self.released_in_time = False
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_a_company_s_cells_arrive_while_other_companies_are_still_probed() -> None:
    http = _HeldReach()
    cells: list[CellResult] = []

    def on_event(event: RightsEvent) -> None:
        if isinstance(event, CellResult):
            cells.append(event)
            http.release.set()  # the first cell came while the other reach probes were held

    report = probe_demo_through(http, on_event=on_event)
    assert http.held, "the scenario must have more than one company"
    assert http.released_in_time, "no cell was shown before every company had answered"
    # each cell sent once, and exactly the cells of the report
    keys = [(c.operation, c.company_id) for c in cells]
    assert len(keys) == len(set(keys))
    assert sorted(cells, key=str) == sorted(report.cells, key=str)
    assert all(c.status is Status.ALLOWED for c in report.cells)


def test_thorough_sends_each_cell_once_as_its_own_probe_settles() -> None:
    http = _HeldReach()
    http.release.set()  # nothing held: thorough streams only after the default pass
    cells: list[CellResult] = []
    report = probe_demo_through(
        http,
        on_event=lambda e: cells.append(e) if isinstance(e, CellResult) else None,
        thorough=True,
    )
    keys = [(c.operation, c.company_id) for c in cells]
    assert len(keys) == len(set(keys)) == len(report.cells)
    assert sorted(cells, key=str) == sorted(report.cells, key=str)
