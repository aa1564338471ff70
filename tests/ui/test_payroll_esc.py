"""Esc while the payroll pane's runs are loading: the empty runs table says the load was
cancelled (r loads again), not that the runs are still loading."""

from __future__ import annotations

import threading
from pathlib import Path

from nmbrs_client.backend import PayrollRun
from nmbrs_client.ids import EntityId
from tests.fake_backend import FakeBackend
from tests.ui.app_helpers import MIN_WAIT_S, fake_app, screen_text, wait_for
from tests.ui.panes_helpers import open_company
from tui.panes.data_pane import LOAD_CANCELLED
from tui.panes.payroll import PayrollPane

STALL_S = 3 * MIN_WAIT_S  # longer than any wait here


class StalledRuns(FakeBackend):
    """The runs stall until the test lets them go; everything else answers."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = threading.Event()
        self.release = threading.Event()

    def runs(self, company_id: EntityId, year: int) -> list[PayrollRun]:
        self.stalled.set()
        self.release.wait(STALL_S)
        return super().runs(company_id, year)


async def test_esc_while_the_runs_load_says_cancelled_in_the_empty_table(tmp_path: Path) -> None:
    backend = StalledRuns()
    app = fake_app(backend, tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await open_company(pilot, app, backend.company_list[0].id)
            await pilot.press("5")
            await wait_for(pilot, backend.stalled.is_set, 10, "the runs to stall")
            payroll = app.query_one(PayrollPane)
            assert "Loading the runs" in screen_text(app)
            await pilot.press("escape")
            await wait_for(pilot, lambda: "cancelled" in payroll.status_text, 10, "cancelled")
            await pilot.pause()
            assert payroll.runs_table.empty_text == LOAD_CANCELLED
            assert "Loading the runs" not in screen_text(app)
    finally:
        backend.release.set()
