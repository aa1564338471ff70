"""REST refusals worded by who refused and what that proves (each test failed before its fix).

Found by an independent fake of Nmbrs' REST API: a 403 on one debtor's company list can only
be data access (the debtor list, which needs the same scopes, answered), and a 403 in the API
gateway's own JSON was refused before Nmbrs' API saw it, for a reason nobody can tell from it.
Neither may be worded as a missing scope; the second not as missing anything.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.rest.errors import RestProblemKind, classify
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.findings import actions
from nmbrs_client.rights.report import render
from nmbrs_client.rights.results import RightsReport
from tests.rest.test_rest_check import probe_demo_through

# the shapes a 403 from Nmbrs' API may have (no body, a problem body with or without a code)
NMBRS_403 = {
    "bare": None,
    "40303": {
        "type": "authenticationError",
        "httpStatus": 403,
        "code": 40303,
        "title": "Unauthorized_AccessData",
    },
    "uncoded": {"type": "authenticationError", "httpStatus": 403, "title": "Forbidden"},
}
# an API gateway's own 403 (an Azure-APIM-style body): not Nmbrs' problem body
GATEWAY_403 = {"statusCode": 403, "message": "Forbidden"}
DEBTOR_COMPANIES = r"/api/debtors/[^/]+/companies"


class _Refusing:
    """An httpx transport to the REST demo that answers 403 with ``body`` on ``path``."""

    def __init__(self, path: str, body: dict[str, Any] | None) -> None:
        self.inner = httpx.HTTPTransport()
        self.path = path
        self.body = body

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if re.fullmatch(self.path, request.url.path):
            return httpx.Response(403) if self.body is None else httpx.Response(403, json=self.body)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def _account(report: RightsReport, check: str) -> Any:
    return next(a for a in report.account if a.check == check)


@pytest.mark.parametrize("scenario", ["healthy", "multi-debtor"])
@pytest.mark.parametrize("body", list(NMBRS_403), ids=str)
@pytest.mark.parametrize("scopes_known", [True, False], ids=["granted", "grant-unknown"])
def test_a_refused_debtor_company_list_is_data_access_with_the_access_fix(
    scenario: str, body: str, scopes_known: bool
) -> None:
    report = probe_demo_through(
        _Refusing(DEBTOR_COMPANIES, NMBRS_403[body]), scenario, scopes_known=scopes_known
    )
    refused = _account(report, "debtor_companies")
    assert refused.status is Status.NO_DATA_ACCESS, refused
    assert "scope" not in refused.message and "cannot reach debtor" in refused.message
    assert refused.value  # the debtor, by number and name
    assert [a.kind for a in actions(report) if a.kind in ("debtor_access", "scope_or_access")] == [
        "debtor_access"
    ]
    assert report.exit_code == ExitCode.FINDINGS


@pytest.mark.parametrize(
    ("lang", "access", "wrong"),
    [
        ("en", ["cannot reach debtor", "debtor tag"], ["scope company.info", "no scope"]),
        ("nl", ["kan debiteur", "debiteuren-tag"], ["geen scope", "scope company.info"]),
    ],
)
def test_the_report_names_the_debtor_and_asks_for_access_not_a_scope(
    lang: str, access: list[str], wrong: list[str]
) -> None:
    report = probe_demo_through(_Refusing(DEBTOR_COMPANIES, None), "multi-debtor")
    text = render(report, "text", lang)
    debtor = _account(report, "debtor_companies").value
    assert debtor and debtor in text
    for words in access:
        assert words in text, (words, text)
    for words in wrong:
        assert words not in text, (words, text)


def test_a_gateway_body_is_its_own_kind_unless_the_grant_or_the_key_says_more() -> None:
    needs = ("company.info", "company.info.read")
    assert classify(403, GATEWAY_403, required=needs, granted=frozenset(needs))[0] is (
        RestProblemKind.GATEWAY
    )
    assert classify(403, GATEWAY_403, required=needs, granted=None)[0] is RestProblemKind.GATEWAY
    # the grant lacks every scope the call takes: missing in every reading of the body
    assert classify(403, GATEWAY_403, required=needs, granted=frozenset({"x"}))[0] is (
        RestProblemKind.SCOPE_MISSING
    )
    key = {"statusCode": 403, "message": "Access denied due to an invalid subscription key."}
    assert classify(403, key, required=needs)[0] is RestProblemKind.SUBSCRIPTION_KEY
    # Nmbrs' own problem body without a code, and no body at all, stay Nmbrs' refusals
    assert classify(403, NMBRS_403["uncoded"], required=needs)[0] is RestProblemKind.FORBIDDEN
    assert classify(403, None, required=needs)[0] is RestProblemKind.FORBIDDEN
    assert classify(403, {}, required=needs)[0] is RestProblemKind.FORBIDDEN


@pytest.mark.parametrize("scopes_known", [True, False], ids=["granted", "grant-unknown"])
@pytest.mark.parametrize(
    "path", [r"/api/companies/[^/]+/employees/functions", DEBTOR_COMPANIES, r"/api/.*"]
)
def test_a_gateway_403_is_never_a_missing_scope_nor_allowed(path: str, scopes_known: bool) -> None:
    report = probe_demo_through(_Refusing(path, GATEWAY_403), scopes_known=scopes_known)
    refused = [c for c in report.cells if c.status is not Status.ALLOWED]
    refused_account = [a for a in report.account if a.status is Status.ERROR]
    assert refused or refused_account
    assert all(c.status is Status.ERROR and c.error_kind == "gateway" for c in refused), refused
    assert all("API gateway" in a.message for a in refused_account)
    assert not any(a.status.is_missing for a in report.account), report.account
    assert not report.missing_cells
    assert not actions(report)  # nothing for the customer to change: the cause is not known
    assert report.exit_code == ExitCode.CONNECT


@pytest.mark.parametrize(
    ("lang", "words", "wrong"),
    [
        ("en", "refused by the API gateway", ["scope company.info", "no scope", "What to change"]),
        ("nl", "geweigerd door de API-gateway", ["geen scope", "Wat moet er in Nmbrs"]),
    ],
)
@pytest.mark.parametrize("path", [r"/api/companies/[^/]+/employees/functions", DEBTOR_COMPANIES])
def test_the_report_says_the_gateway_refused_and_what_to_check(
    path: str, lang: str, words: str, wrong: list[str]
) -> None:
    text = render(probe_demo_through(_Refusing(path, GATEWAY_403)), "text", lang)
    assert words in text and "subscription key" in text, text
    for phrase in wrong:
        assert phrase not in text, (phrase, text)
