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
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from nmbrs_client.calllog import CallLog
from nmbrs_client.errors import ConfigError, SecretOfOneConnection
from nmbrs_client.rest.auth.credentials import (
    ENV,
    RestCredentials,
    load_credentials,
    secret_place_hint,
)
from nmbrs_client.rest.auth.tokens import RefreshingTokens, TokenStore
from nmbrs_client.rest.backend import RestBackend
from nmbrs_client.rest.client import AccessTokenSource, RestClient, StaticToken
from nmbrs_client.rest.transport import RestTransport, TransportLimits

if TYPE_CHECKING:
    from nmbrs_client.settings import ConnectionSettings

TOKEN_ENV = "NMBRS_REST_TOKEN"
SCOPES_ENV = "NMBRS_REST_SCOPES"  # optional: the scopes a fixed token holds
# REST calls in flight at most, whatever the profile's concurrency says: Nmbrs publishes no
# REST rate limit, and below this the client's window adapts to the throttling it meets.
MAX_CONCURRENCY = 8


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
    given: Mapping[str, str] | None = None,
    static_token: str | None = None,
    static_scopes: tuple[str, ...] | None = None,
    call_log: CallLog | None = None,
    concurrency: int = 6,
    limits: TransportLimits | None = None,
    employee_types: tuple[str, ...] = (),
    http_transport: Any = None,
    token_folder: Any = None,
    verify_tls: bool = True,
    today: Callable[[], date] = date.today,
    credentials: RestCredentials | None = None,
    token_store: str | None = None,
) -> RestBackend:
    env = os.environ if environ is None else environ
    if credentials is None:
        credentials = load_credentials(profile, environ=env, given=given, use_stores=given is None)
    if credentials.subscription_key is None:
        raise ConfigError(
            f"no subscription key for REST profile '{profile}': "
            + secret_place_hint(profile, "subscription_key", None),
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
        store = TokenStore(profile, folder=token_folder, kind=token_store)
        tokens = RefreshingTokens(store, _LazyRefresher(credentials))
        tokens.current()  # no login → one clear LoginRequiredError now, not mid-dashboard

    def expires_at() -> float | None:
        if isinstance(tokens, RefreshingTokens):
            return tokens.current().expires_at
        return None

    transport = RestTransport(
        credentials.base_url,  # the host shown as "REST API" is exactly the one called
        subscription_key=key.get_secret_value,
        limits=limits,
        http_transport=http_transport,
        pool_size=max(concurrency, 4),
        verify_tls=verify_tls,
    )
    client = RestClient(transport, tokens, call_log=call_log, concurrency=concurrency)
    return RestBackend(client, expires_at=expires_at, employee_types=employee_types, today=today)


def backend_from_settings(
    settings: ConnectionSettings, *, today: Callable[[], date] = date.today
) -> RestBackend:
    """The REST backend for resolved settings (``api = "rest"``).

    The demo environment logs in with the logins its demo handed over
    (``settings.demo_access``, see :func:`logged_in_backend`); otherwise the hosts, the app and where each secret is kept are the
    profile's (``settings.rest``), read by :func:`load_credentials`.
    """
    limits = TransportLimits(
        connect_timeout_s=settings.connect_timeout_s,
        read_timeout_s=settings.timeout_s,
        max_bytes=settings.max_response_mb * 1024 * 1024,
    )
    concurrency = min(settings.concurrency, MAX_CONCURRENCY)
    profile = settings.profile_name or "rest"
    rest = settings.rest
    if settings.environment == "demo":
        access = settings.demo_access
        return logged_in_backend(
            access.rest_app(rest.base_url),
            lambda scopes: access.rest_login(rest.base_url, scopes),
            limits=limits,
            concurrency=concurrency,
            today=today,
        )
    # A profile checked among many (or switched to) never takes another's secrets from the
    # environment: NMBRS_REST_TOKEN and friends belong to the one connection they were set for.
    environ: Mapping[str, str] = os.environ if settings.environment_credentials else {}
    credentials = load_credentials(profile, settings=settings, environ=environ)
    variable = ENV["subscription_key"]
    if (
        credentials.subscription_key is None
        and not settings.environment_credentials
        and (rest.subscription_key_from == "env" or os.environ.get(variable, "").strip())
    ):
        raise SecretOfOneConnection(profile, "subscription key", variable)
    return open_rest_backend(
        profile,
        concurrency=concurrency,
        limits=limits,
        verify_tls=settings.verify_tls,
        today=today,
        environ=environ,
        credentials=credentials,
        token_store=rest.token_store,
    )


def logged_in_backend(
    app: Mapping[str, str],
    login: Callable[[tuple[str, ...]], Mapping[str, Any]],
    *,
    limits: TransportLimits | None = None,
    concurrency: int = 6,
    today: Callable[[], date] = date.today,
) -> RestBackend:
    """Log in with ``login`` (given the scopes; no person at a browser) and open a backend.

    ``app`` holds every value of the app (a demo's, which are public); the tokens are kept in a
    temporary folder removed at exit, never in the user's token store.
    """
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    from nmbrs_client.rest.auth.tokens import TokenSet
    from nmbrs_client.rest_operations import DEFAULT_SCOPES

    profile = "demo"
    folder = Path(tempfile.mkdtemp(prefix="nmbrs-tui-rest-demo-"))
    atexit.register(shutil.rmtree, folder, True)
    store = TokenStore(profile, folder=folder)
    store.save(TokenSet.from_response(login(DEFAULT_SCOPES)))
    return open_rest_backend(
        profile,
        environ={},
        given=app,
        concurrency=concurrency,
        limits=limits,
        token_folder=folder,
        today=today,
    )
