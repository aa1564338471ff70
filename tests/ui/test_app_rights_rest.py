"""Pilot tests of pane 2 on the REST demo: the same live matrix and keys as on SOAP."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path
from typing import Any

from nmbrs_client.ids import ApiKind
from nmbrs_client.rest_operations import RestOp
from nmbrs_demo.reach import demo_settings
from tests.ui.app_helpers import screen_text, wait_connected, wait_for
from tui.app import NmbrsApp
from tui.panes.rights import RightsPane
from tui.screens.choice import ChoiceScreen

BANK = f"REST.{RestOp.BANK_ACCOUNTS.value}"
DOCUMENT = f"REST.{RestOp.DOCUMENT.value}"


def rest_app(server: Any, folder: Path) -> NmbrsApp:
    settings = demo_settings(
        server.base_url, server.demo.scenario.name, api=ApiKind.REST, download_dir=folder
    )
    return NmbrsApp(settings=settings)


async def _run_check(pilot: Any, app: NmbrsApp) -> RightsPane:
    await wait_connected(pilot, app)
    await pilot.press("2")
    pane = app.query_one(RightsPane)
    await wait_for(pilot, lambda: pane.report is not None or bool(pane.error), 60, "the check")
    return pane


async def test_rest_rights_pane_is_the_live_matrix_with_the_soap_keys(
    rest_demo_factory: Any, tmp_path: Path
) -> None:
    server = rest_demo_factory("missing-scopes")
    app = rest_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _run_check(pilot, app)
        assert pane.report is not None and pane.report.api == "rest", pane.error
        assert "not available" not in screen_text(app)
        for company in pane.companies:
            assert pane.cell_status(BANK, company.id) == "scope_missing"
            assert pane.cell_status(DOCUMENT, company.id) == "scope_missing"
        missing = 2 * len(pane.companies)
        text = screen_text(app)
        assert f"✗ {missing} missing" in text and "✗ no scope" in text
        # columns are named by company number and name, not by UUID
        assert pane.companies[0].number and str(pane.companies[0].id) not in text.split("\n")[5]
        # f: failures only
        await pilot.press("f")
        assert set(pane.visible_operations()) == {BANK, DOCUMENT}
        await pilot.press("f")
        # t: transpose
        transposed = pane.is_transposed()
        await pilot.press("t")
        assert pane.is_transposed() is not transposed
        await pilot.press("t")
        # /: filter by a word of one company's name
        names = [(c.name or "").lower() for c in pane.companies]
        word = next(w for w in names[0].split() if sum(w in n for n in names) == 1)
        await pilot.press("slash", *word, "enter")
        assert [c.id for c in pane.visible_companies()] == [pane.companies[0].id]
        await pilot.press("escape")
        assert len(pane.visible_companies()) == len(pane.companies)
        # e: export (Markdown, Dutch); y: copy the report
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: list(tmp_path.glob("*.nl.md")), 5, "the export file")
        exported = next(tmp_path.glob("*.nl.md")).read_text(encoding="utf-8")
        assert "Geef opnieuw toestemming" in exported and "document.read" in exported
        data = json.loads(pane.export_to_file("json", "en").read_text(encoding="utf-8"))
        assert data["api"] == "rest" and data["exit_code"] == 1
        await pilot.press("y")
        assert "Consent again" in app.clipboard
        # R: nothing failed to establish, so nothing to re-check; r runs the check again
        await pilot.press("R")
        await pilot.press("r")
        await wait_for(pilot, lambda: pane.report is not None and not pane.running, 60)
        assert pane.cell_status(BANK, pane.companies[0].id) == "scope_missing"


async def test_rest_bundle_carries_the_report(rest_demo_factory: Any, tmp_path: Path) -> None:
    server = rest_demo_factory("missing-scopes")
    app = rest_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _run_check(pilot, app)
        assert pane.report is not None
        await pilot.press("B")
        await wait_for(pilot, lambda: app.last_bundle is not None, 10, "the bundle")
        path = app.last_bundle
        assert path is not None and stat.S_IMODE(path.stat().st_mode) == 0o600
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            report = json.loads(archive.read("rights-report.json"))
        assert {"rights-report.en.md", "rights-report.json", "calls.csv"} <= names
        assert report["api"] == "rest" and report["scopes_to_ask"]


async def test_n_names_a_rest_company_by_number_and_only_it_is_checked(
    rest_demo_factory: Any, tmp_path: Path
) -> None:
    """n on REST: the company typed (its number) is the one column; the others are not
    errors, so a healthy check stays healthy."""
    from tui.screens.ask import AskScreen

    app = rest_app(rest_demo_factory("healthy"), tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _run_check(pilot, app)
        target = pane.companies[1]
        assert target.number
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, AskScreen), 5, "the question")
        await pilot.press(*target.number, "enter")
        await wait_for(
            pilot, lambda: pane.report is not None and not pane.running, 30, "the named check"
        )
        assert pane.report is not None
        assert pane.report.companies == [target]
        assert pane.report.exit_code == 0
        assert {str(c.status) for c in pane.cells.values()} == {"allowed"}
        assert "! error" not in screen_text(app)
        assert f"companies {target.number} (n)" in screen_text(app)
