"""OAuth: authorize URL with PKCE, state check, code exchange, encoded Basic auth, token
store modes, refresh under the lock (one refresh token spent once), revocation."""

from __future__ import annotations

import base64
import hashlib
import stat
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

import httpx
import pytest

from nmbrs_client.errors import ConfigError, NmbrsTransportError
from nmbrs_client.rest.auth.credentials import load_credentials
from nmbrs_client.rest.auth.oauth import Endpoints, LoginError, OAuthFlow
from nmbrs_client.rest.auth.tokens import (
    LoginRequiredError,
    RefreshingTokens,
    TokenSet,
    TokenStore,
)

IDENTITY = "https://identity.test.example"
CLIENT_ID = "PartnerApp_demo*x"
SECRET = "s3cr$t*with+chars"
REDIRECT = "http://localhost:8765/callback"


class FakeIdentity:
    """Token endpoint that checks client auth, PKCE and redirect_uri, and rotates refresh
    tokens (a reused refresh token gets invalid_grant)."""

    def __init__(self) -> None:
        self.challenges: dict[str, str] = {}
        self.live_refresh: set[str] = set()
        self.refreshes = 0
        self.revoked: list[str] = []
        self.counter = 0

    def issue(self) -> dict[str, Any]:
        self.counter += 1
        refresh = f"refresh-{self.counter}"
        self.live_refresh.add(refresh)
        return {
            "access_token": f"access-{self.counter}",
            "refresh_token": refresh,
            "expires_in": 3600,
            "token_type": "Bearer",
            "scope": "offline_access company.info.read",
        }

    def __call__(self, request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("authorization", "")
        pair = base64.b64decode(auth.removeprefix("Basic ")).decode()
        user, _, password = pair.partition(":")
        if (unquote_plus(user), unquote_plus(password)) != (CLIENT_ID, SECRET):
            return httpx.Response(401, json={"error": "invalid_client"})
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if request.url.path == "/connect/revocation":
            self.revoked.append(form["token"])
            self.live_refresh.discard(form["token"])
            return httpx.Response(200)
        if form["grant_type"] == "authorization_code":
            challenge = self.challenges.pop(form["code"], None)
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if challenge != expected or form.get("redirect_uri") != REDIRECT:
                return httpx.Response(400, json={"error": "invalid_grant"})
            return httpx.Response(200, json=self.issue())
        if form["grant_type"] == "refresh_token":
            if form["refresh_token"] not in self.live_refresh:
                return httpx.Response(400, json={"error": "invalid_grant"})
            self.live_refresh.discard(form["refresh_token"])
            self.refreshes += 1
            time.sleep(0.05)  # widen the window in which a second refresher could interfere
            return httpx.Response(200, json=self.issue())
        return httpx.Response(400, json={"error": "unsupported_grant_type"})


def flow_for(identity: FakeIdentity) -> OAuthFlow:
    credentials = load_credentials(
        "t",
        environ={
            "NMBRS_REST_CLIENT_ID": CLIENT_ID,
            "NMBRS_REST_CLIENT_SECRET": SECRET,
            "NMBRS_REST_REDIRECT_URI": REDIRECT,
            "NMBRS_REST_IDENTITY_URL": IDENTITY,
        },
    )
    return OAuthFlow(
        credentials, endpoints=Endpoints.under(IDENTITY), transport=httpx.MockTransport(identity)
    )


def consent(identity: FakeIdentity, authorize_url: str, *, state: str | None = None) -> str:
    """What the browser would do: the identity service redirects with a code."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == REDIRECT
    code = f"code-{len(identity.challenges)}"
    identity.challenges[code] = query["code_challenge"]
    landing = {"code": code, "state": state or query["state"], "scope": query["scope"]}
    return f"{REDIRECT}?{urlencode(landing)}"


def test_login_exchanges_the_code_with_pkce_and_encoded_basic_auth() -> None:
    identity = FakeIdentity()
    flow = flow_for(identity)
    pending = flow.start(("offline_access", "company.info.read"))
    response = flow.finish(pending, consent(identity, pending.url))
    tokens = TokenSet.from_response(response)
    assert tokens.access_token == "access-1"
    assert tokens.refresh_token == "refresh-1"
    assert tokens.scopes == {"offline_access", "company.info.read"}
    assert SECRET not in pending.url


def test_landing_url_of_another_login_is_refused_before_any_exchange() -> None:
    identity = FakeIdentity()
    flow = flow_for(identity)
    pending = flow.start(("offline_access",))
    with pytest.raises(LoginError, match="state"):
        flow.finish(pending, consent(identity, pending.url, state="forged"))
    assert identity.counter == 0
    with pytest.raises(LoginError, match="refused"):
        flow.finish(pending, f"{REDIRECT}?error=access_denied&state={pending.state}")


def test_store_is_private_and_never_shows_tokens(tmp_path: Path) -> None:
    store = TokenStore("acme", folder=tmp_path / "tokens")
    tokens = TokenSet.from_response(
        {"access_token": "AT-secret", "refresh_token": "RT-secret", "scope": "a b"}
    )
    store.save(tokens)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.folder.stat().st_mode) == 0o700
    assert store.load() == tokens
    assert "secret" not in repr(tokens)
    store.delete()
    assert store.load() is None


def _expired_store(tmp_path: Path, identity: FakeIdentity) -> TokenStore:
    store = TokenStore("acme", folder=tmp_path)
    first = identity.issue()
    store.save(TokenSet.from_response({**first, "expires_in": 10}))  # inside the margin
    return store


def test_two_processes_refreshing_at_once_spend_the_refresh_token_once(tmp_path: Path) -> None:
    identity = FakeIdentity()
    store = _expired_store(tmp_path, identity)
    flow = flow_for(identity)
    results: list[str] = []
    errors: list[BaseException] = []

    def one_process() -> None:
        source = RefreshingTokens(TokenStore("acme", folder=tmp_path), flow.refresh)
        try:
            results.append(source.access_token())
        except BaseException as exc:  # recorded, asserted below
            errors.append(exc)

    threads = [threading.Thread(target=one_process) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert identity.refreshes == 1
    assert set(results) == {"access-2"}
    assert store.load() is not None and store.load().refresh_token == "refresh-2"  # type: ignore[union-attr]


def test_rejected_token_is_refreshed_but_a_spent_refresh_token_means_login(tmp_path: Path) -> None:
    identity = FakeIdentity()
    store = TokenStore("acme", folder=tmp_path)
    store.save(TokenSet.from_response(identity.issue()))  # fresh, 1 h
    source = RefreshingTokens(store, flow_for(identity).refresh)
    assert source.access_token() == "access-1"
    assert source.refresh_after_rejection("access-1") == "access-2"
    # Someone else revoked every refresh token (App Manager): the next refresh cannot work.
    identity.live_refresh.clear()
    assert source.refresh_after_rejection("access-2") is None
    with pytest.raises(LoginRequiredError):
        RefreshingTokens(
            TokenStore("nobody", folder=tmp_path), flow_for(identity).refresh
        ).access_token()


def test_revocation_sends_the_token_with_client_auth() -> None:
    identity = FakeIdentity()
    flow = flow_for(identity)
    assert flow.revoke("refresh-9", "refresh_token")
    assert identity.revoked == ["refresh-9"]


def test_credentials_file_must_be_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nmbrs_client import locations
    from nmbrs_client.errors import ConfigError

    monkeypatch.setattr(locations, "config_dir", lambda: tmp_path)
    path = tmp_path / "rest" / "acme.toml"
    path.parent.mkdir()
    path.write_text('client_id = "x"\nclient_secret = "y"\n')
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_credentials("acme", environ={})
    path.chmod(0o600)
    found = load_credentials("acme", environ={})
    assert found.client_id == "x"
    assert found.sources["client_secret"].startswith("file ")
    assert "y" not in repr(found.client_secret)


def test_keyring_store_when_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    saved: dict[tuple[str, str], str] = {}
    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: saved.get((service, user))  # type: ignore[attr-defined]
    fake.set_password = lambda service, user, value: saved.__setitem__((service, user), value)  # type: ignore[attr-defined]
    fake.delete_password = lambda service, user: saved.pop((service, user))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.setenv("NMBRS_REST_TOKEN_STORE", "keyring")
    store = TokenStore("acme", folder=tmp_path)
    tokens = TokenSet.from_response({"access_token": "AT", "refresh_token": "RT", "scope": "a"})
    store.save(tokens)
    assert not store.path.exists() and store.where.startswith("keyring")
    assert store.load() == tokens
    store.delete()
    assert store.load() is None and saved == {}


@pytest.mark.parametrize(
    "trouble",
    [
        ConfigError("no REST app credentials for profile 'acme'"),
        NmbrsTransportError("token", "identity.example", "connection refused", kind="connection"),
    ],
    ids=["no-app-credentials", "identity-unreachable"],
)
def test_a_refused_token_that_cannot_be_refreshed_stays_refused(
    tmp_path: Path, trouble: Exception
) -> None:
    identity = FakeIdentity()
    store = TokenStore("acme", folder=tmp_path)
    store.save(TokenSet.from_response(identity.issue()))

    def refresh(token: str) -> Any:
        raise trouble

    source = RefreshingTokens(store, refresh)
    assert source.refresh_after_rejection("access-1") is None
