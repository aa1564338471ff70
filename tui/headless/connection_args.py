"""Settings from the shared connection options of the headless commands (never Textual).

The options are resolved by :func:`nmbrs_client.launch.resolve_launch`, the same
resolver the dashboard uses, so a command and the dashboard never disagree about them.
"""

from __future__ import annotations

import argparse
from typing import Any


def config_from_args(args: argparse.Namespace) -> Any:
    """The config file named by ``--config`` (or the default one); None for a broken one
    with ``--demo``. Otherwise a ``ConfigError`` goes up to the CLI (exit 64)."""
    from nmbrs_client.launch import LaunchOptions, load_launch_config

    return load_launch_config(LaunchOptions.from_args(args))


def settings_from_args(args: argparse.Namespace, config: Any) -> tuple[Any, Any]:
    """(settings, demo server or None) from --demo / --profile / --base-url and friends.

    Raises ``LaunchError`` (a ``ConfigError``) for options that cannot be combined.
    """
    from nmbrs_client.launch import DemoLaunch, LaunchOptions, resolve_launch
    from nmbrs_demo import start
    from tui.demo_logins import demo_access

    plan = resolve_launch(LaunchOptions.from_args(args), config, demo_access)
    if not isinstance(plan, DemoLaunch):
        return plan, None
    demo = start(plan.api, plan.scenario, plan.latency_ms)
    return demo.settings(plan.download_dir), demo
