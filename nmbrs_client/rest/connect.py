"""Build a :class:`~nmbrs_client.rest.backend.RestBackend` for a profile or the demo.

The access token comes, in this order, from ``NMBRS_REST_TOKEN`` (a fixed token for scripts,
e.g. what ``demo-server --api rest`` prints; never refreshed) or from the profile's token
store (``nmbrs-tui auth login``), refreshed under the store's lock. The subscription key is
required either way. The OAuth client for refreshing is built only when a refresh is due, so
opening a connection with a fresh token makes no call to the identity service.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from nmbrs_client.calllog import CallLog
from nmbrs_client.errors import ConfigError
from nmbrs_client.rest.auth.credentials import RestCredentials, load_credentials
from nmbrs_client.rest.auth.tokens import RefreshingTokens, TokenStore
from nmbrs_client.rest.backend import RestBackend
from nmbrs_client.rest.client import AccessTokenSource, RestClient, StaticToken
from nmbrs_client.rest.transport import RestTransport, TransportLimits

TOKEN_ENV = "NMBRS_REST_TOKEN"
SCOPES_ENV = "NMBRS_REST_SCOPES"  # optional: the scopes a fixed token holds


class _LazyRefresher:
    """Builds the OAuth flow (discovery, app credentials) on the first refresh only."""

    def __init__(self, credentials: RestCredentials) -> None:
        self._credentials = credentials
        self._flow: Any = None
        self._lock = threading.Lock()

    def __call__(self, refresh_token: str) -> Mapping[str, Any]:
        from nmbrs_client.rest.auth.oauth import OAuthFlow

        with self._lock:
            if self._flow is None:
                self._flow = OAuthFlow(self._credentials)
            flow = self._flow
        result: Mapping[str, Any] = flow.refresh(refresh_token)
        return result


def open_rest_backend(
    profile: str,
    *,
    environ: Mapping[str, str] | None = None,
    demo: Mapping[str, str] | None = None,
    static_token: str | None = None,
    static_scopes: tuple[str, ...] | None = None,
    call_log: CallLog | None = None,
    concurrency: int = 6,
    limits: TransportLimits | None = None,
    employee_types: tuple[str, ...] = (),
    http_transport: Any = None,
) -> RestBackend:
    env = os.environ if environ is None else environ
    credentials = load_credentials(profile, environ=env, demo=demo)
    if credentials.subscription_key is None:
        raise ConfigError(
            f"no subscription key for REST profile '{profile}': set NMBRS_SUBSCRIPTION_KEY",
            hint="Developer portal → Products → subscribe → Profile → Subscriptions → Primary key.",
        )
    key: SecretStr = credentials.subscription_key
    tokens: AccessTokenSource
    store: TokenStore | None = None
    token_text = static_token or env.get(TOKEN_ENV, "").strip()
    if token_text:
        scopes = static_scopes
        if scopes is None and env.get(SCOPES_ENV, "").strip():
            scopes = tuple(env[SCOPES_ENV].split())
        tokens = StaticToken(token_text, scopes)
    else:
        store = TokenStore(profile)
        tokens = RefreshingTokens(store, _LazyRefresher(credentials))
        tokens.current()  # no login → one clear LoginRequiredError now, not mid-dashboard

    def expires_at() -> float | None:
        if isinstance(tokens, RefreshingTokens):
            return tokens.current().expires_at
        return None

    transport = RestTransport(
        credentials.base_url,
        subscription_key=key.get_secret_value,
        limits=limits,
        http_transport=http_transport,
        pool_size=max(concurrency, 4),
    )
    client = RestClient(transport, tokens, call_log=call_log, concurrency=concurrency)
    return RestBackend(client, expires_at=expires_at, employee_types=employee_types)
