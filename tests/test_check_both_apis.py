"""One check, two APIs: each demo scenario that exists on both gives the same exit code on both,
with no extra flag, and the JSON of both validates against the one schema."""

from __future__ import annotations

import json

import jsonschema
import pytest

from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.rights.report import load_schema
from nmbrs_demo.scenarios import BUILTIN_SCENARIOS, names_for
from tui.cli import main

EXPECTED = {
    "healthy": ExitCode.OK,
    "missing-rights": ExitCode.FINDINGS,
    "missing-scopes": ExitCode.FINDINGS,
    "no-subscription": ExitCode.FINDINGS,
    "bad-token": ExitCode.CONNECT,
    "no-employees": ExitCode.NOT_VERIFIED,
}


@pytest.mark.parametrize("api", ["soap", "rest"])
@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_same_exit_code_on_both_apis_by_default(
    api: str, scenario: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--demo", "--api", api, "--scenario", scenario, "-q", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == EXPECTED[scenario]
    jsonschema.validate(data, load_schema())
    assert data["api"] == api
    assert data["exit_code"] == code


def test_the_scenarios_of_the_table_exist_on_both_apis() -> None:
    for name in EXPECTED:
        assert BUILTIN_SCENARIOS[name].apis == {"soap", "rest"}


@pytest.mark.parametrize(("api", "scenario"), [("soap", "multi-debtor"), ("rest", "payroll-only")])
def test_a_scenario_without_a_twin_is_refused_with_that_apis_list(
    api: str, scenario: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--demo", "--api", api, "--scenario", scenario, "-q"])
    captured = capsys.readouterr()
    assert code == ExitCode.USAGE
    assert captured.out == ""
    assert f"{api.upper()} demo scenarios: " in captured.err
    listed = captured.err.split(f"{api.upper()} demo scenarios: ", 1)[1]
    assert scenario not in listed
    assert all(name in listed for name in names_for(api))
