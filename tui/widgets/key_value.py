"""A two-column label/value grid, as used by the detail modals (cell detail, session info)."""

from __future__ import annotations

from rich.table import Table

from tui.safe_text import plain_text


def key_value_grid(rows: list[tuple[str, str]]) -> Table:
    """Bold labels on the left, values folded to the width on the right."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in rows:
        # Values quote server text: plain Text, so Rich never reads markup in them.
        table.add_row(plain_text(key), plain_text(value))
    return table
