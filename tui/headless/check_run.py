"""One rights check on one connection, for every command that runs one: ``check``, its
``--migration`` sides and each profile of ``--all-profiles``.

Opens the backend, asks it for its prober, streams progress to stderr, records the finished
check in the history and closes the backend; what to print or write is the caller's.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from nmbrs_client.exit_codes import ExitCode
from tui.headless.history_cmd import record_check


class Progress:
    """Phase lines and a running count on stderr (a single updating line on a terminal)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.cells = 0
        self.done = 0  # cells answered in all (cells is the tty line's count)
        self.total = 0

    def __call__(self, event: Any) -> None:
        from nmbrs_client.rights.results import AccountResult, CellResult, CompaniesKnown, Phase

        # counted even when quiet: an interrupted check says how far it got
        if isinstance(event, CompaniesKnown):
            self.total = len(event.companies) * len(event.operations)
        elif isinstance(event, CellResult):
            self.done += 1
        if self.quiet:
            return
        if isinstance(event, Phase):
            self._line(f"[{event.name}] {event.message}")
        elif isinstance(event, AccountResult):
            from nmbrs_client.rights.report_words import badge

            self._line(f"  {event.check}: {badge(event.status)}")  # words, not the enum's value
        elif isinstance(event, CellResult):
            self.cells += 1
            if self.tty:
                print(f"\r  {self.cells}/{self.total} cells", end="", file=sys.stderr, flush=True)

    def _line(self, text: str) -> None:
        if self.tty and self.cells:
            print(file=sys.stderr)
            self.cells = 0 if text.startswith("[thorough]") else self.cells
        print(text, file=sys.stderr, flush=True)


class CheckFailed(Exception):
    """The check could not start: one line for the user, and the exit code it means."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.code = code


def check_report(
    args: argparse.Namespace, settings: Any, profile: Any, calls: list[Any] | None = None
) -> Any:
    """Run the rights check of ``settings``' API with the command's options; the caller stops
    any demo. Each run has its own backend, so its own rate limit; ``calls`` receives the call
    log. Raises :class:`CheckFailed` when the backend cannot be opened or a --company id does
    not fit the API."""
    from nmbrs_client.connect import open_backend
    from nmbrs_client.errors import NmbrsError, SecretOfOneConnection
    from nmbrs_client.textsafe import line

    if args.concurrency is not None:
        settings = settings.model_copy(update={"concurrency": args.concurrency})
    if not getattr(settings, "verify_tls", True):
        print(
            f"nmbrs-tui check: warning: TLS certificate verification is OFF for "
            f"{settings.base_url} (verify_tls = false in the profile)",
            file=sys.stderr,
        )
    try:
        backend = open_backend(settings)
    except SecretOfOneConnection:
        raise  # not a failure to connect: a run of many profiles reports it "not checked"
    except NmbrsError as exc:
        hint = f"\n  {line(exc.hint)}" if exc.hint else ""
        raise CheckFailed(line(exc.message) + hint, ExitCode.CONNECT) from None
    return report_on_backend(args, backend, profile, settings.check_environment(), calls)


def report_on_backend(
    args: argparse.Namespace,
    backend: Any,
    profile: Any,
    environment: dict[str, Any],
    calls: list[Any] | None = None,
) -> Any:
    """The rights check on an open backend, which this closes; see :func:`check_report`."""
    from nmbrs_client.rights.protocol import CheckOptions

    cancel = threading.Event()
    try:
        try:
            companies = (
                tuple(backend.company_id(str(c)) for c in args.companies)
                if args.companies
                else None
            )
        except ValueError as exc:
            raise CheckFailed(f"--company {exc}", ExitCode.USAGE) from None
        progress = Progress(args.quiet)
        options = CheckOptions(
            companies=companies,
            thorough=args.thorough,
            concurrency=args.concurrency,
            fetch_documents=not getattr(args, "skip_documents", False),
            on_event=progress,
            cancel_event=cancel,
            environment=environment,
        )
        prober = backend.rights_prober(profile, options)
        try:
            report = prober.run()
        except KeyboardInterrupt:
            cancel.set()
            # say what was done before exit 130, so a stopped --thorough run is not a mystery
            print(
                f"\nnmbrs-tui check: interrupted (Ctrl+C) after {len(backend.call_records())} "
                f"call(s) and {progress.done} of {progress.total or '?'} cells; no report "
                "was printed or written",
                file=sys.stderr,
                flush=True,
            )
            raise
    finally:
        if calls is not None:
            calls.extend(backend.call_records())
        backend.close()
    report = report.with_named_companies(companies)
    record_check(report, getattr(args, "history_keep", None))
    return report
