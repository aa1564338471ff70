"""A two-column label/value grid, as used by the detail modals (cell detail, session info)."""

from __future__ import annotations

from rich.table import Table


def key_value_grid(rows: list[tuple[str, str]]) -> Table:
    """Bold labels on the left, values folded to the width on the right."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in rows:
        table.add_row(key, value)
    return table
