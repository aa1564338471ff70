"""`nmbrs-tui runs`: a company's payroll runs of one year, for scripts and tickets.

Exit codes: 0 runs listed, 1 nothing to list (no runs that year, or the account cannot reach
the company), 2 cannot authenticate or connect, 64 usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from nmbrs_client.exit_codes import ExitCode
from tui.headless.connection_args import config_from_args, settings_from_args

if TYPE_CHECKING:
    from nmbrs_client.backend import PayrollRun

FIRST_YEAR = 2000


def add_parser(sub: Any, add_connection_options: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = sub.add_parser(
        "runs",
        help="list a company's payroll runs of one year",
        description="List the payroll runs of one company and year "
        "(exit 0 listed, 1 none, 2 cannot connect, 64 usage).",
    )
    add_connection_options(parser)
    parser.add_argument(
        "--company",
        type=company_id_arg,
        required=True,
        metavar="ID",
        help="company id: a number on SOAP, a UUID on REST (in the dashboard's Companies "
        "pane, 3, the Copy id key y copies a company's whole id; `check --format json` "
        "lists them too)",
    )
    parser.add_argument("--year", type=int, metavar="YYYY", help="default: this year")
    parser.add_argument("--format", "-f", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def company_id_arg(text: str) -> int | str:
    """A SOAP company id (a positive int) or a REST one (a UUID), as the backend expects it."""
    import uuid

    value = text.strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a positive company id nor a UUID"
        ) from None


def _say(message: str) -> None:
    print(f"nmbrs-tui runs: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from nmbrs_client.connect import open_backend
    from nmbrs_client.errors import FaultCategory, NmbrsFault, NmbrsTransportError
    from nmbrs_client.launch import LaunchError

    this_year = date.today().year
    year = args.year if args.year is not None else this_year
    if not FIRST_YEAR <= year <= this_year + 1:
        _say(f"--year {year} is outside {FIRST_YEAR}..{this_year + 1}")
        return ExitCode.USAGE
    config = config_from_args(args)
    try:
        settings, server = settings_from_args(args, config)
    except LaunchError as exc:
        _say(str(exc))
        return ExitCode.USAGE
    try:
        backend = open_backend(settings)
    except BaseException:
        if server is not None:
            server.stop()
        raise
    try:
        runs = backend.runs(args.company, year)
    except NmbrsFault as fault:
        _say(f"{fault.message}\n  {fault.hint}")
        scope = fault.category in (
            FaultCategory.NO_DATA_ACCESS,
            FaultCategory.NOT_FOUND,
            FaultCategory.ENDPOINT_RIGHT_MISSING,
        )
        return ExitCode.FINDINGS if scope else ExitCode.CONNECT
    except NmbrsTransportError as error:
        _say(f"{error.message}\n  {error.hint}")
        return ExitCode.CONNECT
    finally:
        backend.close()
        if server is not None:
            server.stop()
    if args.format == "json":
        print(json.dumps([_run_json(r) for r in runs], indent=2))
    elif runs:
        print(
            f"{'Run id':>9}  {'Run':>3}  {'Periods':>7}  {'Run at':<16}  {'Status':<6}  Description"
        )
        for r in runs:
            when = r.run_at.strftime("%Y-%m-%d %H:%M") if r.run_at else "—"
            lock = "locked" if r.locked else "open"
            print(
                f"{r.id!s:>9}  {r.number:>3}  {r.periods_label():>7}  {when:<16}  "
                f"{lock:<6}  {r.description}".rstrip()
            )
    if not runs:
        _say(
            f"company {args.company} has no payroll runs in {year}; try another --year "
            f"(the TUI's payroll pane lists {this_year - 4}..{this_year})"
        )
        return ExitCode.FINDINGS
    return ExitCode.OK


def _run_json(run: PayrollRun) -> dict[str, Any]:
    """One run in the JSON keys scripts already read (Nmbrs' SOAP element names)."""
    return {
        "ID": run.id,
        "Number": run.number,
        "Year": run.year,
        "PeriodStart": run.period_start,
        "PeriodEnd": run.period_end,
        "Description": run.description or None,
        "RunAt": run.run_at.isoformat() if run.run_at else None,
        "IsLocked": run.locked,
    }
