"""The employees and payroll panes show every employee under every reading of the open
questions (what ``EmployeeType`` means, how empty lists look, …): a pane that relies on one
reading — say, that ``EmployeeType=0`` lists everyone — fails here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nmbrs_client.ids import ApiKind
from nmbrs_demo import DEMO_TODAY, RunningDemo, start
from nmbrs_demo.readings import Readings, every_alternative, reading_id
from tests.conftest import soap_server
from tests.ui.app_helpers import wait_for
from tests.ui.panes_helpers import open_companies, pane_app, select_company
from tui.panes.payroll import PayrollPane


@pytest.fixture(params=every_alternative(), ids=reading_id, scope="module")
def demo(request: pytest.FixtureRequest) -> Iterator[RunningDemo]:
    readings: Readings = request.param
    with start(ApiKind.SOAP, "healthy", latency_ms=0, readings=readings) as started:
        yield started


async def test_employees_and_payroll_panes_under_every_reading(
    demo: RunningDemo, tmp_path: Path
) -> None:
    world = soap_server(demo).world  # what the panes must show
    company = next(c for c in world.companies() if len(world.employees(c.ID)) == 12)
    everyone = world.employees(company.ID)
    app = pane_app(demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot, app)
        employees = await select_company(pilot, app, company.ID)
        await wait_for(pilot, lambda: not employees.is_loading(), 15, "the employees")
        assert employees.table.total_count == len(everyone)
        assert {r.key for r in employees.table.rows} == {e.Id for e in everyone}

        await pilot.press("5")
        pane = app.query_one(PayrollPane)
        await wait_for(
            pilot,
            lambda: not pane.is_loading() and pane.runs_table.total_count > 0,
            15,
            "the runs",
        )
        run = world.runs(company.ID, DEMO_TODAY.year)[-1]
        members = world.run_employees(company.ID, run.ID)
        pane.runs_table.focus()
        assert pane.runs_table.move_cursor_to_key(run.ID)
        await pilot.press("enter")
        await wait_for(pilot, lambda: pane.people_table.total_count > 0, 15, "the run employees")
        names = {e.Id: e.DisplayName for e in everyone}
        shown = {r.key: r.cells["name"] for r in pane.people_table.rows}
        assert shown == {m.EmployeeId: names[m.EmployeeId] for m in members}
