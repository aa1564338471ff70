"""An ``enter`` typed ahead of the screen it opens opens that screen once.

Keys a terminal delivers in one burst (a double press, a paste, a slow machine) reach the
table before the first ``enter``'s screen is up; its selection message reaches the pane after.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.screen import Screen

from tests.conftest import DemoServerFactory
from tests.ui.app_helpers import wait_for
from tests.ui.panes_helpers import open_companies, select_company
from tests.ui.test_app_resilience import app_on
from tui.app import NmbrsApp
from tui.screens.employee_detail import EmployeeDetailScreen


async def _screens_opened_by_three_enters(
    pilot: Pilot[Any], app: NmbrsApp, kind: type[Screen[Any]]
) -> int:
    """Three enters delivered together (as a terminal's read gives them) to the focused
    table: how many ``kind`` screens they stacked."""
    await pilot.pause()
    for _ in range(3):
        app.post_message(events.Key("enter", "\r"))
    await wait_for(pilot, lambda: isinstance(app.screen, kind), 10, "the screen")
    await pilot.pause()
    return sum(isinstance(screen, kind) for screen in app.screen_stack)


async def test_enters_typed_ahead_open_one_employee_detail(
    demo_server_factory: DemoServerFactory, tmp_path: Path
) -> None:
    server = demo_server_factory("healthy")
    company = server.world.companies()[0]
    app = app_on(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot, app)
        employees = await select_company(pilot, app, company.ID)
        employees.table.focus()
        assert await _screens_opened_by_three_enters(pilot, app, EmployeeDetailScreen) == 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, EmployeeDetailScreen), 5, "back")


async def test_enters_typed_ahead_open_one_call_detail(
    demo_server_factory: DemoServerFactory, tmp_path: Path
) -> None:
    from textual.widgets import DataTable

    from tui.screens.call_detail import CallDetailScreen

    server = demo_server_factory("healthy")
    app = app_on(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot, app)
        await pilot.press("6")
        table = app.query_one("#calllog-table", DataTable)
        await wait_for(pilot, lambda: table.row_count > 0, 10, "the calls")
        table.focus()
        assert await _screens_opened_by_three_enters(pilot, app, CallDetailScreen) == 1
