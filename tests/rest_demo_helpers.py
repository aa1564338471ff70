"""Small helpers for tests against the REST demo: a PKCE login, headers, a fake clock."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx

from nmbrs_demo.credentials import (
    DEMO_REST_CLIENT_ID,
    DEMO_REST_CLIENT_SECRET,
    DEMO_REST_REDIRECT_URIS,
    DEMO_REST_SUBSCRIPTION_KEY,
)

REDIRECT = DEMO_REST_REDIRECT_URIS[0]
# Generous: the shared 2-core machine can be slow; no test measures time with it.
HTTP = httpx.Client(timeout=60)


@dataclass
class FakeClock:
    """Seconds since the epoch that only move when told to."""

    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def basic(client_id: str = DEMO_REST_CLIENT_ID, secret: str = DEMO_REST_CLIENT_SECRET) -> str:
    """RFC 6749 §2.3.1 Basic credentials: each half percent-encoded, then base64."""
    raw = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return "Basic " + base64.b64encode(raw.encode()).decode()


def api_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Subscription-Key": DEMO_REST_SUBSCRIPTION_KEY}


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Login:
    """One authorization-code round trip, step by step, so tests can break any step."""

    server: Any
    scope: str = "offline_access company.info.read employee.info.read"
    redirect_uri: str = REDIRECT
    state: str = field(default_factory=lambda: secrets.token_urlsafe(8))
    verifier: str = ""
    challenge: str = ""

    def __post_init__(self) -> None:
        self.verifier, self.challenge = pkce_pair()
        self.http = httpx.Client(timeout=60)

    def authorize_params(self, **extra: str) -> dict[str, str]:
        params = {
            "client_id": DEMO_REST_CLIENT_ID,
            "redirect_uri": self.redirect_uri,
            "response_type": "code",
            "scope": self.scope,
            "state": self.state,
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
        }
        params.update(extra)
        return params

    def consent_page(self, **extra: str) -> httpx.Response:
        return self.http.get(
            self.server.identity_url + "/connect/authorize", params=self.authorize_params(**extra)
        )

    def landing(self, scopes: list[str] | None = None, decision: str = "allow") -> str:
        """Approve on the consent page (ticking ``scopes``, default all) → landing URL."""
        page = self.consent_page()
        assert page.status_code == 200, page.text
        found = re.search(r'name="request_id" value="([^"]+)"', page.text)
        assert found is not None
        ticked = (
            scopes if scopes is not None else re.findall(r'name="scope" value="([^"]+)"', page.text)
        )
        reply = self.http.post(
            self.server.identity_url + "/connect/consent",
            data={"request_id": found.group(1), "scope": ticked, "decision": decision},
        )
        assert reply.status_code == 302, reply.text
        return reply.headers["location"]

    @staticmethod
    def query(landing: str) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(landing).query).items()}

    def exchange(self, code: str, **overrides: str) -> httpx.Response:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier,
        }
        form.update(overrides)
        form = {k: v for k, v in form.items() if v is not None}
        return self.token(form)

    def token(self, form: dict[str, str], authorization: str | None = None) -> httpx.Response:
        return self.http.post(
            self.server.identity_url + "/connect/token",
            data=form,
            headers={"Authorization": authorization or basic()},
        )

    def tokens(self, scopes: list[str] | None = None) -> dict[str, Any]:
        code = self.query(self.landing(scopes))["code"]
        reply = self.exchange(code)
        assert reply.status_code == 200, reply.text
        answer: dict[str, Any] = reply.json()
        return answer
