"""The REST demo's identity service: discovery, consent, code + PKCE, refresh rotation, revocation."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from nmbrs_demo.credentials import (
    DEMO_REST_CLIENT_ID,
    DEMO_REST_CLIENT_SECRET,
    DEMO_REST_SUBSCRIPTION_KEY,
)
from nmbrs_demo.rest.identity import ACCESS_LIFETIME_S, CODE_LIFETIME_S, REFRESH_IDLE_S
from tests.rest_demo_helpers import HTTP, FakeClock, Login, api_headers, basic


def _companies(server: Any, token: str) -> httpx.Response:
    return HTTP.get(server.base_url + "/api/companies", headers=api_headers(token))


def test_discovery_lists_the_endpoints_pkce_and_the_documents_scopes(rest_demo: Any) -> None:
    doc = HTTP.get(rest_demo.identity_url + "/.well-known/openid-configuration").json()
    base = rest_demo.identity_url
    assert doc["authorization_endpoint"] == base + "/connect/authorize"
    assert doc["token_endpoint"] == base + "/connect/token"
    assert doc["revocation_endpoint"] == base + "/connect/revocation"
    assert "S256" in doc["code_challenge_methods_supported"]
    assert {"client_secret_basic", "client_secret_post"} <= set(
        doc["token_endpoint_auth_methods_supported"]
    )
    scopes = set(doc["scopes_supported"])
    assert {"document.read", "offline_access", "company.payrollsettings.read"} <= scopes
    assert len(scopes) == 25 + 4  # the document's 25 and four that guard no operation
    assert "urn:ietf:params:oauth:grant-type:device_code" not in doc["grant_types_supported"]


def test_code_flow_with_pkce_grants_what_the_consent_kept(rest_demo: Any) -> None:
    login = Login(rest_demo, scope="offline_access company.info.read employee.info.read")
    landing = login.landing(scopes=["offline_access", "company.info.read"])
    assert landing.startswith("http://localhost:8765/callback?")
    query = login.query(landing)
    assert query["state"] == login.state
    assert query["scope"] == "offline_access company.info.read"
    reply = login.exchange(query["code"])
    assert reply.status_code == 200
    answer = reply.json()
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == ACCESS_LIFETIME_S
    assert set(answer["scope"].split()) == {"offline_access", "company.info.read"}
    assert answer["refresh_token"]
    assert _companies(rest_demo, answer["access_token"]).status_code == 200
    # employee.info.read was unticked on the consent page: the API enforces that.
    company = _companies(rest_demo, answer["access_token"]).json()["data"][0]["companyId"]
    denied = HTTP.get(
        f"{rest_demo.base_url}/api/companies/{company}/employees",
        headers=api_headers(answer["access_token"]),
    )
    assert denied.status_code == 403


def test_scripted_consent_redirects_at_once_and_can_narrow(rest_demo: Any) -> None:
    login = Login(rest_demo)
    page = login.consent_page(demo_consent="approve", demo_scope="company.info.read")
    assert page.status_code == 302
    query = login.query(page.headers["location"])
    assert query["scope"] == "company.info.read"
    answer = login.exchange(query["code"]).json()
    assert "refresh_token" not in answer  # no offline_access, no refresh token


def test_denied_consent_lands_with_access_denied(rest_demo: Any) -> None:
    login = Login(rest_demo)
    query = login.query(login.landing(decision="deny"))
    assert query["error"] == "access_denied" and query["state"] == login.state
    assert "code" not in query


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"code_verifier": "x" * 50}, "invalid_grant"),
        ({"code_verifier": None}, "invalid_grant"),
        ({"redirect_uri": "http://127.0.0.1:8765/callback"}, "invalid_grant"),
    ],
)
def test_token_exchange_checks_pkce_and_redirect_uri(
    rest_demo: Any, override: dict[str, Any], error: str
) -> None:
    login = Login(rest_demo)
    code = login.query(login.landing())["code"]
    reply = login.exchange(code, **override)
    assert reply.status_code == 400
    assert reply.json()["error"] == error


def test_a_code_works_once_and_its_replay_revokes_the_first_tokens(rest_demo: Any) -> None:
    login = Login(rest_demo)
    code = login.query(login.landing())["code"]
    first = login.exchange(code).json()
    replay = login.exchange(code)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert _companies(rest_demo, first["access_token"]).status_code == 401


def test_basic_auth_needs_percent_encoding_and_post_auth_works(rest_demo: Any) -> None:
    login = Login(rest_demo)
    code = login.query(login.landing())["code"]
    raw = base64.b64encode(f"{DEMO_REST_CLIENT_ID}:{DEMO_REST_CLIENT_SECRET}".encode()).decode()
    reply = login.token(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": login.redirect_uri,
            "code_verifier": login.verifier,
        },
        authorization="Basic " + raw,
    )
    assert reply.status_code == 401 and reply.json()["error"] == "invalid_client"
    # The same code (not spent: client authentication failed first) with the secret in the form.
    posted = HTTP.post(
        rest_demo.identity_url + "/connect/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": login.redirect_uri,
            "code_verifier": login.verifier,
            "client_id": DEMO_REST_CLIENT_ID,
            "client_secret": DEMO_REST_CLIENT_SECRET,
        },
    )
    assert posted.status_code == 200, posted.text


def test_refresh_tokens_rotate_and_a_spent_one_is_invalid_grant(rest_demo: Any) -> None:
    login = Login(rest_demo)
    first = login.tokens()
    second = login.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert rotated["scope"] == first["scope"]
    again = login.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    third = login.token({"grant_type": "refresh_token", "refresh_token": rotated["refresh_token"]})
    assert third.status_code == 200


def test_revoking_the_refresh_token_ends_the_grant(rest_demo: Any) -> None:
    login = Login(rest_demo)
    tokens = login.tokens()
    reply = HTTP.post(
        rest_demo.identity_url + "/connect/revocation",
        data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        headers={"Authorization": basic()},
    )
    assert reply.status_code == 200
    assert _companies(rest_demo, tokens["access_token"]).status_code == 401
    refreshed = login.token(
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.json()["error"] == "invalid_grant"


def test_expiry_follows_the_clock(rest_demo_factory: Any) -> None:
    clock = FakeClock()
    server = rest_demo_factory(clock=clock)
    login = Login(server)
    tokens = login.tokens()
    clock.advance(ACCESS_LIFETIME_S - 1)
    assert _companies(server, tokens["access_token"]).status_code == 200
    clock.advance(2)
    expired = _companies(server, tokens["access_token"])
    assert expired.status_code == 401 and expired.json()["code"] == 40102
    # A code older than five minutes is refused.
    code = login.query(login.landing())["code"]
    clock.advance(CODE_LIFETIME_S + 1)
    assert login.exchange(code).json()["error"] == "invalid_grant"
    # A refresh token idle for more than 30 days is refused.
    clock.advance(REFRESH_IDLE_S)
    stale = login.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert stale.json()["error"] == "invalid_grant"


def test_unregistered_redirect_is_not_followed_and_any_port_is_a_reading(
    rest_demo: Any, rest_demo_factory: Any
) -> None:
    strict = Login(rest_demo, redirect_uri="http://localhost:9999/callback")
    page = strict.consent_page()
    assert page.status_code == 400 and "location" not in page.headers
    loose = Login(
        rest_demo_factory(readings={"redirect-uri": "loopback-any-port"}),
        redirect_uri="http://localhost:9999/callback",
    )
    assert loose.landing().startswith("http://localhost:9999/callback?code=")


def test_openid_and_unknown_scopes_go_back_as_invalid_scope(rest_demo: Any) -> None:
    for scope in ("openid company.info.read", "employee.absence.read"):
        page = Login(rest_demo, scope=scope).consent_page()
        assert page.status_code == 302
        assert Login.query(page.headers["location"])["error"] == "invalid_scope"


def test_withheld_scopes_are_not_granted_even_when_asked(rest_demo_factory: Any) -> None:
    server = rest_demo_factory("missing-scopes")
    login = Login(server, scope="company.info.read employee.document.read document.read")
    page = login.consent_page()
    assert "document.read (not available to this app)" in page.text
    granted = login.tokens()["scope"].split()
    assert set(granted) == {"company.info.read", "employee.document.read"}


def test_token_claims_and_introspection_are_readings(rest_demo_factory: Any) -> None:
    def claims(token: str) -> dict[str, Any]:
        payload = token.split(".")[1]
        decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=="))
        return decoded

    strict = rest_demo_factory()
    token = Login(strict).tokens()["access_token"]
    assert "scope" not in claims(token) and "exp" in claims(token)
    refused = HTTP.post(
        strict.identity_url + "/connect/introspect",
        data={"token": token},
        headers={"Authorization": basic()},
    )
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"

    loose = rest_demo_factory(readings={"token-claims": "scopes", "introspection": "allowed"})
    token = Login(loose).tokens()["access_token"]
    assert "company.info.read" in claims(token)["scope"]
    answer = HTTP.post(
        loose.identity_url + "/connect/introspect",
        data={"token": token},
        headers={"Authorization": basic()},
    ).json()
    assert answer["active"] is True and "employee.info.read" in answer["scope"]


def test_script_token_holds_every_scope_of_the_scenario(rest_demo_factory: Any) -> None:
    server = rest_demo_factory("missing-scopes")
    token = server.script_token()
    found = server.identity.access(token)
    assert found is not None
    assert "document.read" not in found.scopes
    assert "employee.document.read" in found.scopes
    assert len(found.scopes) == 25 - 3
    assert _companies(server, token).status_code == 200
    assert DEMO_REST_SUBSCRIPTION_KEY  # printed beside it by demo-server


def test_pushed_authorization_request_then_authorize_by_request_uri(rest_demo: Any) -> None:
    login = Login(rest_demo, scope="company.info.read")
    pushed = HTTP.post(
        rest_demo.identity_url + "/connect/par",
        data={k: v for k, v in login.authorize_params().items() if k != "client_id"},
        headers={"Authorization": basic()},
    )
    assert pushed.status_code == 201
    handle = pushed.json()["request_uri"]
    assert handle.startswith("urn:ietf:params:oauth:request_uri:")
    page = HTTP.get(
        rest_demo.identity_url + "/connect/authorize",
        params={"client_id": DEMO_REST_CLIENT_ID, "request_uri": handle, "demo_consent": "approve"},
    )
    query = Login.query(page.headers["location"])
    assert query["state"] == login.state
    assert login.exchange(query["code"]).status_code == 200
    reused = HTTP.get(
        rest_demo.identity_url + "/connect/authorize",
        params={"client_id": DEMO_REST_CLIENT_ID, "request_uri": handle},
    )
    assert reused.status_code == 400
