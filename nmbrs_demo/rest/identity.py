"""The demo identity service's state: clients, consents, codes and tokens (no HTTP here).

It follows what is known of ``identityservice.nmbrs.com``: authorization code only, PKCE checked
when a challenge was sent, a confidential client (secret by Basic auth, percent-encoded, or in
the form), codes valid 5 minutes and single use, access tokens 1 hour, refresh tokens only with
``offline_access``, 30 days idle, single use and rotating (a spent one is ``invalid_grant``).
The clock is injectable so expiry can be tested without waiting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote_plus, urlencode, urlsplit

from nmbrs_demo.credentials import (
    DEMO_REST_CLIENT_ID,
    DEMO_REST_CLIENT_SECRET,
    DEMO_REST_REDIRECT_URIS,
)

CODE_LIFETIME_S = 5 * 60
ACCESS_LIFETIME_S = 60 * 60
REFRESH_IDLE_S = 30 * 24 * 60 * 60
PENDING_LIFETIME_S = 15 * 60
PAR_LIFETIME_S = 600
PAR_PREFIX = "urn:ietf:params:oauth:request_uri:"
OFFLINE_ACCESS = "offline_access"
# Listed in discovery without guarding an API operation.
EXTRA_DISCOVERY_SCOPES = ("openid", "profile", "nmbrs", "company.payrollsettings")
# Partner apps asking for these get "invalid_scope".
REFUSED_SCOPES = frozenset({"openid"})


class OAuthError(Exception):
    """An RFC 6749 error answer: ``{error, error_description}``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status
        # Set for authorize errors that go back to the app's redirect URI.
        self.redirect_to: str | None = None
        self.state: str | None = None

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass(frozen=True)
class DemoClient:
    client_id: str
    secret: str
    redirect_uris: tuple[str, ...]


@dataclass(frozen=True)
class Grant:
    """What one consent gave one client: scopes and the debtors (SOAP ids) it reaches."""

    grant_id: str
    client_id: str
    scopes: frozenset[str]
    debtor_ids: frozenset[int]


@dataclass
class PendingAuthorization:
    request_id: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    challenge: str | None
    method: str | None
    created: float


@dataclass
class _Code:
    grant: Grant
    redirect_uri: str
    challenge: str | None
    method: str | None
    issued: float
    used: bool = False
    issued_tokens: list[str] = field(default_factory=list)


@dataclass
class AccessToken:
    token: str
    grant: Grant
    scopes: frozenset[str]
    expires: float
    revoked: bool = False


@dataclass
class _Refresh:
    token: str
    grant: Grant
    scopes: frozenset[str]
    last_used: float
    spent: bool = False
    revoked: bool = False


def pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class IdentityService:
    """Authorization server of the demo; every method is thread-safe."""

    def __init__(
        self,
        *,
        issuer: str,
        supported_scopes: Iterable[str],
        grantable_scopes: Iterable[str],
        debtor_ids: Iterable[int],
        loopback_any_port: bool = False,
        scope_claims: bool = False,
        clock: Callable[[], float] = time.time,
        clients: Iterable[DemoClient] | None = None,
    ) -> None:
        self.issuer = issuer
        self.supported_scopes = frozenset(supported_scopes) | frozenset(EXTRA_DISCOVERY_SCOPES)
        self.grantable_scopes = frozenset(grantable_scopes)
        self.debtor_ids = frozenset(debtor_ids)
        self.loopback_any_port = loopback_any_port
        self.scope_claims = scope_claims
        self.clock = clock
        demo = DemoClient(DEMO_REST_CLIENT_ID, DEMO_REST_CLIENT_SECRET, DEMO_REST_REDIRECT_URIS)
        self.clients = {c.client_id: c for c in (clients or (demo,))}
        self._key = hashlib.sha256(b"nmbrs-tui demo identity signing key").digest()
        self._lock = threading.Lock()
        self._pending: dict[str, PendingAuthorization] = {}
        self._codes: dict[str, _Code] = {}
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, _Refresh] = {}
        self._grants_revoked: set[str] = set()
        self._pushed: dict[str, tuple[dict[str, str], float]] = {}

    # ------------------------------------------------------------------ discovery

    def discovery(self) -> dict[str, object]:
        base = self.issuer.rstrip("/")
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/connect/authorize",
            "token_endpoint": f"{base}/connect/token",
            "revocation_endpoint": f"{base}/connect/revocation",
            "introspection_endpoint": f"{base}/connect/introspect",
            "pushed_authorization_request_endpoint": f"{base}/connect/par",
            "scopes_supported": sorted(self.supported_scopes),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": [
                "authorization_code",
                "refresh_token",
                "client_credentials",
                "password",
            ],
            "code_challenge_methods_supported": ["plain", "S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "revocation_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub"],
        }

    # ------------------------------------------------------------------ authorize

    def redirect_allowed(self, client: DemoClient, redirect_uri: str) -> bool:
        if redirect_uri in client.redirect_uris:
            return True
        if not self.loopback_any_port:
            return False
        wanted = urlsplit(redirect_uri)
        for registered in client.redirect_uris:
            known = urlsplit(registered)
            if (
                known.hostname in ("localhost", "127.0.0.1")
                and wanted.scheme == known.scheme
                and wanted.hostname == known.hostname
                and wanted.path == known.path
            ):
                return True
        return False

    def start(self, params: dict[str, str]) -> PendingAuthorization:
        """Check an authorize request. Raises ``OAuthError``; ``.redirectable`` says where to.

        Errors about the client or the redirect URI are shown to the user (never redirected);
        the others go back to the redirect URI, as RFC 6749 §4.1.2.1 says.
        """
        client = self.clients.get(params.get("client_id", ""))
        if client is None:
            raise OAuthError("invalid_client", "Unknown client_id.")
        redirect_uri = params.get("redirect_uri", "")
        if not self.redirect_allowed(client, redirect_uri):
            raise OAuthError("invalid_request", "The redirect_uri is not registered for this app.")
        state = params.get("state")
        try:
            if params.get("response_type") != "code":
                raise OAuthError("unsupported_response_type", "Only response_type=code.")
            scopes = tuple(dict.fromkeys(params.get("scope", "").split()))
            if not scopes:
                raise OAuthError("invalid_scope", "No scope requested.")
            unknown = [s for s in scopes if s not in self.supported_scopes or s in REFUSED_SCOPES]
            if unknown:
                raise OAuthError("invalid_scope", "Invalid scope: " + " ".join(unknown))
            challenge = params.get("code_challenge") or None
            method = params.get("code_challenge_method") or None
            if challenge is None and method is not None:
                raise OAuthError("invalid_request", "code_challenge_method without a challenge.")
            if challenge is not None:
                method = method or "plain"
                if method not in ("plain", "S256"):
                    raise OAuthError("invalid_request", "Unsupported code_challenge_method.")
                if not 43 <= len(challenge) <= 128:
                    raise OAuthError("invalid_request", "code_challenge has a bad length.")
        except OAuthError as exc:
            exc.redirect_to = redirect_uri
            exc.state = state
            raise
        pending = PendingAuthorization(
            secrets.token_urlsafe(16),
            client.client_id,
            redirect_uri,
            scopes,
            state,
            challenge,
            method,
            self.clock(),
        )
        with self._lock:
            self._pending[pending.request_id] = pending
        return pending

    def push(self, authorization: str | None, form: dict[str, str]) -> dict[str, object]:
        """PAR (RFC 9126): store authorize parameters, answer a one-time ``request_uri``."""
        client = self.authenticate_client(authorization, form)
        params = {k: v for k, v in form.items() if k not in ("client_secret", "request_uri")}
        params["client_id"] = client.client_id
        self.start(dict(params))  # the same checks as a direct authorize request
        handle = PAR_PREFIX + secrets.token_urlsafe(24)
        with self._lock:
            self._pushed[handle] = (params, self.clock())
        return {"request_uri": handle, "expires_in": PAR_LIFETIME_S}

    def resolve_pushed(self, params: dict[str, str]) -> dict[str, str]:
        """Authorize parameters: those pushed earlier when ``request_uri`` is given."""
        handle = params.get("request_uri")
        if not handle:
            return params
        with self._lock:
            found = self._pushed.pop(handle, None)
        if found is None or self.clock() - found[1] > PAR_LIFETIME_S:
            raise OAuthError("invalid_request", "Unknown or expired request_uri.")
        pushed, _ = found
        if params.get("client_id") != pushed["client_id"]:
            raise OAuthError("invalid_request", "request_uri belongs to another client.")
        extra = {k: v for k, v in params.items() if k.startswith("demo_")}
        return {**pushed, **extra}

    def pending(self, request_id: str) -> PendingAuthorization | None:
        with self._lock:
            found = self._pending.get(request_id)
        if found is None or self.clock() - found.created > PENDING_LIFETIME_S:
            return None
        return found

    def offered(self, pending: PendingAuthorization) -> tuple[list[str], list[str]]:
        """(scopes the user may grant, requested scopes this app cannot get)."""
        granted = [s for s in pending.scopes if s in self.grantable_scopes]
        withheld = [s for s in pending.scopes if s not in self.grantable_scopes]
        return granted, withheld

    def decide(self, request_id: str, approve: bool, scopes: Iterable[str] | None = None) -> str:
        """The consent decision → the landing URL (code + granted scope + state, or an error)."""
        with self._lock:
            pending = self._pending.pop(request_id, None)
        if pending is None or self.clock() - pending.created > PENDING_LIFETIME_S:
            raise OAuthError("invalid_request", "This consent request expired; start again.")
        query: dict[str, str] = {}
        if not approve:
            query["error"] = "access_denied"
            query["error_description"] = "The user declined the consent."
        else:
            offered, _ = self.offered(pending)
            chosen = set(offered) if scopes is None else set(scopes) & set(offered)
            ordered = [s for s in pending.scopes if s in chosen]
            grant = Grant(
                secrets.token_hex(8), pending.client_id, frozenset(ordered), self.debtor_ids
            )
            code = secrets.token_urlsafe(32)
            with self._lock:
                self._codes[code] = _Code(
                    grant, pending.redirect_uri, pending.challenge, pending.method, self.clock()
                )
            query["code"] = code
            query["scope"] = " ".join(ordered)
        if pending.state is not None:
            query["state"] = pending.state
        separator = "&" if "?" in pending.redirect_uri else "?"
        return pending.redirect_uri + separator + urlencode(query)

    # ------------------------------------------------------------------ client authentication

    def authenticate_client(self, authorization: str | None, form: dict[str, str]) -> DemoClient:
        basic = None
        if authorization and authorization[:6].lower() == "basic ":
            try:
                raw = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise OAuthError("invalid_client", "Malformed Basic credentials.", 401) from None
            user, sep, password = raw.partition(":")
            if not sep:
                raise OAuthError("invalid_client", "Malformed Basic credentials.", 401)
            # RFC 6749 §2.3.1: both halves are form-encoded before base64.
            basic = (unquote_plus(user), unquote_plus(password))
        posted = form.get("client_secret")
        if basic is not None and posted is not None:
            raise OAuthError("invalid_request", "Use one client authentication method.")
        if basic is not None:
            client_id, secret = basic
        elif posted is not None:
            client_id, secret = form.get("client_id", ""), posted
        else:
            raise OAuthError("invalid_client", "Client authentication is required.", 401)
        client = self.clients.get(client_id)
        if client is None or not hmac.compare_digest(client.secret, secret):
            raise OAuthError("invalid_client", "Unknown client or wrong secret.", 401)
        if form.get("client_id") not in (None, client.client_id):
            raise OAuthError("invalid_client", "client_id does not match.", 401)
        return client

    # ------------------------------------------------------------------ token endpoint

    def token(self, authorization: str | None, form: dict[str, str]) -> dict[str, object]:
        client = self.authenticate_client(authorization, form)
        grant_type = form.get("grant_type", "")
        if grant_type == "authorization_code":
            return self._exchange_code(client, form)
        if grant_type == "refresh_token":
            return self._refresh_grant(client, form)
        if grant_type in ("client_credentials", "password"):
            raise OAuthError("unauthorized_client", "This app may only use authorization_code.")
        raise OAuthError("unsupported_grant_type", "Unsupported grant_type.")

    def _exchange_code(self, client: DemoClient, form: dict[str, str]) -> dict[str, object]:
        code_text = form.get("code", "")
        now = self.clock()
        with self._lock:
            code = self._codes.get(code_text)
            if code is None or code.grant.client_id != client.client_id:
                raise OAuthError("invalid_grant", "Unknown authorization code.")
            if code.used:
                # A replayed code: refuse, and revoke what the first use produced.
                for token in code.issued_tokens:
                    self._revoke_token_locked(token)
                raise OAuthError("invalid_grant", "The authorization code was already used.")
            code.used = True
        if now - code.issued > CODE_LIFETIME_S:
            raise OAuthError("invalid_grant", "The authorization code expired.")
        if form.get("redirect_uri", "") != code.redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri differs from the authorize request.")
        verifier = form.get("code_verifier")
        if code.challenge is None:
            if verifier:
                raise OAuthError("invalid_grant", "code_verifier sent without a challenge.")
        else:
            if not verifier:
                raise OAuthError("invalid_grant", "code_verifier is required.")
            expected = pkce_s256(verifier) if code.method == "S256" else verifier
            if not hmac.compare_digest(expected, code.challenge):
                raise OAuthError("invalid_grant", "code_verifier does not match the challenge.")
        response = self._issue(code.grant, code.grant.scopes)
        with self._lock:
            code.issued_tokens.append(str(response["access_token"]))
            if "refresh_token" in response:
                code.issued_tokens.append(str(response["refresh_token"]))
        return response

    def _refresh_grant(self, client: DemoClient, form: dict[str, str]) -> dict[str, object]:
        text = form.get("refresh_token", "")
        now = self.clock()
        with self._lock:
            found = self._refresh.get(text)
            if found is None or found.grant.client_id != client.client_id:
                raise OAuthError("invalid_grant", "Unknown refresh token.")
            if found.spent or found.revoked or found.grant.grant_id in self._grants_revoked:
                raise OAuthError("invalid_grant", "The refresh token was already used or revoked.")
            if now - found.last_used > REFRESH_IDLE_S:
                raise OAuthError("invalid_grant", "The refresh token expired.")
            found.spent = True
        scopes = found.scopes
        if form.get("scope"):
            asked = frozenset(form["scope"].split())
            if not asked <= found.scopes:
                raise OAuthError("invalid_scope", "A refresh cannot widen the granted scopes.")
            scopes = asked
        return self._issue(found.grant, scopes)

    def _issue(self, grant: Grant, scopes: frozenset[str]) -> dict[str, object]:
        now = self.clock()
        access = self.mint_access(grant, scopes, ACCESS_LIFETIME_S)
        ordered = " ".join(sorted(scopes))
        response: dict[str, object] = {
            "access_token": access,
            "expires_in": ACCESS_LIFETIME_S,
            "token_type": "Bearer",
            "scope": ordered,
        }
        if OFFLINE_ACCESS in scopes:
            refresh = secrets.token_hex(32).upper()
            with self._lock:
                self._refresh[refresh] = _Refresh(refresh, grant, scopes, now)
            response["refresh_token"] = refresh
        return response

    def mint_access(self, grant: Grant, scopes: frozenset[str], lifetime_s: int) -> str:
        """A JWT-shaped bearer token, remembered so it can be checked and revoked."""
        now = self.clock()
        claims: dict[str, object] = {
            "iss": self.issuer.rstrip("/"),
            "nbf": int(now),
            "iat": int(now),
            "exp": int(now + lifetime_s),
            "jti": secrets.token_hex(16),
        }
        if self.scope_claims:
            claims.update(
                client_id=grant.client_id, sub=grant.grant_id, scope=sorted(scopes), aud="nmbrs"
            )
        header = _b64(json.dumps({"alg": "HS256", "typ": "at+jwt"}).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = _b64(hmac.new(self._key, f"{header}.{payload}".encode(), "sha256").digest())
        token = f"{header}.{payload}.{signature}"
        with self._lock:
            self._access[token] = AccessToken(token, grant, scopes, now + lifetime_s)
        return token

    def issue_for_script(self, lifetime_s: int = REFRESH_IDLE_S) -> str:
        """An access token with every scope this scenario grants (``demo-server`` prints it)."""
        grant = Grant(
            secrets.token_hex(8), DEMO_REST_CLIENT_ID, self.grantable_scopes, self.debtor_ids
        )
        return self.mint_access(grant, self.grantable_scopes, lifetime_s)

    def access(self, token: str) -> AccessToken | None:
        """The live access token, or None when unknown, expired or revoked."""
        with self._lock:
            found = self._access.get(token)
            if found is None or found.revoked or found.grant.grant_id in self._grants_revoked:
                return None
        if self.clock() >= found.expires:
            return None
        return found

    # ------------------------------------------------------------------ revocation, introspection

    def revoke(self, authorization: str | None, form: dict[str, str]) -> None:
        client = self.authenticate_client(authorization, form)
        token = form.get("token", "")
        if not token:
            raise OAuthError("invalid_request", "token is required.")
        with self._lock:
            refresh = self._refresh.get(token)
            if refresh is not None and refresh.grant.client_id == client.client_id:
                # RFC 7009 §2.1: revoking a refresh token ends the whole grant.
                self._grants_revoked.add(refresh.grant.grant_id)
                return
            access = self._access.get(token)
            if access is not None and access.grant.client_id == client.client_id:
                access.revoked = True

    def _revoke_token_locked(self, token: str) -> None:
        refresh = self._refresh.get(token)
        if refresh is not None:
            self._grants_revoked.add(refresh.grant.grant_id)
        access = self._access.get(token)
        if access is not None:
            access.revoked = True

    def introspect(self, token: str) -> dict[str, object]:
        found = self.access(token)
        if found is None:
            with self._lock:
                refresh = self._refresh.get(token)
            live = (
                refresh is not None
                and not refresh.spent
                and not refresh.revoked
                and refresh.grant.grant_id not in self._grants_revoked
            )
            if not live or refresh is None:
                return {"active": False}
            return {
                "active": True,
                "client_id": refresh.grant.client_id,
                "token_type": "refresh_token",
            }
        return {
            "active": True,
            "client_id": found.grant.client_id,
            "scope": " ".join(sorted(found.scopes)),
            "exp": int(found.expires),
            "token_type": "access_token",
        }
