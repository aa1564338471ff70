"""Pilot tests: the view moves only when the user asks, and a viewed payslip stays on screen."""

from __future__ import annotations

from pathlib import Path

from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo
from nmbrs_demo.server import DemoServer
from tests.conftest import DemoFactory
from tests.ui.app_helpers import demo_app, screen_text, wait_for
from tests.ui.panes_helpers import open_companies, pane_app, select_company
from tui.messages import CompanySelected
from tui.panes.employees import EmployeesPane


async def test_a_pane_key_typed_while_a_company_loads_is_kept(
    soap_demo: RunningDemo, demo_server: DemoServer, tmp_path: Path
) -> None:
    big = demo_server.world.big_company_id()
    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        companies = await open_companies(pilot, app)
        company = next(r.data for r in companies.table.rows if r.key == big)
        # enter on a company, then "2" typed before the app handled the choice
        companies.post_message(CompanySelected(company, chosen_on="companies"))
        app.show_pane("rights")
        employees = app.query_one(EmployeesPane)
        await wait_for(pilot, lambda: employees.company is not None, 10, "the choice")
        assert app.current_pane == "rights"
        # a key typed while the 5,000 employees load is not lost, and the load moves nothing
        await pilot.press("6")
        assert app.current_pane == "calllog"
        await wait_for(
            pilot, lambda: employees.table.total_count == 5000, 60, "the employees to load"
        )
        await wait_for(pilot, lambda: not employees.is_loading(), 60, "the on-screen fill")
        assert app.current_pane == "calllog"
        # choosing on the companies pane with nothing typed after it still opens the employees
        await pilot.press("3")
        companies.table.focus()
        assert companies.table.move_cursor_to_key(big)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_pane == "employees", 10, "the employees pane")


async def test_esc_stops_the_full_fill_first_even_with_a_filter_open(
    soap_demo: RunningDemo, demo_server: DemoServer, tmp_path: Path
) -> None:
    """The status line says "(esc stops)": the first esc stops L, the next clears the filter."""
    from tui.screens.confirm import ConfirmScreen

    big = demo_server.world.big_company_id()
    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot, app)
        employees = await select_company(pilot, app, big)
        await wait_for(pilot, lambda: not employees.is_loading(), 60, "the on-screen fill")
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), 10, "the question")
        demo_server.hold_calls()  # the fill cannot finish before esc, however fast the machine
        try:
            await pilot.press("y")
            await wait_for(pilot, lambda: employees.is_loading(), 10, "the full fill")
            assert "(esc" in employees.status_text
            await pilot.press("slash", "a")
            assert employees.table.filter_text == "a"
            await pilot.press("escape")
        finally:
            demo_server.release_calls()
        await wait_for(
            pilot,
            lambda: not employees.is_loading() and "cancelled" in employees.status_text,
            30,
            "the fill to stop",
        )
        assert employees.table.filter_text == "a"  # the first esc stopped the load only
        await pilot.press("escape")
        assert employees.table.filter_text == ""


async def test_a_failed_connection_toast_breaks_lines_instead_of_showing_backslash_n(
    demo_factory: DemoFactory,
) -> None:
    app = demo_app(demo_factory(ApiKind.SOAP, "bad-token"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: bool(app._notifications), 30, "the failure toast")
        toast = next(iter(app._notifications))
        assert "1001" in toast.message
        assert "\\n" not in toast.message and "\n" in toast.message  # the fix on its own line
        assert "\\n" not in screen_text(app)


async def test_the_employees_table_says_loading_once_a_company_is_chosen(
    soap_demo: RunningDemo, demo_server: DemoServer, tmp_path: Path
) -> None:
    big = demo_server.world.big_company_id()
    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        companies = await open_companies(pilot, app)
        employees = app.query_one(EmployeesPane)
        assert "Choose a company" in employees.table.empty_text
        demo_server.hold_calls()  # the employees cannot arrive before the first frame
        try:
            companies.table.focus()
            assert companies.table.move_cursor_to_key(big)
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.current_pane == "employees", 10, "the pane")
            assert "Loading the employees" in screen_text(app)
            assert "Choose a company" not in screen_text(app)
        finally:
            demo_server.release_calls()
        await wait_for(pilot, lambda: employees.table.total_count == 5000, 60, "the employees")


async def test_the_palette_lists_help_and_info_once(soap_demo: RunningDemo, tmp_path: Path) -> None:
    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Keys" not in titles and "Info" not in titles
        from tui.palette import PaneCommands

        provider = PaneCommands(app.screen)
        names = [name for name, _help, _command in provider._commands()]
        assert names.count("Help: keys") == 1 and names.count("Info: versions and config") == 1
