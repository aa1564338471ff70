"""Payroll pane: the selected company's runs per year, who is in a run, and their documents.

``[``/``]`` change the year (this year and the four before), ``enter`` on a run lists its
employees (``Run_GetEmployeesByRunCompany``, names joined from the cached employee list),
``p`` fetches the highlighted employee's payslip for the run and ``a`` the annual statement
for the year. Either opens the document's text in a viewer and writes nothing; ``s`` in the
viewer saves it, with mode 0600, into the session's download folder and shows the full path. The payslip uses the
``_v2`` operation with the run's year; if the template denies ``_v2`` (1002) and the run is in
the current year, the older operation (which takes the company's current year) is tried
(that choice lives in the SOAP backend; the pane shows the note it returns).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from nmbrs_client.backend import Company, Documents, Employee, PayrollRun, RunEmployee
from nmbrs_client.errors import NmbrsError
from nmbrs_client.ids import EntityId
from tui.data.kinds import ANNUAL_STATEMENT, EMPLOYEES, PAYSLIPS, RUN_EMPLOYEES, RUNS
from tui.export import document_stem
from tui.failures import describe_error
from tui.keys import Context, bindings
from tui.panes.data_pane import LOAD_CANCELLED, DataPane
from tui.screens.pdf_view import PdfViewScreen, extract_pdf_text
from tui.widgets.fast_table import Column, FastTable, Row
from tui.widgets.table_panel import TablePanel

RUN_COLUMNS = [
    Column("number", "Run", 5, "right"),
    Column("periods", "Periods", 8),
    Column("description", "Description", 30),
    Column("run_at", "Run date", 16),
    Column("locked", "State", 10),
]

EMPLOYEE_COLUMNS = [
    Column("number", "Nr", 6, "right"),
    Column("name", "Name", 30),
    Column("id", "Employee id", 11, "right"),
]

YEARS_BACK = 4


class LoadFailed(Message, bubble=False):
    """A list could not be loaded; ``what`` names it for the status line."""

    def __init__(self, error: BaseException, what: str) -> None:
        super().__init__()
        self.error = error
        self.what = what


class RunsLoaded(Message, bubble=False):
    def __init__(self, company_id: EntityId, year: int, runs: list[PayrollRun]) -> None:
        super().__init__()
        self.company_id = company_id
        self.year = year
        self.runs = runs


class RunEmployeesLoaded(Message, bubble=False):
    """The run's members are in the store; ``note`` says why their names may be missing."""

    def __init__(self, company_id: EntityId, run: PayrollRun, note: BaseException | None) -> None:
        super().__init__()
        self.company_id = company_id
        self.run = run
        self.note = note


class DocumentFailed(Message, bubble=False):
    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class DocumentMissing(Message, bubble=False):
    """Nmbrs answered with no PDF; ``text`` says which one."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class DocumentReady(Message, bubble=False):
    """The PDFs and their text, ready to show (nothing is written to disk)."""

    def __init__(self, title: str, stem: str, pdfs: list[bytes], text: str) -> None:
        super().__init__()
        self.title = title
        self.stem = stem
        self.pdfs = pdfs
        self.text = text


class PayrollPane(DataPane):
    """Pane 5: runs, employees of a run, payslip and annual statement PDFs."""

    BINDINGS = bindings(Context.PAYROLL)

    DEFAULT_CSS = """
    PayrollPane > #payroll-year {
        height: 1;
        padding: 0 1;
        text-style: bold;
    }
    """

    def __init__(self, session: Any, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(session, id=id, classes=classes)
        this_year = self.session.today.year
        self.years = [this_year - i for i in range(YEARS_BACK + 1)]
        self.year = this_year
        self.company: Company | None = None
        self.run: PayrollRun | None = None
        self.year_line = Static("", id="payroll-year", markup=False)
        self.runs_panel = TablePanel(
            "Runs",
            RUN_COLUMNS,
            export_name="runs",
            download_dir=lambda: self.session.download_dir,
            empty_text="Choose a company in the companies pane (3)",
        )
        self.people_panel = TablePanel(
            "Employees in run",
            EMPLOYEE_COLUMNS,
            export_name="run-employees",
            download_dir=lambda: self.session.download_dir,
            empty_text="enter on a run lists its employees",
        )
        self.last_saved: Path | None = None  # set only when the user saves a PDF (s)
        self.saved_paths: list[Path] = []

    def compose(self) -> ComposeResult:
        yield self.status
        yield self.year_line
        yield self.runs_panel
        yield self.people_panel

    def on_mount(self) -> None:
        self._render_year()

    @property
    def runs_table(self) -> FastTable:
        return self.runs_panel.table

    @property
    def people_table(self) -> FastTable:
        return self.people_panel.table

    # ------------------------------------------------------------- protocol
    def show_company(self, company: Company) -> None:
        if self.company is not None and self.company.id == company.id:
            return
        self.cancel_load()
        self.company = company
        self.run = None
        self.runs_table.empty_text = f"Loading the runs of {self.year}…"
        self.runs_table.clear()
        self.people_table.clear()
        self.load_runs()

    def cancel_load(self) -> None:
        if self.is_loading() and not self.runs_table.total_count:  # its empty table says so too
            self.runs_table.empty_text = LOAD_CANCELLED
            self.runs_table.refresh()
        super().cancel_load()

    def on_show_pane(self) -> None:
        if self.company is not None and not self.runs_table.total_count and not self.is_loading():
            self.load_runs()
        self.runs_table.focus()

    def refresh_data(self) -> None:
        if self.company is None:
            return
        cid = self.company.id
        self.session.data.invalidate(RUNS, (cid, self.year))
        self.session.data.invalidate_company(cid, (RUN_EMPLOYEES,))
        self.load_runs()
        if self.run is not None:
            self.load_run_employees(self.run)

    def load_runs(self) -> None:
        if self.company is None:
            return
        self._render_year()
        cid = self.company.id
        runs = self.session.data.get(RUNS, (cid, self.year))
        if runs is not None:
            self._show_runs(cid, self.year, runs)
            return
        self.set_status(f"Loading runs of {self.year}… (esc cancels)")
        self._fetch_runs(cid, self.year)

    def load_run_employees(self, run: PayrollRun) -> None:
        if self.company is None:
            return
        previous, self.run = self.run, run
        cid = self.company.id
        data = self.session.data
        self.people_panel.set_title(
            f"Employees in run {run.number} of {run.year} ({run.periods_label()})"
        )
        if data.has(RUN_EMPLOYEES, (cid, run)) and data.has(EMPLOYEES, cid):
            self._show_run_employees(cid, run, None)
            return
        if previous is None or (previous.id, previous.year) != (run.id, run.year):
            self.people_table.clear()  # a refresh of the same run keeps its rows on screen
        self.set_status(f"Loading employees of run {run.number}… (esc cancels)")
        self._fetch_run_employees(cid, run)

    # --------------------------------------------------------------- workers
    @work(thread=True, exclusive=True, group="payroll-runs", exit_on_error=False)
    def _fetch_runs(self, cid: EntityId, year: int) -> None:
        worker = get_current_worker()
        try:
            runs = self.session.data.fetch(RUNS, (cid, year))
        except NmbrsError as error:
            if not worker.is_cancelled:
                self.post_message(LoadFailed(error, f"Runs of {year}"))
            return
        if not worker.is_cancelled:
            self.post_message(RunsLoaded(cid, year, runs))

    @work(thread=True, exclusive=True, group="payroll-run-employees", exit_on_error=False)
    def _fetch_run_employees(self, cid: EntityId, run: PayrollRun) -> None:
        worker = get_current_worker()
        data = self.session.data
        note: BaseException | None = None
        try:
            data.fetch(EMPLOYEES, cid)
        except NmbrsError as error:
            note = error  # names stay empty; the run's members still show
        try:
            data.fetch(RUN_EMPLOYEES, (cid, run))
        except NmbrsError as error:
            if not worker.is_cancelled:
                self.post_message(LoadFailed(error, f"Employees of run {run.number}"))
            return
        if not worker.is_cancelled:
            self.post_message(RunEmployeesLoaded(cid, run, note))

    @work(thread=True, exclusive=True, group="payroll-pdf", exit_on_error=False)
    def _fetch_document(
        self,
        kind: str,
        cid: EntityId,
        company_number: str,
        company_name: str,
        employee_id: EntityId,
        employee_number: int,
        name: str,
        run: PayrollRun | None,
        year: int,
    ) -> None:
        worker = get_current_worker()
        data = self.session.data
        documents: Documents
        try:
            if kind == "payslip":
                assert run is not None
                documents = data.fetch(PAYSLIPS, (cid, employee_id, run))
                title = (
                    f"Payslip of {name or employee_number}, run {run.number} of "
                    f"{run.year} ({run.periods_label()})"
                )
                stem = document_stem(
                    "payslip",
                    company_id=cid,
                    company_number=company_number,
                    company_name=company_name,
                    employee_id=employee_id,
                    employee_number=employee_number,
                    year=run.year,
                    run_number=run.number,
                )
                missing = (
                    f"Nmbrs returned no payslip for {name or employee_number} in run "
                    f"{run.number} of {run.year}."
                )
            else:
                documents = data.fetch(ANNUAL_STATEMENT, (cid, employee_id, year))
                title = f"Annual statement {year} of {name or employee_number}"
                stem = document_stem(
                    "annual-statement",
                    company_id=cid,
                    company_number=company_number,
                    company_name=company_name,
                    employee_id=employee_id,
                    employee_number=employee_number,
                    year=year,
                )
                missing = (
                    f"Nmbrs returned no annual statement {year} for {name or employee_number}."
                )
        except NmbrsError as error:
            if not worker.is_cancelled:
                self.post_message(DocumentFailed(error))
            return
        note = documents.note
        pdfs = list(documents.pdfs)
        if not pdfs:
            if not worker.is_cancelled:
                self.post_message(DocumentMissing(missing))
            return
        text = "\n\n".join(extract_pdf_text(pdf) for pdf in pdfs)
        if not worker.is_cancelled:
            self.post_message(DocumentReady(title + note, stem, pdfs, text))

    # -------------------------------------------------------------- handlers
    @on(LoadFailed)
    def _on_load_failed(self, message: LoadFailed) -> None:
        self.show_error(message.error, message.what)

    @on(RunsLoaded)
    def _on_runs(self, message: RunsLoaded) -> None:
        self._show_runs(message.company_id, message.year, message.runs)

    @on(RunEmployeesLoaded)
    def _on_run_employees(self, message: RunEmployeesLoaded) -> None:
        self._show_run_employees(message.company_id, message.run, message.note)

    @on(DocumentFailed)
    def _on_document_failed(self, message: DocumentFailed) -> None:
        self._document_failed(message.error)

    @on(DocumentMissing)
    def _on_document_missing(self, message: DocumentMissing) -> None:
        self.set_status(message.text, error=True)

    @on(DocumentReady)
    def _on_document_ready(self, message: DocumentReady) -> None:
        self._document_ready(message.title, message.stem, message.pdfs, message.text)

    def _render_year(self) -> None:
        older = "◀ [" if self.year > self.years[-1] else "  "
        newer = "] ▶" if self.year < self.years[0] else "  "
        company = f" · {self.company.number} {self.company.name}" if self.company else ""
        self.year_line.update(f"Year {older} {self.year} {newer}{company}")

    def _show_runs(self, cid: EntityId, year: int, runs: list[PayrollRun]) -> None:
        if self.company is None or cid != self.company.id or year != self.year:
            return
        rows = []
        for run in runs:
            cells = {
                "number": str(run.number),
                "periods": run.periods_label(),
                "description": run.description,
                "run_at": run.run_at.strftime("%d-%m-%Y %H:%M") if run.run_at else "",
                "locked": "✓ locked" if run.locked else "○ open",
            }
            values = {
                "number": run.number,
                "periods": (run.period_start, run.period_end),
                "run_at": run.run_at,
            }
            rows.append(Row(run.id, cells, values, data=run))
        # The company is chosen now: the empty table says what is true for it, not "choose one".
        self.runs_table.empty_text = f"No runs in {year} for this company ([ ] change the year)"
        self.runs_table.set_rows(rows)
        self.runs_panel.set_title(f"Runs of {year}")
        self.set_status(
            f"{len(runs)} runs in {year}. enter lists a run's employees; [ ] change the year."
            if runs
            else f"No runs in {year}."
        )

    def _show_run_employees(
        self, cid: EntityId, run: PayrollRun, note: BaseException | None
    ) -> None:
        if self.company is None or cid != self.company.id:
            return
        data = self.session.data
        members = data.get(RUN_EMPLOYEES, (cid, run)) or []
        names: dict[EntityId, Employee] = {e.id: e for e in data.get(EMPLOYEES, cid) or []}
        rows = []
        for member in members:
            employee = names.get(member.employee_id)
            cells = {
                "number": str(member.employee_number),
                "name": employee.name if employee else "",
                "id": str(member.employee_id),
            }
            rows.append(
                Row(
                    member.employee_id,
                    cells,
                    {"number": member.employee_number, "id": member.employee_id},
                    data=member,
                )
            )
        self.people_table.set_rows(rows, keep_cursor=False)
        text = (
            f"{len(rows)} employees in run {run.number} of {run.year}. p payslip · "
            f"a annual statement {self.year}."
        )
        if note is not None:
            self.set_status(f"{text} Names not available: {describe_error(note)}", error=True)
        else:
            self.set_status(text)
        if rows:
            self.people_table.focus()

    def _document_failed(self, error: BaseException) -> None:
        self.set_status(f"PDF not fetched: {describe_error(error)}", error=True)
        self.notify(describe_error(error), title="PDF not fetched", severity="error", timeout=10)

    def _document_ready(self, title: str, stem: str, pdfs: list[bytes], text: str) -> None:
        self.set_status(f"{title}: on screen, not saved (s in the viewer saves it).")
        self.app.push_screen(
            PdfViewScreen(
                title,
                text,
                pdfs=pdfs,
                stem=stem,
                download_dir=lambda: self.session.download_dir,
                on_saved=self._saved,
            )
        )

    def _saved(self, paths: list[Path]) -> None:
        self.last_saved = paths[0]
        self.saved_paths = list(paths)
        self.set_status(f"Saved {', '.join(str(p) for p in paths)}")

    # --------------------------------------------------------------- actions
    def action_year(self, step: int) -> None:
        position = self.years.index(self.year) - step  # years run newest first
        if not 0 <= position < len(self.years):
            self.notify("No further years", timeout=2)
            return
        self.year = self.years[position]
        self.run = None
        self.people_table.clear()
        self.people_panel.set_title("Employees in run")
        self.load_runs()

    def on_fast_table_row_selected(self, event: FastTable.RowSelected) -> None:
        event.stop()
        if not self.is_on_top():
            return
        if event.table is self.runs_table and isinstance(event.row.data, PayrollRun):
            self.load_run_employees(event.row.data)
        elif event.table is self.people_table:
            self.action_payslip()

    def _selected_employee(self) -> tuple[EntityId, int, str] | None:
        row = self.people_table.current_row
        if row is None or not isinstance(row.data, RunEmployee):
            self.notify("Choose a run (enter) and an employee first", severity="warning", timeout=4)
            return None
        return row.data.employee_id, row.data.employee_number, row.cells.get("name", "")

    def action_payslip(self) -> None:
        chosen = self._selected_employee()
        if chosen is None or self.company is None or self.run is None:
            return
        employee_id, number, name = chosen
        self.set_status(f"Fetching the payslip of {name or number}… (esc cancels)")
        self._fetch_document(
            "payslip",
            self.company.id,
            self.company.number,
            self.company.name,
            employee_id,
            number,
            name,
            self.run,
            self.run.year,
        )

    def action_annual_statement(self) -> None:
        chosen = self._selected_employee()
        if chosen is None or self.company is None:
            return
        employee_id, number, name = chosen
        self.set_status(
            f"Fetching the annual statement {self.year} of {name or number}… (esc cancels)"
        )
        self._fetch_document(
            "annual",
            self.company.id,
            self.company.number,
            self.company.name,
            employee_id,
            number,
            name,
            None,
            self.year,
        )
