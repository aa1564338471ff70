"""``r`` shows what Nmbrs says now on REST, as it does on SOAP.

The REST backend answers a department, a function, a contract from company-wide history
lists that it keeps once read. The customer fixes an employee's department and contract in
Nmbrs while the support engineer looks; the engineer presses ``r`` in the employees pane and
must see the fix, not the lists read before it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from nmbrs_client.ids import ApiKind
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.rest.app import RenderedPages
from nmbrs_demo.rest.ids import Kind
from tests.ui.app_helpers import wait_connected, wait_for
from tui.app import NmbrsApp
from tui.data.kinds import CONTRACTS
from tui.panes.employees import EmployeesPane

NEW_DEPARTMENT = "Refreshed desk"
NEW_HOURS = 31.5


def _change_in_nmbrs(monkeypatch: pytest.MonkeyPatch, server: Any, employee: str) -> None:
    """The customer edits the employee in Nmbrs: the demo answers the new department and
    contract hours from now on (its pages rendered before the edit are dropped). The demo's
    views are shared by every demo of the same world, so the edit ends with the test."""
    views = server.demo.views
    original = views.history

    def edited(resource: str, company_id: int) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = original(resource, company_id)
        changes = {
            "departments": ("description", NEW_DEPARTMENT),
            "contracts": ("hoursPerWeek", NEW_HOURS),
        }
        if resource not in changes:
            return rows
        field, value = changes[resource]
        key = "departments" if resource == "departments" else "contracts"
        return [
            {**row, key: [{**entry, field: value} for entry in row[key]]}
            if row["employeeId"] == employee
            else row
            for row in rows
        ]

    monkeypatch.setattr(views, "history", edited)
    monkeypatch.setattr(server.demo, "rendered", RenderedPages())


def _size(server: Any, company_id: object) -> int:
    """How many employees the demo company behind a REST company id has."""
    return len(server.world.employees(server.demo.ids.soap(Kind.COMPANY, str(company_id))))


async def test_r_in_the_employees_pane_refetches_the_rest_histories(
    rest_demo_factory: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = rest_demo_factory("healthy")
    app = NmbrsApp(settings=demo_settings(server.base_url, "healthy", api=ApiKind.REST))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app, timeout=30)
        session = app.session
        assert session is not None
        # the smallest company the consent reaches that has employees: a page per list
        company = min(
            (c for c in session.backend.companies() if _size(server, c.id) > 0),
            key=lambda c: _size(server, c.id),
        )
        await pilot.press("4")
        pane = app.query_one(EmployeesPane)
        pane.show_company(company)

        def settled() -> bool:
            rows = pane.table.rows
            return (
                not pane.is_loading()
                and bool(rows)
                and all("…" not in row.cells["department"] for row in rows)
                and session.data.has(CONTRACTS, company.id)
            )

        await wait_for(pilot, settled, 60, "the employees with their departments")
        row = pane.table.rows[0]
        employee = str(row.key)
        assert NEW_DEPARTMENT not in row.cells["department"]

        def hours() -> Decimal | None:
            contracts = session.data.get(CONTRACTS, company.id) or []
            mine = [c for c in contracts if str(c.EmployeeID) == employee]
            return mine[0].ContractHours if mine else None

        assert hours() != Decimal(str(NEW_HOURS))
        _change_in_nmbrs(monkeypatch, server, employee)
        pane.table.focus()
        await pilot.press("r")

        def refreshed() -> bool:
            shown = [r for r in pane.table.rows if str(r.key) == employee]
            return bool(shown) and NEW_DEPARTMENT in shown[0].cells["department"]

        await wait_for(pilot, refreshed, 60, "the new department after r")
        await wait_for(pilot, lambda: hours() == Decimal(str(NEW_HOURS)), 60, "the new hours")


async def test_r_in_the_employee_detail_refetches_the_rest_histories(
    rest_demo_factory: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.screens.employee_detail import EmployeeDetailScreen

    server = rest_demo_factory("healthy")
    app = NmbrsApp(settings=demo_settings(server.base_url, "healthy", api=ApiKind.REST))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app, timeout=30)
        session = app.session
        assert session is not None
        company = next(c for c in session.backend.companies() if _size(server, c.id) > 0)
        employee = session.backend.employees(company.id)[0]
        screen = EmployeeDetailScreen(session, company, employee.id, employee.name)
        await app.push_screen(screen)
        await wait_for(pilot, lambda: not screen.pending, 60, "the sections to load")
        assert NEW_DEPARTMENT not in screen.rendered_text()
        _change_in_nmbrs(monkeypatch, server, str(employee.id))
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: not screen.pending and NEW_DEPARTMENT in screen.rendered_text(),
            60,
            "the new department after r",
        )
