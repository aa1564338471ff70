"""The REST demo's API: gate, pagination, scopes from the OpenAPI document, data access, data.

Every response sent here is validated against the OpenAPI document by the fixtures'
contract recorder (see tests/rest_contract.py).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from nmbrs_demo.rest.app import HANDLERS
from nmbrs_demo.rest.identity import Grant
from nmbrs_demo.rest.ids import NAMESPACE, IdMap, Kind, uuid5_text
from nmbrs_demo.rest.observe import Exchange
from nmbrs_demo.rest.spec import operation_index
from tests.cli_process import CLI_WITH_CTRL_C
from tests.rest_contract import ContractRecorder
from tests.rest_demo_helpers import HTTP, api_headers


def get(server: Any, path: str, token: str | None = None, **params: Any) -> httpx.Response:
    token = token or server.script_token()
    return HTTP.get(server.base_url + path, headers=api_headers(token), params=params)


def token_with(server: Any, *scopes: str) -> str:
    grant = Grant("t", "c", frozenset(scopes), server.demo.consent_debtors)
    token: str = server.identity.mint_access(grant, frozenset(scopes), 3600)
    return token


def big_company(server: Any) -> str:
    rows = get(server, "/api/companies").json()["data"]
    world = server.world
    big = world.company(world.big_company_id())
    return str(next(r["companyId"] for r in rows if r["name"] == big.Name))


# ------------------------------------------------------------------ the contract validator


def test_the_contract_recorder_rejects_a_body_outside_the_document(rest_contract: Any) -> None:
    recorder = ContractRecorder(rest_contract)
    bad = Exchange(
        "GET",
        "/api/companies",
        "",
        "x",
        "http",
        {},
        status=401,
        response_headers={"content-type": "application/json"},
        response_body=b'{"httpStatus": 401, "code": 40101, "title": "t", "invalid-params": null}',
    )
    recorder(bad)
    assert recorder.violations and "nullable" in recorder.violations[0]
    recorder.reset()
    good = Exchange(
        "GET",
        "/api/companies",
        "",
        "x",
        "http",
        {},
        status=401,
        response_headers={"content-type": "application/json"},
        response_body=b'{"httpStatus": 401, "code": 40101, "title": "t"}',
    )
    recorder(good)
    assert not recorder.violations and recorder.checked == 1


def test_every_exchange_is_seen_by_the_recorder(rest_demo: Any) -> None:
    before = rest_demo.contract.checked
    get(rest_demo, "/api/debtors")
    get(rest_demo, "/api/companies", token="not-a-token")
    assert rest_demo.contract.checked == before + 2


# ------------------------------------------------------------------ gate


@pytest.mark.parametrize(
    ("reading", "status"),
    [("gateway-401", 401), ("problem-401", 401), ("problem-403", 403)],
)
def test_subscription_key_failure_is_a_reading(
    rest_demo_factory: Any, reading: str, status: int
) -> None:
    server = rest_demo_factory(readings={"subscription-key": reading})
    token = server.script_token()
    for headers in (
        {"Authorization": f"Bearer {token}"},
        {**api_headers(token), "X-Subscription-Key": "wrong"},
    ):
        reply = HTTP.get(server.base_url + "/api/companies", headers=headers)
        assert reply.status_code == status
        body = reply.json()
        if reading == "gateway-401":
            assert "code" not in body and "subscription key" in body["message"]
        else:
            assert body["httpStatus"] == status and "invalid-params" not in body


def test_missing_and_bad_bearer_tokens(rest_demo: Any) -> None:
    missing = HTTP.get(
        rest_demo.base_url + "/api/companies",
        headers={"X-Subscription-Key": api_headers("x")["X-Subscription-Key"]},
    )
    assert missing.status_code == 401
    body = missing.json()
    assert body["code"] == 40101 and body["type"] == "authenticationError"
    assert "invalid-params" not in body
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.headers["www-authenticate"] == "Bearer"
    bad = get(rest_demo, "/api/companies", token="eyJ.not.valid")
    assert bad.status_code == 401 and bad.json()["code"] == 40102
    assert 'error="invalid_token"' in bad.headers["www-authenticate"]


def test_error_content_type_is_a_reading(rest_demo_factory: Any) -> None:
    server = rest_demo_factory(readings={"error-content-type": "application/json"})
    reply = get(server, "/api/companies", token="nope")
    assert reply.headers["content-type"] == "application/json"


def test_no_subscription_answers_40304_everywhere(rest_demo_factory: Any) -> None:
    server = rest_demo_factory("no-subscription")
    for path in ("/api/companies", "/api/debtors", "/api/user/info"):
        reply = get(server, path)
        assert reply.status_code == 403 and reply.json()["code"] == 40304


# ------------------------------------------------------------------ scopes from the document


def test_every_served_path_is_an_operation_of_the_document() -> None:
    index = operation_index()
    for template in HANDLERS:
        op = index.by_template("GET", template)
        assert op.scopes, template


@pytest.mark.parametrize("template", sorted(HANDLERS))
def test_scope_enforcement_follows_the_documents_security(rest_demo: Any, template: str) -> None:
    op = operation_index().by_template("GET", template)
    company = big_company(rest_demo)
    path = template.replace("{companyId}", company)
    path = path.replace("{debtorId}", str(uuid.uuid4())).replace("{employeeId}", str(uuid.uuid4()))
    path = path.replace("{payrollRunId}", str(uuid.uuid4())).replace("{taskId}", str(uuid.uuid4()))
    others = sorted(operation_index().scopes - op.scopes)
    denied = get(rest_demo, path, token=token_with(rest_demo, *others))
    assert denied.status_code == 403, (template, denied.text)
    for scope in sorted(op.scopes):
        allowed = get(rest_demo, path, token=token_with(rest_demo, scope))
        assert allowed.status_code != 403, (template, scope, allowed.text)


@pytest.mark.parametrize(
    ("reading", "has_body", "challenge"),
    [
        ("problem-40303", True, False),
        ("empty-body", False, False),
        ("insufficient-scope", False, True),
    ],
)
def test_missing_scope_403_is_a_reading(
    rest_demo_factory: Any, reading: str, has_body: bool, challenge: bool
) -> None:
    server = rest_demo_factory(readings={"missing-scope-403": reading})
    reply = get(server, "/api/debtors", token=token_with(server, "employee.info.read"))
    assert reply.status_code == 403
    assert bool(reply.content) is has_body
    if has_body:
        assert reply.json()["code"] == 40303
    header = reply.headers.get("www-authenticate", "")
    assert ('error="insufficient_scope"' in header) is challenge
    if challenge:
        assert "company.info.read" in header


def test_debtors_need_a_company_scope_not_a_debtor_scope(rest_demo: Any) -> None:
    assert (
        get(rest_demo, "/api/debtors", token=token_with(rest_demo, "debtor.info.read")).status_code
        == 403
    )
    assert (
        get(rest_demo, "/api/debtors", token=token_with(rest_demo, "company.info")).status_code
        == 200
    )


# ------------------------------------------------------------------ pagination and ids


def company_of_size(server: Any, size: int) -> str:
    world = server.world
    wanted = next(c for c in world.companies() if world.company_size(c.ID) == size)
    return str(uuid.uuid5(NAMESPACE, f"company:{wanted.ID}"))


def test_pages_follow_next_page_to_the_end(rest_demo: Any) -> None:
    company = company_of_size(rest_demo, 250)
    url: str | None = f"{rest_demo.base_url}/api/companies/{company}/employees?pageSize=10"
    token = rest_demo.script_token()
    seen: list[str] = []
    calls = 0
    while url:
        page = HTTP.get(url, headers=api_headers(token)).json()
        calls += 1
        seen.extend(row["employeeId"] for row in page["data"])
        url = page["pagination"]["nextPage"]
    assert calls == 25 and len(seen) == 250 == len(set(seen))
    last = get(rest_demo, f"/api/companies/{company}/employees", pageSize=10, pageNumber=25).json()
    assert last["pagination"]["totalPages"] == 25 and last["pagination"]["previousPage"]
    beyond = get(rest_demo, f"/api/companies/{company}/employees", pageSize=10, pageNumber=26)
    assert beyond.json()["data"] == [] and beyond.json()["pagination"]["nextPage"] is None


def test_page_size_defaults_to_20_and_above_100_is_40033(rest_demo: Any) -> None:
    company = big_company(rest_demo)
    first = get(rest_demo, f"/api/companies/{company}/employees").json()
    assert first["pagination"]["pageSize"] == 20 and len(first["data"]) == 20
    assert first["pagination"]["totalRecords"] == 5000
    too_big = get(rest_demo, f"/api/companies/{company}/employees", pageSize=101)
    assert too_big.status_code == 400
    body = too_big.json()
    assert body["code"] == 40033 and body["invalid-params"][0]["name"] == "pageSize"


def test_ids_are_uuid5_of_the_soap_ids_or_embedded_by_reading(
    rest_demo: Any, rest_demo_factory: Any
) -> None:
    world = rest_demo.world
    big = world.big_company_id()
    company = big_company(rest_demo)
    assert company == str(uuid.uuid5(NAMESPACE, f"company:{big}"))
    other = rest_demo_factory(readings={"id-mapping": "embedded"})
    assert big_company(other).endswith(f"{big:012d}")


# ------------------------------------------------------------------ data access


def test_restricted_scope_companies_answer_40303_and_unknown_ones_40404(
    rest_demo: Any, rest_demo_factory: Any
) -> None:
    server = rest_demo_factory("restricted-scope")
    listed = {r["companyId"] for r in get(server, "/api/companies").json()["data"]}
    blocked = sorted(server.demo.access.blocked_companies)
    assert blocked
    for company in blocked:
        rest_id = str(uuid.uuid5(NAMESPACE, f"company:{company}"))
        assert rest_id not in listed
        reply = get(server, f"/api/companies/{rest_id}/employees")
        assert reply.status_code == 403 and reply.json()["code"] == 40303
    unknown = get(server, f"/api/companies/{uuid.uuid4()}/period")
    assert unknown.status_code == 404 and unknown.json()["code"] == 40404


def test_companies_of_another_debtor_are_outside_the_consent(rest_demo: Any) -> None:
    world = rest_demo.world
    outside = [c.ID for c in world.companies() if c.DebtorId not in rest_demo.demo.consent_debtors]
    assert outside
    rest_id = str(uuid.uuid5(NAMESPACE, f"company:{outside[0]}"))
    assert get(rest_demo, f"/api/companies/{rest_id}/period").json()["code"] == 40303


def test_multi_debtor_consent_refuses_companies_but_debtors_work(rest_demo_factory: Any) -> None:
    server = rest_demo_factory("multi-debtor")
    refused = get(server, "/api/companies")
    assert refused.status_code == 403 and refused.json()["code"] == 40306
    debtors = get(server, "/api/debtors").json()["data"]
    assert len(debtors) == 2
    total = 0
    for debtor in debtors:
        companies = get(server, f"/api/debtors/{debtor['debtorId']}/companies").json()["data"]
        assert all(c["debtorId"] == debtor["debtorId"] for c in companies)
        total += len(companies)
    assert total == 6
    merged = rest_demo_factory("multi-debtor", readings={"multi-debtor-companies": "merged"})
    assert len(get(merged, "/api/companies").json()["data"]) == 6


def test_unknown_employee_is_an_empty_page_not_a_404(rest_demo: Any) -> None:
    reply = get(rest_demo, f"/api/employees/{uuid.uuid4()}")
    assert reply.status_code == 200 and reply.json()["data"] == []


# ------------------------------------------------------------------ demo-server --api rest


def test_demo_server_prints_shell_lines_that_work(tmp_path: Any) -> None:
    import os
    import shlex
    import signal
    import subprocess
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NMBRS_")}
    proc = subprocess.Popen(
        [
            *CLI_WITH_CTRL_C,
            "demo-server",
            "--api",
            "rest",
            "--scenario",
            "missing-scopes",
            "--reading",
            "retry-after=seconds",
        ],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        values: dict[str, str] = {}
        lines: list[str] = []
        for _ in range(20):
            line = proc.stdout.readline()
            lines.append(line)
            if line.startswith("# Press Ctrl-C"):
                break
        for line in lines:
            assert line.startswith("#") or "=" in line, line
            if not line.startswith("#"):
                name, _, value = line.strip().partition("=")
                values[name] = shlex.split(value)[0]
        assert "# readings: retry-after=seconds" in "".join(lines)
        assert set(values) == {
            "NMBRS_REST_BASE_URL",
            "NMBRS_REST_TOKEN",
            "NMBRS_SUBSCRIPTION_KEY",
            "NMBRS_REST_IDENTITY_URL",
            "NMBRS_REST_CLIENT_ID",
            "NMBRS_REST_CLIENT_SECRET",
        }
        headers = {
            "Authorization": f"Bearer {values['NMBRS_REST_TOKEN']}",
            "X-Subscription-Key": values["NMBRS_SUBSCRIPTION_KEY"],
        }
        base = values["NMBRS_REST_BASE_URL"]
        assert HTTP.get(base + "/api/debtors", headers=headers).status_code == 200
        discovery = HTTP.get(
            values["NMBRS_REST_IDENTITY_URL"] + "/.well-known/openid-configuration"
        )
        assert discovery.json()["token_endpoint"].startswith(values["NMBRS_REST_IDENTITY_URL"])
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_demo_server_rejects_an_unknown_reading() -> None:
    import subprocess
    import sys
    from pathlib import Path

    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", "demo-server", "--api", "rest", "--reading", "nope=1"],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 64
    assert "Unknown reading 'nope'" in proc.stderr


@pytest.mark.parametrize("kind", list(Kind))
def test_rest_ids_are_the_uuid5_of_their_kind_and_soap_id(kind: Kind) -> None:
    """The demo's REST ids stay what they always were (uuid5 of "<kind>:<soap id>"), made
    without the uuid module's object, and each made once however often it is asked for."""
    ids = IdMap()
    for soap_id in (0, 1, 7, 20001, 123456789, 10**12 - 1):
        expected = str(uuid.uuid5(NAMESPACE, f"{kind}:{soap_id}"))
        assert uuid5_text(f"{kind}:{soap_id}") == expected
        assert ids.rest(kind, soap_id) == ids.rest(kind, soap_id) == expected
        assert ids.soap(kind, expected.upper()) == soap_id
