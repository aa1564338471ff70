"""`check --migration`: SOAP and REST verdicts of one profile side by side."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nmbrs_client.rights.requirements import INTEGRATION_OPERATIONS
from nmbrs_client.rights.rest_requirements import GAP_TEXT, Gap
from tui.cli import main


def _migration(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["check", "--demo", "--migration", "--quiet", *extra])
    return code, capsys.readouterr().out


def test_json_has_both_verdicts_for_every_seed_operation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _migration(capsys, "--format", "json", "--fetch-documents")
    data = json.loads(out)
    assert data["soap_checked"] and data["rest_checked"]
    rows = {row["soap_operation"]: row for row in data["operations"]}
    assert set(rows) == set(INTEGRATION_OPERATIONS)
    for row in rows.values():
        assert row["rest_operations"] or row["equivalence"] == "none"
        assert row["soap_verdict"] == "allowed"
        assert row["rest_verdict"] == "allowed"
    assert data["days_until_soap_ends"] > 0
    assert code == 0


def test_missing_scopes_scenario_shows_the_rest_findings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _migration(capsys, "--scenario", "missing-scopes", "--format", "json")
    rows = {row["soap_operation"]: row for row in json.loads(out)["operations"]}
    assert rows["EmployeeService.BankAccount_GetListCurrent"]["rest_verdict"] == "scope_missing"
    assert code == 1


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_name_the_gaps_in_the_chosen_language(
    lang: str, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, out = _migration(capsys, "--format", fmt, "--lang", lang)
    assert GAP_TEXT[lang][Gap.PAYSLIPS_BY_PERIOD] in out
    assert GAP_TEXT[lang][Gap.NO_BIC] in out
    for name in INTEGRATION_OPERATIONS:
        assert name in out
    assert ("1 maart 2027" if lang == "nl" else "1 March 2027") in out


def test_without_configured_sides_nothing_is_called_allowed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the suite's environment is isolated: no config file, no NMBRS_* variables
    code = main(["check", "--migration", "--quiet", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert not data["soap_checked"] and not data["rest_checked"]
    assert all(row["rest_verdict"] is None for row in data["operations"])
    assert code == 3


def _unreachable_rest_report() -> Any:
    """A REST check against a port nothing listens on: it stops, it never guesses."""
    import socket

    from nmbrs_client.rest.client import RestClient, StaticToken
    from nmbrs_client.rest.prober import RestProber
    from nmbrs_client.rest.transport import RestTransport
    from nmbrs_client.retry import NO_RETRIES
    from nmbrs_client.rights.protocol import ProbeTuning
    from nmbrs_client.rights.requirements import BUILTIN_PROFILES

    with socket.socket() as probe:  # a free port, closed again: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transport = RestTransport(f"http://127.0.0.1:{port}/", subscription_key=lambda: "k" * 32)
    client = RestClient(transport, StaticToken("token", None), retry=NO_RETRIES)
    try:
        return RestProber(
            client, BUILTIN_PROFILES["integration"], tuning=ProbeTuning(retries=0)
        ).run()
    finally:
        client.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_rest_that_cannot_be_reached_says_so_and_exits_2(lang: str) -> None:
    from datetime import date

    from nmbrs_client.exit_codes import ExitCode
    from nmbrs_client.rights.migration import build_migration, render
    from nmbrs_client.rights.requirements import BUILTIN_PROFILES

    rest = _unreachable_rest_report()
    assert rest.stopped == "connect"
    report = build_migration(
        BUILTIN_PROFILES["integration"], soap=None, rest=rest, today=date(2026, 12, 7)
    )
    assert report.exit_code == ExitCode.CONNECT
    assert all(row.rest_status is None for row in report.rows)
    text = render(report, "text", lang)
    assert (
        "REST kon niet worden gecontroleerd" if lang == "nl" else "REST could not be checked"
    ) in text
    data = json.loads(render(report, "json"))
    assert data["exit_code"] == 2 and data["unreached"][0]["api"] == "REST"
