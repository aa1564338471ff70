"""`nmbrs-tui check --migration`: the SOAP check and the REST check of one profile, side by side.

With ``--demo`` both embedded demos are started on the same scenario. Otherwise the profile's
SOAP part is the SOAP side and its REST part the REST side (``--rest-profile`` names another);
a side that is not set up is reported as "not checked", never as allowed. The migration plan
(verdict, numbered steps) comes first, the side-by-side report under it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

# A side's reason is one line, bounded: the error and its hint (what to run instead).
WHY_MAX = 320


@dataclass(frozen=True)
class SideNotChecked:
    """Why one side (SOAP or REST) of a customer was not checked, for stderr, table and JSON."""

    api: str  # SOAP | REST
    why: str  # one sanitised line: the error that stopped the check, or that nothing is set up
    set_up: bool  # False: the profile has no such part (nothing failed)

    def __str__(self) -> str:
        if self.set_up or self.api == "SOAP":
            return f"{self.api} side not checked: {self.why}"
        return f"REST not set up: {self.why}"


def why_of(exc: BaseException) -> str:
    """An error as one sanitised line, its hint (the command to run instead) kept."""
    from nmbrs_client.textsafe import line

    message = getattr(exc, "message", None) or str(exc)
    hint = getattr(exc, "hint", None)
    text = f"{message}\n{hint}" if hint else message
    parts = (" ".join(part.split()) for part in text.splitlines())  # an error, then its hint
    return line("; ".join(part for part in parts if part))[:WHY_MAX]


def _note(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(f"nmbrs-tui check: {text}", file=sys.stderr, flush=True)


def _side(
    args: argparse.Namespace, api: str, config: Any, profile: Any, check_report: Callable[..., Any]
) -> Any:
    """One side on the embedded demo of ``api``; None (said on stderr) when it cannot start."""
    from nmbrs_client.launch import LaunchError
    from tui.headless.check_run import CheckFailed
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


def soap_part_set_up(args: argparse.Namespace, own: Any) -> bool:
    """Whether a customer has a SOAP side to check: a profile with a SOAP part (or on the
    demo), or a base URL given on the command line."""
    return bool(
        getattr(args, "base_url", None)
        or (own is not None and (own.soap.model_fields_set or own.environment == "demo"))
    )


def profile_sides(
    args: argparse.Namespace,
    config: Any,
    name: str | None,
    profile: Any,
    check_report: Callable[..., Any],
    *,
    rest_name: str | None = None,
    environment_credentials: bool = True,
) -> tuple[Any, Any, list[SideNotChecked]]:
    """(SOAP report or None, REST report or None, why a side was not checked) of one customer.

    A profile holds a SOAP part and a REST part: each side that is set up is checked with its
    own credentials; a side that is not set up is "not checked", never allowed. ``rest_name``
    names another profile (or an older token-store-only login) for the REST side.
    """
    from nmbrs_client.config import resolve_settings
    from nmbrs_client.config_schema import AppConfig, ProfileConfig
    from nmbrs_client.errors import ConfigError, SecretOfOneConnection
    from nmbrs_client.ids import ApiKind
    from tui.demo_logins import demo_access
    from tui.headless.check_run import CheckFailed

    notes: list[SideNotChecked] = []
    profiles = config.profiles if config is not None else {}

    def run(api: str, settings_of: Callable[[], Any]) -> Any:
        try:
            return check_report(args, settings_of(), profile)
        except (ConfigError, CheckFailed, SecretOfOneConnection) as exc:
            notes.append(SideNotChecked(api, why_of(exc), set_up=True))
            return None

    soap = rest = None
    own = profiles.get(name) if name else None
    if soap_part_set_up(args, own):
        overrides = {
            "base_url": getattr(args, "base_url", None),
            "username": getattr(args, "username", None),
            "domain": getattr(args, "domain", None),
            "api": "soap",
        }
        soap = run(
            "SOAP",
            lambda: resolve_settings(
                config,
                profile=name,
                overrides=overrides,
                environment_credentials=environment_credentials,
                demo_access=demo_access,
            ),
        )
    else:
        notes.append(SideNotChecked("SOAP", "the profile has no SOAP part", set_up=False))
    rest_profile = rest_name or name
    other = profiles.get(rest_profile) if rest_profile else None
    if other is not None and other.has_rest:
        rest = run(
            "REST",
            lambda: resolve_settings(
                config,
                profile=rest_profile,
                overrides={"api": "rest"},
                environment_credentials=environment_credentials,
                demo_access=demo_access,
            ),
        )
    elif rest_name:  # a login of `auth login` that no profile describes (older setups)
        rest = run(
            "REST",
            lambda: resolve_settings(
                AppConfig(profiles={rest_name: ProfileConfig(api=ApiKind.REST)}),
                profile=rest_name,
                environment_credentials=environment_credentials,
            ),
        )
    else:
        why = "the profile has no REST part (config add --api rest)"
        notes.append(SideNotChecked("REST", why, set_up=False))
    return soap, rest, notes


def run_migration(
    args: argparse.Namespace,
    config: Any,
    profile: Any,
    check_report: Callable[..., Any],
    emit: Callable[[argparse.Namespace, str], int | None],
) -> int:
    from nmbrs_client.exit_codes import ExitCode
    from nmbrs_client.rights.migration import build_migration
    from nmbrs_client.rights.migration_plan import render

    name: str | None
    notes: list[SideNotChecked] = []
    if args.demo:
        if args.profile or args.rest_profile or args.base_url:
            print(
                "nmbrs-tui check: --demo cannot be combined with --profile or --rest-profile",
                file=sys.stderr,
            )
            return ExitCode.USAGE
        soap = _side(args, "soap", config, profile, check_report)
        rest = _side(args, "rest", config, profile, check_report)
        name = "demo"
    else:
        name = args.profile or (config.default_profile if config is not None else None)
        soap, rest, notes = profile_sides(
            args, config, name, profile, check_report, rest_name=args.rest_profile
        )
        for note in notes:
            _note(args, str(note))
    rest_why = next((n.why for n in notes if n.api == "REST" and n.set_up), None)
    report = build_migration(
        profile, soap=soap, rest=rest, today=date.today(), rest_not_checked=rest_why
    )
    text = render(report, args.format, args.lang, profile=args.rest_profile or name or "NAME")
    failed = emit(args, text)
    return failed if failed is not None else report.exit_code
