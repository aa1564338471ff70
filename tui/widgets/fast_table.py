"""A virtual-scrolling table: only the rows on screen are rendered, so 5,000+ rows stay instant.

Textual's ``DataTable`` measures every cell when rows are added (about 1.5 s for 5,000 rows on
our machines); a company with thousands of employees must appear at once and filter on every
keystroke. This widget keeps fixed column widths, renders each visible line as a ``Strip``
(Line API), filters with a plain substring test over a lowercase search string kept per row
(made at the first filter after the row changes), and sorts with a key per column. The
header line stays pinned; the cursor is a row plus a column (for copying one cell).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from nmbrs_client import textsafe
from tui.keys import Context, bindings

SORT_ASC = "▲"
SORT_DESC = "▼"


@dataclass(frozen=True)
class Column:
    """A column: ``key`` names the value in each row, ``width`` is fixed in terminal cells.

    ``masker`` (for personal data) is applied to the shown text while the table is not revealed;
    masked values are not searchable until revealed, so a filter cannot leak them either.
    ``plain`` turns the shown text into data for export files (``✓ active`` → ``active``,
    ``… loading`` → empty), so files hold values, not screen decorations.
    """

    key: str
    label: str
    width: int
    align: Literal["left", "right"] = "left"
    masker: Callable[[str], str] | None = None
    plain: Callable[[str], str] | None = None


class Row:
    """One table row: display text per column, optional sort values, and the object behind it."""

    __slots__ = ("cells", "data", "key", "search", "values")

    def __init__(
        self,
        key: Hashable,
        cells: Mapping[str, str],
        values: Mapping[str, Any] | None = None,
        data: Any = None,
    ) -> None:
        self.key = key
        self.cells: dict[str, str] = dict(cells)
        self.values: dict[str, Any] = dict(values or {})
        self.data = data
        # The lowercase text a filter searches, made by the table at the first filter that
        # needs it (None until then, and again after the cells change).
        self.search: str | None = None

    def __repr__(self) -> str:
        return f"Row({self.key!r}, {self.cells!r})"


def _sort_key(column: str) -> Callable[[Row], tuple[int, Any]]:
    def key(row: Row) -> tuple[int, Any]:
        value = row.values.get(column, None)
        if value is None:
            text = row.cells.get(column, "")
            return (1, "") if text == "" else (0, text.lower())
        return (0, value)

    return key


class FastTable(ScrollView, can_focus=True):
    """Virtual table with cursor, ▲/▼ sort in the header and an instant substring filter."""

    BINDINGS = bindings(Context.TABLE)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "fast-table--header",
        "fast-table--cursor",
        "fast-table--cursor-cell",
        "fast-table--empty",
    }

    DEFAULT_CSS = """
    FastTable {
        height: 1fr;
        background: $surface;
    }
    FastTable > .fast-table--header {
        text-style: bold;
        background: $panel;
        color: $text;
    }
    FastTable > .fast-table--cursor {
        background: $primary 30%;
    }
    FastTable:focus > .fast-table--cursor {
        background: $primary 50%;
    }
    FastTable:focus > .fast-table--cursor-cell {
        background: $primary;
        color: $text;
        text-style: bold;
    }
    FastTable > .fast-table--cursor-cell {
        background: $primary 30%;
        text-style: underline;
    }
    FastTable > .fast-table--empty {
        color: $text-muted;
    }
    """

    class RowHighlighted(Message):
        """The cursor moved to another row (``row`` is None when the view is empty)."""

        def __init__(self, table: FastTable, row: Row | None) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> FastTable:
            return self.table

    class RowSelected(Message):
        """``enter`` on a row."""

        def __init__(self, table: FastTable, row: Row) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> FastTable:
            return self.table

    class ViewChanged(Message):
        """Rows, filter or sort changed: panels update their ``n of m`` line."""

        def __init__(self, table: FastTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> FastTable:
            return self.table

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False)
    cursor_column: reactive[int] = reactive(0, init=False)

    def __init__(
        self,
        columns: Iterable[Column] = (),
        *,
        empty_text: str = "No rows",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: list[Column] = list(columns)
        self._rows: list[Row] = []
        self._view: list[int] = []
        self._index_by_key: dict[Hashable, int] = {}
        self.filter_text = ""
        self.sort_column: str | None = None
        self.sort_reverse = False
        self.revealed = False
        self.empty_text = empty_text
        self._update_virtual_size()

    # ----------------------------------------------------------------- data
    @property
    def rows(self) -> list[Row]:
        """All rows, unfiltered, in the order given."""
        return self._rows

    @property
    def visible_rows(self) -> list[Row]:
        """Rows as shown: filtered and sorted."""
        return [self._rows[i] for i in self._view]

    @property
    def row_count(self) -> int:
        return len(self._view)

    @property
    def total_count(self) -> int:
        return len(self._rows)

    @property
    def current_row(self) -> Row | None:
        if not self._view:
            return None
        return self._rows[self._view[min(self.cursor_row, len(self._view) - 1)]]

    @property
    def current_column(self) -> Column | None:
        if not self.columns:
            return None
        return self.columns[min(self.cursor_column, len(self.columns) - 1)]

    def row_by_key(self, key: Hashable) -> Row | None:
        index = self._index_by_key.get(key)
        return None if index is None else self._rows[index]

    def set_columns(self, columns: Iterable[Column]) -> None:
        self.columns = list(columns)
        for row in self._rows:
            row.search = None
        self.cursor_column = min(self.cursor_column, max(len(self.columns) - 1, 0))
        self._update_virtual_size()
        self.refresh()

    def set_rows(self, rows: Iterable[Row], *, keep_cursor: bool = True) -> None:
        """Replace all rows; filter and sort stay as they are, the cursor stays on its row."""
        previous = self.current_row.key if keep_cursor and self.current_row else None
        self._rows = list(rows)
        self._index_by_key = {row.key: i for i, row in enumerate(self._rows)}
        for row in self._rows:
            row.search = None  # rows built elsewhere may carry another table's text
        self._rebuild_view(previous)

    def clear(self) -> None:
        self.set_rows([], keep_cursor=False)

    def update_row(
        self, key: Hashable, cells: Mapping[str, str], values: Mapping[str, Any] | None = None
    ) -> bool:
        """Change some cells of one row in place (progressive loading); False if no such row.

        The view is not re-sorted or re-filtered, so rows do not jump under the cursor.
        """
        index = self._index_by_key.get(key)
        if index is None:
            return False
        row = self._rows[index]
        row.cells.update(cells)
        if values:
            row.values.update(values)
        row.search = None
        self.refresh()
        return True

    def update_rows(self, changes: Mapping[Hashable, Mapping[str, str]]) -> set[Hashable]:
        """:meth:`update_row` for many rows with one repaint; the keys that were found."""
        found: set[Hashable] = set()
        for key, cells in changes.items():
            index = self._index_by_key.get(key)
            if index is None:
                continue
            row = self._rows[index]
            row.cells.update(cells)
            row.search = None
            found.add(key)
        if found:
            self.refresh()
        return found

    def set_filter(self, text: str) -> None:
        """Show only rows whose text contains ``text`` (case-insensitive); "" shows all."""
        if text == self.filter_text:
            return
        previous = self.current_row.key if self.current_row else None
        self.filter_text = text
        self._rebuild_view(previous)

    def set_sort(self, column: str | None, reverse: bool = False) -> None:
        previous = self.current_row.key if self.current_row else None
        self.sort_column = column
        self.sort_reverse = reverse
        self._rebuild_view(previous)

    def cycle_sort(self) -> None:
        """Sort by the next column (ascending); after the last column back to the data order."""
        keys = [c.key for c in self.columns]
        if not keys:
            return
        if self.sort_column not in keys:
            self.set_sort(keys[0])
        else:
            position = keys.index(self.sort_column) + 1
            self.set_sort(keys[position] if position < len(keys) else None)

    def sort_by_cursor_column(self) -> None:
        """Sort by the column under the cursor; pressing again on it reverses the order."""
        column = self.current_column
        if column is None:
            return
        if self.sort_column == column.key:
            self.set_sort(column.key, not self.sort_reverse)
        else:
            self.set_sort(column.key)

    def reverse_sort(self) -> None:
        if self.sort_column is None and self.columns:
            self.set_sort(self.columns[0].key, True)
        else:
            self.set_sort(self.sort_column, not self.sort_reverse)

    def set_revealed(self, revealed: bool) -> None:
        """Show masked columns in clear (and make them searchable) or mask them again."""
        if revealed == self.revealed:
            return
        self.revealed = revealed
        for row in self._rows:
            row.search = None
        previous = self.current_row.key if self.current_row else None
        self._rebuild_view(previous)

    def display_text(self, row: Row, column: Column) -> str:
        """The cell as the user sees it (masked unless revealed)."""
        text = row.cells.get(column.key, "")
        if column.masker is not None and not self.revealed and text:
            return column.masker(text)
        return text

    def export_text(self, row: Row, column: Column) -> str:
        """The cell as data for a file: its plain value, masked like on screen."""
        text = row.cells.get(column.key, "")
        if column.plain is not None:
            text = column.plain(text)
        if column.masker is not None and not self.revealed and text:
            return column.masker(text)
        return text

    def view_as_text(self) -> tuple[list[str], list[str], list[list[str]]]:
        """``(keys, headers, rows)`` of the current view, as shown (for copying)."""
        keys = [c.key for c in self.columns]
        headers = [c.label for c in self.columns]
        rows = [[self.display_text(row, c) for c in self.columns] for row in self.visible_rows]
        return keys, headers, rows

    def view_as_data(self) -> tuple[list[str], list[str], list[list[str]]]:
        """``(keys, headers, rows)`` of the current view as data (for export files)."""
        keys = [c.key for c in self.columns]
        headers = [c.label for c in self.columns]
        rows = [[self.export_text(row, c) for c in self.columns] for row in self.visible_rows]
        return keys, headers, rows

    def move_cursor_to_key(self, key: Hashable) -> bool:
        index = self._index_by_key.get(key)
        if index is None or index not in self._view:
            return False
        self.cursor_row = self._view.index(index)
        return True

    def visible_range(self) -> range:
        """View positions currently on screen (used to load what the user sees first)."""
        top = int(self.scroll_y)
        height = max(self.scrollable_content_region.height - 1, 1)
        return range(top, min(top + height, len(self._view)))

    def search_text(self, row: Row) -> str:
        """What a filter searches in ``row``: its shown cells, lowercase, masked ones left
        out until revealed; made once and kept until the row, columns or masking change (a
        list of thousands of rows is set again as each reply of it comes in, and most are
        never filtered)."""
        search = row.search
        if search is None:
            parts = []
            for column in self.columns:
                if column.masker is not None and not self.revealed:
                    continue
                parts.append(row.cells.get(column.key, ""))
            search = row.search = "\x1f".join(parts).lower()
        return search

    def _rebuild_view(self, keep_key: Hashable | None) -> None:
        needle = self.filter_text.lower()
        if needle:
            search = self.search_text
            view = [
                i
                for i, row in enumerate(self._rows)
                if needle in (row.search if row.search is not None else search(row))
            ]
        else:
            view = list(range(len(self._rows)))
        if self.sort_column is not None:
            key = _sort_key(self.sort_column)
            try:
                view.sort(key=lambda i: key(self._rows[i]), reverse=self.sort_reverse)
            except TypeError:  # mixed value types in one column: fall back to the text
                column = self.sort_column
                view.sort(
                    key=lambda i: self._rows[i].cells.get(column, "").lower(),
                    reverse=self.sort_reverse,
                )
        self._view = view
        cursor = 0
        if keep_key is not None:
            index = self._index_by_key.get(keep_key)
            if index is not None:
                try:
                    cursor = view.index(index)
                except ValueError:
                    cursor = 0
        self._update_virtual_size()
        self.cursor_row = min(cursor, max(len(view) - 1, 0))
        self.refresh()
        self.post_message(self.ViewChanged(self))

    # -------------------------------------------------------------- geometry
    @property
    def content_width(self) -> int:
        if not self.columns:
            return 0
        return sum(c.width for c in self.columns) + len(self.columns) - 1

    def _update_virtual_size(self) -> None:
        # One line for the pinned header plus one per visible row.
        self.virtual_size = Size(self.content_width, len(self._view) + 1)

    def _column_offset(self, index: int) -> int:
        return sum(c.width + 1 for c in self.columns[:index])

    def _scroll_cursor_into_view(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 1:
            return
        rows_visible = height - 1
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + rows_visible:
            self.scroll_to(y=self.cursor_row - rows_visible + 1, animate=False, immediate=True)
        if self.columns:
            width = self.scrollable_content_region.width
            column = self.columns[min(self.cursor_column, len(self.columns) - 1)]
            start = self._column_offset(self.cursor_column)
            end = start + column.width
            left = int(self.scroll_x)
            if start < left:
                self.scroll_to(x=start, animate=False, immediate=True)
            elif end > left + width:
                self.scroll_to(x=max(end - width, 0), animate=False, immediate=True)

    # ------------------------------------------------------------- watchers
    def watch_cursor_row(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.RowHighlighted(self, self.current_row))

    def watch_cursor_column(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()

    def on_resize(self) -> None:
        self._scroll_cursor_into_view()

    # --------------------------------------------------------------- actions
    def action_cursor_up(self) -> None:
        if self.cursor_row > 0:
            self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        if self.cursor_row < len(self._view) - 1:
            self.cursor_row += 1

    def action_cursor_left(self) -> None:
        if self.cursor_column > 0:
            self.cursor_column -= 1

    def action_cursor_right(self) -> None:
        if self.cursor_column < len(self.columns) - 1:
            self.cursor_column += 1

    def action_cursor_first(self) -> None:
        self.cursor_row = 0

    def action_cursor_last(self) -> None:
        self.cursor_row = max(len(self._view) - 1, 0)

    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 2, 1)

    def action_page_up(self) -> None:
        self.cursor_row = max(self.cursor_row - self._page(), 0)

    def action_page_down(self) -> None:
        self.cursor_row = min(self.cursor_row + self._page(), max(len(self._view) - 1, 0))

    def action_select(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.RowSelected(self, row))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        position = int(self.scroll_y) + offset.y - 1
        if 0 <= position < len(self._view):
            x = offset.x + int(self.scroll_x)
            for index in range(len(self.columns)):
                if x < self._column_offset(index + 1):
                    self.cursor_column = index
                    break
            if position == self.cursor_row and event.chain >= 2:
                self.action_select()
            self.cursor_row = position

    # -------------------------------------------------------------- rendering
    @staticmethod
    def _fit(text: str, width: int, align: str) -> str:
        # Segments go to the terminal as they are: every control character is made visible
        # here, on the one path every header, cell and empty-table line takes.
        text = textsafe.line(text)
        length = cell_len(text)
        if length > width:
            return set_cell_size(text, width - 1) + "…" if width > 1 else text[:width]
        if align == "right":
            return " " * (width - length) + text
        return text + " " * (width - length)

    def _header_strip(self, base: Style) -> Strip:
        style = base + self.get_component_rich_style("fast-table--header")
        segments: list[Segment] = []
        for index, column in enumerate(self.columns):
            if index:
                segments.append(Segment(" ", style))
            if column.key == self.sort_column and column.width > 2:
                # The arrow always shows: the label gives way to it.
                arrow = SORT_DESC if self.sort_reverse else SORT_ASC
                label = self._fit(column.label, column.width - 2, "left").rstrip()
                text = self._fit(f"{label} {arrow}", column.width, column.align)
            else:
                text = self._fit(column.label, column.width, column.align)
            segments.append(Segment(text, style))
        return Strip(segments, self.content_width)

    def _row_strip(self, position: int, base: Style) -> Strip:
        row = self._rows[self._view[position]]
        is_cursor = position == self.cursor_row
        style = base
        cell_style = base
        if is_cursor:
            style = base + self.get_component_rich_style("fast-table--cursor")
            cell_style = base + self.get_component_rich_style("fast-table--cursor-cell")
        segments: list[Segment] = []
        for index, column in enumerate(self.columns):
            if index:
                segments.append(Segment(" ", style))
            text = self._fit(self.display_text(row, column), column.width, column.align)
            on_cell = is_cursor and index == self.cursor_column
            segments.append(Segment(text, cell_style if on_cell else style))
        return Strip(segments, self.content_width)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            strip = self._header_strip(base)
        else:
            position = scroll_y + y - 1
            if position < len(self._view):
                strip = self._row_strip(position, base)
            elif y == 1 and not self._view:
                empty = self.get_component_rich_style("fast-table--empty")
                text = (
                    self.empty_text
                    if not self._rows
                    else f"No rows match “{self.filter_text}” (esc clears the filter)"
                )
                return Strip([Segment(self._fit(text, width, "left"), base + empty)], width)
            else:
                return Strip.blank(width, base)
        # The header scrolls horizontally with the rows but never vertically.
        return strip.crop_extend(scroll_x, scroll_x + width, base)
