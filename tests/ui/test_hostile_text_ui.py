"""Every pane and screen against a server full of hostile text: nothing reaches the screen raw.

The screen is read from the compositor's strips: the exact segment text Textual would write to
the terminal. A company named ``… [/b] [red]…`` must show literally (markup never parsed) and
no control character, C1 code or bidi override may appear in any frame, toast or export.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from nmbrs_demo import DEMO_TODAY
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.server import DemoServer
from tests.hostile_text import hostile_proxy, raw_controls
from tests.ui.app_helpers import screen_text, wait_connected, wait_for
from tests.ui.panes_helpers import payroll
from tui.app import NmbrsApp
from tui.panes.companies import CompaniesPane
from tui.panes.employees import EmployeesPane
from tui.panes.rights import RightsPane
from tui.screens.employee_detail import EmployeeDetailScreen
from tui.screens.pdf_view import PdfViewScreen


class Frames:
    """Collects every screen looked at, and fails on the first raw control in one."""

    def __init__(self, app: NmbrsApp) -> None:
        self.app = app
        self.seen: list[str] = []

    async def look(self, pilot: Pilot[Any], where: str) -> str:
        await pilot.pause()
        text = screen_text(self.app)
        assert raw_controls(text) == [], (where, raw_controls(text))
        self.seen.append(text)
        return text


async def test_every_pane_shows_hostile_text_literally(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    company = demo_server.world.companies()[0]
    with hostile_proxy(demo_server.base_url) as url:
        settings = demo_settings(url, "healthy", download_dir=tmp_path)
        app = NmbrsApp(settings=settings, today=DEMO_TODAY)
        async with app.run_test(size=(160, 48)) as pilot:
            frames = Frames(app)
            await wait_connected(pilot, app)
            await frames.look(pilot, "connection")

            await pilot.press("2")
            rights = app.query_one(RightsPane)
            await wait_for(pilot, lambda: rights.report is not None or bool(rights.error), 40)
            text = await frames.look(pilot, "rights")
            assert rights.report is not None, rights.error
            # The column label (company name) is shown as text: no MarkupError, brackets kept.
            assert f"{company.ID} [/b][red]" in text
            rights.focus_cell("EmployeeService.Function_GetCurrent", company.ID)
            await pilot.press("enter")
            detail = await frames.look(pilot, "cell detail")
            assert "Bad Gateway [/b]" in detail and "\\x1b]0;owned" in detail
            await pilot.press("escape")
            await pilot.press("e")
            await frames.look(pilot, "export choice")
            await pilot.press("enter")
            await frames.look(pilot, "after export")

            await pilot.press("3")
            companies = app.query_one(CompaniesPane)
            await wait_for(pilot, lambda: companies.loaded, 10, "companies")
            text = await frames.look(pilot, "companies")
            assert "[/b][red]\\x9b\\u202e" in text
            companies.table.focus()
            assert companies.table.move_cursor_to_key(company.ID)
            await pilot.press("enter")
            employees = app.query_one(EmployeesPane)
            await wait_for(pilot, lambda: employees.table.total_count > 0, 30, "employees")
            await frames.look(pilot, "employees")
            employees.table.focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, EmployeeDetailScreen), 10)
            await wait_for(pilot, lambda: "…" not in screen_text(app), 10, "detail sections")
            await frames.look(pilot, "employee detail")
            await pilot.press("escape")

            await pilot.press("5")
            pane = payroll(app)
            await wait_for(pilot, lambda: pane.runs_table.total_count > 0, 10, "runs")
            await frames.look(pilot, "payroll")
            pane.runs_table.focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: pane.people_table.total_count > 0, 10, "run employees")
            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(app.screen, PdfViewScreen), 10, "payslip")
            text = await frames.look(pilot, "payslip text")
            assert "\\x1b]0;pwned\\x07" in text and "[/b] [red]payslip" in text
            await pilot.press("escape")

            await pilot.press("6")
            await frames.look(pilot, "call log")
            await pilot.press("1")
            await frames.look(pilot, "connection again")

    # Nothing written to disk carries a raw control either, nor in its name.
    written = list(tmp_path.rglob("*"))
    reports = [p for p in written if p.name.startswith("rights-")]
    assert reports, "the rights export was not written"
    for report in reports:  # exports are private, like the PDFs
        assert stat.S_IMODE(report.stat().st_mode) == 0o600
        assert stat.S_IMODE(report.parent.stat().st_mode) == 0o700
    for path in written:
        assert raw_controls(path.name) == []
        if path.is_file() and path.suffix in (".md", ".json", ".csv", ".txt"):
            assert raw_controls(path.read_text(encoding="utf-8")) == [], path
