"""Pane 6: every API call of the session (operation, method, path, status, result, ids).

The client's call log calls subscribers on whatever thread made the call; this pane only
appends the record to a lock-protected buffer and, when the buffer was empty, posts one
message to itself. The UI thread drains the buffer in batches, so a burst of a thousand probes
costs a handful of table updates. Records carry no payloads or tokens by construction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Static

from tui.keys import Context, bindings
from tui.panes import Pane, app_action
from tui.widgets.ids import short_id
from tui.widgets.vim_table import VimTable

if TYPE_CHECKING:
    from nmbrs_client.calllog import CallRecord
    from tui.session import Session

# The operation first, then how it was asked (method, path with the page) and what came back;
# ids last and shortened (a REST UUID is 36 characters): enter shows every field whole.
COLUMNS = ("Operation", "Method", "Path", "Status", "Result", "ms", "Time", "Company", "Employee")
# Fixed widths for the first five, so they always fit the screen (at 120 columns and at 80);
# longer text ends in "…" and enter shows it whole.
WIDTHS = {"Operation": 30, "Method": 6, "Path": 52, "Status": 6, "Result": 12}


def widths_for(columns: int) -> dict[str, int]:
    """The first five columns' widths for a table ``columns`` cells wide (2 cells of padding
    per column and the scrollbar): the path takes what the others leave."""
    operation = 30 if columns >= 110 else 22
    result = 12 if columns >= 100 else 9
    path = columns - (operation + WIDTHS["Method"] + WIDTHS["Status"] + result) - 5 * 2 - 2
    return {**WIDTHS, "Operation": operation, "Result": result, "Path": max(16, min(52, path))}


RESULT_WORDS = {
    "ok": "✓ ok",
    "fault": "✗ fault",
    "transport": "⚠ network",
    "refused": "⊘ refused",
    "note": "ℹ note",
}


def record_cells(
    record: CallRecord,
    *,
    deterministic: bool = False,
    clock: str | None = None,
    widths: dict[str, int] = WIDTHS,
) -> tuple[str, ...]:
    """The row shown for one call; ``deterministic`` hides what varies between runs."""
    when = clock if deterministic and clock else record.started_at.strftime("%H:%M:%S")
    duration = "·" if deterministic else f"{record.duration_ms:.0f}"
    result = RESULT_WORDS.get(record.outcome, record.outcome)
    if record.fault_code is not None and record.fault_code != record.http_status:
        result += f" {record.fault_code}"
    if record.attempt > 1:
        result += f" (try {record.attempt})"
    return (
        _fit(_operation(record), widths["Operation"]),
        record.method or "",
        _fit(_path(record), widths["Path"]),
        "" if record.http_status is None else str(record.http_status),
        _fit(result, widths["Result"]),
        duration,
        when,
        short_id(record.company_id),
        short_id(record.employee_id),
    )


def _operation(record: CallRecord) -> str:
    """The operation without its SOAP service (the path names the service)."""
    name = record.operation
    if record.path and "." in name and name.split(".", 1)[0] in record.path:
        return name.split(".", 1)[1]
    return name


def _path(record: CallRecord) -> str:
    """The path with the page in words (``… page 23``): shorter than the query string."""
    path = record.path or ""
    return path.split("?", 1)[0] + f" page {record.page}" if record.page else path


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def record_tsv(record: CallRecord) -> str:
    """One call as a TSV line: the cells, with the time and the ids whole, and the message."""
    cells = list(record_cells(record))
    cells[0] = record.operation
    cells[2] = record.path or ""
    cells[6] = record.started_at.isoformat(timespec="milliseconds")
    cells[7] = "" if record.company_id is None else str(record.company_id)
    cells[8] = "" if record.employee_id is None else str(record.employee_id)
    return "\t".join((*cells, record.message))


TSV_HEADER = "\t".join((*COLUMNS, "Message"))


class CallLogPane(Pane):
    """Live table of API calls with a substring filter (``/``)."""

    BINDINGS = bindings(Context.CALLLOG)

    DEFAULT_CSS = """
    CallLogPane #calllog-filter { display: none; height: 3; }
    CallLogPane #calllog-filter.shown { display: block; }
    CallLogPane #calllog-table { height: 1fr; }
    CallLogPane #calllog-summary { height: 1; padding: 0 1; color: $text-muted; }
    """

    class Arrived(Message):
        """Records are waiting in the buffer (posted from any thread)."""

    def __init__(self, session: Session, *, id: str = "calllog") -> None:
        super().__init__(session, id=id)
        self.records: list[CallRecord] = []
        self.shown: list[CallRecord] = []
        self.filter_text = ""
        self._pending: list[CallRecord] = []
        self._lock = threading.Lock()
        self._unsubscribe: Callable[[], None] | None = None
        self.widths = dict(WIDTHS)
        self._summary_stale = False

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="filter: operation, id, result or fault code (esc clears)",
            id="calllog-filter",
        )
        yield VimTable(id="calllog-table")
        yield Static("", id="calllog-summary")

    def on_mount(self) -> None:
        self._add_columns()
        assert self.session is not None
        log = self.session.backend.call_log
        # Subscribe first, then read the backlog, dropping what the subscription already saw.
        self._unsubscribe = log.subscribe(self._on_record)
        backlog = log.records()
        with self._lock:
            seen = set(map(id, self._pending))
            self._pending = [r for r in backlog if id(r) not in seen] + self._pending
        self._drain()

    def _add_columns(self) -> None:
        table = self.query_one(VimTable)
        for name in COLUMNS:
            table.add_column(name, key=name, width=self.widths.get(name))

    def on_resize(self) -> None:
        widths = widths_for(self.size.width)
        if widths != self.widths:
            self.widths = widths
            self.query_one(VimTable).clear(columns=True)
            self._add_columns()
            self._rebuild()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _on_record(self, record: CallRecord) -> None:
        """Runs on the calling thread: buffer, and wake the UI only on the first record."""
        with self._lock:
            self._pending.append(record)
            first = len(self._pending) == 1
        if first:
            self.post_message(self.Arrived())

    def on_call_log_pane_arrived(self, _: Arrived) -> None:
        self._drain()

    def _drain(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch:
            return
        self.records.extend(batch)
        fresh = [r for r in batch if self._matches(r)]
        self.shown.extend(fresh)
        table = self.query_one(VimTable)
        clock = self._clock()
        follow = table.cursor_row >= table.row_count - 1
        table.add_rows(
            record_cells(r, deterministic=self._deterministic, clock=clock, widths=self.widths)
            for r in fresh
        )
        if follow and table.row_count:
            table.move_cursor(row=table.row_count - 1, animate=False)
        self._update_summary()

    @property
    def _deterministic(self) -> bool:
        return bool(self.session and self.session.deterministic)

    def _clock(self) -> str | None:
        return self.session.now().strftime("%H:%M:%S") if self.session else None

    def _matches(self, record: CallRecord) -> bool:
        if not self.filter_text:
            return True
        haystack = record_tsv(record).lower()
        return self.filter_text.lower() in haystack

    def _rebuild(self) -> None:
        table = self.query_one(VimTable)
        table.clear()
        self.shown = [r for r in self.records if self._matches(r)]
        clock = self._clock()
        table.add_rows(
            record_cells(r, deterministic=self._deterministic, clock=clock, widths=self.widths)
            for r in self.shown
        )
        self._update_summary()

    def _update_summary(self) -> None:
        if not self.display:  # hidden: written when shown (each update lays out the screen)
            self._summary_stale = True
            return
        self._summary_stale = False
        faults = sum(1 for r in self.records if r.outcome not in ("ok", "note"))
        text = f"{len(self.records)} calls, {faults} failed"
        if self.filter_text:
            text += f" · filter “{self.filter_text}”: {len(self.shown)} shown"
        text += " · no payloads or tokens are logged"
        self.query_one("#calllog-summary", Static).update(text)

    # -- actions ---------------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#calllog-filter", Input)
        box.add_class("shown")
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#calllog-filter", Input)
        if not self.filter_text and not box.has_class("shown"):
            app_action(self, "cancel_load")
            return
        box.value = ""
        box.remove_class("shown")
        self.filter_text = ""
        self._rebuild()
        self.query_one(VimTable).focus()

    @on(Input.Changed, "#calllog-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self._rebuild()

    @on(Input.Submitted, "#calllog-filter")
    def _filter_done(self) -> None:
        self.query_one(VimTable).focus()

    def current_record(self) -> CallRecord | None:
        table = self.query_one(VimTable)
        if not self.shown or table.cursor_row < 0:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def action_open_call(self) -> None:
        """``enter``: every field of the call under the cursor, whole."""
        record = self.current_record()
        if record is None:
            self.notify("No call to show yet", severity="warning")
            return
        from tui.screens.call_detail import CallDetailScreen

        self.app.push_screen(CallDetailScreen(record, deterministic=self._deterministic))

    @on(VimTable.RowSelected, "#calllog-table")
    def _row_selected(self, event: VimTable.RowSelected) -> None:
        event.stop()
        if self.is_on_top():
            self.action_open_call()

    def action_copy_row(self) -> None:
        table = self.query_one(VimTable)
        if not self.shown or table.cursor_row < 0:
            self.notify("Nothing to copy", severity="warning")
            return
        record = self.shown[min(table.cursor_row, len(self.shown) - 1)]
        self.app.copy_to_clipboard(record_tsv(record))
        self.notify(f"Copied the {record.operation} call as TSV")

    def action_copy_all(self) -> None:
        self.app.copy_to_clipboard("\n".join(record_tsv(r) for r in self.shown))
        self.notify(f"Copied {len(self.shown)} calls as TSV")

    def on_show_pane(self) -> None:
        self._drain()
        if self._summary_stale:
            self._update_summary()
        self.query_one(VimTable).focus()

    def refresh_data(self) -> None:
        """The log is live; ``r`` re-reads the client's buffer (e.g. after a filter change)."""
        assert self.session is not None
        with self._lock:
            self._pending = []
        self.records = list(self.session.backend.call_log.records())
        self._rebuild()
