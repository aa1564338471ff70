"""Pilot tests of the payroll pane: years, run employees, payslip and annual statement PDFs."""

from __future__ import annotations

import stat
from pathlib import Path

from nmbrs_client.ids import ApiKind
from nmbrs_demo import DEMO_TODAY, RunningDemo
from nmbrs_demo.server import DemoServer
from tests.conftest import DemoFactory, soap_server
from tests.ui.app_helpers import screen_text, wait_for
from tests.ui.panes_helpers import open_companies, pane_app, payroll, select_company
from tui.screens.pdf_view import PdfViewScreen


async def _open_payroll(pilot, app, company_id: int):  # type: ignore[no-untyped-def]
    await open_companies(pilot, app)
    await select_company(pilot, app, company_id)
    await pilot.press("5")
    pane = payroll(app)
    await wait_for(
        pilot,
        lambda: (
            app.current_pane == "payroll"
            and not pane.is_loading()
            and (pane.runs_table.total_count > 0 or "✗" in pane.status_text)
        ),
        10,
        "the runs",
    )
    return pane


async def _choose_run_and_employee(pilot, pane, run_id: int, employee_id: int) -> None:  # type: ignore[no-untyped-def]
    pane.runs_table.focus()
    assert pane.runs_table.move_cursor_to_key(run_id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: pane.people_table.total_count > 0, 10, "the run employees")
    assert pane.people_table.move_cursor_to_key(employee_id)


async def test_years_runs_payslip_and_annual_statement(
    soap_demo: RunningDemo, demo_server: DemoServer, tmp_path: Path
) -> None:
    world = demo_server.world
    company = world.companies()[0]
    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _open_payroll(pilot, app, company.ID)
        this_year = world.runs(company.ID, DEMO_TODAY.year)
        assert pane.year == DEMO_TODAY.year
        assert [r.key for r in pane.runs_table.rows] == [r.ID for r in this_year]
        assert f"Year ◀ [ {DEMO_TODAY.year}" in screen_text(app)

        await pilot.press("left_square_bracket")
        await wait_for(
            pilot,
            lambda: pane.year == DEMO_TODAY.year - 1 and pane.runs_table.total_count > 0,
            10,
            "last year's runs",
        )
        last_year = world.runs(company.ID, DEMO_TODAY.year - 1)
        assert [r.key for r in pane.runs_table.rows] == [r.ID for r in last_year]
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: pane.year == DEMO_TODAY.year, 5, "this year again")
        assert [r.key for r in pane.runs_table.rows] == [r.ID for r in this_year]

        run = this_year[-1]
        members = world.run_employees(company.ID, run.ID)
        member = members[0]
        employee = next(e for e in world.employees(company.ID) if e.Id == member.EmployeeId)
        assert employee.DisplayName
        info = world.personal_info(member.EmployeeId)
        assert info is not None and info.LastName
        # Documents print the formal name: initials, prefix, surname.
        printed = " ".join(p for p in (info.Initials, info.Prefix, info.LastName) if p)
        await _choose_run_and_employee(pilot, pane, run.ID, member.EmployeeId)
        assert pane.people_table.total_count == len(members)
        assert pane.people_table.current_row.cells["name"] == employee.DisplayName

        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PdfViewScreen), 10, "the payslip")
        viewer = app.screen
        assert isinstance(viewer, PdfViewScreen)
        # Viewing writes nothing; only s saves.
        assert viewer.path is None and not any(tmp_path.iterdir())
        assert "Not saved" in screen_text(app)
        await pilot.press("s")
        path = viewer.path
        assert path is not None
        payslips = list(viewer.paths)  # a run may hold more than one payslip of a person
        assert payslips == pane.saved_paths
        assert path.exists() and path.parent == tmp_path.absolute()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_bytes().startswith(b"%PDF")
        assert str(path) in str(viewer.header.content)  # the full path, however it wraps
        assert path.name[:30] in screen_text(app)
        assert printed in viewer.shown_text and printed in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PdfViewScreen))
        assert str(path) in pane.status_text

        await pilot.press("a")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PdfViewScreen), 10, "the annual statement"
        )
        statement = app.screen
        assert isinstance(statement, PdfViewScreen)
        await pilot.press("s")
        assert statement.path is not None
        assert statement.path != path and statement.path.exists()
        assert statement.path.name.startswith(f"annual-statement-c{company.ID}-nr{company.Number}-")
        assert f"-e{member.EmployeeId}-nr{member.EmployeeNumber}-{DEMO_TODAY.year}" in (
            statement.path.name
        )
        assert stat.S_IMODE(statement.path.stat().st_mode) == 0o600
        assert printed in statement.shown_text
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            [p.name for p in payslips] + [statement.path.name]
        )  # nothing else was written


async def test_missing_rights_payslip_uses_v2_and_statement_explains(
    demo_factory: DemoFactory, tmp_path: Path
) -> None:
    demo = demo_factory(ApiKind.SOAP, "missing-rights")
    server = soap_server(demo)
    world = server.world
    company = world.companies()[0]
    app = pane_app(demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _open_payroll(pilot, app, company.ID)
        await pilot.press("left_square_bracket")  # a past year needs the _v2 call
        await wait_for(
            pilot,
            lambda: pane.year == DEMO_TODAY.year - 1 and pane.runs_table.total_count > 0,
            10,
            "last year's runs",
        )
        run = world.runs(company.ID, DEMO_TODAY.year - 1)[0]
        member = world.run_employees(company.ID, run.ID)[0]
        await _choose_run_and_employee(pilot, pane, run.ID, member.EmployeeId)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PdfViewScreen), 10, "the payslip")
        await pilot.press("escape")
        await pilot.press("a")
        await wait_for(pilot, lambda: "1002" in pane.status_text, 10, "the denied statement")
        assert "SalaryDocuments_GetAnnualStatementPDF" in pane.status_text
        assert "Template Users" in pane.status_text
        assert not isinstance(app.screen, PdfViewScreen)
        assert pane.people_table.total_count > 0  # the previous data stays
        assert not any(tmp_path.iterdir())  # the payslip was viewed, never saved


async def test_payslip_falls_back_when_v2_is_denied_only_in_the_current_year(
    demo_factory: DemoFactory, tmp_path: Path
) -> None:
    from nmbrs_demo.scenarios import Scenario

    v2 = "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2"
    demo = demo_factory(ApiKind.SOAP, Scenario("no-v2", denied_operations=frozenset({v2})))
    server = soap_server(demo)
    world = server.world
    company = world.companies()[0]
    app = pane_app(demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _open_payroll(pilot, app, company.ID)
        run = world.runs(company.ID, DEMO_TODAY.year)[-1]
        member = world.run_employees(company.ID, run.ID)[0]
        await _choose_run_and_employee(pilot, pane, run.ID, member.EmployeeId)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PdfViewScreen), 10, "the payslip")
        viewer = app.screen
        assert isinstance(viewer, PdfViewScreen)
        assert "used the older call" in viewer.doc_title
        await pilot.press("s")
        assert viewer.path is not None and viewer.path.exists()
        await pilot.press("escape")
        # A past year cannot fall back (the older call only knows the current year).
        await pilot.press("left_square_bracket")
        await wait_for(
            pilot,
            lambda: pane.year == DEMO_TODAY.year - 1 and pane.runs_table.total_count > 0,
            10,
            "last year's runs",
        )
        old_run = world.runs(company.ID, DEMO_TODAY.year - 1)[0]
        old_member = world.run_employees(company.ID, old_run.ID)[0]
        await _choose_run_and_employee(pilot, pane, old_run.ID, old_member.EmployeeId)
        await pilot.press("p")
        await wait_for(pilot, lambda: "1002" in pane.status_text, 10, "the denied payslip")
        assert "_v2" in pane.status_text and not isinstance(app.screen, PdfViewScreen)


async def test_equal_company_numbers_in_two_debtors_save_two_files(
    soap_demo: RunningDemo, demo_server: DemoServer, tmp_path: Path
) -> None:
    """Company numbers repeat per debtor: file names carry the company id, never overwrite."""
    world = demo_server.world
    first = world.companies()[0]
    twin = next(c for c in world.companies() if c.Number == first.Number and c.ID != first.ID)
    app = pane_app(soap_demo, tmp_path)
    saved: list[Path] = []
    every: list[Path] = []
    async with app.run_test(size=(120, 40)) as pilot:
        for company in (first, twin):
            pane = await _open_payroll(pilot, app, company.ID)
            run = world.runs(company.ID, DEMO_TODAY.year)[-1]
            member = world.run_employees(company.ID, run.ID)[0]
            await _choose_run_and_employee(pilot, pane, run.ID, member.EmployeeId)
            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(app.screen, PdfViewScreen), 10, "payslip")
            viewer = app.screen
            assert isinstance(viewer, PdfViewScreen)
            await pilot.press("s")
            assert viewer.path is not None
            assert f"-c{company.ID}-nr{company.Number}-" in viewer.path.name
            saved.append(viewer.path)
            every.extend(viewer.paths)
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, PdfViewScreen))
            await pilot.press("3")
        # The same payslip again: a new file with -2, the first one untouched.
        pane = await _open_payroll(pilot, app, twin.ID)
        run = world.runs(twin.ID, DEMO_TODAY.year)[-1]
        member = world.run_employees(twin.ID, run.ID)[0]
        await _choose_run_and_employee(pilot, pane, run.ID, member.EmployeeId)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PdfViewScreen), 10, "again")
        assert isinstance(app.screen, PdfViewScreen)
        await pilot.press("s")
        again = app.screen.path
        assert again is not None
        every.extend(app.screen.paths)
    assert saved[0] != saved[1]
    assert again.name == saved[1].name.replace(".pdf", "-2.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in every)
    for path in every:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_bytes().startswith(b"%PDF")
