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


def _rest_check(args: argparse.Namespace, client: Any, profile: Any) -> Any:
    from nmbrs_client.rights.rest_check import RestRightsCheck

    return RestRightsCheck(
        client,
        profile.rest(),
        companies=[str(c) for c in args.companies or ()],
        fetch_documents=args.fetch_documents,
        concurrency=args.concurrency or 8,
    ).run()


def _demo_sides(
    args: argparse.Namespace, profile: Any, soap_report: Callable[..., Any]
) -> tuple[Any, Any]:
    from nmbrs_client.config import demo_settings
    from nmbrs_client.demo_identity import DEMO_REST_SUBSCRIPTION_KEY
    from nmbrs_client.rest.client import RestClient, StaticToken
    from nmbrs_client.rest.transport import RestTransport
    from nmbrs_demo.rest.server import start_rest_demo_server
    from nmbrs_demo.server import start_demo_server

    scenario = args.scenario or "healthy"
    soap_server = start_demo_server(scenario, latency_ms=args.latency_ms)
    try:
        soap = soap_report(args, demo_settings(soap_server.base_url, scenario), profile)
    finally:
        soap_server.stop()
    rest_server = start_rest_demo_server(scenario, latency_ms=args.latency_ms)
    try:
        transport = RestTransport(
            rest_server.base_url, subscription_key=lambda: DEMO_REST_SUBSCRIPTION_KEY
        )
        # the token demo-server prints: every scope the scenario's consent grants
        granted = rest_server.demo.identity.grantable_scopes
        client = RestClient(transport, StaticToken(rest_server.script_token(), granted))
        try:
            rest = _rest_check(args, client, profile)
        finally:
            client.close()
    finally:
        rest_server.stop()
    return soap, rest


def _configured_sides(
    args: argparse.Namespace, config: Any, profile: Any, soap_report: Callable[..., Any]
) -> tuple[Any, Any]:
    from nmbrs_client.config import resolve_settings
    from nmbrs_client.errors import ConfigError, NmbrsError
    from nmbrs_client.rest.connect import open_rest_backend

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
            soap = soap_report(args, settings, profile)
    else:
        _note(args, "SOAP side not checked: name the SOAP profile with --profile")
    if args.rest_profile:
        try:
            backend = open_rest_backend(args.rest_profile)
        except NmbrsError as exc:
            _note(args, f"REST side not checked: {exc.message}")
        else:
            try:
                rest = _rest_check(args, backend.client, profile)
            finally:
                backend.close()
    else:
        _note(args, "REST side not checked: name the REST profile with --rest-profile")
    return soap, rest


def run_migration(
    args: argparse.Namespace,
    config: Any,
    profile: Any,
    soap_report: Callable[..., Any],
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
        soap, rest = _demo_sides(args, profile, soap_report)
    else:
        soap, rest = _configured_sides(args, config, profile, soap_report)
    report = build_migration(profile, soap=soap, rest=rest, today=date.today())
    failed = emit(args, render(report, args.format, args.lang))
    return failed if failed is not None else report.exit_code
