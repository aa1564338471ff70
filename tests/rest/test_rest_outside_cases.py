"""REST cases an independent fake of Nmbrs' API found wrong: each test failed before its fix.

The replies are the ones the OpenAPI document and the REST facts leave open (a bare 401, a
quota used up before the company list, a gateway page, a name of megabytes); the client must
be right under each reading.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime

import httpx
import pytest

from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.ids import ApiKind
from nmbrs_client.rest.client import RestClient, RetryPolicy, StaticToken
from nmbrs_client.rest.errors import RestProblemKind, classify
from nmbrs_client.rest.prober import RestProber
from nmbrs_client.rest.transport import RestTransport
from nmbrs_client.rest_operations import RestOp
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.findings import actions, error_lines
from nmbrs_client.rights.migration import build_migration
from nmbrs_client.rights.migration_plan import Verdict, build_plan
from nmbrs_client.rights.protocol import ProbeTuning
from nmbrs_client.rights.report import render
from nmbrs_client.rights.requirements import BUILTIN_PROFILES
from nmbrs_client.rights.results import (
    NAME_LIMIT,
    PROBED,
    CellResult,
    CheckMode,
    CompanyRef,
    RightsReport,
    StopReason,
)
from nmbrs_demo.scenarios import BUILTIN_SCENARIOS
from tests.rest.test_rest_check import checked, probe_demo_through

INTEGRATION = BUILTIN_PROFILES["integration"]


def _refused_everywhere(response: httpx.Response) -> RightsReport:
    """A check against a host that answers every call with ``response``."""
    transport = RestTransport(
        "https://api.test.example",
        subscription_key=lambda: "k",
        http_transport=httpx.MockTransport(lambda request: response),
    )
    client = RestClient(
        transport,
        StaticToken("t", None),
        retry=RetryPolicy(transient_attempts=1, throttled_attempts=1, base_delay_s=0.0),
    )
    try:
        return RestProber(client, INTEGRATION, tuning=ProbeTuning(backoff_s=0.0)).run()
    finally:
        client.close()


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(401),
        httpx.Response(401, text="Unauthorized", headers={"content-type": "text/plain"}),
    ],
    ids=["empty", "plain-text"],
)
def test_a_401_that_names_neither_token_nor_key_names_both_fixes(response: httpx.Response) -> None:
    report = _refused_everywhere(response)
    assert report.stopped is StopReason.TOKEN_OR_KEY
    assert report.exit_code == ExitCode.CONNECT
    assert actions(report) == [] and not report.scopes_to_ask
    assert [a.check for a in report.account_findings] == ["token_or_key"]
    assert "verlopen of ingetrokken" not in render(report, "text", "nl")
    for lang, heading in (("en", "What to change in Nmbrs"), ("nl", "Wat moet er")):
        for fmt in ("text", "markdown"):
            out = render(report, fmt, lang)
            assert "subscription key" in out and "auth login -P" in out, out
            assert heading not in out


def test_a_401_with_a_bearer_challenge_is_the_token() -> None:
    challenge = {"www-authenticate": 'Bearer error="invalid_token"'}
    assert classify(401, None, www_authenticate=challenge["www-authenticate"]) == (
        RestProblemKind.TOKEN_INVALID,
        None,
    )
    report = _refused_everywhere(httpx.Response(401, headers=challenge))
    assert report.stopped is StopReason.TOKEN_REFUSED
    assert "subscription key" not in render(report, "text")


@pytest.mark.parametrize("calls", [1, 2])
def test_a_quota_used_up_before_the_company_list_asks_nothing_of_the_customer(calls: int) -> None:
    scenario = dataclasses.replace(BUILTIN_SCENARIOS["healthy"], name="quota", quota_calls=calls)
    with checked(scenario) as (report, _):
        assert report.exit_code == ExitCode.CONNECT, render(report)
        assert actions(report) == []
        for lang, heading, again in (
            ("en", "What to change in Nmbrs", "Could not be established"),
            ("nl", "Wat moet er", "Niet vastgesteld"),
        ):
            text = render(report, "text", lang)
            assert heading not in text
            assert again in text and "42909" in text.split(again, 1)[1]


def _report_with_error(api: ApiKind, kind: str) -> RightsReport:
    cell = CellResult("REST", "company.employees.salaries", "c1", Status.ERROR, PROBED)
    return RightsReport(
        checked_at=datetime(2026, 12, 1),
        environment={},
        requirements=INTEGRATION,
        mode=CheckMode.DEFAULT,
        concurrency=1,
        cells=[dataclasses.replace(cell, error_kind=kind)],
        api=api,
    )


@pytest.mark.parametrize("kind", ["html", "http"])
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_gateway_page_on_rest_is_not_called_a_soap_reply(kind: str, lang: str) -> None:
    rest = " ".join(error_lines(_report_with_error(ApiKind.REST, kind), lang))
    soap = " ".join(error_lines(_report_with_error(ApiKind.SOAP, kind), lang))
    assert rest and "SOAP" not in rest
    assert "SOAP" in soap


def test_a_company_name_of_megabytes_is_cut_short() -> None:
    ref = CompanyRef("c1", "A" * 5_000_000, None, True, "9" * 1_000)
    assert ref.name is not None and len(ref.name) == NAME_LIMIT and ref.name.endswith("…")
    assert len(ref.label()) <= 2 * NAME_LIMIT + 1
    short = CompanyRef("c2", "Bakkerij de Vries B.V.", None, True, "7")
    assert short.label() == "7 Bakkerij de Vries B.V."


def test_calls_repeated_after_throttling_are_counted_as_retries() -> None:
    answers = iter([httpx.Response(429, headers={"retry-after": "0"})])

    def handler(request: httpx.Request) -> httpx.Response:
        return next(answers, httpx.Response(401, headers={"www-authenticate": "Bearer"}))

    transport = RestTransport(
        "https://api.test.example",
        subscription_key=lambda: "k",
        http_transport=httpx.MockTransport(handler),
    )
    client = RestClient(
        transport,
        StaticToken("t", None),
        retry=RetryPolicy(transient_attempts=2, throttled_attempts=2, base_delay_s=0.0),
    )
    try:
        report = RestProber(client, INTEGRATION, tuning=ProbeTuning(backoff_s=0.0)).run()
    finally:
        client.close()
    assert report.calls >= 2
    assert report.retries >= 1, (report.calls, report.retries)


@pytest.mark.parametrize(("lang", "words"), [("en", "run the check again"), ("nl", "opnieuw")])
def test_a_migration_plan_over_a_used_up_quota_says_run_it_again(lang: str, words: str) -> None:
    scenario = dataclasses.replace(BUILTIN_SCENARIOS["healthy"], name="quota", quota_calls=1)
    with checked(scenario) as (rest, _):
        migration = build_migration(INTEGRATION, soap=None, rest=rest, today=date(2026, 12, 1))
        plan = build_plan(migration, profile="acme", lang=lang)
    assert plan.verdict is Verdict.NOT_CHECKED
    assert any(words in reason for reason in plan.reasons), plan.reasons


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_migration_plan_over_a_gateway_refusal_says_check_the_product_not_retry(
    lang: str,
) -> None:
    from nmbrs_client.rights.report_words import NEXT_STEP
    from tests.rest.test_rest_gateway_demo import BANK, gateway_scenario

    with checked(gateway_scenario(frozenset({BANK}))) as (rest, _):
        migration = build_migration(INTEGRATION, soap=None, rest=rest, today=date(2026, 12, 1))
        plan = build_plan(migration, profile="acme", lang=lang)
    assert plan.verdict is Verdict.NOT_CHECKED
    [reason] = [r for r in plan.reasons if NEXT_STEP[lang]["gateway"] in r]
    assert NEXT_STEP[lang]["again"] not in reason


def test_a_dutch_plan_says_a_refused_login_in_dutch_and_keeps_nmbrs_own_words() -> None:
    """The fixed kind of why a side stopped (a refused token) is said in Dutch from the one
    wording module; what Nmbrs answered stays as it came (sanitised), never translated."""
    with checked(BUILTIN_SCENARIOS["bad-token"]) as (rest, _):
        migration = build_migration(INTEGRATION, soap=None, rest=rest, today=date(2026, 12, 1))
        dutch = build_plan(migration, profile="acme", lang="nl").reasons
        english = build_plan(migration, profile="acme", lang="en").reasons
    [said] = [r for r in dutch if r.startswith("REST weigert de aanmelding: ")]
    assert "Nmbrs weigert het toegangstoken (verlopen of ingetrokken): " in said
    as_written = next(a.message for a in rest.account_findings)
    assert said.endswith(as_written) and "40102" in said
    assert any(r.endswith(f": {as_written}") and "weigert" not in r for r in english)


def test_a_side_that_could_not_connect_says_its_kind_in_dutch() -> None:
    from nmbrs_client.rights.results import AccountResult, CheckMode, RightsReport, StopReason

    why = "cannot reach Nmbrs: transport (connection): connection refused"
    stopped = RightsReport(
        datetime(2026, 12, 1),
        {},
        INTEGRATION,
        CheckMode.DEFAULT,
        4,
        account=[
            AccountResult("connection", Status.ERROR, why, finding=True, error_kind="connection")
        ],
        stopped=StopReason.CONNECT,
        api=ApiKind.REST,
    )
    migration = build_migration(INTEGRATION, soap=None, rest=stopped, today=date(2026, 12, 1))
    assert migration.unreached("nl") == [("REST", f"verbinding verbroken of geweigerd: {why}")]
    assert migration.unreached() == [("REST", why)]


def _paging_client(
    handler: Callable[[httpx.Request], httpx.Response],
) -> tuple[RestClient, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return handler(request)

    transport = RestTransport(
        "https://api.test.example",
        subscription_key=lambda: "k",
        http_transport=httpx.MockTransport(record),
    )
    return RestClient(transport, StaticToken("t", None)), sent


def _companies_page(number: int, company: str, total: int, more: bool) -> httpx.Response:
    next_page = f"https://api.test.example/api/companies?pageNumber={number + 1}" if more else None
    return httpx.Response(
        200,
        json={
            "pagination": {"pageNumber": number, "totalPages": total, "nextPage": next_page},
            "data": [{"companyId": company, "number": "1", "name": "Alpha BV"}],
        },
    )


def test_a_next_page_that_never_ends_and_never_advances_stops_at_the_first_repeat() -> None:
    # every page claims a successor but holds the same company: read it once, then stop
    client, sent = _paging_client(lambda request: _companies_page(1, "c1", 3, more=True))
    try:
        rows = client.list_all(RestOp.COMPANIES)
    finally:
        client.close()
    assert [row["companyId"] for row in rows] == ["c1"]
    assert len(sent) <= 4, len(sent)


def test_a_list_longer_than_the_page_bound_is_an_error_not_a_short_list() -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("pageNumber", "1"))
        return _companies_page(number, f"c{number}", 10**9, more=True)

    client, sent = _paging_client(endless)
    try:
        with pytest.raises(NmbrsTransportError) as caught:
            client.list_all(RestOp.COMPANIES)
    finally:
        client.close()
    assert caught.value.kind == "malformed"
    assert len(sent) == 1


class _GatewayPageOnDocuments:
    """An httpx transport to the REST demo whose document downloads get a proxy's HTML page."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/api/documents/"):
            return httpx.Response(
                200,
                text="<html><title>Sign in</title></html>",
                headers={"content-type": "text/html"},
            )
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_a_gateway_page_instead_of_the_document_is_not_established_not_unverified() -> None:
    report = probe_demo_through(_GatewayPageOnDocuments())
    documents = [c for c in report.cells if c.operation == RestOp.DOCUMENT.value]
    assert documents and all(c.status is Status.ERROR for c in documents), render(report)
    assert {c.error_kind for c in documents} == {"html"}
    assert report.exit_code == ExitCode.CONNECT
    assert "Could not be established" in render(report, "text")
