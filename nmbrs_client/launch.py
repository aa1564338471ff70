"""Launch options → what to connect to: the one resolver every command and the dashboard use.

``nmbrs-tui check --demo --profile acme`` and ``nmbrs-tui --demo --profile acme`` must give the
same answer, so both ask :func:`resolve_launch`. It starts nothing: the client never imports the
demo server, so for ``--demo`` it returns a :class:`DemoLaunch` that says which scenario to
start and turns the running server's address into settings. Importing this module is cheap
(the dashboard builds :class:`LaunchOptions` before its first frame); config parsing loads
inside the functions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nmbrs_client.errors import ConfigError

if TYPE_CHECKING:  # pydantic-settings loads only when options are resolved
    from nmbrs_client.config_schema import AppConfig
    from nmbrs_client.demo_access import DemoAccessSource
    from nmbrs_client.ids import ApiKind
    from nmbrs_client.settings import ConnectionSettings

DEFAULT_DEMO_SCENARIO = "healthy"
MAX_DEMO_LATENCY_MS = 60_000  # what a scenario file allows too


class LaunchError(ConfigError):
    """Options that cannot be combined: exit 64 on the command line, a failed stage in the app."""


@dataclass(frozen=True)
class LaunchOptions:
    """What the user asked for on the command line (or in the palette's profile switch)."""

    profile: str | None = None
    demo: bool = False
    api: str | None = None  # "soap" | "rest"; None: the profile's (else soap)
    scenario: str | None = None
    latency_ms: int | None = None
    base_url: str | None = None
    username: str | None = None
    domain: str | None = None
    config_path: str | None = None
    # NMBRS_TOKEN and friends belong to the connection they were exported for: False for a
    # profile switched to in the app, so it is checked with its own credentials.
    environment_credentials: bool = True

    @classmethod
    def from_args(cls, args: Any) -> LaunchOptions:
        """The options an ``argparse`` namespace carries (absent or empty ones stay unset)."""
        given: dict[str, Any] = {}
        for option in dataclasses.fields(cls):
            value = getattr(args, option.name, None)
            if value is not None and value != "" and value is not False:
                given[option.name] = value
        return cls(**given)


@dataclass(frozen=True)
class DemoLaunch:
    """Start the embedded demo of this API and scenario (``nmbrs_demo.start``), then connect."""

    scenario: str
    latency_ms: int | None
    api: ApiKind
    download_dir: Path | None = None


def check_combination(options: LaunchOptions) -> None:
    """Refuse options that contradict each other, before any file is read."""
    if options.demo:
        if options.profile or options.base_url or options.username:
            raise LaunchError(
                "--demo cannot be combined with --profile, --base-url or --username",
                hint="drop --demo to use the profile, or drop the profile options for the demo",
            )
        latency = options.latency_ms
        if latency is not None and not 0 <= latency <= MAX_DEMO_LATENCY_MS:
            raise LaunchError(
                f"--latency-ms must be between 0 and {MAX_DEMO_LATENCY_MS}, got {latency}",
                hint="e.g. --latency-ms 100 for 100 ms per call",
            )
    elif options.scenario or options.latency_ms is not None:
        raise LaunchError(
            "--scenario and --latency-ms need --demo",
            hint="add --demo, or drop --scenario/--latency-ms",
        )


def preflight(options: LaunchOptions) -> None:
    """Refuse options and a named config file that can never work, before a first frame.

    Cheap (no pydantic): the combination of options, and a config file named by
    ``--config`` or ``NMBRS_TUI_CONFIG`` that is no regular file, too big or nested too deep.
    The dashboard calls it so such input ends in one line and exit 64, as ``check`` does.
    """
    import os

    from nmbrs_client.config_names import CONFIG_ENV_VAR

    check_combination(options)
    named = options.config_path or os.environ.get(CONFIG_ENV_VAR, "").strip()
    if not named or options.demo:
        return
    from nmbrs_client.local_files import expand_user, read_local_text, toml_depth_problem

    path = expand_user(named)
    if not os.path.lexists(path):
        return
    problem = toml_depth_problem(read_local_text(path, "config file"))
    if problem is not None:
        raise ConfigError(f"{path}: {problem}")


def load_launch_config(options: LaunchOptions) -> AppConfig | None:
    """The config file the options name (or the default one).

    With ``--demo`` a broken config file does not matter: None. Otherwise its ConfigError goes up.
    """
    from nmbrs_client.config import load_config

    try:
        return load_config(Path(options.config_path) if options.config_path else None)
    except ConfigError:
        if not options.demo:
            raise
        return None


def resolve_launch(
    options: LaunchOptions,
    config: AppConfig | None,
    demo_access: DemoAccessSource | None = None,
) -> DemoLaunch | ConnectionSettings:
    """What to connect to: a demo server to start, or a profile's settings (with the flags).

    ``demo_access`` gives the demo's logins to a profile of ``environment = "demo"``.
    """
    from nmbrs_client.config import resolve_settings
    from nmbrs_client.ids import ApiKind

    check_combination(options)
    if options.demo:
        api = ApiKind(options.api or ApiKind.SOAP)
        download_dir = None
        if config is not None and config.download_dir:
            download_dir = Path(config.download_dir).expanduser()
        return DemoLaunch(
            options.scenario or DEFAULT_DEMO_SCENARIO, options.latency_ms, api, download_dir
        )
    if config is None:
        config = load_launch_config(options)
        assert config is not None  # not a demo: a broken file raised
    overrides = {
        "base_url": options.base_url,
        "username": options.username,
        "domain": options.domain,
        "api": options.api,
    }
    settings = resolve_settings(
        config,
        profile=options.profile,
        overrides=overrides,
        environment_credentials=options.environment_credentials,
        demo_access=demo_access,
    )
    return settings
