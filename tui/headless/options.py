"""Command-line options more than one command shares: the API, and how to reach Nmbrs.

Kept apart from :mod:`tui.cli` so a sub-command adds them without importing the entry point
that imports it.
"""

from __future__ import annotations

import argparse

from nmbrs_client.ids import ApiKind

# In an option's help, replaced by the demo's scenario names when the help is printed (only
# then: the dashboard's first frame must not load the demo package to build its parser).
SCENARIO_NAMES = "{scenario names}"
# What --api accepts, wherever a command has it.
API_CHOICES: tuple[str, ...] = tuple(api.value for api in ApiKind)


def add_api_option(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--api soap|rest``: which Nmbrs API to use (default: the profile's, else soap)."""
    parser.add_argument(
        "--api",
        choices=API_CHOICES,
        default=None,
        help="Nmbrs API to talk to (default: the profile's api, else soap)",
    )


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection")
    group.add_argument("--profile", "-P", help="profile name from config.toml")
    group.add_argument(
        "--demo", action="store_true", help="start the embedded demo Nmbrs server and connect to it"
    )
    group.add_argument(
        "--scenario",
        help=f"demo scenario name or TOML file (with --demo); {SCENARIO_NAMES}",
    )
    group.add_argument(
        "--latency-ms", type=int, default=None, help="demo server latency per call (with --demo)"
    )
    add_api_option(group)
    group.add_argument("--base-url", help="custom SOAP v3 base URL")
    group.add_argument("--username", help="API username (e-mail)")
    group.add_argument("--domain", help="Nmbrs domain (subdomain of the web UI)")
    group.add_argument("--config", dest="config_path", help="path of config.toml to use")
