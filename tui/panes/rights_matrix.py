"""The matrix a rights check fills, as the Rights pane shows it.

Which cells it shows (a filter on operations and companies, failures or changes only, which
way round), how each is labelled (glyph and word, never colour alone; "Δ changed" since the
previous recorded check), the cursor and its hint line, and the header lines. It draws the
cells it is given and decides nothing about rights; running the check, its messages and the
report are :class:`tui.panes.rights.RightsPane`'s, which builds on this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Static

from tui.panes import Pane
from tui.panes.rights_cells import (
    CHANGED_MARK,
    COMPANY_WIDTH,
    OPERATION_WIDTH,
    PENDING,
    cell_advice,
    cell_label,
    cell_lines,
    since_text,
    status_words,
)
from tui.panes.rights_view import (
    CellTally,
    MatrixView,
    account_chips,
    failed,
    fill_matrix,
    summary_text,
)
from tui.screens.rights_cell import CellScreen
from tui.widgets.vim_table import VimTable

if TYPE_CHECKING:
    from nmbrs_client.history import CheckRecord
    from nmbrs_client.ids import EntityId
    from nmbrs_client.rights.requirements import RequirementProfile
    from nmbrs_client.rights.results import CellResult, CompanyRef
    from tui.session import Session


class RightsMatrix(Pane):
    """The cells of one check under the view's toggles, drawn as they arrive."""

    DEFAULT_CSS = """
    RightsMatrix #rights-set, RightsMatrix #rights-summary, RightsMatrix #rights-account {
        height: auto; padding: 0 1;
    }
    RightsMatrix #rights-table { height: 1fr; }
    RightsMatrix #rights-filter { display: none; height: 3; }
    RightsMatrix #rights-filter.shown { display: block; }
    RightsMatrix #rights-hint { height: 2; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, session: Session, *, id: str) -> None:
        super().__init__(session, id=id)
        # What the check sent so far, and where it is (the header lines draw these).
        self.set_name: str | None = None
        self.requirements: RequirementProfile | None = None
        self.operations: list[str] = []
        self.companies: list[CompanyRef] = []
        self.cells: dict[tuple[str, EntityId], CellResult] = {}
        self.tally = CellTally(self.changed_from)  # self.cells counted, for the summary
        self.account: list[Any] = []
        self.phase = "not started"
        self.running = False
        self.error = ""
        # The verdict of a check that ended before any cell was judged: its counts would all
        # be 0 and read like a clean result, so the summary line says this instead.
        self.verdict = ""
        # The view: a filter on operations and companies, failures only, orientation.
        self.filter_text = ""
        self.failures_only = False
        self.changes_only = False  # c: only the cells that changed since the baseline
        # The previous recorded check of this profile and API, and each of its cells' status.
        self.baseline: CheckRecord | None = None
        self.baseline_note = ""
        self._was: dict[tuple[str, str], str] = {}
        self.transposed: bool | None = None  # None: automatic (companies do not fit)
        self.named_companies: list[EntityId] | None = None  # check only these ids (n)

    def compose(self) -> ComposeResult:
        from textual.widgets import Input

        yield Static("", id="rights-set")
        yield Static("", id="rights-account")
        yield Static("", id="rights-summary")
        yield Input(
            placeholder="filter operations and companies (name or id; enter keeps, esc clears)",
            id="rights-filter",
        )
        yield VimTable(id="rights-table", cursor_type="cell")
        yield Static("", id="rights-hint")

    def on_mount(self) -> None:
        self.query_one(VimTable).fixed_columns = 1
        self._update_text()

    # -- the cells and their labels -------------------------------------------------------------
    def changed_from(self, cell: CellResult) -> str | None:
        """The status this cell had in the previous check, when it is not the same now."""
        from nmbrs_client.rights.changes import flipped_from

        return flipped_from(self._was, cell.qualified_name, str(cell.company_id), str(cell.status))

    def _label(self, cell: CellResult | None) -> Text:
        """A cell as shown: glyph and word, and "Δ changed" when it flipped since the baseline."""
        if cell is None:
            return Text(PENDING, style="dim")
        label = cell_label(str(cell.status))
        if self.changed_from(cell) is not None:
            label.append(CHANGED_MARK, style="bold reverse")
        return label

    def _keep_cell(self, cell: CellResult) -> None:
        key = (cell.qualified_name, cell.company_id)
        self.tally.replace(self.cells.get(key), cell)
        self.cells[key] = cell

    def _set_cells(self, cells: list[CellResult]) -> None:
        self.cells = {(c.qualified_name, c.company_id): c for c in cells}
        self.tally.recount(self.cells.values())

    # -- the view: filter, failures only, orientation ----------------------------------------
    def _view(self) -> MatrixView:
        """What the matrix shows now: the check's cells under the view's toggles."""
        return MatrixView(
            self.operations,
            self.companies,
            self.cells,
            self.changed_from,
            self.filter_text,
            self.failures_only,
            self.changes_only,
        )

    def visible_operations(self) -> list[str]:
        return self._view().visible_operations()

    def visible_companies(self, *, failures: bool = True) -> list[CompanyRef]:
        return self._view().visible_companies(failures=failures)

    def is_transposed(self) -> bool:
        """Companies as rows when their columns do not all fit side by side (``t`` overrides).

        Every company then stays on screen; the operations scroll sideways instead, and the
        status line says "companies as rows (t)". Decided on the whole check, so a filter
        never flips the layout under the cursor.
        """
        if self.transposed is not None:
            return self.transposed
        width = self.size.width or 120
        fits = max((width - OPERATION_WIDTH - 2) // (COMPANY_WIDTH + 1), 1)
        return len(self.companies) > fits

    def _rebuild_table(self) -> None:
        fill_matrix(self.query_one(VimTable), self._view(), self.is_transposed(), self._label)

    def _update_cell(self, cell: CellResult) -> None:
        table = self.query_one(VimTable)
        row, column = (
            (str(cell.company_id), cell.qualified_name)
            if self.is_transposed()
            else (cell.qualified_name, str(cell.company_id))
        )
        try:
            table.update_cell(row, column, self._label(cell))
        except Exception:  # row/column not shown (filtered) or not known yet
            return

    def summary_text(self) -> Text:
        return summary_text(
            self._view(),
            self.tally.statuses,
            running=self.running,
            phase=self.phase,
            named_companies=self.named_companies or (),
            transposed=bool(self.companies) and self.is_transposed(),
        )

    def changed_cells(self) -> list[CellResult]:
        return [c for c in self.cells.values() if self.changed_from(c) is not None]

    def compared_text(self) -> Text:
        """What the Δ marks compare with: the previous check's number and date, or why none."""
        if self.baseline is None:
            return Text(self.baseline_note, style="dim")
        n = self.tally.changed
        text = Text(f"Δ {n} changed", style="bold" if n else "")
        text.append(f" since check #{self.baseline.id} ({self.baseline.local_when})")
        return text

    def _update_text(self) -> None:
        if not self.is_mounted:
            return
        req = self.requirements
        head = Text("Requirements: ", style="bold")
        head.append(f"{req.name} — {req.title}" if req else (self.set_name or "default"))
        head.append("  (s switch)", style="dim")
        self.query_one("#rights-set", Static).update(head)
        account = account_chips(self.account)
        if self.account or self.baseline is not None or self.baseline_note:
            account.append_text(self.compared_text())
        self.query_one("#rights-account", Static).update(account)
        summary = self.summary_text()
        if self.verdict:
            summary = Text(self.verdict, style="bold red")
            if self.error:
                summary.append(f"\n✗ {self.error}")
        elif self.error:
            summary = Text(f"✗ {self.error}", style="bold red")
        self.query_one("#rights-summary", Static).update(summary)
        self._update_hint()

    def company_head(self, company_id: EntityId) -> str:
        """How a company is named in one line: its number where the API has one, else its id."""
        company = next((c for c in self.companies if c.id == company_id), None)
        return str(company.number if company is not None and company.number else company_id)

    def _update_hint(self) -> None:
        cell = self.current_cell()
        hint = ""
        if cell is not None:
            hint = f"{cell.qualified_name} @ {self.company_head(cell.company_id)}: "
            was = self.changed_from(cell)
            if was is not None and self.baseline is not None:
                hint += f"Δ changed from {status_words(was)} since {self.baseline.local_when}. "
            hint += cell_advice(cell)
        self.query_one("#rights-hint", Static).update(Text(hint))

    def current_cell(self) -> CellResult | None:
        table = self.query_one(VimTable)
        ops, companies = self.visible_operations(), self.visible_companies()
        if not ops or not companies:
            return None
        row, column = table.cursor_coordinate
        if column == 0:
            return None
        if self.is_transposed():
            if row >= len(companies) or column - 1 >= len(ops):
                return None
            return self.cells.get((ops[column - 1], companies[row].id))
        if row >= len(ops) or column - 1 >= len(companies):
            return None
        return self.cells.get((ops[row], companies[column - 1].id))

    # -- the cursor ------------------------------------------------------------------------------
    @on(DataTable.CellHighlighted)
    def _highlighted(self) -> None:
        self._update_hint()

    @on(DataTable.CellSelected)
    def _selected(self) -> None:
        if self.is_on_top():
            self.action_open_cell()

    def action_cursor_left(self) -> None:
        self.query_one(VimTable).action_cursor_left()

    def action_cursor_right(self) -> None:
        self.query_one(VimTable).action_cursor_right()

    def action_open_cell(self) -> None:
        cell = self.current_cell()
        if cell is None:
            self.notify(
                "Move to a result cell first (not the operation column).", severity="warning"
            )
            return
        company = next((c for c in self.companies if c.id == cell.company_id), None)
        lines = cell_lines(cell, company.name if company else None, self._since_text(cell))
        self.app.push_screen(CellScreen(lines))

    def _since_text(self, cell: CellResult) -> str:
        return since_text(self.baseline, self.baseline_note, self.changed_from(cell))

    def cell_status(self, operation: str, company_id: EntityId) -> str | None:
        cell = self.cells.get((operation, company_id))
        return None if cell is None else str(cell.status)

    def focus_cell(self, operation: str, company_id: EntityId) -> None:
        """Put the cursor on one cell (tests, palette)."""
        ops = self.visible_operations()
        ids = [c.id for c in self.visible_companies()]
        if self.is_transposed():
            row, column = ids.index(company_id), 1 + ops.index(operation)
        else:
            row, column = ops.index(operation), 1 + ids.index(company_id)
        self.query_one(VimTable).cursor_coordinate = Coordinate(row, column)

    # -- view actions --------------------------------------------------------------------------
    def action_open_filter(self) -> None:
        from textual.widgets import Input

        box = self.query_one("#rights-filter", Input)
        box.add_class("shown")
        box.focus()

    def set_filter(self, text: str) -> None:
        self.filter_text = text.strip()
        self._rebuild_table()
        self._update_text()

    @on(Input.Changed, "#rights-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.set_filter(event.value)

    @on(Input.Submitted, "#rights-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            event.input.remove_class("shown")
        self.query_one(VimTable).focus()

    def clear_filter(self) -> bool:
        """esc: clear the filter first; False when there was none (esc then cancels)."""
        box = self.query_one("#rights-filter", Input)
        if not self.filter_text and not box.has_class("shown"):
            return False
        box.value = ""
        box.remove_class("shown")
        self.set_filter("")
        self.query_one(VimTable).focus()
        return True

    def action_toggle_failures(self) -> None:
        self.failures_only = not self.failures_only
        self._rebuild_table()
        self._update_text()
        self.notify(
            "Showing cells not allowed only (f shows all; R re-checks them)"
            if self.failures_only
            else "Showing all",
            timeout=3,
        )

    def action_toggle_changes(self) -> None:
        if not self.changes_only and self.baseline is None:  # an empty "changes" view would
            note = self.baseline_note or "nothing to compare"  # pass for "nothing changed"
            self.notify(f"{note.capitalize()}: every cell stays shown", timeout=4)
            return
        self.changes_only = not self.changes_only
        self._rebuild_table()
        self._update_text()
        if not self.changes_only:
            self.notify("Showing all", timeout=3)
        elif self.baseline is not None:
            self.notify(
                f"Showing only the cells changed since check #{self.baseline.id} of "
                f"{self.baseline.local_when} (c shows all)",
                timeout=3,
            )

    def action_toggle_transpose(self) -> None:
        self.transposed = not self.is_transposed()
        self._rebuild_table()
        self._update_text()

    def jump_to_company(self, company_id: EntityId) -> bool:
        """Show one company's results (palette "Rights: company …"): filter on its id."""
        if not any(c.id == company_id for c in self.companies):
            self.notify(f"Company {company_id} is not in this check.", severity="warning")
            return False
        self.failures_only = False
        box = self.query_one("#rights-filter", Input)
        box.value = str(company_id)
        box.add_class("shown")
        self.set_filter(str(company_id))
        table = self.query_one(VimTable)
        table.cursor_coordinate = Coordinate(0, 1)
        table.focus()
        return True

    def failed_cells(self) -> list[CellResult]:
        """Every cell not allowed (denied, missing, errors, not verified): what f shows and R
        re-checks, since "the customer says it is fixed" is when R is pressed."""
        return [c for c in self.cells.values() if failed(c)]
