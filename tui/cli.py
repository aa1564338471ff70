"""The ``nmbrs-tui`` command line: the dashboard by default, plus headless sub-commands.

Each sub-command lives in its own module under ``tui/headless`` and is imported only when
used, so ``nmbrs-tui check`` never loads Textual and the dashboard starts without loading the
rights engine's report code. Exit codes: :mod:`nmbrs_client.exit_codes`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from nmbrs_client.errors import ConfigError
from nmbrs_client.exit_codes import ExitCode
from tui.headless.options import SCENARIO_NAMES, add_connection_options
from tui.version import version

SUBCOMMANDS = (
    "auth",
    "check",
    "config",
    "demo-server",
    "history",
    "requirements",
    "runs",
    "tui",
)


class _HelpFormatter(argparse.HelpFormatter):
    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if text and SCENARIO_NAMES in text:
            from nmbrs_client.ids import ApiKind
            from nmbrs_demo.scenarios import names_for

            names = "; ".join(f"{api.upper()}: {', '.join(names_for(api))}" for api in ApiKind)
            text = text.replace(SCENARIO_NAMES, names)
        return text

    def _split_lines(self, text: str, width: int) -> list[str]:
        """As argparse wraps, but never inside a hyphenated name (``missing-rights``)."""
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


class UsageError(Exception):
    """A problem with how the command was called; reported in one line with exit 64."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        """A usage error in one line (what was wrong, where the usage is), exit 64."""
        print(
            f"{self.prog}: error: {_one_line(message, None)} (see {self.prog} --help)",
            file=sys.stderr,
        )
        raise SystemExit(ExitCode.USAGE)


class _ShowVersion(argparse.Action):
    """``--version``: the installed version is looked up only when asked for (its lookup,
    ``importlib.metadata``, costs tens of milliseconds at every start otherwise)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings,
            dest=dest,
            default=argparse.SUPPRESS,
            nargs=0,
            help="show the program's version number and exit",
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        print(f"nmbrs-tui {version()}")
        parser.exit()


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``command``, only that sub-command's part (so the
    dashboard starts without importing the headless commands), else all of them (--help)."""
    parser = _Parser(
        prog="nmbrs-tui",
        description="Read-only support dashboard and rights check for Nmbrs, over SOAP or REST.",
    )
    parser.add_argument("--version", action=_ShowVersion)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def wanted(name: str) -> bool:
        return command is None or command == name

    if wanted("tui"):
        tui = sub.add_parser("tui", help="open the dashboard (the default)")
        _add_tui_options(tui)
    if wanted("auth"):
        from tui.headless import auth_cmd

        auth_cmd.add_parser(sub)
    if wanted("check"):
        from tui.headless import check_cmd

        check_cmd.add_parser(sub, add_connection_options)
    if wanted("config"):
        from tui.headless import config_cmd

        config_cmd.add_parser(sub)
    if wanted("demo-server"):
        from tui.headless import demo_server_cmd

        demo_server_cmd.add_parser(sub)
    if wanted("history"):
        from tui.headless import history_cmd

        history_cmd.add_parser(sub)
    if wanted("requirements"):
        from tui.headless import requirements_cmd

        requirements_cmd.add_parser(sub)
    if wanted("runs"):
        from tui.headless import runs_cmd

        runs_cmd.add_parser(sub, add_connection_options)
    return parser


def _add_tui_options(parser: argparse.ArgumentParser) -> None:
    add_connection_options(parser)
    parser.add_argument(
        "--no-mouse",
        action="store_true",
        help="leave the mouse to the terminal (select text natively over SSH)",
    )
    parser.add_argument("--theme", help="Textual theme name (e.g. textual-dark, ansi-dark)")
    parser.set_defaults(handler=_run_tui)


def _run_tui(args: argparse.Namespace) -> int:
    from tui.dashboard_cmd import run

    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in (*SUBCOMMANDS, "-h", "--help", "--version"):
        args_list = ["tui", *args_list]
    parser = build_parser(args_list[0] if args_list[0] in SUBCOMMANDS else None)
    try:
        try:
            args = parser.parse_args(args_list)
        except SystemExit as exit_:  # usage errors (64) and --help (0) from argparse
            return exit_.code if isinstance(exit_.code, int) else ExitCode.USAGE
        handler: Callable[[argparse.Namespace], int] = args.handler
        code = handler(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the BrokenPipeError handler
        return code
    except UsageError as exc:
        print(f"nmbrs-tui: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except ConfigError as exc:
        print(f"nmbrs-tui: {_one_line(str(exc), exc.hint)}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # `nmbrs-tui runs … | head -1`: the reader left. Say nothing more (stdout is gone)
        # and exit like a process ended by SIGPIPE, never 0 and never a traceback.
        _silence_stdout()
        return ExitCode.BROKEN_PIPE


def _one_line(message: str, hint: str | None) -> str:
    """A configuration problem as one line: its text, then the fix (a value with a newline,
    a TOML error's quoted line, must not spread it over the terminal)."""
    parts = [" ".join(message.split())]
    fix = " ".join((hint or "").split())
    if fix and fix not in parts[0]:  # some messages already end with their fix
        parts.append(fix)
    text = " — ".join(parts)
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
