"""The REST rights check against the REST demo: every scenario, the readings it must survive."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest

from nmbrs_client.demo_identity import DEMO_REST_SUBSCRIPTION_KEY
from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.rest.client import RestClient, RetryPolicy, StaticToken
from nmbrs_client.rest.operations import RestOp
from nmbrs_client.rest.transport import RestTransport
from nmbrs_client.rights.requirements import BUILTIN_PROFILES
from nmbrs_client.rights.rest_check import (
    RestBasis,
    RestCheckReport,
    RestRightsCheck,
    RestStatus,
    StopKind,
)
from nmbrs_client.rights.rest_report import render
from nmbrs_demo.rest.ids import Kind
from nmbrs_demo.rest.server import start_rest_demo_server

INTEGRATION = BUILTIN_PROFILES["integration"].rest()


@contextmanager
def checked(
    scenario: str,
    *,
    readings: Mapping[str, str] | None = None,
    scopes: frozenset[str] | bool | None = True,
    token: str | None = None,
    **options: Any,
) -> Iterator[tuple[RestCheckReport, Any]]:
    """Run the check on a REST demo; ``scopes=True`` hands the check the grant, None hides it."""
    server = start_rest_demo_server(scenario, readings=readings)
    try:
        granted = server.demo.identity.grantable_scopes if scopes is True else scopes
        transport = RestTransport(
            server.base_url, subscription_key=lambda: DEMO_REST_SUBSCRIPTION_KEY
        )
        client = RestClient(
            transport,
            StaticToken(token or server.script_token(), granted or None),
            retry=RetryPolicy(attempts=6, base_delay_s=0.05, max_delay_s=1.0),
        )
        try:
            yield RestRightsCheck(client, INTEGRATION, **options).run(), server
        finally:
            client.close()
    finally:
        server.stop()


def _cells(report: RestCheckReport, status: RestStatus) -> set[RestOp]:
    return {op for (op, _), v in report.cells.items() if v.status is status}


def test_healthy_every_call_allowed_but_download_not_verified_without_asking() -> None:
    with checked("healthy") as (report, _):
        assert report.exit_code == ExitCode.NOT_VERIFIED
        assert report.rows[RestOp.DOCUMENT].status is RestStatus.NOT_VERIFIED
        others = {op: v for op, v in report.rows.items() if op is not RestOp.DOCUMENT}
        assert all(v.status is RestStatus.ALLOWED for v in others.values()), others
        assert _cells(report, RestStatus.ALLOWED)
        assert not report.scopes_to_ask


def test_healthy_with_fetch_documents_exits_zero_and_probes_every_call() -> None:
    with checked("healthy", fetch_documents=True) as (report, _):
        assert report.exit_code == ExitCode.OK, render(report)
        assert report.rows[RestOp.DOCUMENT].basis is RestBasis.PROBED
        assert all(v.status is RestStatus.ALLOWED for v in report.cells.values())


@pytest.mark.parametrize("shape", ["problem-40303", "empty-body", "insufficient-scope"])
def test_missing_scopes_are_named_with_a_new_consent(shape: str) -> None:
    with checked("missing-scopes", readings={"missing-scope-403": shape}) as (report, _):
        assert report.exit_code == ExitCode.FINDINGS
        missing = _cells(report, RestStatus.SCOPE_MISSING)
        assert missing == {RestOp.BANK_ACCOUNTS, RestOp.DOCUMENT}
        assert {"document.read", "employee.bankaccount.read"} <= set(report.scopes_to_ask)
        assert not _cells(report, RestStatus.NO_DATA_ACCESS)


@pytest.mark.parametrize("shape", ["problem-40303", "empty-body", "insufficient-scope"])
def test_without_the_grant_a_refusal_is_never_called_data_access_or_allowed(shape: str) -> None:
    with checked(
        "missing-scopes", readings={"missing-scope-403": shape}, scopes=None, fetch_documents=True
    ) as (report, _):
        bank = report.rows[RestOp.BANK_ACCOUNTS]
        assert bank.status in (RestStatus.SCOPE_MISSING, RestStatus.NOT_VERIFIED), bank
        assert report.exit_code != ExitCode.OK
        assert RestOp.BANK_ACCOUNTS not in _cells(report, RestStatus.ALLOWED)
        assert RestOp.BANK_ACCOUNTS not in _cells(report, RestStatus.NO_DATA_ACCESS)


def _blocked_company_uuid(scenario: str) -> str:
    """The REST id of a company the scenario keeps outside the login's reach."""
    server = start_rest_demo_server(scenario)
    try:
        soap_id = min(server.demo.access.blocked_companies)
        return str(server.demo.ids.rest(Kind.COMPANY, soap_id))
    finally:
        server.stop()


def test_restricted_scope_named_company_outside_the_login_is_not_visible_or_no_access() -> None:
    outside = _blocked_company_uuid("restricted-scope")
    with checked("restricted-scope", companies=[outside], fetch_documents=True) as (report, _):
        assert {c.id for c in report.companies if not c.visible} == {outside}
        assert _cells(report, RestStatus.NOT_VISIBLE)
        assert report.exit_code == ExitCode.FINDINGS
        # the rights themselves are probed on a company in reach
        assert report.rows[RestOp.EMPLOYMENTS].status is RestStatus.ALLOWED
        assert not _cells(report, RestStatus.SCOPE_MISSING)
        text = render(report, "text", "en")
        assert "outside this login's reach" in text


def test_no_subscription_stops_with_the_finding() -> None:
    with checked("no-subscription") as (report, _):
        assert report.stopped is StopKind.NO_SUBSCRIPTION
        assert report.exit_code == ExitCode.FINDINGS
        assert not _cells(report, RestStatus.ALLOWED)


@pytest.mark.parametrize("reading", ["refused-40306", "merged"])
def test_multi_debtor_consent_is_a_finding_not_a_failure(reading: str) -> None:
    with checked("multi-debtor", readings={"multi-debtor-companies": reading}) as (report, _):
        debtors = {c.debtor_id for c in report.companies}
        assert len(debtors) >= 2
        assert report.multi_debtor is (reading == "refused-40306")
        assert report.exit_code in (ExitCode.OK, ExitCode.NOT_VERIFIED)


@pytest.mark.parametrize("retry_after", ["absent", "seconds", "alternate"])
def test_throttling_is_never_a_missing_right(retry_after: str) -> None:
    with checked("throttled", readings={"retry-after": retry_after}) as (report, _):
        assert not _cells(report, RestStatus.SCOPE_MISSING)
        assert not _cells(report, RestStatus.NO_DATA_ACCESS)
        assert report.exit_code != ExitCode.OK or not _cells(report, RestStatus.ERROR)


def test_large_accountant_costs_operations_plus_companies_plus_a_few_calls() -> None:
    with checked("large-accountant", concurrency=12) as (report, _):
        companies = len([c for c in report.companies if c.visible])
        assert companies > 100
        operations = len(INTEGRATION.operations)
        # the demo's accountant consents for every debtor, so companies are read per debtor
        debtors = len(report.debtors) if report.multi_debtor else 0
        assert report.calls <= operations + companies + debtors + 10, report.calls


def test_bad_token_stops_with_exit_2() -> None:
    with checked("healthy", token="not-a-token") as (report, _):
        assert report.stopped is StopKind.AUTH_FAILED
        assert report.exit_code == ExitCode.CONNECT


def test_unknown_company_is_not_visible_and_rights_are_still_probed() -> None:
    with checked("healthy", companies=["00000000-0000-0000-0000-000000000000"]) as (report, _):
        ghost = [c for c in report.companies if not c.visible]
        assert [c.id for c in ghost] == ["00000000-0000-0000-0000-000000000000"]
        assert _cells(report, RestStatus.NOT_VISIBLE)
        assert report.rows[RestOp.EMPLOYMENTS].status is RestStatus.ALLOWED
        text = render(report, "text", "en")
        assert "wrong id, or outside this login's reach" in text


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_formats_in_both_languages(fmt: str, lang: str) -> None:
    with checked("missing-scopes") as (report, _):
        out = render(report, fmt, lang)
    if fmt == "json":
        data = json.loads(out)
        assert data["api"] == "rest"
        assert data["summary"]["exit_code"] == ExitCode.FINDINGS
        assert set(data["missing_scopes"]) == {"company.employees.bankaccounts", "document"}
        return
    word = "opnieuw toestemming" if lang == "nl" else "Consent again"
    assert word in out
    assert "document.read" in out
    if lang == "nl":
        assert "What to change" not in out and "Consent again" not in out


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("missing-scopes", ExitCode.FINDINGS),
        ("no-subscription", ExitCode.FINDINGS),
        ("bad-token", 2),
    ],
)
def test_check_cli_on_the_rest_demo_exits_with_the_verdict(
    scenario: str, expected: int, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    code = main(
        ["check", "--demo", "--api", "rest", "--scenario", scenario, "-q", "--format", "json"]
    )
    out = capsys.readouterr().out
    assert code == expected
    if expected != 2:
        assert json.loads(out)["summary"]["exit_code"] == expected
