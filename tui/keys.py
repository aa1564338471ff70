"""Every key of the dashboard, in one registry.

The ``BINDINGS`` of the app, panes, screens and widgets, the ids ``keymap.toml`` may remap
and the ``?`` help all come from :data:`KEYS`, so a key cannot exist in one and be missing
from another. Help is built from the focused chain's live bindings (after remapping), with
key names as Textual shows them (``?``, ``[``, ``↑``), grouped by context.

Adding a key: one :class:`Key` line here with a new id, the ``action_<name>`` method on the
class of its context, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from textual.binding import Binding, BindingType


class Context(StrEnum):
    """Where a key works: the class whose ``BINDINGS`` it is in (title shown in help)."""

    APP = "Everywhere"
    TABLE = "Tables"
    LIST = "Lists (filter, sort, copy, export)"
    CONNECTION = "Connection"
    RIGHTS = "Rights"
    COMPANIES = "Companies"
    EMPLOYEES = "Employees"
    PAYROLL = "Payroll"
    CALLLOG = "Call log"
    DETAIL = "Employee detail"
    PDF = "PDF"
    HELP = "Help"
    INFO = "Info"
    ERROR = "Error"
    CELL = "Rights cell"
    CHOICE = "Choice"
    CONFIRM = "Confirm"
    ASK = "Question"
    CALL_DETAIL = "Call detail"


@dataclass(frozen=True)
class PaneSpec:
    """One pane of the dashboard: its id, the key that shows it, its title, and its class.

    ``pane`` names the class as ``module:Class``; the app imports it only when a session
    opens (so the first frame does not wait for the data panes' imports).
    """

    id: str
    key: str
    title: str
    description: str
    pane: str


PANES: tuple[PaneSpec, ...] = (
    PaneSpec(
        "connection",
        "1",
        "Connection",
        "profile, credentials, round trip, counts",
        "tui.panes.connection:ConnectionPane",
    ),
    PaneSpec(
        "rights", "2", "Rights", "required operations × companies", "tui.panes.rights:RightsPane"
    ),
    PaneSpec(
        "companies",
        "3",
        "Companies",
        "companies of the environment",
        "tui.panes.companies:CompaniesPane",
    ),
    PaneSpec(
        "employees",
        "4",
        "Employees",
        "employees of the chosen company",
        "tui.panes.employees:EmployeesPane",
    ),
    PaneSpec(
        "payroll",
        "5",
        "Payroll",
        "runs and payslips of the chosen company",
        "tui.panes.payroll:PayrollPane",
    ),
    PaneSpec(
        "calllog",
        "6",
        "Call log",
        "every API call of this session",
        "tui.panes.calllog:CallLogPane",
    ),
)
PANE_IDS = tuple(p.id for p in PANES)


@dataclass(frozen=True)
class Key:
    """One binding: ``keys`` are Textual key names, comma-separated (the first is shown)."""

    context: Context
    id: str
    keys: str
    action: str
    description: str
    show: bool = True  # in the footer

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.description, show=self.show, id=self.id)


def _scroll(context: Context, prefix: str) -> tuple[Key, ...]:
    """The hidden scroll keys of a full screen, with ids under ``prefix``."""
    return (
        Key(context, f"{prefix}.down", "j,down", "scroll_down", "Down", show=False),
        Key(context, f"{prefix}.up", "k,up", "scroll_up", "Up", show=False),
        Key(context, f"{prefix}.top", "g,home", "scroll_home", "Top", show=False),
        Key(context, f"{prefix}.bottom", "G,end", "scroll_end", "Bottom", show=False),
        Key(context, f"{prefix}.page_up", "pageup", "page_up", "Page up", show=False),
        Key(context, f"{prefix}.page_down", "pagedown", "page_down", "Page down", show=False),
    )


C = Context
KEYS: tuple[Key, ...] = (
    *(
        Key(C.APP, f"app.pane.{p.id}", p.key, f"show_pane('{p.id}')", p.title, show=False)
        for p in PANES
    ),
    Key(C.APP, "app.quit", "q", "quit", "Quit"),
    Key(C.APP, "app.help", "question_mark,f1", "help", "Help"),
    Key(C.APP, "app.refresh", "r", "refresh_pane", "Refresh"),
    Key(C.APP, "app.cancel", "escape", "cancel_load", "Cancel", show=False),
    Key(C.APP, "app.info", "i", "info", "Info", show=False),
    Key(C.APP, "app.bundle", "B", "support_bundle", "Support bundle", show=False),
    # Tables: one id set for both table widgets (the rows list and the call log).
    Key(C.TABLE, "table.cursor_up", "up,k", "cursor_up", "Up", show=False),
    Key(C.TABLE, "table.cursor_down", "down,j", "cursor_down", "Down", show=False),
    Key(C.TABLE, "table.cursor_left", "left,h", "cursor_left", "Left", show=False),
    Key(C.TABLE, "table.cursor_right", "right,l", "cursor_right", "Right", show=False),
    Key(C.TABLE, "table.first", "home,g", "cursor_first", "First row", show=False),
    Key(C.TABLE, "table.last", "end,G", "cursor_last", "Last row", show=False),
    Key(C.TABLE, "table.page_up", "pageup", "page_up", "Page up", show=False),
    Key(C.TABLE, "table.page_down", "pagedown", "page_down", "Page down", show=False),
    Key(C.TABLE, "table.select", "enter", "select", "Open"),
    Key(C.LIST, "list.filter", "slash", "open_filter", "Filter"),
    Key(C.LIST, "list.clear_filter", "escape", "clear_filter", "Clear filter", show=False),
    Key(C.LIST, "list.sort", "s", "sort_column", "Sort"),
    Key(C.LIST, "list.reverse_sort", "S", "reverse_sort", "Reverse sort", show=False),
    Key(C.LIST, "list.copy_id", "y", "copy_id", "Copy id"),
    Key(C.LIST, "list.copy_cell", "c", "copy_cell", "Copy cell", show=False),
    Key(C.LIST, "list.copy_row", "C", "copy_row", "Copy row (TSV)", show=False),
    Key(C.LIST, "list.copy_json", "J", "copy_json", "Copy row (JSON)", show=False),
    Key(C.LIST, "list.export_csv", "e", "export('csv')", "Export CSV", show=False),
    Key(C.LIST, "list.export_json", "E", "export('json')", "Export JSON", show=False),
    Key(C.CONNECTION, "connection.demo", "d", "start_demo", "Demo"),
    Key(C.RIGHTS, "rights.details", "enter", "open_cell", "Details"),
    Key(C.RIGHTS, "rights.switch_set", "s", "switch_set", "Requirements"),
    Key(C.RIGHTS, "rights.export", "e", "export", "Export"),
    Key(C.RIGHTS, "rights.copy_report", "y", "copy_report", "Copy report"),
    Key(C.RIGHTS, "rights.left", "h,left", "cursor_left", "Left", show=False),
    Key(C.RIGHTS, "rights.right", "l,right", "cursor_right", "Right", show=False),
    Key(C.RIGHTS, "rights.filter", "slash", "open_filter", "Filter"),
    Key(C.RIGHTS, "rights.failures", "f", "toggle_failures", "Not allowed only"),
    Key(C.RIGHTS, "rights.changes", "c", "toggle_changes", "Changes only"),
    Key(C.RIGHTS, "rights.transpose", "t", "toggle_transpose", "Transpose", show=False),
    Key(C.RIGHTS, "rights.named", "n", "check_named", "Check company ids", show=False),
    Key(C.RIGHTS, "rights.recheck", "R", "recheck_failed", "Re-check not allowed", show=False),
    Key(C.COMPANIES, "companies.load_periods", "p", "load_periods", "Load periods", show=False),
    Key(C.EMPLOYEES, "employees.toggle_active", "a", "toggle_active", "Active/all"),
    Key(
        C.EMPLOYEES,
        "employees.load_details",
        "L",
        "load_details",
        "Load dept/function",
        show=False,
    ),
    Key(C.PAYROLL, "payroll.year_older", "left_square_bracket", "year(-1)", "Older year"),
    Key(C.PAYROLL, "payroll.year_newer", "right_square_bracket", "year(1)", "Newer year"),
    Key(C.PAYROLL, "payroll.payslip", "p", "payslip", "Payslip PDF"),
    Key(C.PAYROLL, "payroll.annual", "a", "annual_statement", "Annual statement PDF"),
    Key(C.CALLLOG, "calllog.filter", "slash", "filter", "Filter"),
    Key(C.CALLLOG, "calllog.copy_row", "c", "copy_row", "Copy row"),
    Key(C.CALLLOG, "calllog.copy_all", "C", "copy_all", "Copy all", show=False),
    Key(C.CALLLOG, "calllog.clear_filter", "escape", "clear_filter", "Clear filter", show=False),
    Key(C.CALLLOG, "calllog.detail", "enter", "open_call", "Call detail"),
    Key(C.DETAIL, "detail.close", "escape,backspace", "close", "Back"),
    Key(C.DETAIL, "detail.reveal", "v", "toggle_reveal", "Reveal/mask"),
    Key(C.DETAIL, "detail.refresh", "r", "reload", "Refresh"),
    Key(C.DETAIL, "detail.copy", "c", "copy", "Copy (as shown)"),
    *_scroll(C.DETAIL, "detail"),
    Key(C.PDF, "pdf.close", "escape,backspace", "close", "Back"),
    Key(C.PDF, "pdf.reveal", "v", "toggle_reveal", "Reveal/mask"),
    Key(C.PDF, "pdf.save", "s", "save", "Save PDF"),
    Key(C.PDF, "pdf.copy_path", "c", "copy_path", "Copy path"),
    *_scroll(C.PDF, "pdf"),
    Key(C.HELP, "help.close", "escape,q,question_mark,f1", "dismiss", "Close"),
    Key(C.HELP, "help.down", "j,down", "scroll_down", "Down", show=False),
    Key(C.HELP, "help.up", "k,up", "scroll_up", "Up", show=False),
    Key(C.INFO, "info.close", "escape,q,i", "dismiss", "Close"),
    Key(C.INFO, "info.copy", "c", "copy", "Copy"),
    Key(C.ERROR, "error.close", "escape,enter,q", "dismiss", "Close"),
    Key(C.ERROR, "error.copy", "c", "copy", "Copy details"),
    Key(C.CELL, "cell.close", "escape,enter,q", "close", "Close"),
    Key(C.CELL, "cell.copy", "c", "copy", "Copy"),
    Key(C.CHOICE, "choice.cancel", "escape", "cancel", "Cancel"),
    Key(C.CONFIRM, "confirm.yes", "y,enter", "answer(True)", "Yes"),
    Key(C.CONFIRM, "confirm.no", "n,escape", "answer(False)", "No"),
    Key(C.ASK, "ask.cancel", "escape", "cancel", "Cancel"),
    Key(C.CALL_DETAIL, "calldetail.close", "escape,q,enter", "close", "Close"),
    Key(C.CALL_DETAIL, "calldetail.copy", "c", "copy", "Copy"),
)
BY_ID: dict[str, Key] = {key.id: key for key in KEYS}


def bindings(context: Context, *, without: frozenset[str] = frozenset()) -> list[BindingType]:
    """The ``BINDINGS`` of the class that owns ``context`` (less the ids in ``without``)."""
    return [key.binding() for key in KEYS if key.context is context and key.id not in without]


def binding_ids() -> set[str]:
    """Every id ``keymap.toml`` may remap."""
    return set(BY_ID)
