"""Pilot tests of pane 6 (call log): live rows, filter, copy, no secrets, no refetch."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from pathlib import Path

from nmbrs_client.calllog import CallRecord
from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo
from tests.conftest import DemoFactory
from tests.ui.app_helpers import demo_app, screen_text, wait_connected, wait_for
from tui.panes.calllog import CallLogPane


async def test_call_log_lists_every_call_of_the_session(soap_demo: RunningDemo) -> None:
    app = demo_app(soap_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press("6")
        pane = app.query_one(CallLogPane)
        assert app.session is not None
        records = app.session.backend.call_log.records()
        await wait_for(pilot, lambda: len(pane.records) == len(records))
        assert [r.operation for r in pane.records] == [r.operation for r in records]
        assert {"DebtorService.List_GetAll", "CompanyService.List_GetAll"} <= {
            r.operation for r in records
        }
        text = screen_text(app)
        # the operation first (its service is in the path), then method, path and status
        assert "List_GetAll" in text and "/CompanyService.asmx" in text and "✓ ok" in text
        assert re.search(r"List_GetAll +POST +/soap/v3/CompanyService\.asmx +200 ", text)
        assert "demo-token" not in text
        # a call made now (on a worker thread) shows up live
        app.run_worker(lambda: app.session.backend.companies(), thread=True)
        await wait_for(
            pilot, lambda: len(pane.records) == len(records) + 1, 10, "the new call to appear"
        )


async def test_filter_and_copy(soap_demo: RunningDemo) -> None:
    app = demo_app(soap_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press("6")
        pane = app.query_one(CallLogPane)
        await wait_for(pilot, lambda: len(pane.records) >= 2)
        await pilot.press("slash", *"Debtor")
        await wait_for(pilot, lambda: pane.filter_text == "Debtor")
        assert pane.shown and all("Debtor" in r.operation for r in pane.shown)
        assert len(pane.shown) < len(pane.records)
        await pilot.press("enter", "c")
        assert (
            app.clipboard.split("\t")[1] == "DebtorService.List_GetAll"
            or "DebtorService.List_GetAll" in app.clipboard
        )
        assert "demo-token" not in app.clipboard
        await pilot.press("escape")
        await wait_for(pilot, lambda: pane.filter_text == "")
        assert len(pane.shown) == len(pane.records)


async def test_faults_are_logged_with_their_code(demo_factory: DemoFactory) -> None:
    app = demo_app(demo_factory(ApiKind.SOAP, "bad-token"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press("6")
        pane = app.query_one(CallLogPane)
        await wait_for(pilot, lambda: any(r.fault_code == 1001 for r in pane.records))
        assert "✗ fault" in screen_text(app)
        assert "1 failed" in screen_text(app) or "failed" in screen_text(app)


async def test_switching_panes_does_not_refetch(soap_demo: RunningDemo) -> None:
    app = demo_app(soap_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        assert app.session is not None
        await pilot.press("6")
        await pilot.pause()
        before = len(app.session.backend.call_log.records())
        for key in ("1", "6", "1", "6"):
            await pilot.press(key)
            await pilot.pause()
        assert len(app.session.backend.call_log.records()) == before


async def test_enter_shows_the_whole_call_at_80_columns(
    demo_factory: DemoFactory,
) -> None:
    """enter on a row: full operation, ids, HTTP status, fault code and text, kind, retries."""
    from nmbrs_client.errors import NmbrsFault
    from tui.screens.call_detail import CallDetailScreen

    app = demo_app(demo_factory(ApiKind.SOAP, "missing-rights"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_connected(pilot, app)
        assert app.session is not None
        from nmbrs_client.soap_backend import SoapBackend

        backend = app.session.backend
        assert isinstance(backend, SoapBackend)  # the SOAP client: a raw denied call
        client = backend.client

        def denied_call() -> None:
            with contextlib.suppress(NmbrsFault):  # the 1002 is what this test wants logged
                client.call(
                    "EmployeeService.SalaryDocuments_GetAnnualStatementPDF",
                    EmployeeID=300001,
                    intYear=2026,
                )

        app.run_worker(denied_call, thread=True)
        await pilot.press("6")
        pane = app.query_one(CallLogPane)
        await wait_for(
            pilot,
            lambda: any(r.fault_code == 1002 for r in pane.shown),
            10,
            "the denied call",
        )
        index = next(i for i, r in enumerate(pane.shown) if r.fault_code == 1002)
        table = pane.query_one("#calllog-table")
        table.move_cursor(row=index)  # type: ignore[attr-defined]
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen), 5, "the detail")
        screen = app.screen
        assert isinstance(screen, CallDetailScreen)
        rows = dict(screen.rows)
        assert rows["Operation"] == "EmployeeService.SalaryDocuments_GetAnnualStatementPDF"
        assert rows["Employee id"] == "300001"
        assert rows["Fault code"] == "1002"
        assert rows["HTTP status"] == "500"
        assert rows["Error kind"] == "endpoint_right_missing"
        assert rows["Retries"].startswith("0 ")
        assert rows["Fault / error text"] != "—"
        text = screen_text(app)
        # The whole name is on screen (folded over two lines at 80 columns, never cut).
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if "Operation " in line)
        col = lines[at].index("EmployeeService")
        full = "EmployeeService.SalaryDocuments_GetAnnualStatementPDF"
        shown = lines[at][col:].split("█")[0].strip()
        if shown != full:  # folded: the rest is on the next line, same column
            shown += lines[at + 1][col:].split("█")[0].strip()
        assert shown == full
        assert "demo-token" not in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CallDetailScreen))


async def test_the_summary_of_a_hidden_call_log_counts_every_call_once_shown(
    tmp_path: Path,
) -> None:
    """Hidden, the log keeps its rows but leaves its summary line (a layout of the whole
    screen each time) until it is shown; then the line counts every call."""
    from tests.fake_backend import FakeBackend
    from tests.ui.app_helpers import fake_app

    backend = FakeBackend()
    app = fake_app(backend, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press("1")
        for _ in range(3):
            backend.call_log.add(
                CallRecord(datetime(2026, 12, 7), "REST company.employees", None, None, 1.0, "ok")
            )
        calls = len(backend.call_log.records())
        pane = app.query_one(CallLogPane)
        await wait_for(pilot, lambda: len(pane.records) == calls, 10, "the calls")
        await pilot.press("6")
        await wait_for(pilot, lambda: f"{calls} calls, 0 failed" in screen_text(app), 10, "count")
