"""What the Rights matrix shows: which operations and companies under the view's toggles,
the table drawn from them, and the summary line.

:class:`MatrixView` is a snapshot of the pane's view state over the check's cells; everything
here answers from it alone, so the pane only decides when to redraw.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.coordinate import Coordinate

from nmbrs_client.rights.classify import GLYPHS, Status
from tui.panes.rights_cells import (
    COMPANY_WIDTH,
    OPERATION_HEADER_WIDTH,
    OPERATION_WIDTH,
    column_headers,
    row_labels,
)

if TYPE_CHECKING:
    from nmbrs_client.ids import EntityId
    from nmbrs_client.rights.results import CellResult, CompanyRef


def failed(cell: CellResult | None) -> bool:
    """Not allowed: the one meaning of "failed" for f (show) and R (re-check)."""
    return cell is not None and str(cell.status) not in ("allowed", "not_applicable")


@dataclass(frozen=True)
class MatrixView:
    """The check's operations, companies and cells, and the view's filter and toggles."""

    operations: Sequence[str]
    companies: Sequence[CompanyRef]
    cells: Mapping[tuple[str, EntityId], CellResult]
    changed_from: Callable[[CellResult], str | None]
    filter_text: str = ""
    failures_only: bool = False
    changes_only: bool = False

    def wanted(self, cell: CellResult | None) -> bool:
        """Shown under the view's toggles: f (not allowed) and c (changed), both when both on."""
        if cell is None:
            return False
        if self.failures_only and not failed(cell):
            return False
        return not (self.changes_only and self.changed_from(cell) is None)

    def visible_operations(self) -> list[str]:
        needle = self.filter_text.lower()
        ops = list(self.operations)
        if needle:
            matching = [op for op in ops if needle in op.lower()]
            ops = matching or ops  # the filter names companies: keep every operation
        if self.failures_only or self.changes_only:
            companies = self.visible_companies(failures=False)
            ops = [
                op for op in ops if any(self.wanted(self.cells.get((op, c.id))) for c in companies)
            ]
        return ops

    def visible_companies(self, *, failures: bool = True) -> list[CompanyRef]:
        needle = self.filter_text.lower()
        companies = list(self.companies)
        if needle:
            matching = [
                c
                for c in companies
                if needle in str(c.id) or needle == c.number or needle in (c.name or "").lower()
            ]
            companies = matching or companies  # the filter names operations
        if failures and (self.failures_only or self.changes_only):
            companies = [
                c
                for c in companies
                if any(self.wanted(self.cells.get((op, c.id))) for op in self.operations)
            ]
        return companies


class CellTally:
    """The cells per status and how many changed since the baseline, kept as cells arrive.

    The summary line is redrawn after every batch of results; counting all cells each time
    made a big check's last result cost as much as all before it together.
    """

    def __init__(self, changed_from: Callable[[CellResult], str | None]) -> None:
        self.changed_from = changed_from
        self.statuses: Counter[str] = Counter()
        self.changed = 0

    def replace(self, old: CellResult | None, new: CellResult) -> None:
        """One cell arrived (``old``: the one it replaces)."""
        if old is not None:
            self.statuses[str(old.status)] -= 1
            self.changed -= self.changed_from(old) is not None
        self.statuses[str(new.status)] += 1
        self.changed += self.changed_from(new) is not None

    def recount(self, cells: Iterable[CellResult]) -> None:
        """Count again: the cells were replaced at once, or the baseline changed."""
        self.statuses = Counter()
        self.changed = 0
        for cell in cells:
            self.statuses[str(cell.status)] += 1
            self.changed += self.changed_from(cell) is not None


def fill_matrix(
    table: Any,
    view: MatrixView,
    transposed: bool,
    label: Callable[[CellResult | None], Text],
) -> None:
    """Draw the visible cells into ``table`` (a DataTable), operations as rows or columns."""
    table.clear(columns=True)
    ops, companies = view.visible_operations(), view.visible_companies()
    # Fixed widths: the layout must not depend on which cells happened to arrive first.
    if transposed:
        table.add_column("Company", key="company", width=30)
        # named among every operation of the check, so a filter never renames a column
        headers = column_headers(view.operations, OPERATION_HEADER_WIDTH)
        for op in ops:
            table.add_column(headers[op], key=op, width=OPERATION_HEADER_WIDTH + 2)
        for company in companies:
            head = company.number or company.id
            row = [Text(f"{head} {(company.name or '')[:22]}".strip(), style="bold")]
            row.extend(label(view.cells.get((op, company.id))) for op in ops)
            table.add_row(*row, key=str(company.id))
    else:
        table.add_column("Operation", key="op", width=OPERATION_WIDTH)
        for company in companies:
            name = (company.name or "")[:14]
            head = company.number or company.id
            table.add_column(f"{head} {name}".strip(), key=str(company.id), width=COMPANY_WIDTH)
        # named among every operation of the check, so a filter never renames a row
        labels = row_labels(view.operations, OPERATION_WIDTH)
        for op in ops:
            row = [Text(labels[op], style="bold")]
            row.extend(label(view.cells.get((op, company.id))) for company in companies)
            table.add_row(*row, key=op)
    if table.columns and len(table.columns) > 1 and table.cursor_coordinate.column == 0:
        table.cursor_coordinate = Coordinate(table.cursor_coordinate.row, 1)


def account_chips(account: Iterable[Any]) -> Text:
    """The account checks on one line, each with the glyph of its status as the report has it
    (a list that could not be read is ``!``, not the ``✗`` of something missing)."""
    chips = Text()
    for item in account:
        status = Status(str(item.status))
        unverified = item.finding and status is Status.NOT_VERIFIED  # neither missing nor error
        if status in (Status.ALLOWED, Status.ERROR) or unverified:
            glyph = GLYPHS[status]
        else:
            glyph = "✗" if item.finding else "·"
        style = "bold yellow" if unverified else "red" if item.finding else ""
        chips.append(f"{glyph} {item.check}  ", style=style)
    return chips


def summary_text(
    view: MatrixView,
    counts: Mapping[str, int],
    *,
    running: bool,
    phase: str,
    named_companies: Sequence[EntityId],
    transposed: bool,
) -> Text:
    """Cells done of all, ``counts`` per verdict, the phase, and what the view leaves out."""
    from nmbrs_client.rights.classify import MISSING_STATUSES

    total = len(view.operations) * len(view.companies)
    text = Text()
    if total:
        text.append(f"{len(view.cells)}/{total} cells · ")
    text.append(f"✓ {counts.get('allowed', 0)} allowed", style="green")
    missing = sum(counts.get(str(s), 0) for s in MISSING_STATUSES)
    text.append(f" · ✗ {missing} missing", style="bold red" if missing else "")
    if counts.get("error"):
        text.append(f" · ! {counts.get('error', 0)} errors", style="magenta")
    if counts.get("not_applicable"):
        text.append(f" · – {counts.get('not_applicable', 0)} n/a")
    if counts.get("not_verified"):
        text.append(f" · ? {counts.get('not_verified', 0)} not verified", style="bold yellow")
    text.append(f" · {'… ' if running else ''}{phase}")
    shown = []
    if view.filter_text:
        shown.append(f"filter “{view.filter_text}”")
    if view.failures_only:
        shown.append("not allowed only (f; R re-checks)")
    if view.changes_only:
        shown.append("changes only (c)")
    if named_companies:
        shown.append(f"companies {', '.join(map(str, named_companies))} (n)")
    if transposed:
        shown.append("companies as rows (t)")
    if shown:
        text.append(" · " + " · ".join(shown), style="bold")
    return text
