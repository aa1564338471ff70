"""Pilot tests of the companies pane on the demo server (real app, frozen day)."""

from __future__ import annotations

import stat
from pathlib import Path

from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo
from nmbrs_demo.server import DemoServer
from tests.conftest import DemoFactory
from tests.ui.app_helpers import screen_text, wait_for
from tests.ui.panes_helpers import open_companies, pane_app, wait_periods
from tui.panes.companies import FILING_PERIODS, PAY_PERIODS
from tui.panes.employees import EmployeesPane
from tui.panes.payroll import PayrollPane


async def test_companies_grouped_with_periods_filter_sort_and_open(
    soap_demo: RunningDemo, demo_server: DemoServer, tmp_path: Path
) -> None:
    world = demo_server.world
    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_companies(pilot, app)
        table = pane.table
        assert table.total_count == len(world.companies())
        await wait_periods(pilot, pane)
        by_id = {row.key: row for row in table.rows}
        for company in world.companies():
            row = by_id[company.ID]
            assert row.cells["name"] == company.Name
            assert row.cells["kvk"] == company.KvkNr
            raw = world.current_period(company.ID)
            year, period, kind = raw.split("-", 2)
            assert row.cells["period"] == f"{year} period {period}"
            # The pay period comes from the current period; the filing period stays apart.
            assert row.cells["pay"] == PAY_PERIODS[{"4W": "W4"}.get(kind, kind)]
            filing = (company.LoonaangifteTijdvak or "").lower()
            assert row.cells["tijdvak"] == FILING_PERIODS.get(filing, filing)
            assert row.cells["id"] == str(company.ID)
        weekly = [r for r in table.rows if r.cells["pay"] == "week"]
        assert weekly, "the demo has a weekly company"
        # Grouped by debtor: the debtor column is sorted and every company has its debtor.
        debtors = [row.cells["debtor"] for row in table.visible_rows]
        assert "—" not in debtors and debtors == sorted(debtors)
        assert "Debtor ▲" in screen_text(app)

        # Filter: "/" opens it, each key narrows instantly, esc clears.
        target = world.companies()[2]
        assert target.Name
        await pilot.press("slash", *target.Name[:6].lower())
        assert [row.key for row in table.visible_rows] == [target.ID]
        await pilot.press("escape")
        assert table.row_count == len(world.companies()) and not table.filter_text

        # The company id is a column: "/" finds a company by the id the call log shows.
        await pilot.press("slash", *str(target.ID))
        assert [row.key for row in table.visible_rows] == [target.ID]
        await pilot.press("escape")

        # Sort by the column under the cursor (Name) and reverse it.
        table.focus()
        await pilot.press("right", "right", "right", "s")
        names = [row.cells["name"] for row in table.visible_rows]
        assert names == sorted(names, key=str.lower)
        assert "Name ▲" in screen_text(app)
        await pilot.press("S")
        assert [row.cells["name"] for row in table.visible_rows] == names[::-1]
        assert "Name ▼" in screen_text(app)

        # enter opens the employees (and payroll) of the highlighted company.
        await pilot.press("g", "enter")
        chosen = table.visible_rows[0].data
        await wait_for(pilot, lambda: app.current_pane == "employees", 5, "the employees pane")
        assert app.query_one(EmployeesPane).company == chosen
        assert app.query_one(PayrollPane).company == chosen


async def test_copy_and_export_keep_to_what_is_shown(
    soap_demo: RunningDemo, tmp_path: Path
) -> None:
    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_companies(pilot, app)
        await wait_periods(pilot, pane)
        pane.table.focus()
        first = pane.table.visible_rows[0]
        await pilot.press("C")
        assert app.clipboard.split("\t")[3] == first.cells["name"]
        assert app.clipboard.split("\t")[1] == str(first.key)
        await pilot.press("J")
        assert f'"name": "{first.cells["name"]}"' in app.clipboard
        await pilot.press("slash", *first.cells["name"][:5].lower(), "enter", "e")
        path = pane.panel.last_export
        assert path is not None and path.parent == tmp_path.absolute()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("Debtor,Company id,Number,Name")
        assert len(lines) == 1 + pane.table.row_count
        assert lines[1].split(",")[1] == str(first.key)
        # The toast names the full path (it may wrap on screen, so read the notification).
        assert any(str(path) in note.message for note in app._notifications)
        await pilot.pause()
        assert str(path) in app.status_text  # and the status bar keeps it
        assert "Exported" in screen_text(app)


async def test_restricted_scope_shows_fewer_companies(
    soap_demo: RunningDemo, demo_server: DemoServer, demo_factory: DemoFactory, tmp_path: Path
) -> None:
    demo = demo_factory(ApiKind.SOAP, "restricted-scope")
    app = pane_app(demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_companies(pilot, app)
        await wait_periods(pilot, pane)
        shown = {row.key for row in pane.table.rows}
        everything = {c.ID for c in demo_server.world.companies()}
        assert shown and shown < everything
        assert not any(row.cells["period"].startswith("✗") for row in pane.table.rows)


async def test_flaky_errors_are_explained_and_r_recovers(
    demo_factory: DemoFactory, tmp_path: Path
) -> None:
    demo = demo_factory(ApiKind.SOAP, "flaky")
    app = pane_app(demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_companies(pilot, app)
        seen_error = False
        for _ in range(12):
            await wait_for(pilot, lambda: not pane.is_loading(), 30, "the load to settle")
            failed = "✗" in pane.status_text or any(
                row.cells["period"].startswith("✗") for row in pane.table.rows
            )
            if failed:
                seen_error = True
                assert " — " in pane.status_text  # message — hint
            if pane.loaded and not failed:
                break
            rows_before = pane.table.total_count
            await pilot.press("r")
            await pilot.pause()
            assert pane.table.total_count >= rows_before or not pane.loaded
        assert pane.loaded and pane.table.total_count > 0
        assert app.is_running
        assert seen_error or pane.table.total_count > 0


async def test_small_terminal_80x24_keyboard_only(soap_demo: RunningDemo, tmp_path: Path) -> None:
    from tui.screens.employee_detail import EmployeeDetailScreen

    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_companies(pilot, app)
        pane.table.focus()
        await pilot.press(*"l" * 8)  # scroll right to the period column
        assert pane.table.scroll_x > 0 and "Current period" in screen_text(app)
        await pilot.press("enter")
        employees = app.query_one(EmployeesPane)
        await wait_for(pilot, lambda: employees.table.total_count > 0, 10, "employees")
        employees.table.focus()
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, EmployeeDetailScreen) and len(app.screen.results) == 7,
            10,
            "the detail",
        )
        assert "Personal info" in screen_text(app)
        await pilot.press("G")
        assert "Bank accounts" in screen_text(app)
