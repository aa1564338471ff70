"""Settings from the shared connection options of the headless commands (never Textual)."""

from __future__ import annotations

import argparse
from typing import Any


class UsageProblem(Exception):
    """Options that cannot be combined; the command reports it with exit 64."""


def settings_from_args(args: argparse.Namespace, config: Any) -> tuple[Any, Any]:
    """(settings, demo server or None) from --demo / --profile / --base-url and friends."""
    from nmbrs_client.config import demo_settings, resolve_settings

    if args.demo:
        if args.base_url or args.username or args.profile:
            raise UsageProblem("--demo cannot be combined with --profile, --base-url or "
                               "--username")
        from nmbrs_client.demo.server import start_demo_server

        scenario = args.scenario or "healthy"
        server = start_demo_server(scenario, latency_ms=args.latency_ms)
        return demo_settings(server.base_url, scenario), server
    if args.scenario or args.latency_ms is not None:
        raise UsageProblem("--scenario and --latency-ms need --demo")
    overrides = {"base_url": args.base_url, "username": args.username, "domain": args.domain}
    return resolve_settings(config, profile=args.profile, overrides=overrides), None
