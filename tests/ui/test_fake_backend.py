"""The dashboard on a fake backend: panes, palette and detail depend on the Backend protocol only.

The fake has UUID-string ids (as REST does) and no SOAP client behind it, so any pane that
still reached for the SOAP client, or assumed int ids, fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.fake_backend import FakeBackend
from tests.ui.app_helpers import fake_app, screen_text, wait_connected, wait_for
from tests.ui.panes_helpers import open_companies, payroll, select_company
from tui.data.kinds import EMPLOYEES
from tui.data.targets import jump_targets
from tui.palette import search_targets
from tui.screens.employee_detail import EmployeeDetailScreen
from tui.screens.pdf_view import PdfViewScreen

TUI = Path(__file__).resolve().parents[2] / "tui"
SOAP_ONLY = ("nmbrs_client.client", "nmbrs_client.soap_backend", "zeep")


async def test_every_data_pane_works_on_the_protocol_alone(tmp_path: Path) -> None:
    backend = FakeBackend()
    app = fake_app(backend, tmp_path)
    alpha = backend.company_list[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        assert app.connection_info.stage == "connected"
        assert app.connection_info.companies == 2
        assert "REST API" in screen_text(app)
        companies = await open_companies(pilot, app)
        assert [r.key for r in companies.table.rows] == [c.id for c in backend.company_list]
        assert backend.calls["companies"] == 1  # the connection check's list was reused
        employees = await select_company(pilot, app, alpha.id)
        await wait_for(
            pilot,
            lambda: all(r.cells["department"] == "7 Bakery floor" for r in employees.table.rows),
            10,
            "departments",
        )
        assert [r.cells["name"] for r in employees.table.rows] == [
            e.name for e in backend.staff[alpha.id]
        ]
        assert employees.table.rows[0].cells["active"] == "✓ active"
        # The detail screen: every section from the fake, BSN masked.
        employees.table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EmployeeDetailScreen), 5, "the detail")
        detail = app.screen
        assert isinstance(detail, EmployeeDetailScreen)
        await wait_for(pilot, lambda: not detail.pending, 10, "every section")
        assert not any(isinstance(v, BaseException) for v in detail.results.values())
        assert "111222333" not in screen_text(app)
        await pilot.press("escape")
        # Payroll: runs of the frozen year, the run's people, a payslip saved 0600.
        await pilot.press("5")
        pane = payroll(app)
        await wait_for(pilot, lambda: pane.runs_table.total_count == 2, 10, "the runs")
        pane.runs_table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: pane.people_table.total_count == 3, 10, "run employees")
        assert pane.people_table.rows[0].cells["name"] == backend.staff[alpha.id][0].name
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PdfViewScreen), 10, "the payslip")
        assert not pane.saved_paths  # viewing writes nothing
        await pilot.press("s")
        await wait_for(pilot, lambda: bool(pane.saved_paths), 10, "the saved payslip")
        saved = pane.saved_paths[0]
        assert saved.read_bytes().startswith(b"%PDF") and saved.stat().st_mode & 0o777 == 0o600
        await pilot.press("escape")
        # The palette finds what the store holds, by the human number and the opaque id.
        assert app.session is not None
        hits = search_targets(jump_targets(app.session.data), "bram")
        assert hits and hits[0][1].employee_id == backend.staff[alpha.id][1].id
        # r in the employees pane refetches that company only.
        calls = backend.calls["employees"]
        await pilot.press("4")
        await pilot.press("r")
        await wait_for(pilot, lambda: backend.calls["employees"] > calls, 10, "the refetch")
        assert app.session.data.has(EMPLOYEES, alpha.id) or employees.is_loading()


@pytest.mark.parametrize("folder", ["panes", "screens", "widgets", "data"])
def test_no_pane_screen_or_data_module_imports_the_soap_client(folder: str) -> None:
    files = [*sorted((TUI / folder).rglob("*.py"))]
    if folder == "panes":
        files.append(TUI / "palette.py")
    assert files
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(SOAP_ONLY), f"{path.name} imports {name}"
