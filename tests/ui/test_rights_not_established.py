"""Pilot tests of pane 2 after a check that ended before any company was probed.

Such a check has no cells, so its counts are all 0: shown alone ("✓ 0 allowed · ✗ 0 missing ·
done") they read like a clean result. The summary line must say the check's verdict instead,
with the exit code ``nmbrs-tui check`` gives for the same report, on both APIs.
"""

from __future__ import annotations

from typing import Any

import pytest

from nmbrs_client.exit_codes import verdict_text, verdict_words
from nmbrs_client.ids import ApiKind
from nmbrs_client.rights.findings import headline, verdict_causes
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


# the verdict's words name the cause of an exit 2: a gateway refusal is neither a failure to
# connect nor to authenticate
GATEWAY = "⚠ not established: refused by the API gateway (exit 2)"
CASES = [
    pytest.param(ApiKind.REST, "gateway-refused", None, GATEWAY, id="rest-gateway"),
    pytest.param(
        ApiKind.REST,
        "bad-token",
        None,
        "⚠ cannot authenticate: access token refused (exit 2)",
        id="rest-bad-token",
    ),
    pytest.param(
        ApiKind.REST, "no-subscription", None, "✗ rights missing (exit 1)", id="rest-no-sub"
    ),
    pytest.param(
        ApiKind.SOAP,
        "bad-token",
        None,
        "⚠ cannot authenticate: login refused (exit 2)",
        id="soap-bad-token",
    ),
    pytest.param(
        ApiKind.SOAP, "no-subscription", None, "✗ rights missing (exit 1)", id="soap-no-sub"
    ),
    # a wrong SOAP domain is no such case: the check finds the right one and goes on
    pytest.param(
        ApiKind.SOAP, "healthy", _unreachable, "⚠ cannot connect (exit 2)", id="soap-unreachable"
    ),
]


@pytest.mark.parametrize(("api", "scenario", "change", "verdict"), CASES)
async def test_a_check_that_probed_nothing_says_its_verdict_not_zero_counts(
    demo_factory: DemoFactory, api: ApiKind, scenario: str, change: Any, verdict: str
) -> None:
    settings = demo_factory(api, scenario).settings()
    if change is not None:
        settings = change(settings)
    _text, pane, summary = await _checked(settings)
    report = pane.report
    assert report is not None and not report.cells
    code = report.exit_code
    assert f"(exit {code})" in verdict and summary.startswith(verdict), summary
    assert "0 allowed" not in summary and "done" not in summary, summary
    # the same places the check command's exit status and report summary come from
    assert verdict_text(code, verdict_words(code, verdict_causes(report))) in summary
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


STOPS = [
    pytest.param(ApiKind.REST, "bad-token", None, id="rest-bad-token"),
    pytest.param(ApiKind.REST, "no-subscription", None, id="rest-no-sub"),
    pytest.param(ApiKind.SOAP, "bad-token", None, id="soap-bad-token"),
    pytest.param(ApiKind.SOAP, "no-subscription", None, id="soap-no-sub"),
    pytest.param(ApiKind.SOAP, "healthy", _unreachable, id="soap-unreachable"),
]


@pytest.mark.parametrize(("api", "scenario", "change"), STOPS)
async def test_the_pane_says_what_to_do_in_the_words_of_the_check_report(
    demo_factory: DemoFactory, api: ApiKind, scenario: str, change: Any
) -> None:
    """A check that judged nothing: the pane names the cause and what to do in the words the
    ``check`` command's report uses for the same report (its headline, each thing to change,
    the engineer's command), never a wording of its own."""
    from nmbrs_client.rights.findings import stop_steps
    from nmbrs_client.rights.report import render

    settings = demo_factory(api, scenario).settings()
    if change is not None:
        settings = change(settings)
    _text, pane, summary = await _checked(settings)
    report = pane.report
    assert report is not None
    flat = " ".join(summary.split())
    steps = stop_steps(report, "en")
    # what to do: a thing to change or a command, else in the headline (cannot connect)
    assert steps or "then run the check again" in headline(report, "en")
    cli = " ".join(render(report, "text", "en").split())
    for said in (headline(report, "en"), *steps):
        assert " ".join(said.split()) in flat, (said, flat)
        assert " ".join(said.split()) in cli, said
    assert "reconnect (1, r)" not in flat  # the pane's own former wording
