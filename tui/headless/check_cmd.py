"""`nmbrs-tui check`: does this API account have the rights the integration needs?

Headless on top of :mod:`nmbrs_client.rights` (never imports Textual). The report goes to
stdout or ``--output``; progress goes to stderr, so ``check --format json > report.json``
stays clean. Exit codes: 0 every required operation probed (or soundly inferred) and allowed
for every checked company, 1 a right or scope is missing, 2 cannot authenticate or connect or a
result could not be established after retries, 3 a required operation could not be verified
(nothing to call it with), 64 usage or configuration.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nmbrs_client import textsafe
from nmbrs_client.exit_codes import ExitCode
from tui.headless.check_run import CheckFailed, check_report
from tui.headless.connection_args import config_from_args, settings_from_args

DEFAULT_CONCURRENCY = 12  # ProfileConfig.concurrency's default (a test keeps them equal)


COMPANY_ARGUMENT_LIMIT = 100  # characters: a UUID is 36, a company number a few


def company_argument(value: str) -> str:
    """A ``--company`` value: one short line of printable text (it is echoed in the report)."""
    if not textsafe.is_clean(value) or len(value) > COMPANY_ARGUMENT_LIMIT:
        raise argparse.ArgumentTypeError(
            f"a company id or number is one line of at most {COMPANY_ARGUMENT_LIMIT} printable "
            f"characters, not '{textsafe.line(value[:40])}'" + ("…" if len(value) > 40 else "")
        )
    return value


def add_parser(sub: Any, add_connection_options: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = sub.add_parser(
        "check",
        help="check the API account's rights against an integration's requirements",
        description="Probe which required operations the API account may call, for which "
        "companies, and print a report. Exit codes: 0 every required operation probed (or "
        "soundly inferred) and allowed; 1 a right or scope is missing (or a --company id is "
        "not visible); 2 cannot authenticate or connect, or a result could not be established "
        "after retries; 3 a required operation could not be verified, e.g. no company in scope "
        "has employees; 64 usage error.",
    )
    add_connection_options(parser)
    parser.add_argument(
        "--company",
        dest="companies",
        action="append",
        type=company_argument,
        metavar="ID",
        help="check this company (repeatable; SOAP: company id; REST: company id or number; "
        "default: all companies the account can see)",
    )
    parser.add_argument(
        "--skip-documents",
        action="store_true",
        help="REST: do not download the annual statement that probes the document download "
        "(the download is then not verified, exit 3)",
    )
    parser.add_argument(  # the download is verified by default now; kept for old scripts
        "--fetch-documents", action="store_true", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--requirements",
        "-r",
        metavar="NAME|FILE",
        help="requirement profile name (default: integration) or TOML file",
    )
    parser.add_argument(
        "--thorough",
        action="store_true",
        help="probe every operation × company cell instead of inferring",
    )
    parser.add_argument("--format", "-f", choices=("text", "markdown", "json"), default="text")
    parser.add_argument(
        "--lang",
        choices=("en", "nl"),
        default="en",
        help="language of the text and markdown report",
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write the report to exactly FILE (mode 0600; an existing FILE is refused "
        "unless --force)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite an existing --output or --bundle file",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help=f"probes in flight at once (1-32; default from the profile, else "
        f"{DEFAULT_CONCURRENCY})",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    parser.add_argument(
        "--migration",
        action="store_true",
        help="SOAP → REST migration report: per required SOAP operation its REST replacement "
        "and scopes, with today's SOAP verdict and the REST verdict side by side",
    )
    parser.add_argument(
        "--all-profiles",
        action="store_true",
        help="check every profile of config.toml and print one summary table "
        "(--format json for JSON); exit with the worst verdict",
    )
    parser.add_argument(
        "--profiles-at-once",
        type=int,
        metavar="N",
        default=None,
        help="with --all-profiles: profiles checked at the same time (1-16; default 4); "
        "each keeps its own rate limit",
    )
    parser.add_argument(
        "--bundle",
        metavar="FILE",
        help="also write a support bundle to exactly FILE (zip, mode 0600; an existing FILE "
        "is refused unless --force) for a ticket: the report as Markdown and JSON, the call "
        "log without payloads, versions and settings",
    )
    parser.add_argument(
        "--diff",
        nargs="?",
        const="last",
        metavar="last|N|DATE",
        help="first say what changed since an earlier check of this profile, API and "
        "environment (for the demo, of this scenario): the last one (default), check number "
        "N of `nmbrs-tui history`, or the last one on or before DATE (YYYY-MM-DD); the exit "
        "code stays that of this check",
    )
    parser.add_argument(
        "--rest-profile",
        metavar="NAME",
        help="with --migration: the REST profile to check beside the SOAP one",
    )
    parser.set_defaults(handler=run)


def _usage(message: str) -> int:
    print(f"nmbrs-tui check: {message}", file=sys.stderr)
    return ExitCode.USAGE


def _write_named_file(args: argparse.Namespace, name: str, data: bytes, what: str) -> int | None:
    """Write exactly the file the user named (0600, refused when it exists unless --force).

    The path is printed even with -q: the engineer must know which file to attach.
    """
    from nmbrs_client.private_file import TargetExists, write_private_file_exactly

    try:
        path = write_private_file_exactly(
            Path(name), data, overwrite=bool(getattr(args, "force", False))
        )
    except TargetExists:
        return _usage(f"{name} exists: choose another file name, or add --force to overwrite it")
    except OSError as exc:
        return _usage(f"cannot write {name}: {exc.strerror or type(exc).__name__}")
    print(f"{what} written to {path}", file=sys.stderr, flush=True)
    return None


def refuse_existing_outputs(args: argparse.Namespace) -> int | None:
    """Exit 64 before any check runs when --output/--bundle name an existing file (no --force)."""
    import os

    named = [n for n in (getattr(args, "output", None), getattr(args, "bundle", None)) if n]
    if len(named) == 2 and Path(named[0]).expanduser().absolute() == (
        Path(named[1]).expanduser().absolute()
    ):
        return _usage("--output and --bundle name the same file")
    if getattr(args, "force", False):
        return None
    for name in named:
        if os.path.lexists(Path(name).expanduser()):
            return _usage(
                f"{name} exists: choose another file name, or add --force to overwrite it"
            )
    return None


def _emit(args: argparse.Namespace, text: str) -> int | None:
    """Write the report to --output or stdout; a usage exit code when the file cannot be written."""
    if args.output:
        return _write_named_file(args, args.output, text.encode("utf-8"), "report")
    sys.stdout.write(text)
    sys.stdout.flush()
    return None


def _run_all_profiles(args: argparse.Namespace, config: Any, profile: Any) -> int:
    """``--all-profiles``: every profile, a few at once, one table; the worst exit code."""
    from nmbrs_client.config import resolve_settings
    from nmbrs_client.errors import ConfigError, NmbrsError
    from nmbrs_client.token_sources import connection_env_vars_set
    from tui.demo_logins import demo_access
    from tui.headless import all_profiles

    if args.profile or args.demo or args.base_url or args.username:
        return _usage(
            "--all-profiles checks every profile: leave out --profile, --demo and "
            "--base-url/--username"
        )
    if args.bundle:
        return _usage("--all-profiles prints a summary: check one profile for a bundle")
    workers = args.profiles_at_once or all_profiles.DEFAULT_WORKERS
    if not 1 <= workers <= 16:
        return _usage("--profiles-at-once must be between 1 and 16")
    names = sorted(config.profiles) if config is not None else []
    if not names:
        return _usage("no profiles in config.toml (nmbrs-tui config add creates one)")
    if args.migration:
        from tui.headless.fleet_migration import run_fleet

        return run_fleet(args, config, profile, check_report, _emit, workers=workers)
    quiet_args = argparse.Namespace(**{**vars(args), "quiet": True})
    changed: dict[str, str] = {}  # per profile, what changed since its previous check

    def check_one(name: str) -> tuple[all_profiles.Place, Any]:
        settings = resolve_settings(
            config,
            profile=name,
            overrides={"api": args.api},
            environment_credentials=False,
            demo_access=demo_access,
        )
        before = _previous_check(settings)
        try:
            report = check_report(quiet_args, settings, profile)
        except CheckFailed as exc:
            if exc.code is ExitCode.USAGE:
                raise ConfigError(str(exc)) from None
            raise NmbrsError(str(exc)) from None
        if before is not None:
            changed[name] = _short_changes(before, report)
        if not args.quiet:
            print(f"  {name}: exit {report.exit_code}", file=sys.stderr, flush=True)
        return all_profiles.Place(str(settings.environment), str(settings.api)), report

    def configured(name: str) -> all_profiles.Place:
        return all_profiles.configured_place(config.profiles[name], args.api)

    left_out = connection_env_vars_set()
    if left_out:  # said even with -q: the engineer may expect the variables to apply
        print(
            f"nmbrs-tui check: {', '.join(left_out)} left out: --all-profiles checks each "
            "profile with its own credentials",
            file=sys.stderr,
            flush=True,
        )
    if not args.quiet:
        print(f"checking {len(names)} profiles, {workers} at once…", file=sys.stderr, flush=True)
    outcomes = [
        dataclasses.replace(o, changed=changed.get(o.profile, "-"))
        for o in all_profiles.check_profiles(names, check_one, configured, workers=workers)
    ]
    text = (
        all_profiles.render_json(outcomes)
        if args.format == "json"
        else all_profiles.render_table(outcomes)
    )
    failed = _emit(args, text)
    return failed if failed is not None else all_profiles.worst_exit(outcomes)


def _previous_check(settings: Any) -> Any:
    """This profile's last recorded check of the same API, environment and demo scenario, or
    ``None`` (no history, or none comparable)."""
    from nmbrs_client.history import History, HistoryError, world_of_settings

    try:
        return History().find("last", world_of_settings(settings))
    except HistoryError:
        return None  # the check itself warns once when it cannot record


def _short_changes(before: Any, report: Any) -> str:
    from nmbrs_client.rights.changes import short_summary, since

    return short_summary(since(before, report))


def _write_bundle(args: argparse.Namespace, report: Any, calls: list[Any], settings: Any) -> int:
    from tui.bundle import BundleInputs, bundle_zip
    from tui.headless.history_cmd import recent_checks

    history, note = recent_checks(settings)
    inputs = BundleInputs(
        report=report,
        lang=args.lang,
        calls=calls,
        settings=settings,
        history=history,
        notes=[note] if note else [],
    )
    data = bundle_zip(inputs)
    return _write_named_file(args, args.bundle, data, "support bundle") or 0


def run(args: argparse.Namespace) -> int:
    from nmbrs_client.history import keep_of
    from nmbrs_client.launch import LaunchError
    from nmbrs_client.rights.report import render
    from nmbrs_client.rights.requirements import find_profile

    if args.concurrency is not None and not 1 <= args.concurrency <= 32:
        return _usage("--concurrency must be between 1 and 32")
    refused = refuse_existing_outputs(args)
    if refused is not None:
        return refused
    if args.diff is not None:
        refused = _refuse_diff(args)
        if refused is not None:
            return refused
    config = config_from_args(args)
    args.history_keep = keep_of(config)  # every check this command records keeps as many
    profile = find_profile(args.requirements, config)  # ConfigError → exit 64 in tui.cli
    if args.all_profiles:
        return _run_all_profiles(args, config, profile)
    if args.migration:
        from tui.headless.migration_cmd import run_migration

        return run_migration(args, config, profile, check_report, _emit)
    try:
        settings, server = settings_from_args(args, config)
    except LaunchError as exc:
        return _usage(str(exc))
    before = _baseline(args, settings) if args.diff is not None else None
    calls: list[Any] = []
    try:
        report = check_report(args, settings, profile, calls)
    except CheckFailed as exc:
        print(f"nmbrs-tui check: {exc}", file=sys.stderr)
        return exc.code
    finally:
        if server is not None:
            server.stop()
    if args.bundle:
        trouble = _write_bundle(args, report, calls, settings)
        if trouble:
            return trouble
    text = render(report, args.format, args.lang)
    if before is not None:
        text = _with_changes(args, before, report, text)
    failed = _emit(args, text)
    return failed if failed is not None else int(report.exit_code)


def _refuse_diff(args: argparse.Namespace) -> int | None:
    """Exit 64 before the check when --diff names nothing a history can find."""
    from nmbrs_client.history import parse_day

    if args.all_profiles or args.migration:
        return _usage("--diff compares one profile's check: leave out --all-profiles/--migration")
    ref = args.diff.strip()
    if ref == "last" or ref.isdigit():
        return None
    try:
        parse_day(ref)
    except ValueError as exc:
        return _usage(f"--diff {exc}")
    return None


def _baseline(args: argparse.Namespace, settings: Any) -> Any:
    """The earlier check to compare with, or ``None`` after one line on stderr."""
    from nmbrs_client.history import HistoryError
    from tui.headless.history_cmd import baseline

    try:
        return baseline(args.diff, settings)
    except HistoryError as exc:
        print(f"nmbrs-tui check: warning: {exc} ({exc.hint})", file=sys.stderr)
    except ValueError as exc:
        print(f"nmbrs-tui check: {exc}; the report follows without it", file=sys.stderr)
    return None


def _with_changes(args: argparse.Namespace, before: Any, report: Any, text: str) -> str:
    """The changes since ``before`` ahead of the report (JSON: its ``changes`` key)."""
    import json

    from nmbrs_client.rights import changes
    from nmbrs_client.textsafe import json_text

    found = changes.since(before, report)
    if args.format == "json":
        data = json.loads(text)
        data["changes"] = found.to_dict()
        return json_text(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
    return changes.render(found, args.format, args.lang) + text
