"""Pilot tests of pane 2 (rights matrix) against the demo scenarios."""

from __future__ import annotations

from pathlib import Path

from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo
from nmbrs_demo.scenarios import MISSING_RIGHTS_OPERATIONS
from tests.conftest import DemoFactory, soap_server
from tests.ui.app_helpers import demo_app, screen_text, wait_connected, wait_for
from tui.app import NmbrsApp
from tui.data.kinds import RIGHTS
from tui.panes.rights import RightsPane
from tui.screens.choice import ChoiceScreen
from tui.screens.rights_cell import CellScreen


async def _run_check(pilot, app: NmbrsApp) -> RightsPane:  # type: ignore[no-untyped-def]
    await wait_connected(pilot, app)
    await pilot.press("2")
    pane = app.query_one(RightsPane)
    await wait_for(
        pilot, lambda: pane.report is not None or bool(pane.error), 40, "the rights check"
    )
    return pane


async def test_missing_rights_marks_exactly_the_denied_operations(
    demo_factory: DemoFactory,
) -> None:
    app = demo_app(demo_factory(ApiKind.SOAP, "missing-rights"))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _run_check(pilot, app)
        assert pane.report is not None and pane.companies and pane.operations
        for op in pane.operations:
            for company in pane.companies:
                expected = "endpoint_denied" if op in MISSING_RIGHTS_OPERATIONS else "allowed"
                assert pane.cell_status(op, company.id) == expected, (op, company.id)
        text = screen_text(app)
        assert "✗ denied" in text and "✓ allowed" in text
        missing = len(MISSING_RIGHTS_OPERATIONS & set(pane.operations)) * len(pane.companies)
        assert f"✗ {missing} missing" in text
        # enter on a denied cell explains the call, the fault and the fix
        denied = sorted(MISSING_RIGHTS_OPERATIONS & set(pane.operations))[0]
        pane.focus_cell(denied, pane.companies[0].id)
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CellScreen))
        detail = screen_text(app)
        assert "1002" in detail
        name = denied.partition(".")[2]
        assert f"enable {name}" in detail.replace("\n", " ") or name in detail
        assert "Template" in detail or "template" in detail
        await pilot.press("c")
        assert denied in app.clipboard
        await pilot.press("escape")


async def test_restricted_scope_checks_only_the_companies_in_scope(
    demo_factory: DemoFactory,
) -> None:
    demo = demo_factory(ApiKind.SOAP, "restricted-scope")
    server = soap_server(demo)
    app = demo_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _run_check(pilot, app)
        every = {c.ID for c in server.world.companies()}
        columns = {c.id for c in pane.companies}
        assert columns < every  # the filtered-out companies are not columns
        assert len(pane.cells) == len(columns) * len(pane.operations)
        assert app.connection_info.companies == len(columns)
        assert "4/6" not in screen_text(app)


async def test_bad_token_stops_with_auth_failed(demo_factory: DemoFactory) -> None:
    app = demo_app(demo_factory(ApiKind.SOAP, "bad-token"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press("2")
        pane = app.query_one(RightsPane)
        await wait_for(pilot, lambda: pane.report is not None or bool(pane.error), 30)
        assert pane.report is not None
        assert pane.report.stopped == "auth_failed"
        assert any(a.finding for a in pane.account)
        assert app.is_running


async def test_flaky_never_claims_a_wrong_verdict(demo_factory: DemoFactory) -> None:
    app = demo_app(demo_factory(ApiKind.SOAP, "flaky"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app, timeout=30)
        await pilot.press("2")
        pane = app.query_one(RightsPane)
        await wait_for(pilot, lambda: pane.report is not None or bool(pane.error), 90)
        # every right is granted in this scenario: only allowed/error/n-a may appear
        assert {str(c.status) for c in pane.cells.values()} <= {
            "allowed",
            "error",
            "not_applicable",
        }


async def test_switch_requirement_set_and_no_rerun_on_pane_switch(soap_demo: RunningDemo) -> None:
    app = demo_app(soap_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await _run_check(pilot, app)
        assert pane.requirements is not None
        first_set = pane.requirements.name
        report = pane.report
        await pilot.press("1", "2")
        await pilot.pause()
        assert pane.report is report  # switching panes did not run the check again
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        choices = app.screen.choices  # type: ignore[attr-defined]
        other = next(key for key, _ in choices if key != first_set)
        index = [key for key, _ in choices].index(other)
        await pilot.press(*["down"] * index, "enter")
        await wait_for(pilot, lambda: pane.report is not None and pane.set_name == other, 40)
        assert pane.requirements is not None and pane.requirements.name == other
        assert app.session is not None and app.session.data.get(RIGHTS, other) is pane.report


async def test_escape_cancels_the_check(demo_factory: DemoFactory) -> None:
    # The check's calls are held until esc was handled, so the probes not yet sent are
    # cancelled whatever the machine's load (no bet on a latency).
    demo = demo_factory(ApiKind.SOAP, "healthy")
    server = soap_server(demo)
    app = demo_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app, timeout=60)
        server.hold_calls()
        await pilot.press("2")
        pane = app.query_one(RightsPane)
        await wait_for(pilot, lambda: pane.running, 30, "the check to start")
        await pilot.press("escape")
        await pilot.pause()
        server.release_calls()
        await wait_for(pilot, lambda: not pane.running, 60, "the check to stop")
        assert pane.report is not None and pane.report.stopped == "cancelled"
        assert any(
            str(c.status) != "allowed" and "cancel" in c.message for c in pane.cells.values()
        )
        assert "cancelled" in screen_text(app)


async def test_export_writes_markdown_and_json_and_copies(
    demo_factory: DemoFactory, tmp_path: Path
) -> None:
    import json

    app = demo_app(demo_factory(ApiKind.SOAP, "missing-rights"))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _run_check(pilot, app)
        assert app.session is not None
        app.session.download_dir = tmp_path
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("down", "enter")  # Markdown, Nederlands
        await wait_for(pilot, lambda: list(tmp_path.glob("*.nl.md")), 5, "the export file")
        text = next(tmp_path.glob("*.nl.md")).read_text(encoding="utf-8")
        assert "Department_GetCurrent" in text
        assert "demo-token" not in text
        path = pane.export_to_file("json", "en")
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["summary"]["missing"] == len(pane.report.missing_cells)  # type: ignore[union-attr]
        assert str(path).startswith(str(tmp_path))
        await pilot.press("y")
        assert "Department_GetCurrent" in app.clipboard


async def test_bundle_key_writes_a_private_zip_for_the_ticket(
    demo_factory: DemoFactory, tmp_path: object
) -> None:
    """B: report (md in the chosen language + json), call log, versions, settings; 0600."""
    import stat
    import zipfile
    from pathlib import Path

    from nmbrs_demo.reach import demo_settings

    demo = demo_factory(ApiKind.SOAP, "no-subscription")

    server = soap_server(demo)
    folder = Path(str(tmp_path))
    app = NmbrsApp(
        settings=demo_settings(server.base_url, server.scenario.name, download_dir=folder)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _run_check(pilot, app)
        # no-subscription judges nothing: the pane says why and what to do
        assert "subscription" in pane.error and "Nmbrs" in pane.error
        assert "no API subscription" in screen_text(app)
        pane.report_lang = "nl"
        await pilot.press("B")
        await wait_for(pilot, lambda: app.last_bundle is not None, 10, "the bundle")
        path = app.last_bundle
        assert path is not None and path.parent == folder.absolute()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            text = "".join(archive.read(n).decode("utf-8") for n in names)
        assert {"rights-report.nl.md", "rights-report.json", "calls.csv", "demo.txt"} <= names
        assert "history.json" in names  # this check, just recorded, at least
        assert "demo-token" not in text and "scenario no-subscription" in text
        assert any(str(path) in n.message for n in app._notifications)


async def test_filter_failures_only_and_esc_clear(
    demo_factory: DemoFactory,
) -> None:
    app = demo_app(demo_factory(ApiKind.SOAP, "missing-rights"))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _run_check(pilot, app)
        # 6 company columns do not fit in 120 columns: companies as rows, until t
        assert pane.is_transposed() and "companies as rows (t)" in screen_text(app)
        await pilot.press("t")
        assert not pane.is_transposed()
        await pilot.press("slash", *"department")
        assert pane.visible_operations() == ["EmployeeService.Department_GetCurrent"]
        assert len(pane.visible_companies()) == len(pane.companies)
        await pilot.press("enter")
        await pilot.press("escape")  # clears the filter, does not cancel anything
        assert pane.filter_text == "" and len(pane.visible_operations()) == len(pane.operations)
        await pilot.press("slash", *"20004", "enter")  # a company id narrows the columns
        assert [c.id for c in pane.visible_companies()] == [20004]
        await pilot.press("escape")
        await pilot.press("f")
        assert set(pane.visible_operations()) == MISSING_RIGHTS_OPERATIONS & set(pane.operations)
        assert "not allowed only" in screen_text(app)
        table = pane.query_one("#rights-table")
        assert table.row_count == len(MISSING_RIGHTS_OPERATIONS & set(pane.operations))  # type: ignore[attr-defined]
        await pilot.press("f")
        assert len(pane.visible_operations()) == len(pane.operations)


async def test_many_companies_transpose_and_jump_from_the_palette(
    demo_factory: DemoFactory,
) -> None:
    demo = demo_factory(ApiKind.SOAP, "large-accountant")
    server = soap_server(demo)
    app = demo_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        # 30 of its 244 companies (named, as `n` does) keep the test light on a busy machine.
        app.query_one(RightsPane).named_companies = [c.ID for c in server.world.companies()[:30]]
        pane = await _run_check(pilot, app)
        assert len(pane.companies) == 30
        assert pane.is_transposed()  # companies as rows: 30 columns would not fit
        table = pane.query_one("#rights-table")
        assert table.row_count == len(pane.companies)  # type: ignore[attr-defined]
        assert "companies as rows" in screen_text(app)
        target = pane.companies[25]
        await pilot.press("6")
        app.jump_rights_company(target.id)
        await pilot.pause()
        assert app.current_pane == "rights"
        assert [c.id for c in pane.visible_companies()] == [target.id]
        cell = pane.current_cell()
        assert cell is not None and cell.company_id == target.id
        await pilot.press("t")  # back to operations as rows
        assert not pane.is_transposed()


async def test_check_named_company_ids_and_recheck_failed_cells(
    demo_factory: DemoFactory,
) -> None:
    import dataclasses

    from nmbrs_client.rights.classify import Status
    from tui.screens.ask import AskScreen

    app = demo_app(demo_factory(ApiKind.SOAP, "healthy"))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _run_check(pilot, app)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, AskScreen), 5, "the question")
        await pilot.press(*"20002, 20005", "enter")
        await wait_for(
            pilot, lambda: pane.report is not None and not pane.running, 30, "the named check"
        )
        assert pane.report is not None
        assert [c.id for c in pane.report.companies] == [20002, 20005]
        assert "companies 20002, 20005" in screen_text(app)
        # A cell that proved nothing (as a network error leaves it) is probed again by R.
        op = pane.operations[0]
        broken = dataclasses.replace(
            pane.cells[(op, 20005)], status=Status.ERROR, message="transport (timeout)"
        )
        pane.cells[(op, 20005)] = broken
        pane.report = dataclasses.replace(
            pane.report,
            cells=[
                broken if (c.qualified_name, c.company_id) == (op, 20005) else c
                for c in pane.report.cells
            ],
        )
        calls_before = pane.report.calls
        assert pane.failed_cells() == [broken]
        await pilot.press("R")
        await wait_for(pilot, lambda: "re-checked" in pane.phase, 30, "the re-check")
        assert pane.cell_status(op, 20005) == "allowed"
        assert pane.report.cell(op, 20005).status is Status.ALLOWED  # type: ignore[union-attr]
        assert pane.report.calls > calls_before and not pane.failed_cells()
        assert len(pane.report.cells) == len(pane.operations) * 2  # merged, not replaced


async def test_recheck_probes_denied_cells_after_the_customer_fixes_them(
    demo_factory: DemoFactory,
) -> None:
    """ "Failed" has one meaning: the cells f shows are the cells R probes again."""
    import dataclasses

    demo = demo_factory(ApiKind.SOAP, "missing-rights")
    app = demo_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _run_check(pilot, app)
        await wait_for(pilot, lambda: not pane.running, 30, "the check to end")
        denied = [c for c in pane.cells.values() if str(c.status) == "endpoint_denied"]
        assert denied and sorted(pane.failed_cells(), key=id) == sorted(denied, key=id)
        await pilot.press("f")
        shown = set(pane.visible_operations())
        assert shown == {c.qualified_name for c in denied}
        # The customer grants the rights; R re-probes exactly the denied cells.
        server = soap_server(demo)  # the scenario is changed on the running server
        server.handlers.scenario = dataclasses.replace(
            server.handlers.scenario, denied_operations=frozenset()
        )
        assert pane.report is not None
        calls_before = pane.report.calls
        await pilot.press("R")
        await wait_for(pilot, lambda: "re-checked" in pane.phase, 30, "the re-check")
        assert f"re-checked {len(denied)} cell(s), {len(denied)} changed" in pane.phase
        assert pane.report.calls > calls_before
        assert not pane.failed_cells()
        assert all(pane.cell_status(c.qualified_name, c.company_id) == "allowed" for c in denied)


async def test_cell_detail_speaks_words_and_says_when_no_call_was_made(
    demo_factory: DemoFactory,
) -> None:
    app = demo_app(demo_factory(ApiKind.SOAP, "healthy"))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _run_check(pilot, app)
        await wait_for(pilot, lambda: not pane.running, 30, "the check to end")
        inferred = next(
            c
            for c in pane.cells.values()
            if str(c.status) == "allowed" and c.basis.kind != "probed"
        )
        pane.transposed = False
        pane._rebuild_table()
        pane.focus_cell(inferred.qualified_name, inferred.company_id)
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CellScreen))
        detail = screen_text(app)
        assert "✓ allowed" in detail and "(allowed)" not in detail
        assert "inferred from" in detail and "the call succeeded" not in detail
