"""Pane 2: the rights matrix — required operations (rows) × companies (columns).

The rights engine (``nmbrs_client.rights``) does all the probing and judging; this pane runs
it in a thread worker, takes its events in batches and keeps the report (the previous one when
a rerun fails, re-checked cells merged in), records it in the history and offers the engine's
own report renderers for export and copy. How the cells are shown is
:class:`~tui.panes.rights_matrix.RightsMatrix`'s. It holds no rights logic of its own.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.worker import get_current_worker

from tui.clipboard import copy_with_toast
from tui.data.kinds import RIGHTS
from tui.keys import Context, bindings
from tui.panes.rights_cells import (
    EXPORTS,
    render_report,
    stop_key,
    stop_reason,
    write_report_file,
)
from tui.panes.rights_matrix import RightsMatrix
from tui.panes.rights_messages import (
    EventInbox,
    HistoryNotKept,
    RightsBaseline,
    RightsEventsArrived,
    RightsFinished,
    RightsRequirements,
)
from tui.screens.choice import ChoiceScreen

if TYPE_CHECKING:
    from nmbrs_client.history import CheckRecord
    from nmbrs_client.ids import EntityId
    from nmbrs_client.rights.requirements import RequirementProfile
    from nmbrs_client.rights.results import RightsReport
    from tui.session import Session


class RightsPane(RightsMatrix):
    """Runs the rights engine for the chosen requirement set and fills the matrix live."""

    BINDINGS = bindings(Context.RIGHTS)

    def __init__(self, session: Session, *, id: str = "rights") -> None:
        super().__init__(session, id=id)
        self._inbox = EventInbox()  # the worker's events, taken in batches
        self.report: RightsReport | None = None
        self.report_lang = "en"  # language of the last report export (the bundle follows it)
        self._run = 0
        self._cancel: threading.Event | None = None
        self._last_good: RightsReport | None = None  # shown again when a rerun fails
        self._merge_into: RightsReport | None = None  # R: re-checked cells go into this

    # -- pane protocol ---------------------------------------------------------------------
    def on_show_pane(self) -> None:
        if self.report is None and not self.running:
            self.start_check()

    def refresh_data(self) -> None:
        self.start_check()

    def cancel_load(self) -> None:
        if self.is_mounted and self.clear_filter():
            return  # esc clears the filter first, like every list
        if self._cancel is not None:
            self._cancel.set()
        if self.running:
            self.notify("Stopping the rights check…", timeout=3)

    # -- running the engine ------------------------------------------------------------------
    def start_check(
        self,
        set_name: str | None = None,
        *,
        only_operations: list[str] | None = None,
        only_companies: list[EntityId] | None = None,
    ) -> None:
        """Run the check; ``only_*`` re-checks some cells and merges them into the report."""
        assert self.session is not None
        if self._cancel is not None:
            self._cancel.set()
        if set_name is not None:
            self.set_name = set_name
        if only_operations is not None and self.report is not None:
            self._merge_into = self.report
            self._run += 1
            self._cancel = threading.Event()
            self.running = True
            self.phase = f"re-checking {len(only_operations)} operation(s)"
            self._update_text()
            self._check(self._run, self._cancel, self.set_name, only_companies, only_operations)
            return
        self._merge_into = None
        if self.report is not None and not self.report.stopped:
            self._last_good = self.report
        self._run += 1
        self._cancel = threading.Event()
        self._set_cells([])
        self.account = []
        self.companies = []
        self.operations = []
        self.report = None
        self.error = ""
        self.verdict = ""
        self.running = True
        self.phase = "starting"
        self._rebuild_table()
        self._update_text()
        self._check(self._run, self._cancel, self.set_name, self.named_companies, None)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _check(
        self,
        run: int,
        cancel: threading.Event,
        set_name: str | None,
        companies: list[EntityId] | None,
        operations: list[str] | None,
    ) -> None:
        from nmbrs_client.rights.protocol import CheckOptions
        from nmbrs_client.rights.requirements import find_profile

        assert self.session is not None
        worker = get_current_worker()
        try:
            requirements = find_profile(set_name, getattr(self.session, "config", None))
        except Exception as exc:  # a broken [requirements] table in config.toml
            self.post_message(RightsFinished(None, run, str(exc)))
            return
        if operations is not None:
            requirements = requirements.narrowed_to(operations)
        else:
            self.post_message(RightsRequirements(requirements, run))
            previous, note = self._previous_check()
            self.post_message(RightsBaseline(previous, run, note))

        def on_event(event: object) -> None:
            if not worker.is_cancelled and self._inbox.put(event, run):
                self.post_message(RightsEventsArrived())

        options = CheckOptions(
            companies=tuple(companies) if companies else None,
            on_event=on_event,
            cancel_event=cancel,
            clock=self.session.now,
            environment=self.session.settings.check_environment(),
        )
        try:
            report = self.session.backend.rights_prober(requirements, options).run()
            report = report.with_named_companies(companies)
        except Exception as exc:
            from tui.connect import describe_error

            what, hint, _code = describe_error(exc)
            self.post_message(RightsFinished(None, run, f"{what} — {hint}"))
            return
        if operations is None:
            self.session.data.put(RIGHTS, requirements.name, report)
            self._record(report)
        self.post_message(RightsFinished(report, run))

    def _previous_check(self) -> tuple[CheckRecord | None, str]:
        """The last recorded check of this profile, API, environment and demo scenario
        (worker thread), or why none: a check of another scenario is another world."""
        from nmbrs_client.history import History, HistoryError, world_of_settings

        assert self.session is not None
        world = world_of_settings(self.session.settings)
        try:
            found = History().find("last", world)
        except HistoryError:
            return None, "the check history cannot be read"
        return found, "" if found else world.nothing_to_compare()

    def _record(self, report: RightsReport) -> None:
        """Keep the finished check in the history (``nmbrs-tui history``); trouble is a toast."""
        from nmbrs_client.history import History, HistoryError, keep_of, record_report
        from nmbrs_client.rights.findings import verdict_causes
        from tui.version import version

        assert self.session is not None
        try:
            keep = keep_of(getattr(self.session, "config", None))
            causes = verdict_causes(report)
            check_id = record_report(report, version(), keep=keep, causes=causes)
            record = History().get(check_id)
        except HistoryError as exc:
            self.post_message(HistoryNotKept(f"{exc} — {exc.hint}"))
            return
        if record is not None:
            from tui.messages import LastCheckKnown

            self.post_message(LastCheckKnown(record))

    @on(HistoryNotKept)
    def _on_history_not_kept(self, message: HistoryNotKept) -> None:
        self.notify(message.text, severity="warning", timeout=10)

    @on(RightsRequirements)
    def _on_requirements(self, message: RightsRequirements) -> None:
        self._set_requirements(message.requirements, message.run)

    def _set_requirements(self, requirements: RequirementProfile, run: int) -> None:
        if run != self._run:
            return
        self.requirements = requirements
        self.set_name = requirements.name
        self._update_text()

    @on(RightsBaseline)
    def _on_baseline(self, message: RightsBaseline) -> None:
        if message.run != self._run:
            return
        from nmbrs_client.rights.changes import statuses

        self.baseline = message.record
        self.baseline_note = message.note
        self._was = statuses(message.record) if message.record is not None else {}
        self.tally.recount(self.cells.values())
        self._update_text()

    @on(RightsEventsArrived)
    def _on_events(self) -> None:
        """Every event that arrived since the last batch, then the header once."""
        events = [event for run, event in self._inbox.take() if run == self._run]
        for event in events:
            self._on_event(event)
        if events:
            self._update_text()

    def _on_event(self, event: object) -> None:
        from nmbrs_client.rights.results import AccountResult, CellResult, CompaniesKnown, Phase

        if isinstance(event, Phase):
            self.phase = event.message or event.name
        elif self._merge_into is not None and isinstance(event, (AccountResult, CompaniesKnown)):
            pass  # a re-check keeps the matrix and account of the report it completes
        elif isinstance(event, AccountResult):
            self.account.append(event)
        elif isinstance(event, CompaniesKnown):
            self.companies = list(event.companies)
            self.operations = list(event.operations)
            self._rebuild_table()
        elif isinstance(event, CellResult):
            self._keep_cell(event)
            self._update_cell(event)

    @on(RightsFinished)
    def _on_finished(self, message: RightsFinished) -> None:
        if message.run != self._run:
            return
        self.running = False
        if self._merge_into is not None:
            self._finish_recheck(self._merge_into, message)
            return
        self.report = message.report
        self.error = message.error
        stopped = message.report is not None and stop_key(message.report) is not None
        if message.report is not None and stopped:
            self.error = stop_reason(message.report)
        previous = self._last_good
        if (
            self.error
            and previous is not None
            and previous.requirements.name
            == (message.report.requirements.name if message.report else self.set_name)
        ):
            # The rerun could not reach Nmbrs: keep the matrix the user was reading.
            self._show_previous(previous)
            self.notify(self.error, title="Rights check failed", severity="error", timeout=8)
            self._update_text()
            return
        if message.report is not None:
            report = message.report
            if not self.operations and report.cells:
                self.operations = list(dict.fromkeys(c.qualified_name for c in report.cells))
            if not self.companies and report.companies:
                self.companies = list(report.companies)
            for cell in report.cells:
                self._keep_cell(cell)
            if not self.account:
                self.account = list(report.account)
            if not report.cells or stopped:
                from nmbrs_client.rights.findings import verdict_line

                self.verdict = verdict_line(report, "en")
            self.phase = (
                "done"
                if not report.stopped
                else "cancelled"
                if report.stopped == "cancelled"
                else f"stopped ({report.stopped})"
            )
            self._rebuild_table()
        else:
            self.phase = "failed"
            self.notify(self.error, title="Rights check failed", severity="error", timeout=8)
        self._update_text()

    def _finish_recheck(self, previous: RightsReport, message: RightsFinished) -> None:
        """Put the re-checked cells into the report on screen (and into its exports)."""
        self._merge_into = None
        fresh = message.report
        if fresh is None or fresh.stopped:
            self.report = previous
            self.phase = "re-check failed: the previous results stay"
            self.notify(message.error or "The re-check could not run.", severity="error")
            self._rebuild_table()
            self._update_text()
            return
        self.report, changed = previous.with_rechecked(fresh)
        self._set_cells(self.report.cells)
        self.phase = f"re-checked {len(fresh.cells)} cell(s), {changed} changed"
        if self.session is not None:
            self.session.data.put(RIGHTS, previous.requirements.name, self.report)
        self._rebuild_table()
        self._update_text()

    def _show_previous(self, report: RightsReport) -> None:
        self.report = report
        self.verdict = ""
        self.requirements = report.requirements
        self.operations = list(dict.fromkeys(c.qualified_name for c in report.cells))
        self.companies = list(report.companies)
        self._set_cells(report.cells)
        self.account = list(report.account)
        self.phase = f"showing the last complete check ({report.checked_at:%H:%M:%S})"
        self._rebuild_table()

    # -- the requirement set, export and copy -------------------------------------------------
    def action_switch_set(self) -> None:
        from nmbrs_client.rights.requirements import available_profiles

        assert self.session is not None
        try:
            profiles = available_profiles(getattr(self.session, "config", None))
        except Exception as exc:
            self.notify(str(exc), severity="error")
            return
        choices = [
            (name, f"{name} — {p.title} ({len(p.operations)} operations)")
            for name, p in profiles.items()
        ]

        def chosen(name: str | None) -> None:
            if name:
                self.start_check(name)

        self.app.push_screen(ChoiceScreen("Requirement set to check", choices), chosen)

    def action_export(self) -> None:
        if self.report is None:
            self.notify("The check has not finished yet.", severity="warning")
            return
        choices = [(f"{fmt}:{lang}", f"{label} → file") for fmt, lang, label in EXPORTS]
        choices.append(("clip:md:en", "Markdown, English → clipboard"))
        choices.append(("clip:md:nl", "Markdown, Nederlands → clipboard"))
        self.app.push_screen(ChoiceScreen("Export the rights report", choices), self._export_chosen)

    def _export_chosen(self, choice: str | None) -> None:
        if not choice or self.report is None:
            return
        if choice.startswith("clip:"):
            _, fmt, lang = choice.split(":")
            self._copy(fmt, lang)
            return
        fmt, lang = choice.split(":")
        if fmt != "json":
            self.report_lang = lang  # the support bundle follows the language chosen last
        try:
            path = self.export_to_file(fmt, lang)
        except OSError as exc:
            getattr(self.app, "show_error", lambda *a: None)(
                "Export failed",
                f"Could not write the report: {exc.strerror or exc}",
                "Check that the download folder exists and is writable "
                "(download_dir in config.toml).",
                f"{type(exc).__name__}: {exc}",
            )
            return
        self.notify(f"Saved {path}", title="Rights report", timeout=8)

    def export_to_file(self, fmt: str, lang: str, folder: Path | None = None) -> Path:
        """Write the finished report (mode 0600 in a 0700 folder, never over a file)."""
        assert self.report is not None and self.session is not None
        return write_report_file(
            self.report,
            fmt,
            lang,
            Path(folder or self.session.download_dir),
            self.session.profile_name,
            self.session.now(),
        )

    def action_copy_report(self) -> None:
        self._copy("md", "en")

    def _copy(self, fmt: str, lang: str) -> None:
        if self.report is None:
            self.notify("The check has not finished yet.", severity="warning")
            return
        copy_with_toast(
            self.app, render_report(self.report, fmt, lang), f"the rights report ({fmt}, {lang})"
        )

    # -- checking named companies, re-checking what failed ------------------------------------
    def action_check_named(self) -> None:
        """n: check only the company ids typed (also ones this user cannot list)."""
        from tui.screens.ask import AskScreen

        def answered(text: str | None) -> None:
            if text is None:
                return
            ids: list[EntityId] = []
            assert self.session is not None
            for part in text.replace(",", " ").split():
                try:
                    ids.append(self.session.backend.company_id(part))
                except ValueError as exc:
                    self.notify(f"Not a company id: {exc}", severity="error")
                    return
            self.named_companies = ids or None
            self.notify(
                f"Checking companies {', '.join(map(str, ids))}"
                if ids
                else "Checking every company the account can see",
                timeout=4,
            )
            self.start_check()

        current = " ".join(map(str, self.named_companies or []))
        self.app.push_screen(
            AskScreen(
                "Company ids to check (space or comma separated; empty: every visible company)",
                current,
            ),
            answered,
        )

    def action_recheck_failed(self) -> None:
        """R: probe the cells not allowed again and merge the answers into the report."""
        failed = self.failed_cells()
        if self.running:
            self.notify("The check is still running.", severity="warning")
            return
        if not failed or self.report is None:
            self.notify("Every cell is allowed: nothing to re-check.", timeout=3)
            return
        operations = sorted({c.qualified_name for c in failed})
        companies = sorted({c.company_id for c in failed})
        self.notify(
            f"Re-checking {len(failed)} cell(s) not allowed: {len(operations)} operation(s) on "
            f"{len(companies)} company(ies)",
            timeout=4,
        )
        self.start_check(only_operations=operations, only_companies=companies)
