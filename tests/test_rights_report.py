"""Report renderers: text, Markdown and JSON in English and Dutch, validated by the schema."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import jsonschema
import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.engine import RightsEngine
from nmbrs_client.rights.findings import actions
from nmbrs_client.rights.protocol import CheckOptions
from nmbrs_client.rights.report import load_schema, render
from nmbrs_client.rights.requirements import BUILTIN_PROFILES
from nmbrs_client.rights.results import RightsReport
from nmbrs_demo.reach import demo_settings

FROZEN = datetime(2026, 11, 24, 10, 0)


def run(
    server: Any,
    companies: list[int] | None = None,
    domain: str | None = None,
) -> RightsReport:
    settings = demo_settings(server.base_url, server.scenario.name)
    if domain:
        settings = settings.with_soap(domain=domain)
    client = NmbrsClient(settings)
    try:
        return RightsEngine(
            client,
            BUILTIN_PROFILES["integration"],
            CheckOptions(companies=tuple(companies or ()) or None, clock=lambda: FROZEN),
            reconnect=lambda d: NmbrsClient(settings.with_soap(domain=d)),
        ).run()
    finally:
        client.close()


SCENARIOS = ["healthy", "missing-rights", "restricted-scope", "bad-token", "no-subscription"]


@pytest.fixture(scope="module")
def reports() -> Any:
    from nmbrs_demo.server import start_demo_server

    found: dict[str, RightsReport] = {}
    for scenario in (
        "healthy",
        "missing-rights",
        "restricted-scope",
        "bad-token",
        "no-subscription",
    ):
        server = start_demo_server(scenario, latency_ms=0)
        try:
            companies = [20001, 20004, 20005] if scenario == "restricted-scope" else [20001, 20002]
            found[scenario] = run(server, companies)
        finally:
            server.stop()
    return found


@pytest.mark.parametrize(
    "scenario", ["healthy", "missing-rights", "restricted-scope", "bad-token", "no-subscription"]
)
def test_json_validates_against_schema(reports: dict[str, RightsReport], scenario: str) -> None:
    report = reports[scenario]
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, load_schema())
    assert data["exit_code"] == report.exit_code
    assert data["summary"]["calls"] == report.calls
    assert len(data["results"]) == len(report.cells)
    assert data["environment"]["username"] == "demo@example.com"
    assert "demo-token" not in json.dumps(data)


def test_schema_rejects_a_bad_status(reports: dict[str, RightsReport]) -> None:
    data = json.loads(render(reports["healthy"], "json"))
    data["results"][0]["status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, load_schema())


def test_markdown_missing_rights_groups_operations_per_service(
    reports: dict[str, RightsReport],
) -> None:
    md = render(reports["missing-rights"], "markdown", "en")
    assert (
        "Settings (highest level) → User accounts → Template Users → <your API template> → "
        "API → Employee Service → set Department_GetCurrent, Function_GetCurrent, "
        "SalaryDocuments_GetAnnualStatementPDF to active."
    ) in md
    assert (
        "API → Company Service → set SalaryDocuments_GetEmployeePayslipsPDFByRunCompany to active."
    ) in md
    assert "1 March 2027: 97 days after this check" in md
    assert "two-factor" in md and "Master Accountant" in md  # the demo sees two debtors
    nl = render(reports["missing-rights"], "markdown", "nl")
    assert (
        "Instellingen (hoogste niveau) → Gebruikersaccounts → Template Users → <uw "
        "API-template> → API → Employee Service (werknemers) → zet Department_GetCurrent, "
        "Function_GetCurrent" in nl
    )
    assert "1 maart 2027" in nl and "97 dagen na deze controle" in nl
    assert "tweestapsverificatie" in nl


def test_markdown_scope_and_credentials(reports: dict[str, RightsReport]) -> None:
    scope = render(reports["restricted-scope"], "markdown", "en")
    # Named with --company but in no list of this user: "not visible", never a plain access fix.
    for company in (20004, 20005):
        assert f"Company {company} is not visible to this user: a wrong id, or outside" in scope
    assert "Give this user access to companies 20004, 20005" not in scope
    assert "debtor tag" in scope
    assert "Bedrijf 20004 is niet zichtbaar voor deze gebruiker" in render(
        reports["restricted-scope"], "markdown", "nl"
    )
    bad = render(reports["bad-token"], "markdown", "en")
    assert "User profile → tab API Token" in bad
    assert "User profile (gebruikersprofiel) → tabblad API Token" in render(
        reports["bad-token"], "markdown", "nl"
    )
    sub = render(reports["no-subscription"], "markdown", "en")
    assert "no valid API subscription" in sub


def test_markdown_healthy_says_nothing_to_do(reports: dict[str, RightsReport]) -> None:
    md = render(reports["healthy"], "markdown", "en")
    assert "Nothing: every required operation is allowed" in md
    assert "Niets: alle benodigde API-calls zijn toegestaan" in render(
        reports["healthy"], "markdown", "nl"
    )
    assert not actions(reports["healthy"])


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_text_has_matrix_account_summary_and_calls(
    reports: dict[str, RightsReport], lang: str
) -> None:
    report = reports["missing-rights"]
    text = render(report, "text", lang)
    denied = "✗ denied" if lang == "en" else "✗ geweigerd"
    allowed = "✓ allowed" if lang == "en" else "✓ toegestaan"
    line = next(row for row in text.splitlines() if row.strip().startswith("Department_GetCurrent"))
    assert line.count(denied) == 2
    line = next(row for row in text.splitlines() if row.strip().startswith("Run_GetList"))
    assert line.count(allowed) == 2
    assert f"{report.calls}" in text and ("Calls" in text or "Aanroepen" in text)
    assert ("credentials" if lang == "en" else "inloggegevens") in text


def test_wrong_domain_action(demo_server: Any) -> None:
    report = run(demo_server, [20001], domain="elsewhere")
    assert "Use domain `demo` (the saved domain `elsewhere` is wrong)" in render(
        report, "markdown", "en"
    )
    assert "Gebruik domein `demo`" in render(report, "markdown", "nl")


def test_days_left_follows_the_clock(reports: dict[str, RightsReport]) -> None:
    report = reports["healthy"]
    assert report.days_left() == 97
    report.checked_at = datetime(2027, 3, 11)
    assert report.days_left() == -10
    assert "10 days before this check" in render(report, "markdown", "en")
    assert Status.ALLOWED.value == "allowed"


def _english_sentences() -> list[str]:
    """Every fixed fragment of the English catalogue long enough to be a sentence part."""
    import re

    from nmbrs_client.rights.report_words import T

    fragments: set[str] = set()
    for text in T["en"].values():
        for part in re.split(r"\{[^}]*\}|`[^`]*`", text):
            part = part.strip(" .,:;()→")
            if len(part.split()) >= 3:  # three words and more: a phrase, not a shared name
                fragments.add(part)
    return sorted(fragments)


_CHECKED: dict[tuple[str, str], RightsReport] = {}


def _checked(api: str, scenario: str) -> RightsReport:
    """The report ``nmbrs-tui check --demo --api API --scenario SCENARIO`` renders (once)."""
    if (api, scenario) not in _CHECKED:
        import contextlib
        import io

        from nmbrs_client.rights import report as module
        from tui.cli import main

        seen: list[RightsReport] = []
        real = module.render

        def spy(report: RightsReport, fmt: str, lang: str = "en") -> str:
            seen.append(report)
            return real(report, fmt, lang)

        module.render = spy  # type: ignore[assignment]
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                args = ["check", "--demo", "--api", api, "--scenario", scenario]
                main([*args, "--latency-ms", "0", "-q", "--format", "json"])
        finally:
            module.render = real
        assert seen, f"no report for {api} {scenario}"
        _CHECKED[(api, scenario)] = seen[0]
    return _CHECKED[(api, scenario)]


def _every_demo_scenario() -> list[tuple[str, str]]:
    from nmbrs_demo.scenarios import BUILTIN_SCENARIOS

    return [
        (api, name)
        for name, scenario in sorted(BUILTIN_SCENARIOS.items())
        for api in sorted(scenario.apis)
    ]


# A number with a decimal point, outside addresses and scope names (a Dutch reader expects 0,4).
_DECIMAL_POINT = re.compile(r"(?<![\w.:/-])\d+\.\d+(?![\w.])")


@pytest.mark.parametrize(("api", "scenario"), _every_demo_scenario())
@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_dutch_reports_hold_no_english_sentence(api: str, scenario: str, fmt: str) -> None:
    """The customer reads the nl report of every demo scenario on either API: no sentence of
    the English catalogue and none of the probers' English notes remain, decimals use a comma."""
    report = _checked(api, scenario)
    text = render(report, fmt, "nl")
    leaked = [s for s in _english_sentences() if s in text]
    assert not leaked, f"English left in the nl {fmt} report of {api} {scenario}: {leaked}"
    for english in (
        "probed on",
        "inferred",
        "concurrency",
        "(profile)",
        "debtor(s)",
        "--company",
        "Probe company",
        "Column probe",
        "Employee id",
        "Employee found",
        "Run id",
        "no employee id",
        "to probe with",
        "in reach",
        "in scope",
        "niet getest: niet getest",
        "debiteurtag",
    ):
        if english == "--company":
            customer = text.split("Voor de supportmedewerker")[0]
            assert english not in customer  # command-line words only for the engineer
        else:
            assert english not in text, f"{english!r} in the nl {fmt} report of {api} {scenario}"
    points = _DECIMAL_POINT.findall(text)
    assert not points, f"decimal point in the nl {fmt} report of {api} {scenario}: {points}"
    assert "duur" in text
    assert "Payroll/HR integration" not in text and "Salaris-/HR-koppeling" in text
    assert "Sjabloongebruikers" not in text
    from nmbrs_client.rights.report_words import ACCOUNT_CHECKS

    for check in ("credentials", "subscription", "debtors", "companies", "connection"):
        assert f" {check} " not in text and f": {check}:" not in text
        assert ACCOUNT_CHECKS["nl"][check] != check


def test_account_guidance_follows_what_the_account_sees(
    reports: dict[str, RightsReport],
) -> None:
    import dataclasses

    from nmbrs_client.rights.report_words import account_advice

    many = reports["healthy"]  # the demo account sees two debtors: an accountant environment
    assert "Master Accountant" in account_advice(many, "nl")
    assert "debiteurentag" in account_advice(many, "nl")
    assert "Master Bedrijfslogin" not in account_advice(many, "nl")
    one = dataclasses.replace(
        many,
        account=[
            dataclasses.replace(a, value="1", message="1 debtor(s) visible")
            if a.check == "debtors"
            else a
            for a in many.account
        ],
    )
    assert "Master Bedrijfslogin" in account_advice(one, "nl")
    assert "klantlogin" in account_advice(one, "nl")
    assert "client login" in account_advice(one, "en")
