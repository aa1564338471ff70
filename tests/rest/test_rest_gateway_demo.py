"""The REST demo can answer as the API gateway in front of Nmbrs does: its own 403 JSON.

A scenario's ``gateway_refuse`` (``"all"`` or REST operation names) makes the demo refuse
those calls before Nmbrs' API sees them, with a body that is not Nmbrs' problem body. Off by
default; the check reads such a refusal as not established (exit 2), never a missing scope.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from nmbrs_client.errors import ConfigError
from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.ids import ApiKind
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.findings import headline
from nmbrs_client.rights.results import RightsReport
from nmbrs_demo.rest.app import RENDERED_ONCE
from nmbrs_demo.scenarios import (
    BUILTIN_SCENARIOS,
    Scenario,
    load_scenario,
    scenario_from_mapping,
)
from tests.rest.test_rest_check import checked
from tests.rest_demo_helpers import HTTP, api_headers
from tui.cli import main

BANK = "company.employees.bankaccounts"
EMPLOYEES_PATH = "/api/companies/{companyId}/employees"


def _scenario_file(tmp_path: Path, refuse: str) -> Path:
    path = tmp_path / "gateway.toml"
    path.write_text(f'name = "gateway"\ngateway_refuse = {refuse}\n', encoding="utf-8")
    return path


def test_no_built_in_scenario_has_the_gateway_refuse() -> None:
    assert all(not s.gateway_refused for s in BUILTIN_SCENARIOS.values())


def test_the_key_is_the_rest_demos_and_checked(tmp_path: Path) -> None:
    scenario = load_scenario(_scenario_file(tmp_path, f'["{BANK}"]'))
    assert scenario.gateway_refused == {BANK}
    assert scenario.apis == {ApiKind.REST}  # the SOAP demo cannot play it: refused there
    for bad in ('["company.employes"]', "[]", '"some"', "3"):
        with pytest.raises(ConfigError, match="gateway_refuse"):
            load_scenario(_scenario_file(tmp_path, bad))
    with pytest.raises(ConfigError, match="gateway_refuse"):
        scenario_from_mapping(
            {"gateway_refuse": "all", "hang": ["EmployeeService.Function_GetCurrent"]},
            "x.toml",
            default_name="x",
        )


def test_a_refused_call_gets_the_gateways_json_before_any_other_gate(
    rest_demo_factory: Any,
) -> None:
    """Before the token and the rendered pages: a page already served is never served past
    the gateway, and the refusal is not Nmbrs' problem body (no code, type, title)."""
    server = rest_demo_factory(gateway_scenario(frozenset({"company.employees"})))
    demo = server.demo
    token = server.script_token()
    companies = HTTP.get(server.base_url + "/api/companies", headers=api_headers(token))
    assert companies.status_code == 200  # an operation not named passes
    path = EMPLOYEES_PATH.replace("{companyId}", companies.json()["data"][0]["companyId"])
    assert EMPLOYEES_PATH in RENDERED_ONCE
    refused_paths, demo.gateway.paths = demo.gateway.paths, frozenset()
    served = HTTP.get(server.base_url + path, headers=api_headers(token))
    assert served.status_code == 200 and demo.rendered._bodies  # the page is kept
    demo.gateway.paths = refused_paths
    for headers in (api_headers(token), api_headers("not-a-token")):
        refused = HTTP.get(server.base_url + path, headers=headers)
        assert refused.status_code == 403
        body = refused.json()
        assert set(body) == {"statusCode", "message"}
        assert "subscription key" not in body["message"].lower()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_check_on_a_gateway_refusing_everything_is_not_established(
    tmp_path: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = _scenario_file(tmp_path, '"all"')
    args = ["check", "--demo", "--api", "rest", "--scenario", str(scenario), "--lang", lang]
    assert main([*args, "--format", "json", "-q"]) == ExitCode.CONNECT
    data = json.loads(capsys.readouterr().out)
    assert data["exit_code"] == 2
    account = {a["check"]: a for a in data["account"]}
    assert account["debtors"]["status"] == "error"
    assert "refused by the API gateway" in account["debtors"]["message"]
    assert all(a["status"] not in ("scope_missing", "no_data_access") for a in data["account"])
    assert data["summary"]["allowed"] == 0 and data["summary"]["missing"] == 0
    assert main([*args, "-q"]) == 2
    text = capsys.readouterr().out
    refused = {"en": "refused by the API gateway", "nl": "geweigerd door de API-gateway"}[lang]
    assert refused in text
    assert "What to change" not in text and "Wat moet er in Nmbrs" not in text
    summary = next(line for line in text.splitlines() if line.startswith(("Summary", "Samen")))
    assert {"en": "the API gateway", "nl": "de API-gateway"}[lang] in summary
    assert "network" not in summary and "netwerk" not in summary


def test_check_with_one_operation_refused_by_the_gateway(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = _scenario_file(tmp_path, f'["{BANK}"]')
    args = ["check", "--demo", "--api", "rest", "--scenario", str(scenario), "-q"]
    assert main([*args, "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)
    cells = data["results"]
    refused = [c for c in cells if c["operation"] == BANK]
    others = [c for c in cells if c["operation"] != BANK]
    assert refused and all(c["status"] == "error" for c in refused)
    assert all("refused by the API gateway" in c["message"] for c in refused)
    assert others and all(c["status"] == "allowed" for c in others)
    assert data["exit_code"] == 2
    assert data["summary"]["by_status"]["scope_missing"] == 0


def gateway_scenario(refused: frozenset[str]) -> Scenario:
    """The healthy demo behind a gateway that refuses ``refused`` (REST operation names)."""
    return replace(
        BUILTIN_SCENARIOS["healthy"],
        name="gateway",
        gateway_refused=refused,
        apis=frozenset({ApiKind.REST}),
    )


def _error_kinds_as(report: RightsReport, kind: str) -> RightsReport:
    cells = [replace(c, error_kind=kind) if c.status is Status.ERROR else c for c in report.cells]
    return replace(report, cells=cells)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_headline_words_the_cause_of_what_was_not_established(lang: str) -> None:
    """Only the gateway refused: it says so; with other errors too: both; none: as before."""
    gateway = {"en": "API gateway", "nl": "API-gateway"}[lang]
    network = {"en": "network or server errors", "nl": "netwerk- of serverfouten"}[lang]
    with checked(gateway_scenario(frozenset({BANK}))) as (report, _server):
        pass
    assert report.exit_code == 2
    only = headline(report, lang)
    assert gateway in only and network not in only
    first_error = next(c for c in report.cells if c.status is Status.ERROR)
    mixed = replace(
        report,
        cells=[*report.cells, replace(first_error, operation="x", error_kind="timeout")],
    )
    assert gateway in headline(mixed, lang) and network in headline(mixed, lang)
    timeouts = headline(_error_kinds_as(report, "timeout"), lang)
    assert gateway not in timeouts and network in timeouts


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_each_cause_not_established_has_its_own_next_step_in_the_heading(lang: str) -> None:
    """The heading over what was not established and the summary say what each cause needs:
    the subscription key's product for the gateway (no retry), a wait for a quota, a retry
    for a time-out; mixed causes, each its step, in one order."""
    from nmbrs_client.rights.findings import errors_heading
    from nmbrs_client.rights.report_words import NEXT_STEP

    steps = NEXT_STEP[lang]
    with checked(gateway_scenario(frozenset({BANK}))) as (report, _server):
        pass
    gateway = errors_heading(report, lang)
    assert steps["gateway"] in gateway and steps["again"] not in gateway
    assert steps["gateway"] in headline(report, lang)
    for kind in ("timeout", "quota", "tls"):
        alone = errors_heading(_error_kinds_as(report, kind), lang)
        expected = steps["again"] if kind == "timeout" else steps[kind]
        assert alone.endswith(expected) and steps["gateway"] not in alone, (kind, alone)
    first_error = next(c for c in report.cells if c.status is Status.ERROR)
    mixed = replace(
        report, cells=[*report.cells, replace(first_error, operation="x", error_kind="timeout")]
    )
    both = errors_heading(mixed, lang)
    assert both.index(steps["gateway"]) < both.index(steps["again"])


def test_the_gateway_check_heads_its_errors_with_the_products_step_not_a_retry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["check", "--demo", "--api", "rest", "--scenario", "gateway-refused", "-q"]
    assert main(args) == ExitCode.CONNECT
    text = capsys.readouterr().out
    heading = next(line for line in text.splitlines() if line.startswith("Could not be"))
    assert "developer portal" in heading and "subscription key's product" in heading
    assert "run the check again" not in heading
    assert main([*args, "--format", "markdown"]) == ExitCode.CONNECT
    assert "## Could not be established: check in the developer portal" in capsys.readouterr().out
