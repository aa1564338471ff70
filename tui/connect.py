"""Opening a connection for the dashboard: config → settings → client → first checks.

Everything here blocks and runs in a worker thread, never on the UI loop, so the first frame
does not wait for config parsing, the demo server or the network. Progress is reported as
:class:`ConnectionInfo` snapshots through a callback; the UI only renders them. Nothing here
imports Textual, and the heavy modules (pydantic-settings, zeep, the client) are imported
inside the functions so importing this module costs nothing.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

# The launch options live with their resolver in the client; re-exported for the TUI's callers.
from nmbrs_client.launch import LaunchOptions

if TYPE_CHECKING:
    from nmbrs_client.backend import Backend
    from nmbrs_client.config_schema import AppConfig
    from nmbrs_client.launch import DemoLaunch
    from nmbrs_client.settings import ConnectionSettings
    from nmbrs_demo import RunningDemo
    from tui.data.store import DataStore

__all__ = ["ConnectionInfo", "Connector", "LaunchOptions"]


class Stage(StrEnum):
    """Where a connection attempt is, in the order it goes through them (shown as is)."""

    STARTING = "starting"
    LOADING_CONFIG = "loading configuration"
    STARTING_DEMO = "starting demo server"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    FAILED = "failed"
    NO_CONFIG = "no profile"
    CANCELLED = "cancelled"


STARTING = Stage.STARTING
LOADING_CONFIG = Stage.LOADING_CONFIG
STARTING_DEMO = Stage.STARTING_DEMO
CONNECTING = Stage.CONNECTING
CONNECTED = Stage.CONNECTED
FAILED = Stage.FAILED
NO_CONFIG = Stage.NO_CONFIG
CANCELLED = Stage.CANCELLED


@dataclass(frozen=True)
class HostShown:
    """One host the connection calls: its role, address, where the address came from, and
    whose host it is (``production``/``sandbox`` only for Nmbrs' own, ``demo``, ``custom``)."""

    role: str
    url: str
    source: str
    kind: str

    @property
    def host(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.url).hostname or self.url


PLACE_ORDER = ("production", "sandbox", "demo", "custom")


@dataclass(frozen=True)
class ConnectionInfo:
    """One snapshot of what the connection pane and the header show."""

    stage: Stage = Stage.STARTING
    profile: str | None = None
    environment: str | None = None
    api: str | None = None  # the ApiKind value once settings are known
    base_url: str | None = None
    host: str | None = None
    username: str | None = None
    # REST: why the account the token belongs to could not be read (the rest still works)
    user_unread: str | None = None
    domain: str | None = None
    domain_source: str | None = None
    scenario: str | None = None
    verify_tls: bool = True
    config_path: str | None = None
    credentials: str = "not checked yet"
    token_override: str | None = None  # NMBRS_TOKEN used instead of the profile's own token
    credentials_ok: bool | None = None
    rtt_ms: float | None = None
    debtors: int | None = None
    debtors_note: str = ""
    companies: int | None = None
    companies_note: str = ""
    last_error: str | None = None
    last_hint: str | None = None
    fault_code: int | None = None
    # Connected, but nothing can be read: why (no API subscription, 1004), shown with the fix.
    stop_reason: str = ""
    profiles: tuple[str, ...] = field(default_factory=tuple)
    # A connection with scopes (REST): the granted ones and the access token's expiry (UTC),
    # from the backend; None: the connection has no scopes.
    scopes: tuple[str, ...] | None = None
    token_expires: datetime | None = None
    token_at_expiry: str = ""  # what happens then: refreshed, or why not
    # The hosts actually called (REST: the API and the identity service), with their sources.
    endpoints: tuple[HostShown, ...] = ()

    def with_(self, **changes: Any) -> ConnectionInfo:
        return dataclasses.replace(self, **changes)

    @property
    def busy(self) -> bool:
        return self.stage in (STARTING, LOADING_CONFIG, STARTING_DEMO, CONNECTING)

    @property
    def place(self) -> str | None:
        """Whose hosts these are, for the badge: production only when one of them is Nmbrs'
        own production host, whatever the profile says; before settings are known, None."""
        kinds = {e.kind for e in self.endpoints}
        return next((k for k in PLACE_ORDER if k in kinds), None)

    @property
    def hosts_text(self) -> str:
        """``REST API host, identity service host`` (SOAP: the one host)."""
        if not self.endpoints:
            return self.host or self.base_url or "—"
        if len(self.endpoints) == 1:
            return self.endpoints[0].host
        return ", ".join(f"{e.role} {e.host}" for e in self.endpoints)


def describe_error(exc: BaseException) -> tuple[str, str, int | None]:
    """``(what happened, what to do, fault code)`` for any error the connection can meet."""
    from nmbrs_client import textsafe
    from nmbrs_client.errors import NmbrsError, NmbrsFault

    if isinstance(exc, NmbrsFault):
        return textsafe.line(exc.message), textsafe.line(exc.hint), exc.code
    if isinstance(exc, NmbrsError):
        return textsafe.line(exc.message), textsafe.line(exc.hint), None
    return (
        textsafe.line(f"{type(exc).__name__}: {exc}"),
        "This is unexpected: see the details and retry.",
        None,
    )


def settings_from_info(info: ConnectionInfo, settings: ConnectionSettings) -> ConnectionInfo:
    from nmbrs_client.token_sources import env_override_note

    soap = settings.soap_part
    return info.with_(
        profile=settings.profile_name or "(flags/env)",
        environment=settings.environment,
        api=settings.api.value,
        base_url=settings.base_url,
        host=settings.host,
        username=soap.username if soap else None,
        domain=soap.domain if soap else None,
        domain_source="profile" if soap and soap.domain else "not yet discovered",
        scenario=settings.scenario,
        verify_tls=settings.verify_tls,
        token_override=env_override_note(soap.token_source if soap else None),
        endpoints=tuple(HostShown(e.role, e.url, e.source, e.kind) for e in settings.endpoints()),
    )


class Connector:
    """Runs the steps of one connection attempt and reports each as a ConnectionInfo.

    ``demo_server`` is kept between attempts so a reconnect to the demo reuses the server.
    """

    def __init__(
        self,
        report: Callable[[ConnectionInfo], None],
        is_cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        self.report = report
        self.is_cancelled = is_cancelled
        self.info = ConnectionInfo()

    def _set(self, **changes: Any) -> ConnectionInfo:
        self.info = self.info.with_(**changes)
        self.report(self.info)
        return self.info

    # -- step 1: settings ------------------------------------------------------------------
    def load_settings(
        self,
        launch: LaunchOptions,
        demo_server: RunningDemo | None,
    ) -> tuple[ConnectionSettings | None, AppConfig | None, RunningDemo | None]:
        """Resolve settings (starting the demo server if asked); ``None`` when impossible.

        The options go through the same resolver as the headless commands
        (:func:`~nmbrs_client.launch.resolve_launch`), so both refuse the same ones.
        """
        from nmbrs_client.errors import ConfigError, SecretOfOneConnection
        from nmbrs_client.launch import (
            DemoLaunch,
            LaunchError,
            load_launch_config,
            resolve_launch,
        )
        from tui.demo_logins import demo_access

        self._set(stage=LOADING_CONFIG)
        config: AppConfig | None = None
        try:
            config = load_launch_config(launch)
        except ConfigError as exc:
            self._set(stage=FAILED, last_error=exc.message, last_hint=exc.hint)
            return None, None, demo_server
        if config is not None:
            self._set(
                config_path=str(config.path) if config.path else None,
                profiles=tuple(sorted(config.profiles)),
            )
        try:
            plan = resolve_launch(launch, config, demo_access)
        except LaunchError as exc:
            self._set(stage=FAILED, last_error=exc.message, last_hint=exc.hint)
            return None, config, demo_server
        except (ConfigError, SecretOfOneConnection) as exc:
            no_profile = config is not None and not config.profiles and not launch.profile
            stage = NO_CONFIG if no_profile and not launch.demo else FAILED
            self._set(stage=stage, last_error=exc.message, last_hint=exc.hint)
            return None, config, demo_server
        if isinstance(plan, DemoLaunch):
            return self._demo_settings(plan, demo_server, config)
        self.info = settings_from_info(self.info, plan)
        return plan, config, demo_server

    def _demo_settings(
        self,
        plan: DemoLaunch,
        demo_server: RunningDemo | None,
        config: AppConfig | None,
    ) -> tuple[ConnectionSettings | None, AppConfig | None, RunningDemo | None]:
        """Start (or reuse) the demo server the plan asks for and connect to it."""
        from nmbrs_demo import start

        if demo_server is not None and not demo_server.answers(
            plan.api, plan.scenario, plan.latency_ms
        ):
            demo_server.stop()
            demo_server = None
        if demo_server is None:
            self._set(
                stage=STARTING_DEMO, scenario=plan.scenario, environment="demo", profile="demo"
            )
            try:
                demo_server = start(plan.api, plan.scenario, plan.latency_ms, own_process=True)
            except Exception as exc:
                what, hint, _code = describe_error(exc)
                self._set(stage=FAILED, last_error=f"demo server: {what}", last_hint=hint)
                return None, config, None
        settings = demo_server.settings(plan.download_dir)
        self.info = settings_from_info(self.info, settings)
        return settings, config, demo_server

    # -- step 2: first calls ---------------------------------------------------------------
    def check(self, backend: Backend, data: DataStore) -> None:
        """Verify credentials, discover the domain, count debtors and companies.

        The lists go into the store, so the companies pane and the palette start from them.
        """
        from nmbrs_client.errors import FaultCategory, NmbrsFault, NmbrsTransportError
        from tui.data.kinds import COMPANIES, DEBTORS

        known = backend.known_identity()  # no call: what the token already says, if any
        self._set(
            stage=CONNECTING,
            credentials="checking…",
            last_error=None,
            last_hint=None,
            fault_code=None,
            stop_reason="",
            user_unread=None,
            scopes=known.scopes,
            token_expires=known.expires_at,
            token_at_expiry=known.at_expiry,
        )
        timings: list[float] = []

        def timed(fn: Callable[[], Any]) -> Any:
            started = time.perf_counter()
            result = fn()
            timings.append((time.perf_counter() - started) * 1000)
            return result

        def fail(exc: Exception) -> None:
            what, hint, code = describe_error(exc)
            auth = isinstance(exc, NmbrsFault) and exc.category is FaultCategory.AUTHENTICATION
            self._set(
                stage=FAILED,
                last_error=what,
                last_hint=hint,
                fault_code=code,
                # "checking…" no more: nothing that answered proves or refutes them
                credentials=f"rejected — {what}" if auth else "not confirmed (see Last error)",
                credentials_ok=False if auth else self.info.credentials_ok,
                domain_source=backend.known_identity().domain_source,
            )

        try:
            identity = backend.identity()
        except (NmbrsFault, NmbrsTransportError) as exc:
            fail(exc)
            return
        self._set(domain=identity.domain, domain_source=identity.domain_source)
        # What the API said about who we are (SOAP: the API user; REST also the granted
        # scopes and the token's expiry), whichever API answered.
        self._set(
            username=identity.user or self.info.username,
            user_unread=identity.user_unread or None,
            scopes=identity.scopes,
            token_expires=identity.expires_at,
            token_at_expiry=identity.at_expiry,
        )
        if self.is_cancelled():
            self._set(stage=CANCELLED)
            return
        accepted = False
        counts: tuple[tuple[str, Callable[[], int]], ...] = (
            ("debtors", lambda: len(data.fetch(DEBTORS, None, force=True))),
            ("companies", lambda: len(data.fetch(COMPANIES, None, force=True))),
        )
        for what, count in counts:
            try:
                found = timed(count)
            except NmbrsFault as exc:
                if exc.category is FaultCategory.AUTHENTICATION:
                    fail(exc)
                    return
                accepted = True  # any other fault means the credentials were accepted
                no_subscription = exc.category is FaultCategory.NO_SUBSCRIPTION
                self._set(
                    **{
                        f"{what}_note": f"{exc.code}: {exc.text or exc.message}",
                        "last_error": exc.message,
                        "last_hint": exc.hint,
                        "fault_code": exc.code,
                        "stop_reason": "no API subscription (1004)"
                        if no_subscription
                        else self.info.stop_reason,
                    }
                )
            except NmbrsTransportError as exc:
                fail(exc)
                return
            else:
                accepted = True
                self._set(**{what: found, f"{what}_note": ""})
            if self.is_cancelled():
                self._set(stage=CANCELLED)
                return
        self._set(
            stage=CONNECTED,
            credentials="accepted" if accepted else self.info.credentials,
            credentials_ok=accepted or None,
            rtt_ms=min(timings) if timings else None,
        )
