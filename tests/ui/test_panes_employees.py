"""Pilot tests of the employees pane and the employee detail screen (real app, demo server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo
from nmbrs_demo.server import DemoServer
from tests.conftest import DemoFactory, soap_server
from tests.ui.app_helpers import screen_text, wait_for
from tests.ui.panes_helpers import open_companies, pane_app, select_company
from tui.app import NmbrsApp
from tui.data.kinds import CONTRACTS, EMPLOYEES, EMPLOYMENTS
from tui.panes.employees import ACTIVE, EmployeesPane
from tui.screens.employee_detail import EmployeeDetailScreen
from tui.widgets.masking import format_money


async def _open_detail(
    pilot: Pilot[Any], app: NmbrsApp, employees: EmployeesPane, employee_id: int
) -> EmployeeDetailScreen:
    employees.table.focus()
    assert employees.table.move_cursor_to_key(employee_id)
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, EmployeeDetailScreen) and len(app.screen.results) == 7,
        10,
        "the employee detail",
    )
    screen = app.screen
    assert isinstance(screen, EmployeeDetailScreen)
    return screen


async def test_detail_masks_until_revealed_and_forgets_on_leaving(
    soap_demo: RunningDemo, demo_server: DemoServer, tmp_path: Path
) -> None:
    world = demo_server.world
    company = world.companies()[0]
    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot, app)
        employees = await select_company(pilot, app, company.ID)
        await wait_for(pilot, lambda: not employees.is_loading(), 10, "departments/functions")
        listed = world.employees(company.ID)
        assert employees.table.total_count == len(listed)
        first = listed[0]
        row = employees.table.row_by_key(first.Id)
        assert row is not None and row.cells["name"] == first.DisplayName
        assert row.cells["department"] == _label(world.department(first.Id))
        assert row.cells["function"] == _label(world.function(first.Id))

        pcsa = next(
            p
            for p in world.personal_info_contract_salary_address(company.ID)
            if p.EmployeeID == first.Id
        )
        banks = world.bank_accounts(first.Id)
        assert pcsa.BSN and pcsa.SalaryValue is not None and banks and banks[0].IBAN
        secrets = [pcsa.BSN, format_money(pcsa.SalaryValue), banks[0].IBAN]

        screen = await _open_detail(pilot, app, employees, first.Id)
        shown = screen.rendered_text()
        assert first.DisplayName and first.DisplayName in shown
        assert "Schedule" in shown and "Week" in shown and "not available" not in shown
        for secret in secrets:
            assert secret not in shown and secret not in screen_text(app)
        assert "personal data masked" in screen_text(app)

        await pilot.press("v")
        revealed = screen.rendered_text()
        for secret in secrets:
            assert secret in revealed
        assert pcsa.BSN in screen_text(app)

        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, EmployeeDetailScreen))
        screen = await _open_detail(pilot, app, employees, first.Id)
        again = screen.rendered_text()
        for secret in secrets:
            assert secret not in again


async def test_five_thousand_employees_load_and_filter(
    soap_demo: RunningDemo, demo_server: DemoServer, tmp_path: Path
) -> None:
    world = demo_server.world
    big = world.big_company_id()
    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot, app)
        employees = await select_company(pilot, app, big)
        table = employees.table
        assert table.total_count == 5000
        await wait_for(
            pilot,
            lambda: all(r.cells["active"] != "…" for r in table.rows[:50]),
            30,
            "the employments",
        )
        # Only the rows on screen get department/function: no 10,000 calls unasked.
        await wait_for(pilot, lambda: not employees.is_loading(), 20, "the on-screen fill")
        backend = app.session.backend  # type: ignore[union-attr]
        detail_calls = [
            r
            for r in backend.call_log.records()
            if r.operation.endswith(("Department_GetCurrent", "Function_GetCurrent"))
        ]
        window = len(table.visible_range()) + 1 + 20  # the screen (±1 row) and the margin
        assert 0 < len(detail_calls) <= 2 * window
        assert table.rows[0].cells["department"] not in ("…", "– (L loads)")
        assert table.rows[-1].cells["department"] == "– (L loads)"
        promised = employees.missing_detail_calls()
        assert f"L loads all: {promised:,} calls)" in employees.status_text
        # Moving the cursor far down fetches the rows it brings up.
        table.focus()
        await pilot.press("G")
        await wait_for(
            pilot,
            lambda: (
                table.rows[-1].cells["department"] not in ("…", "– (L loads)")
                and not employees.is_loading()
            ),
            20,
            "the end rows",
        )
        # L asks first, naming the number of calls; "n" makes none.
        from tui.screens.confirm import ConfirmScreen

        promised = employees.missing_detail_calls()
        assert 9000 < promised < 10_000
        before = len(backend.call_log.records())
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), 5, "the question")
        assert f"{promised:,} calls" in screen_text(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert len(backend.call_log.records()) == before and not employees.is_loading()
        # L then y loads them all with a running count; esc stops that fill, the rows stay.
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), 5, "the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: employees.is_loading(), 5, "the full fill")
        await wait_for(pilot, lambda: f"of {promised:,}…" in employees.status_text, 10, "the count")
        await pilot.press("escape")
        # the worker stops first, its handler then says so: wait for both
        await wait_for(
            pilot,
            lambda: not employees.is_loading() and "cancelled" in employees.status_text,
            5,
            "the cancel",
        )
        assert table.total_count == 5000
        assert any(r.cells["department"] == "– (L loads)" for r in table.rows)
        await pilot.press("g")
        # Filter as you type: every keystroke narrows at once.
        target = world.employees(big)[4321]
        assert target.DisplayName
        needle = target.DisplayName.lower()[:8]
        await pilot.press("slash")
        counts = []
        for char in needle:
            await pilot.press(char)
            counts.append(table.row_count)
        assert target.Id in {row.key for row in table.visible_rows}
        assert all(needle in table.search_text(row) for row in table.visible_rows)
        assert counts == sorted(counts, reverse=True) and counts[-1] < 5000
        table.set_filter("zz-no-such-name")
        assert table.row_count == 0
        await pilot.press("escape")
        assert table.row_count == 5000 and not table.filter_text
        # Active/all toggle.
        await pilot.press("a")
        active = [r for r in table.rows if r.cells["active"] == ACTIVE]
        assert table.row_count == len(active) < 5000
        await pilot.press("a")
        assert table.row_count == 5000
        assert "Employees of" in screen_text(app)


async def test_missing_rights_explains_department_and_function(
    demo_factory: DemoFactory, tmp_path: Path
) -> None:
    demo = demo_factory(ApiKind.SOAP, "missing-rights")
    server = soap_server(demo)
    company = server.world.companies()[0]
    app = pane_app(demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot, app)
        employees = await select_company(pilot, app, company.ID)
        await wait_for(
            pilot,
            lambda: not employees.is_loading() and "1002" in employees.status_text,
            10,
            "the denied columns",
        )
        assert "Department_GetCurrent" in employees.status_text
        assert "Template Users" in employees.status_text  # what to do
        assert all(r.cells["department"] == "✗ not available" for r in employees.table.rows)
        assert all(r.cells["function"] == "✗ not available" for r in employees.table.rows)
        first = employees.table.rows[0]
        assert first.cells["start"]  # the rest of the row is there
        screen = await _open_detail(pilot, app, employees, int(str(first.key)))
        text = screen.rendered_text()
        assert "Department\nnot available: " in text and "1002" in text
        assert "enable Function_GetCurrent" in text
        assert "Contract, salary and address\n  Contract:" in text  # other sections show


async def test_a_1002_stops_the_per_row_calls_for_the_whole_session(
    demo_factory: DemoFactory, tmp_path: Path
) -> None:
    """After the first 1002 the operation is not called again, in this or another company."""
    demo = demo_factory(ApiKind.SOAP, "missing-rights")
    server = soap_server(demo)
    first, second = server.world.companies()[0], server.world.companies()[3]
    app = pane_app(demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot, app)
        employees = await select_company(pilot, app, first.ID)
        await wait_for(
            pilot,
            lambda: not employees.is_loading() and "1002" in employees.status_text,
            10,
            "the denied columns",
        )
        client = app.session.backend  # type: ignore[union-attr]

        def department_calls() -> int:
            return sum(
                1
                for r in client.call_log.records()
                if r.operation == "EmployeeService.Department_GetCurrent"
            )

        # Calls already in flight when the first 1002 came may still answer; no new ones.
        assert department_calls() <= app.session.settings.concurrency  # type: ignore[union-attr]
        seen = department_calls()
        await pilot.press("3")
        employees = await select_company(pilot, app, second.ID)
        await wait_for(pilot, lambda: not employees.is_loading(), 10, "the second company")
        assert department_calls() == seen
        assert all(r.cells["department"] == "✗ not available" for r in employees.table.rows)
        assert employees.status_text.count("department not available") == 1


def _label(value) -> str:  # type: ignore[no-untyped-def]
    if value is None:
        return "– none"
    return (
        f"{value.Code} {value.Description or ''}".strip() if value.Code else value.Description or ""
    )


async def test_palette_screenshot_masks_revealed_data_and_saves_0600(
    soap_demo: RunningDemo, demo_server: DemoServer, tmp_path: Path
) -> None:
    """The palette's Screenshot never writes revealed personal data, and writes 0600."""
    import stat

    from tui.app import NmbrsApp

    world = demo_server.world
    company = world.companies()[0]
    app = pane_app(soap_demo, tmp_path)
    assert isinstance(app, NmbrsApp)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot, app)
        employees = await select_company(pilot, app, company.ID)
        await wait_for(pilot, lambda: not employees.is_loading(), 10, "departments/functions")
        first = world.employees(company.ID)[0]
        pcsa = next(
            p
            for p in world.personal_info_contract_salary_address(company.ID)
            if p.EmployeeID == first.Id
        )
        assert pcsa.BSN
        screen = await _open_detail(pilot, app, employees, first.Id)
        await pilot.press("v")
        assert pcsa.BSN in screen_text(app)
        titles = [c.title for c in app.get_system_commands(screen)]
        assert titles.count("Screenshot") == 1
        command = next(c for c in app.get_system_commands(screen) if c.title == "Screenshot")
        command.callback()
        await wait_for(pilot, lambda: app.last_screenshot is not None, 5, "the screenshot")
        path = app.last_screenshot
        assert path is not None and path.parent == tmp_path.absolute()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        svg = path.read_text(encoding="utf-8")
        assert pcsa.BSN not in svg and pcsa.BSN[-2:] in svg.replace("&#160;", " ")
        assert "personal" in svg and "masked" in svg
        assert not screen.reveal.revealed  # it stays masked: v reveals again
        command.callback()  # a second screenshot never overwrites the first
        await wait_for(pilot, lambda: app.last_screenshot != path, 5, "the second screenshot")
        assert app.last_screenshot is not None and path.read_text(encoding="utf-8") == svg


async def test_export_holds_data_with_ids_not_decorations(
    soap_demo: RunningDemo, demo_server: DemoServer, tmp_path: Path
) -> None:
    import csv

    world = demo_server.world
    company = world.companies()[0]
    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot, app)
        employees = await select_company(pilot, app, company.ID)
        await wait_for(pilot, lambda: not employees.is_loading(), 10, "departments/functions")
        first = world.employees(company.ID)[0]
        employees.table.focus()
        await pilot.press("slash", *str(first.Id), "enter")  # the id is filterable
        assert [r.key for r in employees.table.visible_rows] == [first.Id]
        await pilot.press("escape", "e")
        path = employees.panel.last_export
        assert path is not None
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    assert len(rows) == len(world.employees(company.ID))
    assert {r["Employee id"] for r in rows} == {str(e.Id) for e in world.employees(company.ID)}
    assert {r["State"] for r in rows} <= {"active", "ended", "future", "unknown"}
    text = path.read_text(encoding="utf-8")
    for decoration in ("✓", "✗", "…", "(L loads)", "◷"):
        assert decoration not in text


async def test_rows_are_built_once_per_reply_that_changes_a_column(
    soap_demo: RunningDemo, demo_server: DemoServer, tmp_path: Path
) -> None:
    """The list and the employments fill columns; the contracts reply and the end of the
    load fill none, so they must not rebuild the rows (the 5,000-row company did that four
    times per open)."""
    world = demo_server.world
    company = world.companies()[1]
    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot, app)
        employees = app.query_one(EmployeesPane)
        table = employees.table
        built: list[int] = []
        original = table.set_rows

        def counting(rows, *, keep_cursor: bool = True):  # type: ignore[no-untyped-def]
            rows = list(rows)
            if rows:
                built.append(len(rows))
            original(rows, keep_cursor=keep_cursor)

        table.set_rows = counting  # type: ignore[method-assign]
        await select_company(pilot, app, company.ID)
        session = app.session
        assert session is not None
        await wait_for(
            pilot,
            lambda: (
                all(session.data.has(k, company.ID) for k in (EMPLOYEES, EMPLOYMENTS, CONTRACTS))
                and not employees.is_loading()
            ),
            20,
            "all three company replies",
        )
        await pilot.pause()
        assert 1 <= len(built) <= 2, built
        assert all(r.cells["active"] != "…" for r in table.rows)
        assert table.total_count == len(world.employees(company.ID))


async def test_employments_after_the_list_change_the_rows_built_from_it_to_a_full_build(
    soap_demo: RunningDemo, demo_server: DemoServer, tmp_path: Path
) -> None:
    """When the list comes first, its rows are the rows: the employments reply changes their
    start, end and state in place, and they end byte-identical to rows built from both."""
    company = demo_server.world.companies()[1]
    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot, app)
        employees = await select_company(pilot, app, company.ID)
        await wait_for(pilot, lambda: not employees.is_loading(), 20, "the company")
        session = app.session
        assert session is not None
        cid = company.ID

        def snapshot(rows: list[Any]) -> list[tuple[Any, dict[str, str], dict[str, Any]]]:
            return [(r.key, dict(r.cells), dict(r.values)) for r in rows]

        expected = snapshot(employees._build_rows(cid, {}))
        employments = session.data.get(EMPLOYMENTS, cid)
        assert employments is not None
        session.data.invalidate(EMPLOYMENTS, cid)
        first = employees._build_rows(cid, {})
        assert {r.cells["active"] for r in first} == {"…"}
        employees._company_part_arrived(cid, "employees", None, first)
        session.data.put(EMPLOYMENTS, cid, employments)
        changes = employees._employment_changes(cid, {})
        employees._company_part_arrived(cid, "employments", None, None, changes)
        await pilot.pause()
        assert all(a is b for a, b in zip(employees.table.rows, first, strict=True))
        assert snapshot(employees.table.rows) == expected


def test_the_nationality_is_nmbrs_code_labelled_never_a_guessed_country() -> None:
    from tui.screens.employee_detail import nationality_text

    assert nationality_text(None) == ""
    shown = nationality_text(55)
    assert shown.startswith("55 (Nmbrs' nationality code") and "no public list" in shown
    assert nationality_text("DE") == "DE (ISO code)"  # REST gives the ISO code itself
    assert nationality_text("") == ""


# the ISO codes of the REST demo's Nationality objects for the world's other nationalities
REST_NATIONALITY = {
    52: "BE (ISO code)",
    55: "DE (ISO code)",
    79: "PL (ISO code)",
    98: "TR (ISO code)",
}


@pytest.mark.parametrize("api", ["soap", "rest"])
async def test_the_employee_detail_shows_the_nationality_on_both_apis(
    api: str, soap_demo: RunningDemo, demo_server: DemoServer, rest_demo: Any
) -> None:
    """SOAP gives Nmbrs' own number, REST an ISO code with its words: each shown as given."""
    from nmbrs_client.ids import ApiKind
    from nmbrs_demo.reach import demo_settings
    from nmbrs_demo.records import DUTCH_NATIONALITY
    from nmbrs_demo.rest.ids import Kind
    from tests.ui.app_helpers import wait_connected

    server: Any = demo_server if api == "soap" else rest_demo
    soap = api == "soap"
    app = NmbrsApp(settings=demo_settings(server.base_url, "healthy", api=ApiKind(api)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app, timeout=30)
        session = app.session
        assert session is not None

        def world_id(company: Any) -> int:
            return int(company.id) if soap else server.demo.ids.soap(Kind.COMPANY, company.id)

        companies = sorted(
            session.backend.companies(), key=lambda c: server.world.company_size(world_id(c))
        )
        found = (
            (company, rec)
            for company in companies
            for rec in server.world.employee_records(world_id(company))
            if rec.nationality != DUTCH_NATIONALITY
        )
        company, rec = next(found)
        employee = rec.id if soap else server.demo.ids.rest(Kind.EMPLOYEE, rec.id)
        screen = EmployeeDetailScreen(session, company, employee, "someone")
        await app.push_screen(screen)
        await wait_for(pilot, lambda: not screen.pending, 60, "the sections to load")
        shown = next(line for line in screen.rendered_text().splitlines() if "Nationality:" in line)
        expected = (
            f"{rec.nationality} (Nmbrs' nationality code, shown as is"
            if soap
            else REST_NATIONALITY[rec.nationality]
        )
        assert shown.split("Nationality:", 1)[1].strip().startswith(expected), shown


@pytest.mark.parametrize("api", [ApiKind.SOAP, ApiKind.REST])
async def test_l_names_what_loading_all_costs_as_the_api_reads_it(
    api: ApiKind, demo_factory: DemoFactory, tmp_path: Path
) -> None:
    """SOAP reads department and function per employee; REST from two company-wide lists the
    on-screen fill has read already. The hint and L's question say what L costs on each."""
    from tui.panes.employees import cost_words
    from tui.screens.confirm import ConfirmScreen

    demo = demo_factory(api, "healthy")
    server: Any = demo.server  # a SOAP or REST server started in this process
    world = server.world
    big_name = world.company(world.big_company_id()).Name
    app = pane_app(demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        companies = await open_companies(pilot, app)
        big = next(r.data.id for r in companies.table.rows if r.data.name == big_name)
        employees = await select_company(pilot, app, big)
        table = employees.table
        await wait_for(pilot, lambda: table.total_count == 5000, 30, "the employees")
        await wait_for(
            pilot,
            lambda: not employees.is_loading() and "L loads all" in employees.status_text,
            60,
            "the on-screen fill",
        )
        missing = employees.missing_detail_calls()
        assert 9000 < missing < 10_000
        cost = employees.load_all_cost()
        words = cost_words(cost)
        assert f"L loads all: {words})" in employees.status_text
        backend = app.session.backend  # type: ignore[union-attr]
        if api is ApiKind.SOAP:
            assert words == f"{missing:,} calls"
        else:  # the two lists are read and kept: the rest costs Nmbrs nothing
            assert cost.count == 0 and words == "no further calls"
            assert "10,000" not in employees.status_text
        if api is ApiKind.SOAP:  # L asks first, naming the calls
            await pilot.press("L")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), 5, "the question")
            assert " ".join(words.split()) in " ".join(screen_text(app).split())
            await pilot.press("n")
        else:  # nothing to ask the customer's API for: L fills every row at once, unasked
            before = len(backend.call_log.records())
            await pilot.press("L")
            await wait_for(
                pilot,
                lambda: not employees.is_loading() and employees.missing_detail_calls() == 0,
                60,
                "the full fill",
            )
            assert all(r.cells["department"] not in ("…", "– (L loads)") for r in table.rows)
            assert not isinstance(app.screen, ConfirmScreen)
            assert len(backend.call_log.records()) == before  # as promised: no call at all


def test_the_cost_is_worded_in_the_unit_the_backend_counts() -> None:
    from nmbrs_client.backend import CostUnit, ReadCost
    from tui.panes.employees import cost_words

    assert cost_words(ReadCost(9894, CostUnit.CALLS)) == "9,894 calls"
    assert cost_words(ReadCost(1, CostUnit.CALLS)) == "1 call"
    assert cost_words(ReadCost(100, CostUnit.PAGES, 2)) == "100 pages of 2 company-wide lists"
    assert cost_words(ReadCost(50, CostUnit.PAGES, 1)) == "50 pages of one company-wide list"
    assert cost_words(ReadCost(0, CostUnit.PAGES)) == "no further calls"
