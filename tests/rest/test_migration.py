"""`check --migration`: SOAP and REST verdicts of one profile side by side."""

from __future__ import annotations

import json

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
