"""One check, two APIs: each demo scenario that exists on both gives the same exit code on both,
with no extra flag, and the JSON of both validates against the one schema."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.ids import ApiKind
from nmbrs_client.rights.report import load_schema
from nmbrs_demo import RunningDemo
from nmbrs_demo.credentials import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USERNAME
from nmbrs_demo.scenarios import BUILTIN_SCENARIOS, names_for
from tests.config_isolation import isolate
from tests.conftest import DemoFactory
from tui.cli import main

EXPECTED = {
    "healthy": ExitCode.OK,
    "missing-rights": ExitCode.FINDINGS,
    "missing-scopes": ExitCode.FINDINGS,
    "no-subscription": ExitCode.FINDINGS,
    "bad-token": ExitCode.CONNECT,
    "no-employees": ExitCode.NOT_VERIFIED,
    "restricted-scope": ExitCode.OK,
    "large-accountant": ExitCode.OK,
}
# an id no company list returns, in each API's own form
UNKNOWN_COMPANY = {"soap": "99999", "rest": "00000000-0000-0000-0000-000000000000"}


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


def _blocked_company(api: str) -> str:
    """A company of restricted-scope that exists but is outside the login's reach, as typed on
    that API (its SOAP id, its REST UUID)."""
    if api == "soap":
        from nmbrs_demo.server import start_demo_server

        soap = start_demo_server("restricted-scope", latency_ms=0)
        try:
            return str(min(soap.handlers.access.blocked_companies))
        finally:
            soap.stop()
    from nmbrs_demo.rest.ids import Kind
    from nmbrs_demo.rest.server import start_rest_demo_server

    rest = start_rest_demo_server("restricted-scope")
    try:
        return str(rest.demo.ids.rest(Kind.COMPANY, min(rest.demo.access.blocked_companies)))
    finally:
        rest.stop()


def _json_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", "--demo", "-q", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("api", ["soap", "rest"])
def test_a_named_company_is_the_only_column_and_a_healthy_check_exits_0(
    api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Companies nobody named are no columns: they cannot fail (or pass) the check."""
    _, everything = _json_check(capsys, "--api", api)
    target = everything["companies"][1]
    # what a person types: the id on both APIs, the company number too where there is one
    names = [str(target["id"]), *([target["number"]] if target.get("number") else [])]
    for name in names:
        code, data = _json_check(capsys, "--api", api, "--company", name)
        assert code == ExitCode.OK, (name, data["summary"])
        assert [c["id"] for c in data["companies"]] == [target["id"]]
        assert {r["company_id"] for r in data["results"]} == {target["id"]}
        assert {r["status"] for r in data["results"]} == {"allowed"}
        assert not [a for a in data["account"] if a["finding"]]
        assert main(["check", "--demo", "-q", "--api", api, "--company", name]) == ExitCode.OK
        text = capsys.readouterr().out
        assert "! error" not in text and "not visible" not in text


@pytest.mark.parametrize("api", ["soap", "rest"])
@pytest.mark.parametrize("which", ["outside the login's reach", "unknown"])
def test_a_named_company_no_list_returns_is_reported_the_same_on_both_apis(
    api: str, which: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One account line and a "not visible" column, the rights probed on a visible company
    added as its own column, exit 1 (the README's code for a --company id no list returns)."""
    if which == "unknown":
        scenario, named = "healthy", UNKNOWN_COMPANY[api]
    else:
        scenario, named = "restricted-scope", _blocked_company(api)
    code, data = _json_check(capsys, "--api", api, "--scenario", scenario, "--company", named)
    assert code == ExitCode.FINDINGS
    ids = [str(c["id"]) for c in data["companies"]]
    assert ids[0] == named and len(ids) == 2, ids
    assert [c["visible"] for c in data["companies"]] == [False, True]
    status: dict[str, set[str]] = {}
    for result in data["results"]:
        status.setdefault(str(result["company_id"]), set()).add(result["status"])
    assert status == {named: {"not_visible"}, ids[1]: {"allowed"}}
    findings = [a for a in data["account"] if a["finding"]]
    assert [(a["check"], a["status"]) for a in findings] == [("company", "not_visible")]
    assert findings[0]["message"] == (
        f"company {named} is not visible: a wrong id, or outside this user's scope "
        "(no company list of this user names it)"
    )
    assert any(
        "added, because no company named with --company is visible" in n for n in data["notes"]
    )
    # the text report: the same one line, and no "could not be established"
    assert (
        main(["check", "--demo", "-q", "--api", api, "--scenario", scenario, "--company", named])
        == 1
    )
    text = capsys.readouterr().out
    assert text.count(f"company {named} is not visible: a wrong id") == 1
    assert "Could not be established" not in text and "! error" not in text


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


def test_rest_bundle_is_a_private_zip_carrying_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "ticket.zip"
    args = ["check", "--demo", "--api", "rest", "--scenario", "missing-scopes", "-q"]
    code = main([*args, "--bundle", str(target)])
    capsys.readouterr()
    assert code == ExitCode.FINDINGS
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with zipfile.ZipFile(target) as bundle:
        report = json.loads(bundle.read("rights-report.json"))
        markdown = bundle.read("rights-report.en.md").decode("utf-8")
    jsonschema.validate(report, load_schema())
    assert report["api"] == "rest" and report["exit_code"] == ExitCode.FINDINGS
    assert "document.read" in markdown


def test_rest_thorough_probes_every_company_level_cell(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--demo", "--api", "rest", "--thorough", "-q", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == ExitCode.OK
    assert data["mode"] == "thorough"
    company_level = [r for r in data["results"] if r["operation"].startswith("company.employees")]
    assert company_level and all(r["basis"] == "probed" for r in company_level)


def test_all_profiles_checks_soap_and_rest_profiles_in_one_table(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    soap_demo: RunningDemo,
    demo_factory: DemoFactory,
) -> None:
    isolate(tmp_path, monkeypatch)
    rest = demo_factory(ApiKind.REST, "missing-scopes")
    config = tmp_path / "config.toml"
    config.write_text(
        "[profiles.soapy]\n"
        'environment = "custom"\n'
        f'base_url = "{soap_demo.base_url}"\n'
        f'username = "{DEMO_USERNAME}"\n'
        f'domain = "{DEMO_DOMAIN}"\n'
        f'token = "{DEMO_TOKEN}"\n\n'
        "[profiles.resty]\n"
        'api = "rest"\n'
        'environment = "demo"\n'
        "[profiles.resty.rest]\n"
        f'base_url = "{rest.base_url}"\n',
        encoding="utf-8",
    )
    os.chmod(config, 0o600)
    code = main(["check", "--all-profiles", "--config", str(config), "--format", "json"])
    rows = {row["profile"]: row for row in json.loads(capsys.readouterr().out)["profiles"]}
    assert rows["soapy"]["exit_code"] == ExitCode.OK
    assert rows["resty"]["exit_code"] == ExitCode.FINDINGS
    assert rows["resty"]["missing_rights"] >= 2  # bank accounts and the document download
    assert code == ExitCode.FINDINGS


@pytest.mark.parametrize("api", ["soap", "rest"])
@pytest.mark.parametrize("requirements", ["integration", "app"])
def test_every_builtin_requirement_profile_is_checked_on_both_apis(
    api: str, requirements: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", "--demo", "--api", api, "-q", "--format", "json", "-r", requirements]
    code = main(args)
    data = json.loads(capsys.readouterr().out)
    assert code == ExitCode.OK
    assert data["requirements"]["name"] == requirements
    assert data["results"] and all(r["status"] == "allowed" for r in data["results"])


def _not_established_json(
    api: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[str, Any]:
    """A check whose account rows could not be read, as each API meets it on its own: SOAP a
    host that refuses the connection, REST the API gateway refusing every call."""
    if api == "soap":
        isolate(tmp_path, monkeypatch)
        monkeypatch.setenv("NMBRS_TOKEN", "not-a-token-of-anyone")
        args = ["--base-url", "http://127.0.0.1:1/soap/v3/", "--username", "u", "--domain", "d"]
    else:
        args = ["--demo", "--api", "rest", "--scenario", "gateway-refused"]
    code = main(["check", *args, "-q", "--format", "json"])
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert code == data["exit_code"] == ExitCode.CONNECT
    jsonschema.validate(data, load_schema())
    return data


@pytest.mark.parametrize(("api", "kind"), [("soap", "connection"), ("rest", "gateway")])
def test_the_json_names_the_kind_of_an_account_row_not_established(
    api: str,
    kind: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The account rows say why they were not established (as the cells do), so a ticket's
    JSON groups them without reading the English message; the other rows carry null."""
    data = _not_established_json(api, tmp_path, monkeypatch, capsys)
    errors = [a for a in data["account"] if a["status"] == "error"]
    assert errors, data["account"]
    assert {a["error_kind"] for a in errors} == {kind}
    assert all(a["error_kind"] is None for a in data["account"] if a["status"] != "error")


def test_the_json_names_the_kind_of_every_cell_not_established() -> None:
    from nmbrs_client.rights.report import render
    from tests.rest.test_rest_check import checked
    from tests.rest.test_rest_gateway_demo import BANK, gateway_scenario

    with checked(gateway_scenario(frozenset({BANK}))) as (report, _server):
        data = json.loads(render(report, "json"))
    assert data["exit_code"] == ExitCode.CONNECT
    jsonschema.validate(data, load_schema())
    kinds = {(r["operation"] == BANK, r["status"], r["error_kind"]) for r in data["results"]}
    assert kinds == {(True, "error", "gateway"), (False, "allowed", None)}


def test_the_schema_lists_exactly_the_error_kinds_the_check_gives() -> None:
    from nmbrs_client.rights.classify import ERROR_KINDS

    listed = load_schema()["$defs"]["error_kind"]["enum"]
    assert set(listed) == {None, *ERROR_KINDS} and len(listed) == len(ERROR_KINDS) + 1
