"""Textual's DataTable with the keys every table of the dashboard shares, showing plain text.

Its own module so the first frame, which draws no table, never imports ``DataTable``.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from tui.keys import Context, bindings
from tui.safe_text import plain_text


class VimTable(DataTable[object]):
    """A DataTable with the same keys (and ids) as every other table: vim keys beside arrows."""

    # enter stays DataTable's own select (the panes using it bind enter themselves).
    BINDINGS = bindings(Context.TABLE, without=frozenset({"table.select"}))

    # The table keys' actions under the names FastTable gives them.
    def action_cursor_first(self) -> None:
        self.action_scroll_top()

    def action_cursor_last(self) -> None:
        self.action_scroll_bottom()

    def __init__(self, *, id: str | None = None, cursor_type: str = "row") -> None:
        super().__init__(id=id, cursor_type=cursor_type, zebra_stripes=True)  # type: ignore[arg-type]

    # DataTable parses a ``str`` label or cell as markup (a company named ``[/b]`` crashed the
    # Rights pane); every string is shown as plain, cleaned text instead.
    def add_column(self, label: Any, *args: Any, **kwargs: Any) -> Any:
        return super().add_column(plain_text(label), *args, **kwargs)

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        return super().add_row(*(plain_text(cell) for cell in cells), **kwargs)

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell(row_key, column_key, plain_text(value), **kwargs)

    def update_cell_at(self, coordinate: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell_at(coordinate, plain_text(value), **kwargs)
