"""Pilot tests of pane 2 after a check that ended before any company was probed.

Such a check has no cells, so its counts are all 0: shown alone ("✓ 0 allowed · ✗ 0 missing ·
done") they read like a clean result. The summary line must say the check's verdict instead,
with the exit code ``nmbrs-tui check`` gives for the same report, on both APIs.
"""

from __future__ import annotations

from typing import Any

import pytest

from nmbrs_client.exit_codes import ExitCode, verdict_text
from nmbrs_client.ids import ApiKind
from nmbrs_client.rights.findings import headline
from nmbrs_client.rights.report_words import NEXT_STEP
from nmbrs_client.settings import ConnectionSettings
from nmbrs_demo.reach import demo_settings
from tests.conftest import DemoFactory
from tests.ui.app_helpers import finished_rights_check, screen_text
from tui.app import NmbrsApp
from tui.panes.rights import RightsPane


def _summary(pane: RightsPane) -> str:
    return str(pane.query_one("#rights-summary").render())


async def _checked(settings: ConnectionSettings) -> tuple[str, RightsPane, str]:
    """Run the rights check in the app and return the pane and its summary line."""
    app = NmbrsApp(settings=settings)
    async with app.run_test(size=(140, 40)) as pilot:
        pane: RightsPane = await finished_rights_check(pilot, app)
        return screen_text(app), pane, _summary(pane)


def _unreachable(settings: ConnectionSettings) -> ConnectionSettings:
    # port 9 (discard) on the loopback: nothing listens there, the connection is refused
    return demo_settings("http://127.0.0.1:9/soap/v3/", download_dir=settings.download_dir)


CASES = [
    pytest.param(ApiKind.REST, "gateway-refused", None, ExitCode.CONNECT, id="rest-gateway"),
    pytest.param(ApiKind.REST, "bad-token", None, ExitCode.CONNECT, id="rest-bad-token"),
    pytest.param(ApiKind.REST, "no-subscription", None, ExitCode.FINDINGS, id="rest-no-sub"),
    pytest.param(ApiKind.SOAP, "bad-token", None, ExitCode.CONNECT, id="soap-bad-token"),
    pytest.param(ApiKind.SOAP, "no-subscription", None, ExitCode.FINDINGS, id="soap-no-sub"),
    # a wrong SOAP domain is no such case: the check finds the right one and goes on
    pytest.param(ApiKind.SOAP, "healthy", _unreachable, ExitCode.CONNECT, id="soap-unreachable"),
]


@pytest.mark.parametrize(("api", "scenario", "change", "code"), CASES)
async def test_a_check_that_probed_nothing_says_its_verdict_not_zero_counts(
    demo_factory: DemoFactory, api: ApiKind, scenario: str, change: Any, code: ExitCode
) -> None:
    settings = demo_factory(api, scenario).settings()
    if change is not None:
        settings = change(settings)
    _text, pane, summary = await _checked(settings)
    report = pane.report
    assert report is not None and not report.cells
    assert report.exit_code == code
    assert "0 allowed" not in summary and "done" not in summary, summary
    # the same two places the check command's exit status and report summary come from
    assert verdict_text(code) in summary
    assert headline(report, "en") in summary.replace("\n", " "), summary


async def test_gateway_refusal_says_not_established_and_the_gateway_step(
    demo_factory: DemoFactory,
) -> None:
    settings = demo_factory(ApiKind.REST, "gateway-refused").settings()
    text, _pane, summary = await _checked(settings)
    flat = " ".join(summary.split())
    assert "No right could be established" in flat  # every call refused: none, not "some"
    assert NEXT_STEP["en"]["gateway"] in flat
    assert "(exit 2)" in flat
    assert "✓ 0 allowed" not in text
