"""Esc while the employee list is stalled on the network: the pane's worker stops waiting at once.

The employees pane reads its company-wide lists on a pool of its own; one of them stalls (the
server took the request and sends nothing). Esc must end the worker's wait then, not at the
call's read time-out: the stalled call runs on alone, and its answer is dropped. The stall
here lasts far longer than the test's own wait, so a worker that waited for it fails the test.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nmbrs_client.backend import Employee
from nmbrs_client.ids import EntityId
from nmbrs_client.models import EmployeeEmployments
from tests.fake_backend import FakeBackend
from tests.ui.app_helpers import MIN_WAIT_S, fake_app, screen_text, wait_for
from tests.ui.panes_helpers import open_company
from tui.panes.data_pane import LOAD_CANCELLED
from tui.panes.employees import PENDING, UNKNOWN, EmployeesPane

STALL_S = 3 * MIN_WAIT_S  # the stalled call's read time-out: longer than any wait here


class StalledList(FakeBackend):
    """The employee list stalls until the test lets it go; everything else answers."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = threading.Event()
        self.release = threading.Event()

    def employees(self, company_id: EntityId) -> list[Employee]:
        self.stalled.set()
        self.release.wait(STALL_S)
        return super().employees(company_id)


async def test_esc_ends_the_employees_workers_wait_for_a_stalled_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    let_go = threading.Event()  # the worker let its pool go: it no longer waits for it
    shutdown = ThreadPoolExecutor.shutdown

    def watched(
        pool: ThreadPoolExecutor, wait: bool = True, *, cancel_futures: bool = False
    ) -> None:
        shutdown(pool, wait=wait, cancel_futures=cancel_futures)
        if pool._thread_name_prefix == "employees":  # the pane's own pool, however it ends
            let_go.set()

    monkeypatch.setattr(ThreadPoolExecutor, "shutdown", watched)
    backend = StalledList()
    app = fake_app(backend, tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await open_company(pilot, app, backend.company_list[0].id)
            await wait_for(pilot, backend.stalled.is_set, 10, "the employee list to stall")
            employees = app.query_one(EmployeesPane)
            await pilot.press("escape")
            await wait_for(pilot, let_go.is_set, 10, "the esc'd worker to stop waiting")
            assert not backend.release.is_set()  # the list is still stalled
            assert "cancelled" in employees.status_text
            await pilot.pause()
            # the empty table no longer says it is loading
            assert "Loading the employees" not in screen_text(app)
            assert employees.table.empty_text == LOAD_CANCELLED
    finally:
        backend.release.set()


class StalledEmployments(FakeBackend):
    """The list answers; the employments stall until the test lets them go."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = threading.Event()
        self.release = threading.Event()

    def employments(self, company_id: EntityId) -> list[EmployeeEmployments]:
        self.stalled.set()
        self.release.wait(STALL_S)
        return super().employments(company_id)


async def test_esc_before_the_employments_arrive_leaves_no_state_saying_it_is_loading(
    tmp_path: Path,
) -> None:
    backend = StalledEmployments()
    app = fake_app(backend, tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await open_company(pilot, app, backend.company_list[0].id)
            employees = app.query_one(EmployeesPane)
            await wait_for(
                pilot,
                lambda: backend.stalled.is_set() and employees.table.total_count > 0,
                10,
                "the rows, with the employments stalled",
            )
            assert all(row.cells["active"] == PENDING for row in employees.table.rows)
            await pilot.press("escape")
            await wait_for(pilot, lambda: "cancelled" in employees.status_text, 10, "cancelled")
            states = {row.cells["active"] for row in employees.table.rows}
            assert states == {UNKNOWN}  # not "…": nothing is loading them any more
    finally:
        backend.release.set()
