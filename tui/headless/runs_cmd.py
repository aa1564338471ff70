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
from typing import Any

from tui.headless.connection_args import UsageProblem, config_from_args, settings_from_args

EXIT_USAGE = 64
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
        type=int,
        required=True,
        metavar="ID",
        help="company id (see the companies pane or `check`)",
    )
    parser.add_argument("--year", type=int, metavar="YYYY", help="default: this year")
    parser.add_argument("--format", "-f", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def _say(message: str) -> None:
    print(f"nmbrs-tui runs: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from nmbrs_client.client import NmbrsClient
    from nmbrs_client.errors import FaultCategory, NmbrsFault, NmbrsTransportError

    this_year = date.today().year
    year = args.year if args.year is not None else this_year
    if not FIRST_YEAR <= year <= this_year + 1:
        _say(f"--year {year} is outside {FIRST_YEAR}..{this_year + 1}")
        return EXIT_USAGE
    if args.company <= 0:
        _say(f"--company must be a positive company id, not {args.company}")
        return EXIT_USAGE
    config = config_from_args(args)
    try:
        settings, server = settings_from_args(args, config)
    except UsageProblem as exc:
        _say(str(exc))
        return EXIT_USAGE
    client = NmbrsClient(settings)
    try:
        runs = client.runs(args.company, year)
    except NmbrsFault as fault:
        _say(f"{fault.message}\n  {fault.hint}")
        scope = fault.category in (
            FaultCategory.NO_DATA_ACCESS,
            FaultCategory.NOT_FOUND,
            FaultCategory.ENDPOINT_RIGHT_MISSING,
        )
        return 1 if scope else 2
    except NmbrsTransportError as error:
        _say(f"{error.message}\n  {error.hint}")
        return 2
    finally:
        client.close()
        if server is not None:
            server.stop()
    if args.format == "json":
        print(json.dumps([r.model_dump(mode="json") for r in runs], indent=2))
    else:
        for r in runs:
            when = r.RunAt.strftime("%Y-%m-%d %H:%M") if r.RunAt else "—"
            lock = "locked" if r.IsLocked else "open"
            print(
                f"{r.ID:>9}  run {r.Number:>3}  periods {r.periods_label():>7}  {when}  "
                f"{lock:<6}  {r.Description or ''}".rstrip()
            )
    if not runs:
        _say(
            f"company {args.company} has no payroll runs in {year}; try another --year "
            f"(the TUI's payroll pane lists {this_year - 4}..{this_year})"
        )
        return 1
    return 0
