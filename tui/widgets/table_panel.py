"""A titled FastTable with the list behaviour every pane shares: filter, sort, copy, export.

Every list in the dashboard behaves the same way: ``/`` opens an instant substring
filter and ``esc`` clears it (after stopping a running load, which the status line promises), ``s``/``S`` sort with ▲/▼ in the header, ``c``/``C``/``J`` copy
the cell, the row as TSV or the row as JSON over OSC 52, ``e``/``E`` export the current view as
CSV or JSON into the download folder. Keeping this in one widget keeps the keys identical
across panes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, runtime_checkable

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from tui.export import export_view, rows_to_tsv
from tui.keys import Context, bindings
from tui.messages import StatusUpdate
from tui.widgets.fast_table import Column, FastTable


@runtime_checkable
class StoppableLoad(Protocol):
    """A pane around the table whose load ``esc`` stops (the app's cancel key)."""

    def is_loading(self) -> bool: ...

    def cancel_load(self) -> None: ...


class TablePanel(Vertical):
    """Title line, hidden filter input and a :class:`FastTable`."""

    BINDINGS = bindings(Context.LIST)

    DEFAULT_CSS = """
    TablePanel {
        height: 1fr;
    }
    TablePanel > .table-title {
        height: 1;
        background: $boost;
        padding: 0 1;
    }
    TablePanel > Input {
        display: none;
        height: 3;
    }
    TablePanel.filtering > Input {
        display: block;
    }
    """

    def __init__(
        self,
        title: str,
        columns: Iterable[Column],
        *,
        export_name: str,
        download_dir: Callable[[], Path],
        empty_text: str = "No rows",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.title_text = title
        self.export_name = export_name
        self._download_dir = download_dir
        self.table = FastTable(columns, empty_text=empty_text)
        self.filter_input = Input(placeholder="filter (substring; enter keeps it, esc clears)")
        self.title_line = Static(title, classes="table-title", markup=False)
        self.last_export: Path | None = None

    def compose(self) -> ComposeResult:
        yield self.title_line
        yield self.filter_input
        yield self.table

    def set_title(self, title: str) -> None:
        self.title_text = title
        self._update_title()

    def on_fast_table_view_changed(self, event: FastTable.ViewChanged) -> None:
        if event.table is self.table:
            self._update_title()

    def _update_title(self) -> None:
        table = self.table
        count = (
            f"{table.row_count:,}"
            if not table.filter_text
            else f"{table.row_count:,} of {table.total_count:,}"
        )
        parts = [self.title_text, f"{count} rows"]
        if table.filter_text:
            parts.append(f"filter “{table.filter_text}”")
        if table.sort_column:
            label = next(
                (c.label for c in table.columns if c.key == table.sort_column), table.sort_column
            )
            parts.append(f"sorted by {label} {'▼' if table.sort_reverse else '▲'}")
        self.title_line.update(" · ".join(parts))

    # ------------------------------------------------------------ filtering
    def action_open_filter(self) -> None:
        self.add_class("filtering")
        self.filter_input.focus()

    def action_clear_filter(self) -> None:
        if any(isinstance(n, StoppableLoad) and n.is_loading() for n in self.ancestors):
            raise SkipAction()  # the status line says "esc stops": the load goes first
        if not self.has_class("filtering") and not self.table.filter_text:
            raise SkipAction()  # nothing to clear: let esc cancel a load further up
        self.filter_input.value = ""
        self.table.set_filter("")
        self.remove_class("filtering")
        self.table.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.filter_input:
            event.stop()
            self.table.set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.filter_input:
            event.stop()
            if not event.value:
                self.remove_class("filtering")
            self.table.focus()

    # -------------------------------------------------------------- sorting
    def action_sort_column(self) -> None:
        self.table.sort_by_cursor_column()

    def action_reverse_sort(self) -> None:
        self.table.reverse_sort()

    # -------------------------------------------------------------- copying
    def _copy(self, text: str, what: str) -> None:
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied {what} to the clipboard", timeout=3)

    def action_copy_cell(self) -> None:
        row, column = self.table.current_row, self.table.current_column
        if row is None or column is None:
            self.notify("Nothing to copy", severity="warning", timeout=3)
            return
        self._copy(
            self.table.display_text(row, column),
            f"{column.label} “{self.table.display_text(row, column)[:30]}”",
        )

    def action_copy_id(self) -> None:
        """The id of the row under the cursor, whole (the column shows only its start)."""
        row = self.table.current_row
        column = next(
            (c for c in self.table.columns if c.key == "id" or c.key.endswith("_id")), None
        )
        if row is None or column is None:
            self.notify("No id to copy here", severity="warning", timeout=3)
            return
        value = self.table.display_text(row, column)
        self._copy(value, f"{column.label} {value}")

    def action_copy_row(self) -> None:
        row = self.table.current_row
        if row is None:
            self.notify("Nothing to copy", severity="warning", timeout=3)
            return
        cells = [self.table.display_text(row, c) for c in self.table.columns]
        self._copy(rows_to_tsv([cells]), "the row (TSV)")

    def action_copy_json(self) -> None:
        row = self.table.current_row
        if row is None:
            self.notify("Nothing to copy", severity="warning", timeout=3)
            return
        data = {c.key: self.table.display_text(row, c) for c in self.table.columns}
        self._copy(json.dumps(data, ensure_ascii=False), "the row (JSON)")

    # ------------------------------------------------------------ exporting
    def action_export(self, fmt: str) -> None:
        keys, headers, rows = self.table.view_as_data()
        try:
            path = export_view(self._download_dir(), self.export_name, fmt, keys, headers, rows)
        except OSError as error:
            self.notify(
                f"Export failed: {error.strerror or error}. Check that the download "
                "folder exists and is writable.",
                severity="error",
                timeout=8,
            )
            return
        self.last_export = path
        self.notify(f"Exported {len(rows):,} rows to {path}", timeout=8)
        self.post_message(StatusUpdate(f"Exported {len(rows):,} rows to {path}"))
