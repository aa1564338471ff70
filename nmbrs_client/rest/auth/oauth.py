"""The authorization-code flow with PKCE (S256) and a client secret, on Authlib.

Nmbrs offers no device flow, so the first login needs a person in a browser. Over SSH that
works two ways, both handled here: the redirect lands on a loopback listener (the user
forwards the port with ``ssh -L``), or the user copies the landing URL from the browser's
address bar and pastes it back (nothing needs to listen: the code sits in the URL). Either
way ``state`` is checked before the code is exchanged, and the exchange repeats the exact
``redirect_uri``.

Client authentication at the token endpoint is HTTP Basic with the id and secret
percent-encoded first (RFC 6749 §2.3.1): Nmbrs secrets contain ``*`` and ``$`` and Authlib's
built-in Basic method does not encode them.
"""

from __future__ import annotations

import base64
import secrets
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
from authlib.integrations.base_client.errors import OAuthError

with warnings.catch_warnings():
    # Authlib 1.9 announces on stderr a future move of its httpx client to "httpx2"; the httpx
    # client works, and a support engineer's terminal is no place for a library's roadmap.
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client

from nmbrs_client.errors import NmbrsError, tls_reason
from nmbrs_client.rest.auth.credentials import RestCredentials
from nmbrs_client.rest.auth.tokens import LoginRequiredError
from nmbrs_client.rest.errors import clean_text
from nmbrs_client.version import USER_AGENT

_BASIC = "client_secret_basic_encoded"
_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class LoginError(NmbrsError):
    """The login did not produce a token (state mismatch, refused consent, bad credentials)."""


@dataclass(frozen=True)
class Endpoints:
    authorize: str
    token: str
    revocation: str

    @classmethod
    def under(cls, identity_url: str) -> Endpoints:
        base = identity_url.rstrip("/")
        return cls(
            f"{base}/connect/authorize", f"{base}/connect/token", f"{base}/connect/revocation"
        )


def discover(identity_url: str, transport: httpx.BaseTransport | None = None) -> Endpoints:
    """The endpoints from the discovery document, or Nmbrs' documented paths without one."""
    fallback = Endpoints.under(identity_url)
    url = identity_url.rstrip("/") + "/.well-known/openid-configuration"
    try:
        with httpx.Client(
            transport=transport,
            timeout=_TIMEOUT,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        ) as http:
            reply = http.get(url)
        data = reply.json() if reply.status_code == 200 else {}
    except (httpx.HTTPError, ValueError):
        data = {}
    origin = urlsplit(identity_url).netloc

    def pick(key: str, default: str) -> str:
        value = data.get(key) if isinstance(data, Mapping) else None
        # An endpoint on another host than the identity service is not trusted with the secret.
        if isinstance(value, str) and urlsplit(value).netloc == origin:
            return value
        return default

    return Endpoints(
        pick("authorization_endpoint", fallback.authorize),
        pick("token_endpoint", fallback.token),
        pick("revocation_endpoint", fallback.revocation),
    )


def _encoded_basic(client: Any, method: str, uri: str, headers: dict[str, str], body: str) -> Any:
    pair = f"{quote(client.client_id, safe='')}:{quote(client.client_secret, safe='')}"
    headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    return uri, headers, body


@dataclass(frozen=True)
class PendingLogin:
    """What the user must open, and what the exchange needs afterwards (kept in memory)."""

    url: str
    state: str
    code_verifier: str
    redirect_uri: str


class OAuthFlow:
    """Login, refresh and revocation for one app against one identity service."""

    def __init__(
        self,
        credentials: RestCredentials,
        *,
        endpoints: Endpoints | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        client_id, secret = credentials.require_app()
        self.credentials = credentials
        self.endpoints = endpoints or discover(credentials.identity_url, transport)
        self._client = OAuth2Client(
            client_id=client_id,
            client_secret=secret.get_secret_value(),
            token_endpoint_auth_method=_BASIC,
            revocation_endpoint_auth_method=_BASIC,
            redirect_uri=credentials.redirect_uri,
            code_challenge_method="S256",
            transport=transport,
            timeout=_TIMEOUT,
            follow_redirects=False,
            trust_env=True,
            headers={"User-Agent": USER_AGENT},
        )
        self._client.register_client_auth_method((_BASIC, _encoded_basic))

    def close(self) -> None:
        self._client.close()

    def start(self, scopes: tuple[str, ...]) -> PendingLogin:
        verifier = secrets.token_urlsafe(64)
        state = secrets.token_urlsafe(24)
        url, _ = self._client.create_authorization_url(
            self.endpoints.authorize, state=state, code_verifier=verifier, scope=" ".join(scopes)
        )
        return PendingLogin(url, state, verifier, self.credentials.redirect_uri)

    def finish(self, pending: PendingLogin, landing_url: str) -> Mapping[str, Any]:
        """Check the landing URL (``state``, an ``error``) and exchange its code."""
        query = parse_qs(urlsplit(landing_url.strip()).query)
        state = (query.get("state") or [""])[0]
        if "error" in query:
            reason = clean_text((query.get("error_description") or query["error"])[0], 120)
            raise LoginError(
                f"the identity service refused the login: {reason}",
                hint="Log in again and accept the consent page (a client or company login).",
            )
        if not secrets.compare_digest(state, pending.state):
            raise LoginError(
                "the landing URL does not belong to this login (state differs)",
                hint="Paste the URL of the page the browser landed on after *this* login.",
            )
        code = (query.get("code") or [""])[0]
        if not code:
            raise LoginError("the landing URL carries no code", hint="Paste the whole URL.")
        try:
            token = self._client.fetch_token(
                self.endpoints.token,
                grant_type="authorization_code",
                code=code,
                redirect_uri=pending.redirect_uri,
                code_verifier=pending.code_verifier,
            )
        except OAuthError as exc:
            raise LoginError(
                f"the token exchange failed: {clean_text(exc.error, 60)}",
                hint=_oauth_hint(exc.error),
            ) from None
        except httpx.HTTPError as exc:
            raise LoginError(_unreachable(exc)) from None
        result = dict(token)
        if not result.get("scope") and query.get("scope"):
            result["scope"] = query["scope"][0]  # the redirect also carries the granted scope
        return result

    def refresh(self, refresh_token: str) -> Mapping[str, Any]:
        try:
            return dict(
                self._client.refresh_token(self.endpoints.token, refresh_token=refresh_token)
            )
        except OAuthError as exc:
            if exc.error in ("invalid_grant", "invalid_client", "unauthorized_client"):
                raise LoginRequiredError(
                    f"the refresh token was refused ({clean_text(exc.error, 40)})",
                    hint=_oauth_hint(exc.error),
                ) from None
            raise NmbrsError(f"token refresh failed: {clean_text(exc.error, 60)}") from None
        except httpx.HTTPError as exc:
            raise NmbrsError(_unreachable(exc)) from None

    def revoke(self, token: str, hint: str) -> bool:
        try:
            reply = self._client.revoke_token(
                self.endpoints.revocation, token=token, token_type_hint=hint
            )
        except (OAuthError, httpx.HTTPError):
            return False
        return bool(200 <= reply.status_code < 300)


def _unreachable(exc: httpx.HTTPError) -> str:
    """Why the identity service gave no answer: a refused certificate by its reason (as the
    API's own calls say it), anything else by the kind of failure."""
    reason = tls_reason(exc)
    if reason is not None:
        return f"TLS failure with the identity service ({reason})"
    return f"cannot reach the identity service ({type(exc).__name__})"


def _oauth_hint(error: str | None) -> str:
    return {
        "invalid_grant": (
            "The code or refresh token is expired, already used or revoked (a refresh token "
            "lives 30 days unused): run `nmbrs-tui auth login` again."
        ),
        "invalid_client": (
            "The client id or secret is wrong: copy them again from the partner portal."
        ),
        "invalid_scope": "One of the requested scopes does not exist for this app.",
        "unauthorized_client": "This app may not use the authorization-code flow.",
    }.get(error or "", "Retry the login; if it repeats, check the app's registration.")
