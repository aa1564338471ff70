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
import time
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


class _WithheldSecret:
    """The refresher of a profile checked among many whose client secret is only in a variable.

    Its stored login is used while it is valid; a refresh would need the secret, which belongs
    to the one connection it was exported for, so it is refused: nothing is sent.
    """

    def __init__(self, refusal: SecretOfOneConnection) -> None:
        self.refusal = refusal

    def __call__(self, refresh_token: str) -> Mapping[str, Any]:
        raise self.refusal


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
    refresh_withheld: SecretOfOneConnection | None = None,
    clock: Callable[[], float] = time.time,
) -> RestBackend:
    """``refresh_withheld``: the app's secret is not this run's to use (see
    :class:`_WithheldSecret`); a login that needs a refresh now raises it before any call, one
    that needs it later raises it from that call on. ``clock``: when the stored login is due
    for a refresh (tests move it on)."""
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
        refresher = (
            _LazyRefresher(credentials)
            if refresh_withheld is None
            else _WithheldSecret(refresh_withheld)
        )
        tokens = RefreshingTokens(store, refresher, clock)
        # no login → one clear LoginRequiredError now, not mid-dashboard
        if tokens.due(tokens.current()) and refresh_withheld is not None:
            raise refresh_withheld

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
    at_expiry = "refreshed before expiry"
    if refresh_withheld is not None:  # this connection may not make the refresh: say so
        at_expiry = f"not refreshed here: {refresh_withheld.message}; {refresh_withheld.hint}"
    return RestBackend(
        client,
        expires_at=expires_at,
        employee_types=employee_types,
        today=today,
        at_expiry=at_expiry,
    )


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
    if _only_in_variable(settings, credentials.subscription_key, "subscription_key"):
        raise SecretOfOneConnection(profile, "subscription key", ENV["subscription_key"])
    refresh_withheld = None
    if _only_in_variable(settings, credentials.client_secret, "client_secret"):
        # only a refresh needs it: the profile's own login is used while it is valid
        refresh_withheld = SecretOfOneConnection(
            profile, "client secret (needed to refresh its login)", ENV["client_secret"]
        )
    return open_rest_backend(
        profile,
        concurrency=concurrency,
        limits=limits,
        verify_tls=settings.verify_tls,
        today=today,
        environ=environ,
        credentials=credentials,
        token_store=rest.token_store,
        refresh_withheld=refresh_withheld,
    )


def _only_in_variable(settings: ConnectionSettings, found: SecretStr | None, name: str) -> bool:
    """A secret this profile keeps only in its variable, in a run where the variables are not
    its own (``--all-profiles``, a switch in the app): the secret is another connection's."""
    if found is not None or settings.environment_credentials:
        return False
    place = getattr(settings.rest, f"{name}_from", None)
    return place == "env" or bool(os.environ.get(ENV[name], "").strip())


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
