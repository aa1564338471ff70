"""The report's counts and words agree with what happened, on both APIs.

A support engineer pastes the verdict into a ticket, so every line must be true: the counts
line names the account calls that failed (they are no cells, so "0 errors (0 cells)" alone
beside them reads like a clean run), in the text and in the JSON summary; the headline says
"no right could be established" when none was, not "some".
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.ids import ApiKind
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.findings import headline
from nmbrs_client.rights.report import load_schema, render
from nmbrs_client.rights.report_words import NEXT_STEP
from nmbrs_client.rights.results import PROBED, CellResult, RightsReport
from tests.config_isolation import isolate
from tests.conftest import DemoFactory
from tui.cli import main

# Each API's own way to have the account's first calls fail: SOAP a host that refuses the
# connection (the check stops at the connection row), REST the API gateway refusing every call
# (the check goes on and every account list fails).
FIRST_CALLS_FAIL = {
    "soap": ["--base-url", "http://127.0.0.1:1/soap/v3/", "--username", "u", "--domain", "d"],
    "rest": ["--demo", "--api", "rest", "--scenario", "gateway-refused"],
}


def _check(
    api: str,
    extra: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str]:
    if api == "soap":
        isolate(tmp_path, monkeypatch)
        monkeypatch.setenv("NMBRS_TOKEN", "not-a-token-of-anyone")
    code = main(["check", *FIRST_CALLS_FAIL[api], "-q", *extra])
    return code, capsys.readouterr().out


def _counts_line(text: str) -> str:
    """The line under the summary's headline: the counts."""
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith(("Summary:", "Samenvatting:")))
    return lines[head + 1]


def _failed_rows(data: dict[str, Any]) -> int:
    return sum(1 for a in data["account"] if a["status"] == "error")


@pytest.mark.parametrize("api", ["soap", "rest"])
def test_the_counts_say_how_many_account_calls_failed(
    api: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _check(api, ["--format", "json"], tmp_path, monkeypatch, capsys)
    data = json.loads(out)
    failed = _failed_rows(data)
    assert code == ExitCode.CONNECT and failed >= 1 and not data["results"]
    jsonschema.validate(data, load_schema())
    assert data["summary"]["account_errors"] == failed
    assert data["summary"]["errors"] == 0  # the cells' count keeps its meaning
    plural = failed > 1
    english = "account checks failed" if plural else "account check failed"
    dutch = "accountcontroles mislukt" if plural else "accountcontrole mislukt"
    for lang, words in (("en", english), ("nl", dutch)):
        code, text = _check(api, ["--lang", lang], tmp_path, monkeypatch, capsys)
        assert _counts_line(text).endswith(f" · {failed} {words}"), text
        assert code == ExitCode.CONNECT


def test_the_schema_describes_the_account_errors_count() -> None:
    summary = load_schema()["properties"]["summary"]["properties"]
    assert summary["account_errors"]["type"] == "integer"


def _gateway_refused_report() -> RightsReport:
    """A REST check whose account lists the API gateway refused: no cell, exit 2."""
    from datetime import datetime

    from nmbrs_client.rights.requirements import BUILTIN_PROFILES
    from nmbrs_client.rights.results import AccountResult, CheckMode

    return RightsReport(
        datetime(2026, 12, 7),
        {},
        BUILTIN_PROFILES["integration"],
        CheckMode.DEFAULT,
        4,
        account=[
            AccountResult("scopes", Status.ALLOWED, "every needed scope is granted"),
            AccountResult("debtors", Status.ERROR, "refused", error_kind="gateway"),
            AccountResult("companies", Status.ERROR, "refused", error_kind="gateway"),
        ],
        api=ApiKind.REST,
    )


def test_a_profile_whose_account_calls_failed_counts_them_in_the_all_profiles_errors() -> None:
    from tui.headless.all_profiles import Place, outcome_of

    report = _gateway_refused_report()
    row = outcome_of("acme", Place("production", "rest"), report, 0.1)
    assert row.exit_code == ExitCode.CONNECT and row.errors == 2
    # and its verdict names the gateway, not a failure to connect or authenticate
    assert row.verdict == "not established: refused by the API gateway"


def test_every_cause_of_an_exit_2_has_words_of_the_readmes_three_kinds() -> None:
    from nmbrs_client.exit_codes import EXIT_2_CAUSES, exit_2_words, verdict_words
    from nmbrs_client.rights.report_words import ERROR_CAUSES, LANGS
    from nmbrs_client.rights.results import StopReason

    for lang in LANGS:
        causes = {s.value for s in StopReason} | set(ERROR_CAUSES["en"])
        assert set(EXIT_2_CAUSES[lang]) == causes, lang
    assert exit_2_words(["auth_failed"]) == "cannot authenticate: login refused"
    assert exit_2_words(["connect"]) == "cannot connect"
    both = verdict_words(ExitCode.CONNECT, ["gateway", "network"])
    assert both == "not established: refused by the API gateway, network or server errors"
    assert exit_2_words(["gateway"], "nl") == "niet vastgesteld: geweigerd door de API-gateway"
    assert verdict_words(ExitCode.CONNECT) == "not established"  # a cause not known
    assert verdict_words(ExitCode.OK, ["gateway"]) == "all allowed"


def _healthy_report(api: str, demo_factory: DemoFactory) -> RightsReport:
    """A finished check of the healthy demo of ``api``, every cell allowed."""
    if api == "soap":
        from nmbrs_client.client import NmbrsClient
        from nmbrs_client.rights.engine import RightsEngine
        from nmbrs_client.rights.requirements import find_profile

        client = NmbrsClient(demo_factory(ApiKind.SOAP, "healthy").settings())
        try:
            return RightsEngine(client, find_profile("integration")).run()
        finally:
            client.close()
    from nmbrs_demo.scenarios import BUILTIN_SCENARIOS
    from tests.rest.test_rest_check import checked

    with checked(BUILTIN_SCENARIOS["healthy"]) as (report, _server):
        return report


def _failed(cell: CellResult) -> CellResult:
    return replace(cell, status=Status.ERROR, basis=PROBED, error_kind="timeout", message="t")


@pytest.mark.parametrize("api", ["soap", "rest"])
def test_the_headline_says_none_was_established_only_when_none_was(
    api: str, demo_factory: DemoFactory
) -> None:
    healthy = _healthy_report(api, demo_factory)
    assert healthy.exit_code == ExitCode.OK and len(healthy.cells) > 1
    first, *rest = healthy.cells
    some = replace(healthy, cells=[_failed(first), *rest])
    none = replace(healthy, cells=[_failed(c) for c in healthy.cells])
    said = {"en": ("Some rights could not", "No right could"), "nl": ("Een deel", "Geen enkel")}
    for lang, (partly, wholly) in said.items():
        for report, right, wrong in ((some, partly, wholly), (none, wholly, partly)):
            assert report.exit_code == ExitCode.CONNECT
            line = headline(report, lang)
            assert line.startswith(right) and wrong not in line, (lang, line)
            assert NEXT_STEP[lang]["again"] in line
            text = render(report, "text", lang)
            assert f": {line}" in text and wrong not in text


@pytest.mark.parametrize("api", ["soap", "rest"])
def test_a_check_whose_first_calls_failed_says_no_right_was_established(
    api: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not a single cell: nothing at all was established (SOAP stops at the connection, so
    its headline is the connection's; REST's gateway refusal goes on and fails every list)."""
    code, text = _check(api, [], tmp_path, monkeypatch, capsys)
    assert code == ExitCode.CONNECT and "Some rights" not in text
    if api == "rest":
        assert "Summary: No right could be established (calls refused by the API gateway" in text


@pytest.mark.parametrize(
    ("lang", "said", "wrong"),
    [
        ("en", "⚠ not established: refused by the API gateway", "cannot connect"),
        ("nl", "⚠ niet vastgesteld: geweigerd door de API-gateway", "geen verbinding"),
    ],
)
def test_the_migration_fleet_names_why_a_side_exits_2(lang: str, said: str, wrong: str) -> None:
    from datetime import date

    from nmbrs_client.rights.requirements import BUILTIN_PROFILES
    from tui.headless.fleet_migration import fleet_row, render_text

    rest = _gateway_refused_report()
    row = fleet_row(
        "acme", None, rest, True, BUILTIN_PROFILES["integration"], lang, date(2026, 12, 7), False
    )
    table = render_text([row], lang)
    assert said in table and wrong not in table, table


def test_a_soap_fault_asking_to_slow_down_is_throttled_with_its_step() -> None:
    """Nmbrs' fault "too many calls, slow down" (no code) that outlasts the retries is
    throttling, as the client's retry reads it: the report says so and the throttling's
    step, not "network or server errors" and "quote the fault to Nmbrs support"."""
    from nmbrs_client.errors import NmbrsFault
    from nmbrs_client.rights.classify import classify

    verdict = classify(NmbrsFault("DebtorService.List_GetAll", None, "Too many calls, slow down"))
    assert verdict.status is Status.ERROR and verdict.error_kind == "throttled"
    coded = classify(NmbrsFault("DebtorService.List_GetAll", 9999, "Too many calls"))
    assert coded.error_kind == "fault"  # a fault with a code is read by its code
    report = replace(
        _gateway_refused_report(),
        account=[
            replace(a, error_kind=verdict.error_kind) for a in _gateway_refused_report().account
        ],
    )
    assert "calls slowed down by Nmbrs" in headline(report, "en")
    assert NEXT_STEP["en"]["throttled"] in headline(report, "en")
