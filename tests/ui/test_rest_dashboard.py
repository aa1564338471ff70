"""REST in the dashboard: the call log reads operation, method, path with the page, HTTP status;
ids are shortened in tables and copied whole; company-wide lists show how far they paged."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from nmbrs_client.calllog import CallRecord
from nmbrs_client.ids import ApiKind
from nmbrs_client.rest.connect import backend_from_settings
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.rest.ids import Kind
from tests.ui.app_helpers import wait_connected, wait_for
from tui.app import NmbrsApp
from tui.panes.calllog import COLUMNS, record_cells, record_tsv
from tui.screens.call_detail import call_rows
from tui.widgets.ids import short_id
from tui.widgets.page_progress import SHOW_EVERY_S, PageProgress

UUID = "cd3cffbf-1c2d-4e5f-8a9b-0c1d2e3f4a5b"


def test_rest_call_log_row_reads_operation_method_path_page_and_status(
    rest_demo_factory: Callable[..., Any],
) -> None:
    server = rest_demo_factory("healthy")
    backend = backend_from_settings(demo_settings(server.base_url, api=ApiKind.REST))
    try:
        company = backend.companies()[0]
        backend.employees(company.id)
        records = [r for r in backend.call_log.records() if "employees" in r.operation]
    finally:
        backend.close()
    assert records, "the employees list made no logged call"
    cells = dict(zip(COLUMNS, record_cells(records[0]), strict=True))
    assert list(COLUMNS[:4]) == ["Operation", "Method", "Path", "Status"]
    assert cells["Operation"] == "REST company.employees"
    assert cells["Method"] == "GET" and cells["Status"] == "200"
    assert cells["Path"] == "/api/companies/{companyId}/employees page 1"
    assert cells["Company"] == short_id(company.id) and len(cells["Company"]) == 9
    assert str(company.id) in record_tsv(records[0])  # copied whole
    detail = dict(call_rows(records[0]))
    assert detail["HTTP status"] == "200" and detail["Company id"] == str(company.id)
    assert detail["Request"] == "GET /api/companies/{companyId}/employees?pageNumber=1"


def test_ids_are_shortened_only_when_long() -> None:
    assert short_id(UUID) == "cd3cffbf…"
    assert short_id(12345) == "12345" and short_id(None) == ""


def _page(operation: str, page: int, pages: int | None, outcome: str = "ok") -> CallRecord:
    return CallRecord(
        datetime(2026, 12, 7), operation, None, None, 1.0, outcome, page=page, pages=pages
    )


def test_page_progress_counts_answered_pages_per_list() -> None:
    progress = PageProgress()
    assert not progress.add(CallRecord(datetime(2026, 12, 7), "REST x", None, None, 1.0, "ok"))
    assert progress.add(_page("REST company.employments", 1, None))
    assert progress.text() == ""  # how many pages is not known from the first one
    for number in range(2, 24):
        progress.add(_page("REST company.employments", number, 50))
    assert not progress.add(_page("REST company.employments", 24, 50, outcome="fault"))
    assert progress.text() == "employments page 23 of 50"  # one list with a known size
    progress.add(_page("REST company.schedules", 2, 50))
    assert progress.text() == "schedules page 1 of 50, slowest of 2 lists"


def test_page_progress_is_redrawn_at_most_every_tenth_of_a_second() -> None:
    """Each redraw of a status line lays out the whole screen: the progress says when one is
    worth it (the first page at once), and counts every page all the same."""
    now = [100.0]
    progress = PageProgress(clock=lambda: now[0])
    assert progress.due()
    now[0] += SHOW_EVERY_S * 0.6
    assert not progress.due()
    for number in range(2, 6):
        progress.add(_page("REST company.employments", number, 50))
    now[0] += SHOW_EVERY_S * 0.6
    assert progress.due() and progress.text() == "employments page 4 of 50"
    assert not progress.due()
    progress.reset()  # another company: its first page is shown at once
    assert progress.due()


def test_rest_client_logs_the_page_count_from_the_second_page_on(
    rest_demo_factory: Callable[..., Any],
) -> None:
    server = rest_demo_factory("healthy")
    mid = next(c.ID for c in server.world.companies() if len(server.world.employees(c.ID)) == 250)
    big = server.demo.ids.rest(Kind.COMPANY, mid)
    backend = backend_from_settings(demo_settings(server.base_url, api=ApiKind.REST))
    try:
        backend.employees(big)
        pages = [r for r in backend.call_log.records() if r.page is not None]
    finally:
        backend.close()
    assert len(pages) > 2
    first = next(r for r in pages if r.page == 1)
    assert first.pages is None  # not known before the first page answered
    later = [r for r in pages if r.page and r.page > 1]
    assert {r.pages for r in later} == {len(pages)}
    progress = PageProgress()
    for record in pages:
        progress.add(record)
    assert progress.text() == f"employees page {len(pages)} of {len(pages)}"


async def test_companies_pane_copies_the_whole_uuid_with_the_footer_key(
    rest_demo_factory: Callable[..., Any],
) -> None:
    server = rest_demo_factory("healthy")
    app = NmbrsApp(settings=demo_settings(server.base_url, "healthy", api=ApiKind.REST))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app, timeout=30)
        await pilot.press("3")
        await wait_for(pilot, lambda: "B.V." in _screen(app), 20, "the companies")
        assert "y Copy id" in _screen(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: len(app.clipboard) == 36, 5, "the id on the clipboard")
        assert app.clipboard.count("-") == 4


def _screen(app: NmbrsApp) -> str:
    from tests.ui.app_helpers import screen_text

    return screen_text(app)


async def test_employee_detail_counts_the_pages_of_the_company_wide_lists(
    rest_demo_factory: Callable[..., Any],
) -> None:
    from tui.screens.employee_detail import EmployeeDetailScreen

    server = rest_demo_factory("healthy")
    # 250 employees: three pages per company-wide list, enough to count without the big one.
    mid = next(c.ID for c in server.world.companies() if len(server.world.employees(c.ID)) == 250)
    big = server.demo.ids.rest(Kind.COMPANY, mid)
    app = NmbrsApp(settings=demo_settings(server.base_url, "healthy", api=ApiKind.REST))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app, timeout=30)
        session = app.session
        assert session is not None
        company = next(c for c in session.backend.companies() if str(c.id) == big)
        employee = session.backend.employees(company.id)[0]
        lines: list[str] = []
        screen = EmployeeDetailScreen(session, company, employee.id, employee.name)
        original = screen.progress_line.update

        def seen(content: Any = "", **kwargs: Any) -> None:
            lines.append(str(content))
            original(content, **kwargs)

        screen.progress_line.update = seen  # type: ignore[method-assign]
        await app.push_screen(screen)
        await wait_for(pilot, lambda: not screen.pending, 60, "the sections to load")
        shown = [line for line in lines if " of " in line]
        assert shown and shown[-1].startswith("reading company-wide lists: ")
        assert "page" in shown[-1] and lines[-1] == ""  # cleared once everything arrived


def test_page_progress_counts_only_the_company_asked_about() -> None:
    progress = PageProgress()
    other = CallRecord(
        datetime(2026, 12, 7), "REST company.runs", "other", None, 1.0, "ok", page=2, pages=3
    )
    mine = CallRecord(
        datetime(2026, 12, 7), "REST company.runs", "mine", None, 1.0, "ok", page=2, pages=3
    )
    assert not progress.add(other, "mine") and progress.add(mine, "mine")
    assert progress.text() == "runs page 1 of 3"


async def test_employees_pane_says_how_far_the_company_wide_lists_paged(
    rest_demo_factory: Callable[..., Any],
) -> None:
    from tui.panes.employees import EmployeesPane

    server = rest_demo_factory("healthy")
    mid = next(c.ID for c in server.world.companies() if len(server.world.employees(c.ID)) == 250)
    app = NmbrsApp(settings=demo_settings(server.base_url, "healthy", api=ApiKind.REST))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app, timeout=30)
        assert app.session is not None
        company = next(
            c
            for c in app.session.backend.companies()
            if str(c.id) == server.demo.ids.rest(Kind.COMPANY, mid)
        )
        await pilot.press("4")
        pane = app.query_one(EmployeesPane)
        lines: list[str] = []
        original = pane.set_status

        def seen(text: str, *, error: bool = False) -> None:
            lines.append(text)
            original(text, error=error)

        pane.set_status = seen  # type: ignore[method-assign]
        pane.show_company(company)
        await wait_for(pilot, lambda: not pane.is_loading(), 60, "the employees")
        paged = [line for line in lines if re.search(r"page \d+ of 3", line)]
        assert paged, lines
        assert not any("runs page" in line for line in paged)  # another pane's lists
        assert "250 employees" in lines[-1] and "page" not in lines[-1]
