"""Settings from the shared connection options of the headless commands (never Textual)."""

from __future__ import annotations

import argparse
from typing import Any


class UsageProblem(Exception):
    """Options that cannot be combined; the command reports it with exit 64."""


def config_from_args(args: argparse.Namespace) -> Any:
    """The config file named by ``--config`` (or the default one).

    With ``--demo`` a broken config file does not matter, so its error is ignored there;
    otherwise the ``ConfigError`` goes up to the CLI, which reports it with exit 64.
    """
    from pathlib import Path

    from nmbrs_client.config import load_config
    from nmbrs_client.errors import ConfigError

    try:
        return load_config(Path(args.config_path) if args.config_path else None)
    except ConfigError:
        if not args.demo:
            raise
        return None


def start_demo_for(api: Any, scenario: str, latency_ms: int | None) -> Any:
    """The embedded demo of ``api``: the SOAP demo, or the REST demo with its identity service."""
    from nmbrs_client.backend import ApiKind

    if api is ApiKind.REST:
        from nmbrs_demo.rest.server import start_rest_demo_server

        return start_rest_demo_server(scenario, latency_ms=latency_ms)
    from nmbrs_demo.server import start_demo_server

    return start_demo_server(scenario, latency_ms=latency_ms)


def settings_from_args(args: argparse.Namespace, config: Any) -> tuple[Any, Any]:
    """(settings, demo server or None) from --demo / --profile / --base-url and friends."""
    from nmbrs_client.backend import ApiKind, require_api
    from nmbrs_client.config import demo_settings, resolve_settings

    api = getattr(args, "api", None)
    if args.demo:
        if args.base_url or args.username or args.profile:
            raise UsageProblem("--demo cannot be combined with --profile, --base-url or --username")
        kind = ApiKind(api or ApiKind.SOAP)
        require_api(kind)  # before a demo server is started for nothing
        scenario = args.scenario or "healthy"
        server = start_demo_for(kind, scenario, args.latency_ms)
        return demo_settings(server.base_url, scenario, api=kind), server
    if args.scenario or args.latency_ms is not None:
        raise UsageProblem("--scenario and --latency-ms need --demo")
    overrides = {
        "base_url": args.base_url,
        "username": args.username,
        "domain": args.domain,
        "api": api,
    }
    settings = resolve_settings(config, profile=args.profile, overrides=overrides)
    require_api(settings.api)
    return settings, None
