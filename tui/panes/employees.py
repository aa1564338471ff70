"""Employees pane: the selected company's employees, instant to filter even at 5,000 rows.

Three company-wide calls run in parallel in one worker: ``List_GetByCompany`` (number, name),
``Employment_GetAll_AllEmployeesByCompany`` (start, end, active) and
``PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany`` (kept for the detail view).
Department and function exist only per employee, so a second worker fills those two columns
progressively — rows on screen first, a bounded number of calls in flight, results cached in
the session, ``esc`` stops it and ``L`` resumes. A missing right (1002) stops that column at the
first answer and says which right to enable. ``enter`` opens the employee detail.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.worker import get_current_worker

from nmbrs_client.backend import Company, CostUnit, ReadCost
from nmbrs_client.cancel import as_done, working_for_caller
from nmbrs_client.errors import NmbrsFault
from nmbrs_client.ids import EntityId
from nmbrs_client.models import Department, EmployeeEmployments, Employment, Function
from tui.data.kinds import (
    COMPANIES,
    CONTRACTS,
    DENIED,
    DEPARTMENT,
    EMPLOYEES,
    EMPLOYMENTS,
    FUNCTION,
    SCHEDULES,
    Kind,
)
from tui.failures import describe_error, is_denied, short_error
from tui.keys import Context, bindings
from tui.panes.data_pane import LOAD_CANCELLED, DataPane, plain_value, run_bounded
from tui.widgets.fast_table import Column, FastTable, Row
from tui.widgets.masking import date_masker, format_date
from tui.widgets.page_progress import PageProgress, PageRead, watch_pages
from tui.widgets.table_panel import TablePanel

LOADING_COMPANY = "Loading employees, employments and contracts… (esc cancels)"
LOADING_EMPTY = "Loading the employees…"


def _state_word(text: str) -> str:
    """``✓ active`` → ``active`` (the glyph is for the screen, the word is the data)."""
    return "" if text == PENDING else text.split(" ", 1)[-1]


COLUMNS = [
    Column("number", "Nr", 6, "right"),
    # The id is what the call log, faults and `runs --company` speak of: filter on it, copy it.
    Column("id", "Employee id", 11, "right"),
    Column("name", "Name", 24),
    # masked only if the one date rule called employment dates personal (it does not)
    Column("start", "Start", 10, masker=date_masker("employment start")),
    Column("end", "End", 10, masker=date_masker("employment end")),
    Column("active", "State", 9, plain=_state_word),
    Column("department", "Department", 18, plain=plain_value),
    Column("function", "Function", 18, plain=plain_value),
]

PENDING = "…"
STOPPED = "– (L loads)"
# Department and function are asked per employee (SOAP makes one call each; REST reads two
# company-wide lists). Up to this many employees they are all fetched at once; beyond it only
# the rows the engineer looks at are, so opening a big company never fires thousands of calls
# at the customer's API unasked (L loads them all, after saying what that costs).
AUTO_FILL_LIMIT = 300
WINDOW_MARGIN = 20
ACTIVE = "✓ active"
ENDED = "✗ ended"
FUTURE = "◷ future"
UNKNOWN = "? unknown"


def cost_words(cost: ReadCost) -> str:
    """What loading costs, as the backend counts it: the one wording of the hint and the
    question, so neither promises SOAP's per-employee calls to a REST user."""
    if cost.count == 0:
        return "no further calls"  # what it needs is kept already
    if cost.unit is CostUnit.PAGES:
        lists = "one company-wide list" if cost.lists == 1 else f"{cost.lists} company-wide lists"
        return f"{cost.count:,} {'page' if cost.count == 1 else 'pages'} of {lists}"
    return f"{cost.count:,} {'call' if cost.count == 1 else 'calls'}"


# Company-wide replies that fill a column; the contracts reply ("pcsa") is for the detail view.
VISIBLE_PARTS = frozenset({"employees", "employments"})

# The per-employee data behind the two progressive columns (one call each per employee).
PER_EMPLOYEE: dict[str, Kind[tuple[EntityId, EntityId], Any]] = {
    "department": DEPARTMENT,
    "function": FUNCTION,
}
# The company-wide lists this pane loads in parallel, by the name its errors are kept under.
COMPANY_WIDE: dict[str, Kind[EntityId, list[Any]]] = {
    "employees": EMPLOYEES,
    "employments": EMPLOYMENTS,
    "pcsa": CONTRACTS,
}


def latest_employment(record: EmployeeEmployments | None) -> Employment | None:
    """The employment that started last (the current one, or the last one that ended)."""
    if record is None or not record.Employments:
        return None
    return max(record.Employments, key=lambda e: e.StartDate or datetime.min)


def employment_state(employment: Employment | None, today: date) -> str:
    if employment is None or employment.StartDate is None:
        return UNKNOWN
    if employment.StartDate.date() > today:
        return FUTURE
    if employment.EndDate is not None and employment.EndDate.date() < today:
        return ENDED
    return ACTIVE


# What the employments reply changes in each row, by employee id: (cells, sort values).
RowChanges = dict[EntityId, tuple[dict[str, str], dict[str, Any]]]


class CompanyPartArrived(Message, bubble=False):
    """One company-wide reply (the list, employments, contracts) is in the store, or failed;
    ``rows`` are the rows when the list arrives, ``changes`` what a later employments reply
    changes in them (rows are built once)."""

    def __init__(
        self,
        company_id: EntityId,
        kind: str,
        error: BaseException | None,
        rows: list[Row] | None,
        changes: RowChanges | None = None,
    ) -> None:
        super().__init__()
        self.company_id = company_id
        self.kind = kind
        self.error = error
        self.rows = rows
        self.changes = changes


class CompanyDataDone(Message, bubble=False):
    def __init__(self, company_id: EntityId) -> None:
        super().__init__()
        self.company_id = company_id


class PerEmployeeArrived(Message, bubble=False):
    """A batch of per-employee answers (employee id, kind, value, error)."""

    def __init__(
        self,
        company_id: EntityId,
        batch: list[tuple[EntityId, str, Any, BaseException | None]],
        denied: dict[str, BaseException],
    ) -> None:
        super().__init__()
        self.company_id = company_id
        self.batch = batch
        self.denied = denied


class PerEmployeeDone(Message, bubble=False):
    def __init__(
        self, company_id: EntityId, complete: bool, denied: dict[str, BaseException]
    ) -> None:
        super().__init__()
        self.company_id = company_id
        self.complete = complete
        self.denied = denied


class EmployeesPane(DataPane):
    """Pane 4: employees of the company chosen in the companies pane."""

    BINDINGS = bindings(Context.EMPLOYEES)

    def __init__(self, session: Any, *, id: str | None = None, classes: str | None = None) -> None:
        self._window_only = False
        super().__init__(session, id=id, classes=classes)
        self.panel = TablePanel(
            "Employees",
            COLUMNS,
            export_name="employees",
            download_dir=lambda: self.session.download_dir,
            empty_text="Choose a company in the companies pane (3)",
        )
        self.company: Company | None = None
        self.active_only = False
        self.errors: dict[str, BaseException] = {}
        self._all_rows: list[Row] = []
        self._rows_by_key: dict[Any, Row] = {}
        self._denied: dict[str, BaseException] = {}
        self._detail_failures = 0
        # departments and functions L set out to load, for the running count (answers, not
        # calls: a REST backend answers them from lists it has read already)
        self._progress_total = 0
        self._progress_done = 0
        # Pages of the company-wide lists as they arrive ("page 23 of 50"), while they load.
        self.pages = PageProgress()
        self._paging = False
        self._unwatch: Callable[[], None] = lambda: None

    def _known_denials(self) -> dict[str, BaseException]:
        """Operations that answered 1002 earlier in this session (in any company)."""
        found: dict[str, BaseException] = {}
        for kind in PER_EMPLOYEE:
            error = self.session.data.get(DENIED, kind)
            if error is not None:
                found[kind] = error
        return found

    def compose(self) -> ComposeResult:
        yield self.status
        yield self.panel

    @property
    def table(self) -> FastTable:
        return self.panel.table

    # ------------------------------------------------------------- protocol
    def show_company(self, company: Company) -> None:
        """Switch to ``company`` (from cache when it was loaded before)."""
        if self.company is not None and self.company.id == company.id and self._all_rows:
            return
        self.cancel_load()
        self.company = company
        self.errors = {}
        self._denied = self._known_denials()
        self._all_rows = []
        # the company is chosen: the empty table says it is loading, not "choose a company"
        self.table.empty_text = LOADING_EMPTY
        self.table.clear()
        self.panel.set_title(f"Employees of {company.number} {company.name}".strip())
        self.load()

    def on_show_pane(self) -> None:
        if self.company is not None and not self._all_rows and not self.is_loading():
            self.load()
        self.table.focus()

    def refresh_data(self) -> None:
        if self.company is None:
            return
        self.session.data.invalidate_company(
            self.company.id, (*COMPANY_WIDE.values(), SCHEDULES, *PER_EMPLOYEE.values())
        )
        self.errors = {}
        self._denied = {}
        for kind in PER_EMPLOYEE:  # r: the template may have been fixed
            self.session.data.invalidate(DENIED, kind)
        self.load()

    def cancel_load(self) -> None:
        self._paging = False
        if self.is_loading() and not self.table.total_count:  # the empty table says so too
            self.table.empty_text = LOAD_CANCELLED
            self.table.refresh()
        super().cancel_load()
        changes: dict[Any, dict[str, str]] = {}
        for row in self.table.rows:
            stopped = {k: STOPPED for k in PER_EMPLOYEE if row.cells.get(k) == PENDING}
            if row.cells.get("active") == PENDING:  # the employments will not arrive now
                stopped["active"] = UNKNOWN
            if stopped:
                changes[row.key] = stopped
        if changes:
            self.table.update_rows(changes)

    def load(self) -> None:
        if self.company is None:
            return
        cid = self.company.id
        if all(self.session.data.has(kind, cid) for kind in COMPANY_WIDE.values()):
            self._show_employees(cid)
            return
        self.set_status(LOADING_COMPANY)
        self.table.empty_text = LOADING_EMPTY
        self.pages.reset()
        self._paging = True
        self._fetch_company_data(cid)

    def on_mount(self) -> None:
        log = getattr(self.session.backend, "call_log", None)
        self._unwatch = watch_pages(self, log, lambda: self._paging)

    def on_unmount(self) -> None:
        self._unwatch()

    def on_page_read(self, message: PageRead) -> None:
        message.stop()
        if self.company is None or not self._paging:
            return
        if not self.pages.add(message.record, self.company.id):
            return
        if self._all_rows:
            if self.pages.due():
                self._show_status(self.company.id)
        elif self.pages.text() and self.pages.due():
            self.set_status(f"Loading employees, employments and contracts: {self.pages.text()}")

    # --------------------------------------------------------------- workers
    @work(thread=True, exclusive=True, group="employees", exit_on_error=False)
    def _fetch_company_data(self, cid: EntityId) -> None:
        worker = get_current_worker()
        data = self.session.data
        # The list comes first so rows show as soon as it arrives; the other two fill in.
        # Rows are built here, off the UI thread, once: when the list arrives (with the
        # employments if they are in); employments arriving later change only their columns,
        # and the contracts reply changes none.
        errors: dict[str, BaseException] = {}
        built = False

        def stop() -> bool:  # esc or another company: queued pages end unsent, waits end now
            return worker.is_cancelled

        with working_for_caller(3, "employees", stop) as pool:
            futures = {
                pool.submit(data.fetch, store_kind, cid): kind
                for kind, store_kind in COMPANY_WIDE.items()
                if not data.has(store_kind, cid)
            }
            for future in as_done(futures, stop):
                kind = futures[future]
                error = future.exception()
                if error is not None:
                    errors[kind] = error
                if worker.is_cancelled:
                    return
                rows = changes = None
                if kind in VISIBLE_PARTS and data.has(EMPLOYEES, cid):
                    if built:
                        changes = self._employment_changes(cid, errors)
                    else:
                        rows, built = self._build_rows(cid, errors), True
                self.post_message(CompanyPartArrived(cid, kind, error, rows, changes))
        if not worker.is_cancelled:
            self.post_message(CompanyDataDone(cid))

    @work(thread=True, exclusive=True, group="employee-details", exit_on_error=False)
    def _fetch_per_employee(self, cid: EntityId, items: list[tuple[EntityId, str]]) -> None:
        worker = get_current_worker()
        data = self.session.data
        denied: dict[str, BaseException] = dict(self._denied)
        batch: list[tuple[EntityId, str, Any, BaseException | None]] = []
        last_flush = time.monotonic()

        def call(item: tuple[EntityId, str]) -> Any:
            eid, kind = item
            if kind in denied:
                raise denied[kind]
            return data.fetch(PER_EMPLOYEE[kind], (cid, eid))

        def flush() -> None:
            nonlocal last_flush
            if batch and not worker.is_cancelled:
                self.post_message(PerEmployeeArrived(cid, list(batch), dict(denied)))
            batch.clear()
            last_flush = time.monotonic()

        def on_done(item: tuple[EntityId, str], result: Any, error: BaseException | None) -> bool:
            eid, kind = item
            if error is not None and is_denied(error) and kind not in denied:
                denied[kind] = error
            batch.append((eid, kind, result, error))
            if len(batch) >= 100 or time.monotonic() - last_flush > 0.15:
                flush()
            return len(denied) < len(PER_EMPLOYEE)

        complete = run_bounded(
            items, call, self.session.backend.concurrency, on_done, lambda: worker.is_cancelled
        )
        flush()
        if not worker.is_cancelled:
            self.post_message(PerEmployeeDone(cid, complete, dict(denied)))

    # -------------------------------------------------------------- handlers
    @on(CompanyPartArrived)
    def _on_company_part(self, message: CompanyPartArrived) -> None:
        self._company_part_arrived(
            message.company_id, message.kind, message.error, message.rows, message.changes
        )

    @on(CompanyDataDone)
    def _on_company_data_done(self, message: CompanyDataDone) -> None:
        self._company_data_done(message.company_id)

    @on(PerEmployeeArrived)
    def _on_per_employee(self, message: PerEmployeeArrived) -> None:
        self._per_employee_arrived(message.company_id, message.batch, message.denied)

    @on(PerEmployeeDone)
    def _on_per_employee_done(self, message: PerEmployeeDone) -> None:
        self._per_employee_finished(message.company_id, message.complete, message.denied)

    def _company_part_arrived(
        self,
        cid: EntityId,
        kind: str,
        error: BaseException | None,
        rows: list[Row] | None,
        changes: RowChanges | None = None,
    ) -> None:
        if self.company is None or cid != self.company.id:
            return
        if error is not None:
            self.errors[kind] = error
        if kind == "employees" and error is not None:
            self.show_error(error, "Employees could not be loaded")
        elif rows is not None:
            self._install_rows(cid, rows)
        elif changes is not None and self._all_rows:
            for key, (cells, values) in changes.items():
                row = self._rows_by_key.get(key)
                if row is not None:
                    row.cells.update(cells)
                    row.values.update(values)
            self._install_rows(cid, self._all_rows)  # the same rows: filter and sort again
        elif self._all_rows and self.session.data.has(EMPLOYEES, cid):
            self._show_status(cid)  # a reply with no column of its own: status only

    def _company_data_done(self, cid: EntityId) -> None:
        self._paging = False
        if self.company is None or cid != self.company.id:
            return
        # Rows kept from before a failed reload stay as they are, under the error.
        if self._all_rows and self.session.data.has(EMPLOYEES, cid):
            self._show_status(cid)
            self._start_per_employee(cid)

    def _show_employees(self, cid: EntityId, *, start_details: bool = True) -> None:
        """Rows from the data store, built here (a store hit: no reply to wait for)."""
        self.table.empty_text = "No employees to show (a: active/all, r reloads)"
        self._install_rows(cid, self._build_rows(cid, self.errors))
        if start_details:
            self._start_per_employee(cid)

    def _build_rows(self, cid: EntityId, errors: dict[str, BaseException]) -> list[Row]:
        """All rows of the company from the stored replies; safe to run in a worker thread."""
        data = self.session.data
        employees = data.get(EMPLOYEES, cid) or []
        changes = self._employment_changes(cid, errors)
        denied = set(self._denied)
        # What is known per employee, read from the store once (not twice per row).
        known = {
            kind: {key[1]: value for key, value in data.items(store_kind) if key[0] == cid}
            for kind, store_kind in PER_EMPLOYEE.items()
        }
        rows: list[Row] = []
        for employee in employees:
            job_cells, job_values = changes[employee.id]
            cells = {
                "number": str(employee.number),
                "id": str(employee.id),
                "name": employee.name,
                **job_cells,
            }
            values: dict[str, Any] = {"number": employee.number, "id": employee.id, **job_values}
            for kind in PER_EMPLOYEE:
                if kind in denied:
                    cells[kind] = "✗ not available"
                elif employee.id in known[kind]:
                    cells[kind] = _describe(known[kind][employee.id])
                else:
                    cells[kind] = PENDING
            rows.append(Row(employee.id, cells, values, data=employee))
        return rows

    def _employment_changes(self, cid: EntityId, errors: dict[str, BaseException]) -> RowChanges:
        """Start, end and state of each employee of the list, from the stored employments."""
        data = self.session.data
        employments = {e.EmployeeId: e for e in data.get(EMPLOYMENTS, cid) or []}
        today = self.session.today
        employments_known = data.has(EMPLOYMENTS, cid)
        pending_state = UNKNOWN if "employments" in errors else PENDING
        changes: RowChanges = {}
        for employee in data.get(EMPLOYEES, cid) or []:
            job = latest_employment(employments.get(employee.id))
            cells = {
                "start": format_date(job.StartDate) if job else "",
                "end": format_date(job.EndDate) if job else "",
                "active": employment_state(job, today) if employments_known else pending_state,
            }
            values = {
                "start": job.StartDate if job and job.StartDate else None,
                "end": job.EndDate if job and job.EndDate else None,
            }
            changes[employee.id] = (cells, values)
        return changes

    def _install_rows(self, cid: EntityId, rows: list[Row]) -> None:
        """Show a built set of rows in one batch."""
        self._all_rows = rows
        self._rows_by_key = {row.key: row for row in rows}
        self._apply_active_filter()
        self._show_status(cid)

    def _show_status(self, cid: EntityId) -> None:
        notes = [f"{len(self._all_rows):,} employees"]
        if "employments" in self.errors:
            notes.append(
                "employment dates not available: " + describe_error(self.errors["employments"])
            )
        if "pcsa" in self.errors:
            notes.append(
                "contract/salary/address not available: " + describe_error(self.errors["pcsa"])
            )
        for kind, error in self._denied.items():
            what = error.operation if isinstance(error, NmbrsFault) else kind
            code = error.code if isinstance(error, NmbrsFault) else None
            notes.append(
                f"{kind} not available ({what} answered {code or 'a refusal'}; not called "
                "again this session, r retries)"
            )
        if not self.session.data.has(EMPLOYMENTS, cid) and "employments" not in self.errors:
            paged = self.pages.text() if self._paging else ""
            notes.append(
                f"loading employments and contracts: {paged}"
                if paged
                else "loading employments and contracts…"
            )
        self.set_status(
            " · ".join(notes) + ". enter opens an employee.",
            error=len(notes) > 1 and bool(self.errors),
        )

    def _start_per_employee(self, cid: EntityId, *, everything: bool = False) -> None:
        """Fetch missing departments/functions, beginning with the rows on screen.

        Small companies (and ``everything``) get every row; a big company only the rows on
        screen and a margin around them; the rest are marked as loadable with ``L``.
        """
        view = self.table.visible_rows
        window = self.table.visible_range()
        start = window.start
        ordered = view[start:] + view[:start]
        self._window_only = not everything and len(self._all_rows) > AUTO_FILL_LIMIT
        changes: dict[Any, dict[str, str]] = {}
        if not self._window_only:
            seen = {row.key for row in ordered}
            ordered += [row for row in self._all_rows if row.key not in seen]
        else:
            ordered = view[start : window.stop + WINDOW_MARGIN]
            wanted = {row.key for row in ordered}
            for row in self._all_rows:
                if row.key not in wanted:
                    stale = {k: STOPPED for k in PER_EMPLOYEE if row.cells.get(k) == PENDING}
                    if stale:
                        changes[row.key] = stale
        items: list[tuple[EntityId, str]] = []
        data = self.session.data
        for row in ordered:
            for kind, store_kind in PER_EMPLOYEE.items():
                if kind in self._denied or data.has(store_kind, (cid, _key(row))):
                    continue
                items.append((_key(row), kind))
                if row.cells.get(kind) != PENDING:
                    changes.setdefault(row.key, {})[kind] = PENDING
        if changes:
            self._set_many(changes)
        if items:
            self._detail_failures = 0
            self._fetch_per_employee(cid, items)

    def _per_employee_arrived(
        self,
        cid: EntityId,
        batch: list[tuple[EntityId, str, Any, BaseException | None]],
        denied: dict[str, BaseException],
    ) -> None:
        if self.company is None or cid != self.company.id:
            return
        newly_denied = [k for k in denied if k not in self._denied]
        self._denied.update(denied)
        for kind in newly_denied:  # an endpoint right is account-wide: every company knows it
            self.session.data.put(DENIED, kind, denied[kind])
        if self._progress_total:
            self._progress_done += len(batch)
            self.set_status(
                f"Loading departments and functions: {self._progress_done:,} of "
                f"{self._progress_total:,}… (esc stops)"
            )
        changes: dict[Any, dict[str, str]] = {}
        for eid, kind, result, error in batch:
            if error is None:
                text = _describe(result)
            elif kind in denied:
                text = "✗ not available"
            else:
                self._detail_failures += 1
                text = short_error(error)
            changes.setdefault(eid, {})[kind] = text
        for kind in newly_denied:
            for row in self._all_rows:
                if row.cells.get(kind) == PENDING:
                    changes.setdefault(row.key, {})[kind] = "✗ not available"
            self.set_status(
                f"{kind.title()} not available: {describe_error(denied[kind])}", error=True
            )
        self._set_many(changes)

    def _set_many(self, changes: dict[Any, dict[str, str]]) -> None:
        """Change cells of many rows with one repaint; rows hidden by the view too."""
        shown = self.table.update_rows(changes)
        for key, cells in changes.items():
            if key not in shown:
                row = self._rows_by_key.get(key)
                if row is not None:
                    row.cells.update(cells)

    def _per_employee_finished(
        self, cid: EntityId, complete: bool, denied: dict[str, BaseException]
    ) -> None:
        if self.company is None or cid != self.company.id:
            return
        promised, self._progress_total = self._progress_total, 0
        if denied:
            parts = [
                f"{kind.title()} not available: {describe_error(error)}"
                for kind, error in denied.items()
            ]
            self.set_status(" · ".join(parts), error=True)
        elif self._detail_failures:
            self.set_status(
                f"{self._detail_failures} department/function calls failed "
                "(marked ✗ with the code); r retries.",
                error=True,
            )
        elif complete and self._window_only:
            self.set_status(
                f"{len(self._all_rows):,} employees; department and function are loaded for "
                f"the rows you look at (L loads all: {cost_words(self.load_all_cost())}). "
                "enter opens an employee."
            )
        elif complete:
            done = f" ({promised:,} answers)" if promised else ""
            self.set_status(
                f"{len(self._all_rows):,} employees, departments and functions "
                f"loaded{done}. enter opens an employee."
            )
        elif promised:
            self.set_status(f"Stopped after {self._progress_done:,} of {promised:,}; L continues.")

    # --------------------------------------------------------------- actions
    def _apply_active_filter(self) -> None:
        rows = (
            [r for r in self._all_rows if r.cells.get("active") == ACTIVE]
            if self.active_only
            else self._all_rows
        )
        self.table.set_rows(rows)
        base = (
            f"Employees of {self.company.number} {self.company.name}".strip()
            if self.company
            else "Employees"
        )
        self.panel.set_title(f"{base} ({'active only' if self.active_only else 'all'})")

    def action_toggle_active(self) -> None:
        self.active_only = not self.active_only
        self._apply_active_filter()
        self.notify(
            "Showing active employees only" if self.active_only else "Showing all employees",
            timeout=3,
        )

    def _missing_details(self) -> dict[str, int]:
        """Per column, how many employees' values are neither stored nor denied."""
        if self.company is None:
            return {kind: 0 for kind in PER_EMPLOYEE}
        cid, data = self.company.id, self.session.data
        return {
            kind: 0
            if kind in self._denied
            else sum(1 for row in self._all_rows if not data.has(store_kind, (cid, _key(row))))
            for kind, store_kind in PER_EMPLOYEE.items()
        }

    def missing_detail_calls(self) -> int:
        """How many per-employee answers ``L`` would fetch now (stored and denied excluded)."""
        return sum(self._missing_details().values())

    def load_all_cost(self) -> ReadCost:
        """What ``L`` costs the customer's API now, as the backend reads department and
        function (calls per employee, or pages of company-wide lists not read yet)."""
        if self.company is None:
            return ReadCost(0, CostUnit.CALLS)
        missing = self._missing_details()
        return self.session.backend.details_cost(
            self.company.id,
            employees=len(self._all_rows),
            departments=missing["department"],
            functions=missing["function"],
        )

    def action_load_details(self) -> None:
        """``L``: ask first (with what it costs), then load with a running count."""
        if self.company is None:
            return
        missing = self.missing_detail_calls()
        total = len(self._all_rows)
        if missing == 0:
            self.notify("Every department and function is loaded already.", timeout=3)
            return
        from tui.screens.confirm import ConfirmScreen

        cost = self.load_all_cost()
        rate = getattr(self.session.settings, "rate_limit_per_s", None)
        pace = f" (at most {rate:.0f} per second)" if rate and cost.count else ""
        question = (
            f"Load department and function of all {total:,} employees?\n\n"
            f"This costs the customer's Nmbrs {cost_words(cost)}{pace}. "
            "esc stops it at any time."
        )
        cid = self.company.id

        def answered(yes: bool | None) -> None:
            if not yes or self.company is None or cid != self.company.id:
                self.set_status("Nothing loaded: department and function stay as they are.")
                return
            self._progress_total = missing
            self._progress_done = 0
            self.set_status(f"Loading departments and functions: 0 of {missing:,}… (esc)")
            self._start_per_employee(cid, everything=True)

        if cost.count == 0:  # read already: nothing to ask the customer's API, so no question
            answered(True)
            return
        self.app.push_screen(ConfirmScreen(question), answered)

    def on_fast_table_row_highlighted(self, event: FastTable.RowHighlighted) -> None:
        """In a big company, fetch department/function for the rows the cursor brings up."""
        row = event.row
        if (
            self.company is None
            or row is None
            or len(self._all_rows) <= AUTO_FILL_LIMIT
            or self.is_loading()
        ):
            return
        if any(row.cells.get(kind) == STOPPED for kind in PER_EMPLOYEE):
            self._start_per_employee(self.company.id)

    def on_fast_table_row_selected(self, event: FastTable.RowSelected) -> None:
        event.stop()
        if self.is_on_top():
            self.open_employee(_key(event.row))

    def show_employee(self, company_id: EntityId, employee_id: EntityId) -> None:
        """Open one employee's detail (palette jump), switching company when needed."""
        if self.company is None or company_id != self.company.id:
            companies = self.session.data.get(COMPANIES, None) or []
            company = next((c for c in companies if company_id == c.id), None)
            if company is None:
                self.notify(
                    f"Company {company_id} is not loaded: open the companies pane (3)",
                    severity="warning",
                )
                return
            self.show_company(company)
        self.open_employee(employee_id)

    def open_employee(self, employee_id: EntityId) -> None:
        """Open the detail screen of one employee of the current company."""
        if self.company is None:
            return
        from tui.screens.employee_detail import EmployeeDetailScreen

        row = next((r for r in self._all_rows if r.key == employee_id), None)
        name = row.cells.get("name", "") if row else ""
        self.app.push_screen(
            EmployeeDetailScreen(
                self.session, self.company, employee_id, name, errors=dict(self.errors)
            )
        )


def _key(row: Row) -> EntityId:
    key = row.key
    assert isinstance(key, int | str)
    return key


def _describe(value: Department | Function | Any | None) -> str:
    if value is None:
        return "– none"
    description = getattr(value, "Description", None) or ""
    code = getattr(value, "Code", None)
    return f"{code} {description}".strip() if code else description
