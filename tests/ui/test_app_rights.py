"""Pilot tests of pane 2 (rights matrix) against the demo scenarios."""

from __future__ import annotations

from pathlib import Path

from nmbrs_demo.scenarios import MISSING_RIGHTS_OPERATIONS
from nmbrs_demo.server import DemoServer
from tests.conftest import DemoServerFactory
from tests.ui.app_helpers import demo_app, screen_text, wait_connected, wait_for
from tui.app import NmbrsApp
from tui.panes.rights import CellScreen, ChoiceScreen, RightsPane


async def _run_check(pilot, app: NmbrsApp) -> RightsPane:  # type: ignore[no-untyped-def]
    await wait_connected(pilot, app)
    await pilot.press("2")
    pane = app.query_one(RightsPane)
    await wait_for(
        pilot, lambda: pane.report is not None or bool(pane.error), 40, "the rights check"
    )
    return pane


async def test_missing_rights_marks_exactly_the_denied_operations(
    demo_server_factory: DemoServerFactory,
) -> None:
    app = demo_app(demo_server_factory("missing-rights"))
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
    demo_server_factory: DemoServerFactory,
) -> None:
    server = demo_server_factory("restricted-scope")
    app = demo_app(server)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _run_check(pilot, app)
        every = {c.ID for c in server.world.companies()}
        columns = {c.id for c in pane.companies}
        assert columns < every  # the filtered-out companies are not columns
        assert len(pane.cells) == len(columns) * len(pane.operations)
        assert app.connection_info.companies == len(columns)
        assert "4/6" not in screen_text(app)


async def test_bad_token_stops_with_auth_failed(demo_server_factory: DemoServerFactory) -> None:
    app = demo_app(demo_server_factory("bad-token"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press("2")
        pane = app.query_one(RightsPane)
        await wait_for(pilot, lambda: pane.report is not None or bool(pane.error), 30)
        assert pane.report is not None
        assert pane.report.stopped == "auth_failed"
        assert any(a.finding for a in pane.account)
        assert app.is_running


async def test_flaky_never_claims_a_wrong_verdict(demo_server_factory: DemoServerFactory) -> None:
    app = demo_app(demo_server_factory("flaky"))
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


async def test_switch_requirement_set_and_no_rerun_on_pane_switch(demo_server: DemoServer) -> None:
    app = demo_app(demo_server)
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
        assert app.session is not None and app.session.cached(("rights", other)) is pane.report


async def test_escape_cancels_the_check(demo_server_factory: DemoServerFactory) -> None:
    # 1.2 s a call: esc right after the check starts lands before the first round of probes
    # has answered (even on a loaded machine), so the probes not yet sent are cancelled.
    app = demo_app(demo_server_factory("healthy", latency_ms=1200))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app, timeout=60)
        await pilot.press("2")
        pane = app.query_one(RightsPane)
        await wait_for(pilot, lambda: pane.running, 30, "the check to start")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not pane.running, 60, "the check to stop")
        assert pane.report is not None and pane.report.stopped == "cancelled"
        assert any(
            str(c.status) != "allowed" and "cancel" in c.message for c in pane.cells.values()
        )
        assert "cancelled" in screen_text(app)


async def test_export_writes_markdown_and_json_and_copies(
    demo_server_factory: DemoServerFactory, tmp_path: Path
) -> None:
    import json

    app = demo_app(demo_server_factory("missing-rights"))
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
    demo_server_factory: DemoServerFactory, tmp_path: object
) -> None:
    """B: report (md in the chosen language + json), call log, versions, settings; 0600."""
    import stat
    import zipfile
    from pathlib import Path

    from nmbrs_client.config import demo_settings

    server = demo_server_factory("no-subscription")
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
        assert "demo-token" not in text and "scenario no-subscription" in text
        assert any(str(path) in n.message for n in app._notifications)
