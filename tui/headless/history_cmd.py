"""`nmbrs-tui history`: the checks this machine ran, newest first, and what changed.

Also the one place a finished check is recorded (:func:`record_check`), called wherever the
command turns a report into an exit code. Trouble with the history file is one warning line
on stderr (once per process); the check reports and exits as it would without a history.
Exit codes: 0 listed, 1 nothing recorded (or no such check), 64 usage or an unusable history.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any

from nmbrs_client.exit_codes import ExitCode

_warned = threading.Event()
BUNDLE_CHECKS = 5  # the newest checks of the profile a support bundle carries


def record_check(report: Any, keep: int | None = None) -> int | None:
    """Store the finished check, keeping ``keep`` checks of its profile (config.toml's
    ``history_keep``); its history id, or ``None`` (warned once) when that failed."""
    from nmbrs_client.history import DEFAULT_KEEP, HistoryError, record_report
    from nmbrs_client.rights.findings import verdict_causes
    from tui.version import version

    try:
        causes = verdict_causes(report)
        return record_report(report, version(), keep=keep or DEFAULT_KEEP, causes=causes)
    except HistoryError as exc:
        if not _warned.is_set():
            _warned.set()
            print(f"nmbrs-tui: warning: {exc} ({exc.hint})", file=sys.stderr, flush=True)
        return None


def add_parser(sub: Any) -> None:
    from tui.headless.options import add_api_option

    parser = sub.add_parser(
        "history",
        help="the checks run on this machine, newest first, and what changed",
        description="List the recorded checks (newest first) with their exit code and what "
        "changed since the check before; `history show N` prints one check, `history prune` "
        "keeps the newest checks per profile (--keep, else history_keep in config.toml, else "
        "50; each check keeps that many too). Exit codes: 0 listed, 1 nothing recorded, 64 "
        "usage or an unusable history file.",
    )
    parser.add_argument(
        "action", nargs="?", choices=("list", "show", "prune"), default="list", help="default: list"
    )
    parser.add_argument("number", nargs="?", type=int, help="with show: the check's number")
    parser.add_argument("--profile", "-P", help="only this profile's checks")
    add_api_option(parser)
    parser.add_argument("--limit", "-n", type=int, default=20, help="checks to list (default 20)")
    parser.add_argument(
        "--keep",
        type=int,
        default=None,
        help="with prune: checks kept per profile (default: history_keep in config.toml, else 50)",
    )
    parser.add_argument("--config", dest="config_path", help="path of config.toml to use")
    parser.add_argument("--format", "-f", choices=("text", "json"), default="text")
    parser.add_argument("--lang", choices=("en", "nl"), default="en")
    parser.set_defaults(handler=run)


def _usage(message: str) -> int:
    print(f"nmbrs-tui history: {message}", file=sys.stderr)
    return ExitCode.USAGE


def run(args: argparse.Namespace) -> int:
    from nmbrs_client.history import History, HistoryError

    history = History()
    try:
        if args.action == "prune":
            keep = _configured_keep(args) if args.keep is None else args.keep
            if keep < 1:
                return _usage("--keep must be at least 1")
            gone = history.prune(keep, args.profile)
            print(f"{gone} checks removed, at most {keep} kept per profile")
            return ExitCode.OK
        if args.action == "show":
            if args.number is None:
                return _usage("show needs the check's number (see `nmbrs-tui history`)")
            return _show(history, args)
        if args.limit < 1:
            return _usage("--limit must be at least 1")
        return _list(history, args)
    except HistoryError as exc:
        return _usage(f"{exc}\n  {exc.hint}")


def _configured_keep(args: argparse.Namespace) -> int:
    """config.toml's ``history_keep`` (a broken file: ConfigError, exit 64 in tui.cli)."""
    from pathlib import Path

    from nmbrs_client.config import load_config
    from nmbrs_client.history import keep_of

    return keep_of(load_config(Path(args.config_path) if args.config_path else None))


def _previous(history: Any, record: Any) -> Any:
    """The check before ``record`` of its world (profile, API, environment, demo scenario)."""
    return history.find("last", record.world, before=record.id)


def _with_changes(history: Any, records: list[Any], lang: str) -> list[tuple[Any, str]]:
    """Each check with what changed since the one before it of its world (``-``: none, or
    for the demo "- (first of its scenario)": checks of other scenarios are not compared)."""
    from nmbrs_client.rights.changes import compare, short_summary

    rows: list[tuple[Any, str]] = []
    for rec in records:
        full = history.get(rec.id)
        before = _previous(history, rec)
        if before and full:
            changed = short_summary(compare(before, full), lang)
        else:
            changed = "- (first of its scenario)" if rec.world.is_demo else "-"
        rows.append((rec, changed))
    return rows


def _where(record: Any) -> str:
    """The environment column: ``demo missing-rights`` for the demo, the name otherwise."""
    from nmbrs_client.textsafe import line

    where = line(record.environment or "-")
    return f"{where} {line(record.scenario)}" if record.world.is_demo and record.scenario else where


def recent_checks(settings: Any, limit: int = BUNDLE_CHECKS) -> tuple[list[dict[str, Any]], str]:
    """The newest checks of ``settings``' profile and API as the support bundle carries them
    (no cells, so no company names; no secret is ever recorded), or a note why there are none."""
    from nmbrs_client.history import History, HistoryError, profile_key

    history = History()
    profile = profile_key(getattr(settings, "profile_name", None))
    try:
        records = history.checks(profile, settings.api.value, limit)
        rows = _with_changes(history, records, "en")
    except HistoryError as exc:
        return [], f"check history not included: {exc.message}"
    return [{**rec.to_dict(), "changed": changed} for rec, changed in rows], ""


def _list(history: Any, args: argparse.Namespace) -> int:
    rows = _with_changes(history, history.checks(args.profile, args.api, args.limit), args.lang)
    if args.format == "json":
        data = [{**rec.to_dict(), "changed": changed} for rec, changed in rows]
        print(json.dumps({"checks": data}, indent=2, ensure_ascii=False))
    elif not rows:
        print("no checks recorded yet (nmbrs-tui check records each one)", file=sys.stderr)
    else:
        print(_table(rows))
    return ExitCode.OK if rows else ExitCode.FINDINGS


def _table(rows: list[tuple[Any, str]]) -> str:
    from nmbrs_client.textsafe import line

    head = ("#", "when", "profile", "api", "environment", "exit", "calls", "changed since before")
    body = [
        (
            str(rec.id),
            rec.local_when,
            line(rec.profile),
            rec.api,
            _where(rec),
            str(rec.exit_code),
            str(rec.calls),
            changed,
        )
        for rec, changed in rows
    ]
    widths = [max(len(r[i]) for r in (head, *body)) for i in range(len(head))]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in (head, *body)
    )


def _show(history: Any, args: argparse.Namespace) -> int:
    from nmbrs_client.rights.changes import compare, render
    from nmbrs_client.textsafe import line

    rec = history.get(args.number)
    if rec is None:
        print(f"nmbrs-tui history: no check #{args.number}", file=sys.stderr)
        return ExitCode.FINDINGS
    before = _previous(history, rec)
    changes = compare(before, rec) if before is not None else None
    if args.format == "json":
        data = rec.to_dict(with_cells=True)
        data["changes"] = None if changes is None else changes.to_dict()
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return ExitCode.OK
    print(
        f"check #{rec.id}  {rec.local_when}  profile {line(rec.profile)}  api {rec.api}  "
        f"environment {_where(rec)}  requirements {line(rec.requirements)}  exit {rec.exit_code}  calls {rec.calls}  "
        f"{rec.duration_ms / 1000:.1f} s  nmbrs-tui {line(rec.tool_version)}"
    )
    for cell in rec.cells:
        fault = f"  fault {cell.fault_code}" if cell.fault_code is not None else ""
        company = cell.company_number or cell.company_id
        print(
            f"  {line(cell.qualified_name)}  {line(company)}  {cell.status}  "
            f"({line(cell.basis)}){fault}"
        )
    print()
    if changes is not None:
        sys.stdout.write(render(changes, "text", args.lang))
    else:
        print(rec.world.nothing_to_compare().capitalize() + ".")
    return ExitCode.OK


def baseline(ref: str, settings: Any) -> Any:
    """The recorded check ``--diff REF`` names for this check's world (profile, API,
    environment and demo scenario), before this check.

    Raises :class:`ValueError` (a usage line) when REF is not understood, names nothing, or
    names a check of another world (another scenario of the demo is another Nmbrs).
    """
    from nmbrs_client.history import History, world_of_settings

    world = world_of_settings(settings)
    record = History().find(ref, world)
    if record is None:
        raise ValueError(
            f"--diff {ref}: {world.nothing_to_compare()} (profile {world.profile}, {world.api})"
        )
    other = world.differs_from(record.world)
    if other:
        raise ValueError(f"--diff {ref}: check #{record.id} is not comparable: {other}")
    return record
