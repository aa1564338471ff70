"""The REST prober against the REST demo: every scenario, the readings it must survive.

It returns the one :class:`RightsReport` of both APIs, so these tests read the same fields as
the SOAP ones do: statuses, bases, account findings, the exit code.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import jsonschema
import pytest

from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.rest.client import DocumentPolling, RestClient, RetryPolicy, StaticToken
from nmbrs_client.rest.errors import NmbrsRestError, RestProblemKind
from nmbrs_client.rest.prober import RestProber
from nmbrs_client.rest.transport import RestTransport, TransportLimits
from nmbrs_client.rest_operations import RestOp
from nmbrs_client.rights.basis import BasisKind
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.findings import actions
from nmbrs_client.rights.protocol import CheckOptions, ProbeTuning
from nmbrs_client.rights.report import load_schema, render
from nmbrs_client.rights.requirements import BUILTIN_PROFILES
from nmbrs_client.rights.results import RightsReport, StopReason
from nmbrs_demo.credentials import DEMO_REST_SUBSCRIPTION_KEY
from nmbrs_demo.rest.ids import Kind
from nmbrs_demo.rest.server import start_rest_demo_server
from nmbrs_demo.scenarios import BUILTIN_SCENARIOS

INTEGRATION = BUILTIN_PROFILES["integration"]


@contextmanager
def checked(
    scenario: Any,
    *,
    readings: Mapping[str, str] | None = None,
    scopes: frozenset[str] | bool | None = True,
    token: str | None = None,
    key: str = DEMO_REST_SUBSCRIPTION_KEY,
    **choices: Any,
) -> Iterator[tuple[RightsReport, Any]]:
    """Run the prober on a REST demo; ``scopes=True`` hands it the grant, None hides it;
    ``choices`` are :class:`CheckOptions` fields."""
    server = start_rest_demo_server(scenario, readings=readings)
    try:
        granted = server.demo.identity.grantable_scopes if scopes is True else scopes
        transport = RestTransport(server.base_url, subscription_key=lambda: key)
        client = RestClient(
            transport,
            StaticToken(token or server.script_token(), granted or None),
            retry=RetryPolicy(
                transient_attempts=6, throttled_attempts=6, base_delay_s=0.05, max_delay_s=1.0
            ),
            # short pauses between polls: a PDF that never comes costs seconds, not half a minute
            polling=DocumentPolling(first_delay_s=0.02, max_delay_s=0.1, budget_s=4.0),
        )
        try:
            options = CheckOptions(**choices)
            yield (
                RestProber(client, INTEGRATION, options, ProbeTuning(backoff_s=0.05)).run(),
                server,
            )
        finally:
            client.close()
    finally:
        server.stop()


def _ops(report: RightsReport, status: Status) -> set[str]:
    return {c.operation for c in report.cells if c.status is status}


def test_healthy_probes_the_document_download_by_default_and_exits_zero() -> None:
    with checked("healthy") as (report, _):
        assert report.exit_code == ExitCode.OK, render(report)
        assert report.api == "rest"
        assert all(c.status is Status.ALLOWED for c in report.cells)
        document = [c for c in report.cells if c.operation == RestOp.DOCUMENT.value]
        assert document and any(c.probed for c in document)
        assert not report.scopes_to_ask


def test_skipping_the_download_leaves_it_not_verified_exit_3() -> None:
    with checked("healthy", fetch_documents=False) as (report, _):
        assert report.exit_code == ExitCode.NOT_VERIFIED
        assert _ops(report, Status.NOT_VERIFIED) == {RestOp.DOCUMENT.value}


@pytest.mark.parametrize("shape", ["problem-40303", "empty-body", "insufficient-scope"])
def test_missing_scopes_are_named_with_a_new_consent(shape: str) -> None:
    with checked("missing-scopes", readings={"missing-scope-403": shape}) as (report, _):
        assert report.exit_code == ExitCode.FINDINGS
        missing = _ops(report, Status.SCOPE_MISSING)
        assert missing == {RestOp.BANK_ACCOUNTS.value, RestOp.DOCUMENT.value}
        assert {"document.read", "employee.bankaccount.read"} <= set(report.scopes_to_ask)
        assert not _ops(report, Status.NO_DATA_ACCESS)
        bank = next(c for c in report.cells if c.operation == RestOp.BANK_ACCOUNTS.value)
        assert bank.basis.kind is BasisKind.GRANTED_SCOPES
        assert [a.kind for a in actions(report)] == ["consent"]


@pytest.mark.parametrize("shape", ["problem-40303", "empty-body", "insufficient-scope"])
def test_without_the_grant_a_refusal_is_missing_with_both_fixes(shape: str) -> None:
    with checked("missing-scopes", readings={"missing-scope-403": shape}, scopes=None) as (
        report,
        _,
    ):
        assert report.granted_scopes is None
        assert report.exit_code == ExitCode.FINDINGS, render(report)
        missing = _ops(report, Status.SCOPE_MISSING)
        assert {RestOp.BANK_ACCOUNTS.value, RestOp.DOCUMENT.value} <= missing
        assert RestOp.BANK_ACCOUNTS.value not in _ops(report, Status.ALLOWED)
        assert RestOp.BANK_ACCOUNTS.value not in _ops(report, Status.NOT_VERIFIED)
        both = [a for a in actions(report) if a.kind == "scope_or_access"]
        assert {a.items[0] for a in both} >= {RestOp.BANK_ACCOUNTS.value}
        text = render(report, "text")
        assert "or this login cannot reach this data" in text
        assert "give the consenting login access" in text


def _blocked_company_uuid(scenario: str) -> str:
    """The REST id of a company the scenario keeps outside the login's reach."""
    server = start_rest_demo_server(scenario)
    try:
        soap_id = min(server.demo.access.blocked_companies)
        return str(server.demo.ids.rest(Kind.COMPANY, soap_id))
    finally:
        server.stop()


def test_a_named_company_outside_the_login_is_not_visible_and_rights_still_probed() -> None:
    outside = _blocked_company_uuid("restricted-scope")
    with checked("restricted-scope", companies=[outside]) as (report, _):
        assert {c.id for c in report.companies if c.visible is False} == {outside}
        assert {c.company_id for c in report.cells_with(Status.NOT_VISIBLE)} == {outside}
        assert report.exit_code == ExitCode.FINDINGS
        employments = [c for c in report.cells if c.operation == RestOp.EMPLOYMENTS.value]
        assert any(c.status is Status.ALLOWED and c.probed for c in employments)
        assert not _ops(report, Status.SCOPE_MISSING)
        assert "not visible to this user" in render(report, "text", "en")


def test_a_named_company_out_of_reach_is_the_only_column_and_rights_are_proven_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As on SOAP: the company list shows it, its data refuses this login; the rights are
    probed on a company nobody named, which is no column and so cannot change the verdict."""
    with checked("healthy") as (report, _):
        named, *others = report.companies
    assert others

    def refusing(call: Any) -> Any:
        def guarded(self: RestClient, name: RestOp, params: Any = None, *a: Any, **k: Any) -> Any:
            if (params or {}).get("companyId") == str(named.id):
                raise NmbrsRestError(str(name), 403, RestProblemKind.DATA_ACCESS, code=40305)
            return call(self, name, params, *a, **k)

        return guarded

    for method in ("page", "get_json", "list_all"):
        monkeypatch.setattr(RestClient, method, refusing(getattr(RestClient, method)))
    with checked("healthy", companies=[named.number]) as (report, _):
        assert report.companies == [named]
        assert {c.status for c in report.cells} == {Status.NO_DATA_ACCESS}, render(report)
        assert report.exit_code == ExitCode.FINDINGS
        probe = f"Probe company: {others[0].label()} (first company in scope"
        assert any(note.startswith(probe) for note in report.notes), report.notes
        assert not report.cells_with(Status.ERROR, Status.NOT_VERIFIED)


def test_no_subscription_is_a_finding() -> None:
    with checked("no-subscription") as (report, _):
        assert report.exit_code == ExitCode.FINDINGS
        assert any(a.status is Status.NO_SUBSCRIPTION for a in report.account_findings)
        assert not _ops(report, Status.ALLOWED)


@pytest.mark.parametrize("reading", ["refused-40306", "merged"])
def test_multi_debtor_consent_is_read_per_debtor_and_healthy(reading: str) -> None:
    with checked("multi-debtor", readings={"multi-debtor-companies": reading}) as (report, _):
        assert len({c.debtor_id for c in report.companies}) >= 2
        per_debtor = any("per debtor" in note for note in report.notes)
        assert per_debtor is (reading == "refused-40306")
        assert report.exit_code == ExitCode.OK, render(report)


@pytest.mark.parametrize("retry_after", ["absent", "seconds", "alternate"])
def test_throttling_is_never_a_missing_right(retry_after: str) -> None:
    with checked("throttled", readings={"retry-after": retry_after}) as (report, _):
        assert not report.missing_cells
        errors = report.cells_with(Status.ERROR)
        assert all(c.error_kind == "throttled" for c in errors), errors
        assert report.exit_code == (ExitCode.CONNECT if errors else ExitCode.OK)


def test_a_used_up_quota_is_not_established_exit_2_never_missing() -> None:
    scenario = dataclasses.replace(BUILTIN_SCENARIOS["healthy"], name="quota", quota_calls=12)
    with checked(scenario) as (report, _):
        assert report.exit_code == ExitCode.CONNECT, render(report)
        assert not report.missing_cells
        text = render(report, "text")
        assert "Could not be established" in text
        assert "What to change in Nmbrs" not in text


def test_large_accountant_costs_operations_plus_companies_plus_a_few_calls() -> None:
    with checked("large-accountant", concurrency=12) as (report, _):
        companies = len([c for c in report.companies if c.visible])
        assert companies > 100
        operations = len(report.row_keys())
        debtors = len({c.debtor_id for c in report.companies})
        assert report.calls <= operations + companies + debtors + 12, report.calls


def test_a_refused_token_says_log_in_again_and_nothing_for_the_customer() -> None:
    with checked("healthy", token="not-a-token") as (report, _):
        assert report.stopped is StopReason.TOKEN_REFUSED
        assert report.exit_code == ExitCode.CONNECT
        assert not report.scopes_to_ask and actions(report) == []
        for lang, heading in (("en", "What to change in Nmbrs"), ("nl", "Wat moet er")):
            for fmt in ("text", "markdown"):
                out = render(report, fmt, lang)
                assert "auth login -P" in out
                assert heading not in out
                assert "document.read" not in out


def test_a_wrong_subscription_key_has_its_own_hint() -> None:
    with checked("healthy", key="0" * 32) as (report, _):
        assert report.stopped is StopReason.SUBSCRIPTION_KEY
        assert report.exit_code == ExitCode.CONNECT
        out = render(report, "text")
        assert "subscription key" in out and "auth login" not in out
        assert "What to change in Nmbrs" not in out


def test_thorough_probes_every_company_level_cell() -> None:
    with checked("healthy", thorough=True) as (report, _):
        assert report.mode == "thorough"
        company_level = [c for c in report.cells if c.operation.startswith("company.employees")]
        assert company_level and all(c.probed for c in company_level)
        assert report.exit_code == ExitCode.OK


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_formats_in_both_languages(fmt: str, lang: str) -> None:
    with checked("missing-scopes") as (report, _):
        out = render(report, fmt, lang)
    if fmt == "json":
        data = json.loads(out)
        jsonschema.validate(data, load_schema())
        assert data["api"] == "rest"
        assert data["exit_code"] == ExitCode.FINDINGS
        assert {"document.read", "employee.bankaccount.read"} <= set(data["scopes_to_ask"])
        return
    word = "opnieuw toestemming" if lang == "nl" else "Consent again"
    assert word in out
    assert "document.read" in out
    if lang == "nl":
        assert "What to change" not in out and "Consent again" not in out


def _verdicts(report: RightsReport) -> tuple[list[str], list[str], int]:
    cells = [
        str((c.operation, c.company_id, c.status, c.basis.kind, c.message, c.error_kind))
        for c in report.cells
    ]
    account = [str((a.check, a.status, a.message)) for a in report.account]
    return sorted(cells), sorted(account), int(report.exit_code)


@pytest.mark.parametrize(
    ("scenario", "scopes"),
    [("healthy", True), ("missing-scopes", None), ("multi-debtor", True), ("no-employees", True)],
)
def test_rows_probed_beside_the_reach_probes_give_the_verdicts_of_rows_probed_after(
    scenario: str, scopes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with checked(scenario, scopes=scopes) as (beside, _):
        pass
    monkeypatch.setattr(RestProber, "rows_beside_reach", False)
    with checked(scenario, scopes=scopes) as (after, _):
        pass
    assert _verdicts(beside) == _verdicts(after)
    assert beside.calls == after.calls


def _every_reading() -> list[tuple[str, str]]:
    from nmbrs_demo.rest.readings import REST_READINGS

    return [(reading.name, choice) for reading in REST_READINGS for choice in reading.choices]


@pytest.mark.parametrize(("reading", "choice"), _every_reading())
def test_every_reading_gives_the_verdict_of_the_scenario(reading: str, choice: str) -> None:
    """Under each answer the demo can give, healthy is 0, missing scopes 1, a wrong key 2."""
    with checked("healthy", readings={reading: choice}) as (report, _):
        if (reading, choice) == ("document-pending-polls", "never"):
            # the PDF never comes: the download is honestly not verified, nothing is missing
            assert report.exit_code == ExitCode.NOT_VERIFIED, render(report)
            assert _ops(report, Status.NOT_VERIFIED) == {RestOp.DOCUMENT.value}
        else:
            assert report.exit_code == ExitCode.OK, render(report)
    with checked("missing-scopes", readings={reading: choice}, scopes=None) as (report, _):
        assert report.exit_code == ExitCode.FINDINGS, render(report)
        assert RestOp.BANK_ACCOUNTS.value in _ops(report, Status.SCOPE_MISSING)
    with checked("healthy", readings={reading: choice}, key="0" * 32) as (report, _):
        assert report.stopped is StopReason.SUBSCRIPTION_KEY, render(report)
        assert report.exit_code == ExitCode.CONNECT


class _HangingFunctions:
    """An httpx transport to the REST demo whose /functions calls never answer: each raises
    the read time-out at once (no test waits a time-out), recording the read time-out asked."""

    def __init__(self) -> None:
        import httpx

        self.inner = httpx.HTTPTransport()
        self.read_timeouts: list[float | None] = []

    def handle_request(self, request: Any) -> Any:
        import httpx

        if request.url.path.endswith("/functions"):
            self.read_timeouts.append(request.extensions.get("timeout", {}).get("read"))
            raise httpx.ReadTimeout("no answer", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def probe_demo_through(
    http_transport: Any, scenario: str = "healthy", *, scopes_known: bool = True, **choices: Any
) -> RightsReport:
    """The check on a REST demo reached through ``http_transport`` (a fault-injecting one);
    ``scopes_known=False`` hides the grant; ``choices`` are :class:`CheckOptions` fields
    (``on_event``, ``thorough``, …)."""
    server = start_rest_demo_server(scenario)
    try:
        transport = RestTransport(
            server.base_url,
            subscription_key=lambda: DEMO_REST_SUBSCRIPTION_KEY,
            http_transport=http_transport,
        )
        client = RestClient(
            transport,
            StaticToken(
                server.script_token(),
                server.demo.identity.grantable_scopes if scopes_known else None,
            ),
            retry=RetryPolicy(base_delay_s=0.0, max_delay_s=0.0, jitter=0.0),
        )
        try:
            options = CheckOptions(**choices)
            return RestProber(client, INTEGRATION, options, ProbeTuning(backoff_s=0.0)).run()
        finally:
            client.close()
    finally:
        server.stop()


def test_a_rest_call_that_never_answers_is_one_timeout_plus_one_short_retry_then_error() -> None:
    hanging = _HangingFunctions()
    report = probe_demo_through(hanging)
    hung = [c for c in report.cells if c.operation == RestOp.FUNCTIONS.value]
    assert hung and all(c.status is Status.ERROR for c in hung), render(report)
    others = [c for c in report.cells if c.operation != RestOp.FUNCTIONS.value]
    assert others and all(c.status is Status.ALLOWED for c in others), render(report)
    assert report.exit_code == ExitCode.CONNECT
    # one probe: a full read time-out, then one retry with the short one; no further rounds
    full = TransportLimits().read_timeout_s
    assert hanging.read_timeouts == [full, RetryPolicy().retry_timeout_s]


def test_a_cancelled_check_stops_and_calls_nothing_allowed() -> None:
    import threading

    from nmbrs_client.rights.results import Phase, RightsEvent, Stage

    cancel = threading.Event()

    def on_event(event: RightsEvent) -> None:
        if isinstance(event, Phase) and event.name is Stage.PROBES:
            cancel.set()  # as esc in the pane would, while the probes run

    with checked("healthy", on_event=on_event, cancel_event=cancel) as (report, _):
        assert report.stopped is StopReason.CANCELLED
        assert report.exit_code == ExitCode.CONNECT
        assert report.cells and not report.cells_with(Status.ALLOWED)
        assert {c.error_kind for c in report.cells_with(Status.ERROR)} == {"cancelled"}
        assert "cancelled" in render(report, "text")


def test_a_refused_company_beside_answering_ones_is_its_data_access_not_a_scope() -> None:
    from nmbrs_client.rest.verdicts import Probe, settle_columns
    from nmbrs_client.rights.basis import Basis
    from nmbrs_client.rights.classify import Verdict
    from nmbrs_client.rights.matrix import ColumnVerdict
    from nmbrs_client.rights.results import CompanyRef

    basis = Basis(BasisKind.PROBED, "REST.company.period", "a")
    ok = Probe(Verdict(Status.ALLOWED))
    empty_403 = Probe(Verdict(Status.ERROR, None, "HTTP 403", "other"), 403)
    unsettled = ColumnVerdict(Verdict(Status.SCOPE_MISSING, None, "scope x missing, or …"), basis)
    a, b = CompanyRef("a"), CompanyRef("b")
    beside = settle_columns(
        [(a, (ColumnVerdict(ok.verdict, basis), ok)), (b, (unsettled, empty_403))]
    )
    assert beside["a"].verdict.status is Status.ALLOWED
    assert beside["b"].verdict.status is Status.NO_DATA_ACCESS
    alone = settle_columns([(b, (unsettled, empty_403))])
    assert alone["b"].verdict.status is Status.SCOPE_MISSING
