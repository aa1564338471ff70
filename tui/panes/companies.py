"""Companies pane: every company the account can see, grouped by debtor, with its period.

Loads ``CompanyService.List_GetAll`` (the authoritative list), then — best effort — the debtors
and ``List_GetByDebtor`` per debtor to group them, then ``Company_GetCurrentPeriod`` once per
company in the background with bounded concurrency, filling the column as answers come in.
A missing right for the debtor calls only loses the grouping; a missing right for the period
call marks the column and says which right to enable. ``enter`` posts ``CompanySelected``.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.worker import get_current_worker

from nmbrs_client.backend import Company, number_key
from nmbrs_client.errors import NmbrsError
from nmbrs_client.ids import EntityId
from nmbrs_client.models import CurrentPeriod
from tui.data.kinds import COMPANIES, CURRENT_PERIOD, GROUPING, CompanyGrouping
from tui.failures import describe_error, is_denied, short_error
from tui.keys import Context, bindings
from tui.messages import CompanySelected
from tui.panes.data_pane import DataPane, plain_value, run_bounded
from tui.widgets.fast_table import Column, FastTable, Row
from tui.widgets.table_panel import TablePanel

COLUMNS = [
    Column("debtor", "Debtor", 18),
    # The id is what the call log, faults and `runs --company` speak of; numbers repeat.
    Column("id", "Company id", 10, "right"),
    Column("number", "Number", 6, "right"),
    Column("name", "Name", 24),
    Column("kvk", "KvK", 9),
    # LoonaangifteTijdvak is how often wage tax is filed, not how often people are paid:
    # a weekly payroll can file monthly. The pay period comes from the current period.
    Column("tijdvak", "Tax filing", 10),
    Column("pay", "Pay period", 10, plain=plain_value),
    Column("period", "Current period", 15, plain=plain_value),
]

FILING_PERIODS = {"week4": "4 weeks", "4week": "4 weeks", "week": "week", "month": "month"}
PAY_PERIODS = {"M": "month", "W4": "4 weeks", "W1": "week", "W": "week", "Q": "quarter"}

PERIOD_LOADING = "…"


class CompaniesLoaded(Message, bubble=False):
    """The worker listed the companies and how they group under debtors."""

    def __init__(self, companies: list[Company], grouping: CompanyGrouping) -> None:
        super().__init__()
        self.companies = companies
        self.grouping = grouping


class CompaniesFailed(Message, bubble=False):
    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class PeriodArrived(Message, bubble=False):
    """One company's current period, or why it could not be read."""

    def __init__(
        self, company_id: EntityId, period: CurrentPeriod | None, error: BaseException | None
    ) -> None:
        super().__init__()
        self.company_id = company_id
        self.period = period
        self.error = error


class PeriodsDone(Message, bubble=False):
    """Every period was asked for (``complete``), or the fan-out stopped at a refused right."""

    def __init__(self, complete: bool, denied: BaseException | None) -> None:
        super().__init__()
        self.complete = complete
        self.denied = denied


class CompaniesPane(DataPane):
    """Pane 3: companies by debtor; ``enter`` opens the company's employees."""

    BINDINGS = bindings(Context.COMPANIES)

    def __init__(self, session: Any, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(session, id=id, classes=classes)
        self.panel = TablePanel(
            "Companies",
            COLUMNS,
            export_name="companies",
            download_dir=lambda: self.session.download_dir,
            empty_text="No companies loaded yet",
        )
        self.loaded = False
        self._period_note = ""

    def compose(self) -> ComposeResult:
        yield self.status
        yield self.panel

    @property
    def table(self) -> FastTable:
        return self.panel.table

    # ------------------------------------------------------------- protocol
    def on_show_pane(self) -> None:
        if not self.loaded and not self.is_loading():
            self.load()
        self.table.focus()

    def refresh_data(self) -> None:
        self.session.data.invalidate_kinds(COMPANIES, GROUPING, CURRENT_PERIOD)
        self.load()

    def load(self) -> None:
        data = self.session.data
        companies = data.get(COMPANIES, None)
        grouping = data.get(GROUPING, None)
        if companies is not None and grouping is not None:
            self._show_companies(companies, grouping)
            return
        self.set_status("Loading companies… (esc cancels)")
        self._fetch_companies()

    # --------------------------------------------------------------- workers
    @work(thread=True, exclusive=True, group="companies", exit_on_error=False)
    def _fetch_companies(self) -> None:
        worker = get_current_worker()
        data = self.session.data
        try:
            # The connection check has usually listed the companies already.
            companies = data.fetch(COMPANIES, None)
        except NmbrsError as error:
            if not worker.is_cancelled:
                self.post_message(CompaniesFailed(error))
            return
        if worker.is_cancelled:
            return
        grouping = data.fetch(GROUPING, None)  # never raises: a refusal becomes its note
        if not worker.is_cancelled:
            self.post_message(CompaniesLoaded(companies, grouping))

    @work(thread=True, exclusive=True, group="company-periods", exit_on_error=False)
    def _fetch_periods(self, company_ids: list[EntityId]) -> None:
        worker = get_current_worker()
        data = self.session.data
        denied: list[BaseException] = []

        def on_done(
            cid: EntityId, result: CurrentPeriod | None, error: BaseException | None
        ) -> bool:
            if not worker.is_cancelled:
                self.post_message(PeriodArrived(cid, result, error))
            if error is not None and is_denied(error):
                denied.append(error)
                return False
            return True

        complete = run_bounded(
            company_ids,
            lambda cid: data.fetch(CURRENT_PERIOD, cid),
            self.session.backend.concurrency,
            on_done,
            lambda: worker.is_cancelled,
        )
        if not worker.is_cancelled:
            self.post_message(PeriodsDone(complete, denied[0] if denied else None))

    # -------------------------------------------------------------- handlers
    @on(CompaniesLoaded)
    def _on_companies_loaded(self, message: CompaniesLoaded) -> None:
        self._show_companies(message.companies, message.grouping)

    @on(CompaniesFailed)
    def _on_companies_failed(self, message: CompaniesFailed) -> None:
        self._companies_failed(message.error)

    @on(PeriodArrived)
    def _on_period(self, message: PeriodArrived) -> None:
        self._set_period(message.company_id, message.period, message.error)

    @on(PeriodsDone)
    def _on_periods_done(self, message: PeriodsDone) -> None:
        self._periods_finished(message.complete, message.denied)

    def _companies_failed(self, error: BaseException) -> None:
        self.show_error(error, "Companies could not be loaded")

    def _show_companies(self, companies: list[Company], grouping: CompanyGrouping) -> None:
        self.loaded = True
        data = self.session.data
        note = grouping.note
        rows = []
        for company in companies:
            debtor = grouping.debtor_of.get(company.id)
            debtor_label = f"{debtor.number or debtor.id} {debtor.name}".strip() if debtor else "—"
            period = data.get(CURRENT_PERIOD, company.id)
            known = data.has(CURRENT_PERIOD, company.id)
            cells = {
                "debtor": debtor_label,
                "id": str(company.id),
                "number": company.number,
                "name": company.name,
                "kvk": company.kvk or "",
                "tijdvak": _filing_text(company.tax_period),
                "pay": _pay_text(period) if known else PERIOD_LOADING,
                "period": _period_text(period) if known else PERIOD_LOADING,
            }
            number = number_key(company.number)
            values = {
                "id": company.id,
                "number": number,
                "debtor": (debtor_label.lower(), number),
            }
            rows.append(Row(company.id, cells, values, data=company))
        if self.table.sort_column is None:
            self.table.sort_column = "debtor"  # grouped by debtor unless the user sorts
        self.table.set_rows(rows)
        self._period_note = ""
        debtors = len({r.cells["debtor"] for r in rows})
        text = f"{len(rows)} companies of {debtors} debtor(s). enter opens the employees."
        self.set_status(f"{text} {note}".strip(), error=bool(note))
        missing = [c.id for c in companies if not data.has(CURRENT_PERIOD, c.id)]
        if missing:
            self._fetch_periods(self._visible_first(missing))

    def _visible_first(self, company_ids: list[EntityId]) -> list[EntityId]:
        wanted = set(company_ids)
        order = [row.key for row in self.table.visible_rows if row.key in wanted]
        start = self.table.visible_range().start
        ordered = order[start:] + order[:start]
        return [k for k in ordered if isinstance(k, int | str)]

    def _set_period(
        self, cid: EntityId, period: CurrentPeriod | None, error: BaseException | None
    ) -> None:
        if error is None:
            self.table.update_row(
                cid,
                {"period": _period_text(period), "pay": _pay_text(period)},
                {"period": period.raw if period else ""},
            )
        else:
            self.table.update_row(cid, {"period": short_error(error), "pay": "–"})
            if not self._period_note:
                self._period_note = describe_error(error)

    def _periods_finished(self, complete: bool, denied: BaseException | None) -> None:
        if denied is not None:
            for row in self.table.rows:
                if row.cells.get("period") == PERIOD_LOADING:
                    self.table.update_row(row.key, {"period": "✗ not available", "pay": "–"})
            self.set_status(f"Current periods not available: {describe_error(denied)}", error=True)
        elif self._period_note:
            self.set_status(
                f"Some current periods failed: {self._period_note} (r retries)", error=True
            )
        elif not complete:
            self.set_status("Loading current periods stopped (p resumes).")

    def action_load_periods(self) -> None:
        data = self.session.data
        companies = data.get(COMPANIES, None) or []
        missing = [c.id for c in companies if not data.has(CURRENT_PERIOD, c.id)]
        if missing:
            self.set_status(f"Loading {len(missing)} current periods… (esc cancels)")
            self._fetch_periods(self._visible_first(missing))

    def cancel_load(self) -> None:
        super().cancel_load()
        for row in self.table.rows:
            if row.cells.get("period") == PERIOD_LOADING:
                self.table.update_row(row.key, {"period": "– (p loads)", "pay": "–"})

    def on_fast_table_row_selected(self, event: FastTable.RowSelected) -> None:
        event.stop()
        company = event.row.data
        if isinstance(company, Company):
            self.post_message(CompanySelected(company, chosen_on="companies"))


def _period_text(period: CurrentPeriod | None) -> str:
    if period is None:
        return "– none"
    if period.year is None or period.period is None:
        return period.raw
    return f"{period.year} period {period.period}"


def _pay_text(period: CurrentPeriod | None) -> str:
    """How often the company pays: the type of its current period (M, W4, W1)."""
    if period is None or not period.period_type:
        return "–"
    return PAY_PERIODS.get(period.period_type, period.period_type)


def _filing_text(tijdvak: str | None) -> str:
    """Nmbrs sends the filing period in English (``Month``, ``Week4``); say it plainly."""
    text = (tijdvak or "").strip().lower()
    return FILING_PERIODS.get(text, text)
