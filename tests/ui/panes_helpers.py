"""Helpers for the data-pane Pilot tests: an app on a running demo with a frozen day."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from nmbrs_client.ids import EntityId
from nmbrs_demo import DEMO_TODAY, RunningDemo
from tests.ui.app_helpers import wait_connected, wait_for
from tui.app import NmbrsApp
from tui.panes.companies import CompaniesPane
from tui.panes.employees import EmployeesPane
from tui.panes.payroll import PayrollPane


def pane_app(demo: RunningDemo, download_dir: Path) -> NmbrsApp:
    """The real dashboard on a running demo; today is the demo's frozen day (2026-11-24)."""
    return NmbrsApp(settings=demo.settings(download_dir), today=DEMO_TODAY)


async def open_companies(pilot: Pilot[Any], app: NmbrsApp) -> CompaniesPane:
    await wait_connected(pilot, app)
    await pilot.press("3")
    pane = app.query_one(CompaniesPane)
    await wait_for(
        pilot, lambda: pane.loaded or "✗" in pane.status_text, 10, "the companies to load"
    )
    return pane


async def open_company(pilot: Pilot[Any], app: NmbrsApp, company_id: Any) -> None:
    """Open one company from the companies pane (enter on its row), as a user does."""
    companies = await open_companies(pilot, app)
    companies.table.focus()
    assert companies.table.move_cursor_to_key(company_id)
    await pilot.press("enter")


async def wait_periods(pilot: Pilot[Any], pane: CompaniesPane) -> None:
    await wait_for(
        pilot,
        lambda: (
            not pane.is_loading() and all(row.cells["period"] != "…" for row in pane.table.rows)
        ),
        10,
        "the current periods",
    )


async def select_company(pilot: Pilot[Any], app: NmbrsApp, company_id: EntityId) -> EmployeesPane:
    """From the companies pane: move the cursor to ``company_id`` and press enter."""
    pane = app.query_one(CompaniesPane)
    pane.table.focus()
    assert pane.table.move_cursor_to_key(company_id)
    await pilot.press("enter")
    employees = app.query_one(EmployeesPane)
    await wait_for(pilot, lambda: app.current_pane == "employees", 5, "the employees pane")
    await wait_for(
        pilot,
        lambda: employees.table.total_count > 0 or "✗" in employees.status_text,
        30,
        "the employees",
    )
    return employees


def payroll(app: NmbrsApp) -> PayrollPane:
    return app.query_one(PayrollPane)
