"""Pilot test: the report pane 2 copies (y) and exports (e) says a shared "not verified"
reason once, naming every operation it holds for, on both APIs."""

from __future__ import annotations

from pathlib import Path

import pytest

from nmbrs_client.ids import ApiKind
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.report_words import say
from tests.conftest import DemoFactory
from tests.ui.app_helpers import finished_rights_check
from tui.app import NmbrsApp
from tui.panes.rights import RightsPane


def _not_verified_bullets(markdown: str, lang: str) -> list[str]:
    lines = markdown.splitlines()
    start = lines.index(f"## {say(lang, 'not_verified_heading')}")
    bullets = []
    for line in lines[start + 1 :]:
        if line.startswith("- "):
            bullets.append(line[2:])
        elif bullets:
            break
    return bullets


@pytest.mark.parametrize("api", [ApiKind.SOAP, ApiKind.REST])
async def test_copied_and_exported_reports_group_a_shared_reason(
    demo_factory: DemoFactory, api: ApiKind, tmp_path: Path
) -> None:
    app = NmbrsApp(settings=demo_factory(api, "no-employees").settings())
    async with app.run_test(size=(140, 40)) as pilot:
        pane: RightsPane = await finished_rights_check(pilot, app)
        assert pane.report is not None
        operations = list(
            dict.fromkeys(c.qualified_name for c in pane.report.cells_with(Status.NOT_VERIFIED))
        )
        assert len(operations) > 1
        await pilot.press("y")
        exported = pane.export_to_file("md", "nl", tmp_path).read_text(encoding="utf-8")
        for markdown, lang in ((app.clipboard, "en"), (exported, "nl")):
            [line] = _not_verified_bullets(markdown, lang)
            for operation in operations:
                assert operation.replace("_", "\\_") in line or operation in line, line
