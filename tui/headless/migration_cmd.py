"""`nmbrs-tui check --migration`: the SOAP check and the REST check of one profile, side by side.

With ``--demo`` both embedded demos are started on the same scenario. Otherwise the SOAP side
uses ``--profile`` (when it resolves to SOAP credentials) and the REST side ``--rest-profile``;
a side that is not configured is reported as "not checked", never as allowed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import Any


def _note(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(f"nmbrs-tui check: {text}", file=sys.stderr, flush=True)


def _side(
    args: argparse.Namespace, api: str, config: Any, profile: Any, check_report: Callable[..., Any]
) -> Any:
    """One side on the embedded demo of ``api``; None (said on stderr) when it cannot start."""
    from nmbrs_client.launch import LaunchError
    from tui.headless.check_cmd import CheckFailed
    from tui.headless.connection_args import settings_from_args

    side_args = argparse.Namespace(**{**vars(args), "api": api})
    try:
        settings, server = settings_from_args(side_args, config)
    except LaunchError as exc:
        _note(args, f"{api.upper()} side not checked: {exc}")
        return None
    try:
        return check_report(side_args, settings, profile)
    except CheckFailed as exc:
        _note(args, f"{api.upper()} side not checked: {exc}")
        return None
    finally:
        if server is not None:
            server.stop()


def _configured_sides(
    args: argparse.Namespace, config: Any, profile: Any, check_report: Callable[..., Any]
) -> tuple[Any, Any]:
    from nmbrs_client.config import resolve_settings
    from nmbrs_client.errors import ConfigError, NmbrsError
    from nmbrs_client.rest.connect import open_rest_backend
    from tui.headless.check_cmd import CheckFailed, report_on_backend

    soap = rest = None
    if args.profile or args.base_url:
        try:
            settings = resolve_settings(
                config,
                profile=args.profile,
                overrides={
                    "base_url": args.base_url,
                    "username": args.username,
                    "domain": args.domain,
                    "api": "soap",
                },
            )
        except ConfigError as exc:
            _note(args, f"SOAP side not checked: {exc.message}")
        else:
            try:
                soap = check_report(args, settings, profile)
            except CheckFailed as exc:
                _note(args, f"SOAP side not checked: {exc}")
    else:
        _note(args, "SOAP side not checked: name the SOAP profile with --profile")
    if args.rest_profile:
        try:
            backend = open_rest_backend(args.rest_profile)
        except NmbrsError as exc:
            _note(args, f"REST side not checked: {exc.message}")
        else:
            environment = {"profile": args.rest_profile, "environment": None, "scenario": None}
            try:
                rest = report_on_backend(args, backend, profile, environment)
            except CheckFailed as exc:
                _note(args, f"REST side not checked: {exc}")
    else:
        _note(args, "REST side not checked: name the REST profile with --rest-profile")
    return soap, rest


def run_migration(
    args: argparse.Namespace,
    config: Any,
    profile: Any,
    check_report: Callable[..., Any],
    emit: Callable[[argparse.Namespace, str], int | None],
) -> int:
    from nmbrs_client.exit_codes import ExitCode
    from nmbrs_client.rights.migration import build_migration, render

    if args.demo:
        if args.profile or args.rest_profile or args.base_url:
            print(
                "nmbrs-tui check: --demo cannot be combined with --profile or --rest-profile",
                file=sys.stderr,
            )
            return ExitCode.USAGE
        soap = _side(args, "soap", config, profile, check_report)
        rest = _side(args, "rest", config, profile, check_report)
    else:
        soap, rest = _configured_sides(args, config, profile, check_report)
    report = build_migration(profile, soap=soap, rest=rest, today=date.today())
    failed = emit(args, render(report, args.format, args.lang))
    return failed if failed is not None else report.exit_code
