"""Employee detail: everything a support engineer checks about one employee, on one screen.

Per-employee calls (``PersonalInfo_GetCurrent``, ``Department_GetCurrent``,
``Function_GetCurrent``, ``BankAccount_GetListCurrent``) run in parallel in a worker; employment
history, contract/salary/address and the schedule come from the company-wide calls, taken from
the data store (fetched once if the store does not have them). Each section stands alone: a
denied call (1002) shows "not available: <meaning — hint>" for that section and the rest still
shows. BSN, IBAN, salary, birth date and address are masked until ``v``; a new screen always
starts masked, so leaving the screen forgets the reveal.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.worker import get_current_worker

from nmbrs_client.backend import Company
from nmbrs_client.ids import EntityId
from nmbrs_client.models import (
    BankAccount,
    EmployeeEmployments,
    EmployeeSchedules,
    PersonalInfo,
    PersonalInfoContractSalaryAddress,
)
from tui.data.kinds import (
    BANK_ACCOUNTS,
    CONTRACTS,
    DEPARTMENT,
    EMPLOYMENTS,
    FUNCTION,
    PERSONAL_INFO,
    SCHEDULES,
    Kind,
)
from tui.failures import describe_error, not_available
from tui.keys import Context, bindings
from tui.screens.scrolling import ScrollingScreen
from tui.widgets.footer import Footer
from tui.widgets.masking import Reveal
from tui.widgets.page_progress import PageProgress, PageRead, watch_pages

SECTIONS: list[tuple[str, str]] = [
    ("personal", "Personal info"),
    ("employment", "Employment history"),
    ("contract", "Contract, salary and address"),
    ("schedule", "Schedule"),
    ("department", "Department"),
    ("function", "Function"),
    ("bank", "Bank accounts"),
]

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LOADING = "loading…"
_MIN = datetime.min


class EmployeeDetailScreen(ScrollingScreen):
    """One employee; ``v`` reveals personal data on this screen only, ``esc`` goes back."""

    BINDINGS = bindings(Context.DETAIL)

    DEFAULT_CSS = """
    EmployeeDetailScreen > #detail-header {
        height: auto;
        padding: 0 1;
        background: $boost;
        text-style: bold;
    }
    EmployeeDetailScreen > #detail-progress {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    EmployeeDetailScreen .detail-section {
        padding: 0 1 1 1;
        height: auto;
    }
    EmployeeDetailScreen #detail-body {
        height: 1fr;
    }
    """

    def __init__(
        self,
        session: Any,
        company: Company,
        employee_id: EntityId,
        name: str = "",
        *,
        errors: dict[str, BaseException] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.company = company
        self.employee_id = employee_id
        self.employee_name = name
        self.reveal = Reveal()
        # Section name -> loaded value, or the exception that prevented loading it.
        self.results: dict[str, Any] = {}
        # Sections whose refresh failed while an older value is shown: section -> error.
        self.stale: dict[str, BaseException] = {}
        self.pending: set[str] = {key for key, _ in SECTIONS}
        self._company_errors = dict(errors or {})
        self.header = Static("", id="detail-header", markup=False)
        self.progress = PageProgress()
        self.progress_line = Static("", id="detail-progress", markup=False)
        self._unsubscribe: Callable[[], None] | None = None
        self.body = VerticalScroll(id="detail-body")
        self.section_widgets = {
            key: Static(LOADING, classes="detail-section", markup=False, id=f"section-{key}")
            for key, _ in SECTIONS
        }
        self.section_texts: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.progress_line
        with self.body:
            yield from self.section_widgets.values()
        yield Footer()

    def on_mount(self) -> None:
        self.body.can_focus = True
        self.body.focus()
        log = getattr(self.session.backend, "call_log", None)
        self._unsubscribe = watch_pages(self, log, lambda: bool(self.pending))
        self._render_all()
        self._start_fetch(False)

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def on_page_read(self, message: PageRead) -> None:
        if (
            self.progress.add(message.record, self.company.id)
            and self.pending
            and self.progress.text()
            and self.progress.due()
        ):
            self.progress_line.update(f"reading company-wide lists: {self.progress.text()}")

    def _start_fetch(self, force: bool) -> None:
        self.progress.reset()
        self._fetch(force)

    # --------------------------------------------------------------- worker
    @work(thread=True, exclusive=True, group="employee-detail", exit_on_error=False)
    def _fetch(self, force: bool) -> None:
        worker = get_current_worker()
        data = self.session.data
        eid, cid = self.employee_id, self.company.id
        # Personal info and bank accounts are never kept (read fresh on every open).
        sources: dict[str, tuple[Kind[Any, Any], object]] = {
            "personal": (PERSONAL_INFO, (cid, eid)),
            "department": (DEPARTMENT, (cid, eid)),
            "function": (FUNCTION, (cid, eid)),
            "bank": (BANK_ACCOUNTS, (cid, eid)),
            "employment": (EMPLOYMENTS, cid),
            "contract": (CONTRACTS, cid),
            "schedule": (SCHEDULES, cid),
        }

        def one(section: str) -> tuple[str, Any]:
            kind, key = sources[section]
            try:
                return section, data.fetch(kind, key, force=force)
            except Exception as error:  # shown per section, never crashes the screen
                return section, error

        with ThreadPoolExecutor(max_workers=4, thread_name_prefix="detail") as pool:
            for section, value in pool.map(one, list(sources)):
                if worker.is_cancelled:
                    return
                self.app.call_from_thread(self._arrived, section, value)

    def _arrived(self, section: str, value: Any) -> None:
        self.pending.discard(section)
        old = self.results.get(section)
        if (
            isinstance(value, BaseException)
            and section in self.results
            and not isinstance(old, BaseException)
        ):
            self.stale[section] = value  # keep what the user was reading, say it is old
        else:
            self.stale.pop(section, None)
            self.results[section] = value
        self._render_section(section)
        if not self.pending:
            self.progress_line.update("")
        if section == "personal" and isinstance(value, PersonalInfo) and value.DisplayName:
            self.employee_name = value.DisplayName
            self._render_header()

    # ------------------------------------------------------------ rendering
    def _render_all(self) -> None:
        self._render_header()
        for key, _ in SECTIONS:
            self._render_section(key)

    def _render_header(self) -> None:
        name = self.employee_name or f"employee {self.employee_id}"
        self.header.update(
            f"{name} · id {self.employee_id} · company {self.company.number} "
            f"{self.company.name} · {self.reveal.label}"
        )

    def _render_section(self, section: str) -> None:
        title = dict(SECTIONS)[section]
        if section not in self.results:
            body = LOADING
        else:
            value = self.results[section]
            if isinstance(value, BaseException):
                body = not_available(value)
            else:
                try:
                    body = getattr(self, f"_text_{section}")(value)
                except Exception as error:  # a surprising record must not break the screen
                    body = f"could not be shown: {describe_error(error)}"
        if section in self.stale:
            body += (
                f"\n  ✗ refresh failed: {describe_error(self.stale[section])} "
                "(showing the last loaded; r retries)"
            )
        elif section in self.pending and section in self.results:
            body += "\n  refreshing…"
        text = f"{title}\n{body}"
        self.section_texts[section] = text
        self.section_widgets[section].update(text)

    def rendered_text(self) -> str:
        """Everything the screen shows, in order (used by copy and tests)."""
        header = str(self.header.content)
        return "\n\n".join([header, *(self.section_texts.get(k, "") for k, _ in SECTIONS)])

    def _text_personal(self, info: PersonalInfo | None) -> str:
        if info is None:
            return "  – no personal record"
        r = self.reveal
        lines = [
            (
                "Name",
                info.DisplayName
                or " ".join(p for p in (info.FirstName, info.Prefix, info.LastName) if p),
            ),
            ("Employee number", str(info.EmployeeNumber or info.Number)),
            ("Initials", info.Initials or ""),
            ("Gender", info.Gender or ""),
            ("Birth date", r.date(info.Birthday, "birth date")),
            ("BSN", r.bsn(info.BSN)),
            ("Nationality", nationality_text(info.NationalityCode)),
            ("Place of birth", info.PlaceOfBirth or ""),
            ("E-mail (work)", info.EmailWork or ""),
            ("Phone (work)", info.TelephoneWork or ""),
        ]
        return _pairs(lines)

    def _text_employment(self, records: list[EmployeeEmployments]) -> str:
        mine = next((e for e in records if e.EmployeeId == self.employee_id), None)
        if mine is None or not mine.Employments:
            return "  – no employment records"
        lines = []
        r = self.reveal
        for job in sorted(
            mine.Employments, key=lambda e: e.StartDate or e.CreationDate or _MIN, reverse=True
        ):
            end = r.date(job.EndDate, "employment end") if job.EndDate else "open-ended"
            initial = (
                f" (initial start {r.date(job.InitialStartDate, 'employment start')})"
                if job.InitialStartDate and job.InitialStartDate != job.StartDate
                else ""
            )
            lines.append(
                f"  • {r.date(job.StartDate, 'employment start')} – {end}{initial} "
                f"[employment {job.EmploymentId}]"
            )
        return "\n".join(lines)

    def _text_contract(self, records: list[PersonalInfoContractSalaryAddress]) -> str:
        mine = next((p for p in records if p.EmployeeID == self.employee_id), None)
        if mine is None:
            return "  – no contract record"
        r = self.reveal
        street = " ".join(p for p in (mine.Street, mine.HouseNumber, mine.HouseNumberAddition) if p)
        address = ", ".join(
            p for p in (street, " ".join(p for p in (mine.PostCode, mine.City) if p)) if p
        )
        contract_end = (
            r.date(mine.ContractEndDate, "contract end") if mine.ContractEndDate else "open-ended"
        )
        lines = [
            ("Contract", f"{r.date(mine.ContractStartDate, 'contract start')} – {contract_end}"),
            ("Contract hours", "" if mine.ContractHours is None else f"{mine.ContractHours}"),
            ("Salary type", salary_type_words(mine.SalaryType)),
            ("Salary", r.money(mine.SalaryValue)),
            ("Hourly wage", r.money(mine.HourlyWage)),
            ("Birth date", r.date(mine.Birthday, "birth date")),
            ("BSN", r.bsn(mine.BSN)),
            ("Address", r.address(address)),
        ]
        return _pairs(lines)

    def _text_schedule(self, records: list[EmployeeSchedules]) -> str:
        mine = next((s for s in records if s.EmployeeId == self.employee_id), None)
        if mine is None or not mine.Schedules:
            return "  – no schedule"
        current = max(mine.Schedules, key=lambda s: s.StartDate or s.CreationDate or _MIN)
        head = "  Week " + " ".join(f"{d:>5}" for d in DAYS) + "  Total"
        lines = [
            f"  from {self.reveal.date(current.StartDate, 'schedule start')}"
            + (
                f" · part-time {current.ParttimePercentage}%"
                if current.ParttimePercentage is not None
                else ""
            )
            + (" · two-week rota" if current.is_rota else ""),
            head,
        ]
        for week in (1, 2):
            hours = current.week(week)
            lines.append(
                f"  {week:>4} " + " ".join(f"{h:>5}" for h in hours) + f"  {sum(hours):>5}"
            )
        if len(mine.Schedules) > 1:
            lines.append(f"  ({len(mine.Schedules) - 1} earlier schedule(s) in the history)")
        return "\n".join(lines)

    def _text_department(self, value: Any) -> str:
        if value is None:
            return "  – none"
        return f"  {value.Code} {value.Description or ''}".rstrip()

    def _text_function(self, value: Any) -> str:
        return self._text_department(value)

    def _text_bank(self, accounts: list[BankAccount]) -> str:
        if not accounts:
            return "  – no bank accounts"
        lines = []
        for account in accounts:
            number = self.reveal.iban(account.IBAN or account.Number)
            extra = " · ".join(
                p for p in (account.Type, account.BIC, account.Name, account.Description) if p
            )
            lines.append(f"  • {number}  {extra}")
        return "\n".join(lines)

    # -------------------------------------------------------------- actions
    def mask_personal_data(self) -> bool:
        """Mask again (before a screenshot); ``True`` when data was revealed."""
        was = self.reveal.revealed
        self.reveal.reset()
        if was:
            self._render_all()
        return was

    def action_toggle_reveal(self) -> None:
        self.reveal.toggle()
        self._render_all()

    def action_close(self) -> None:
        self.reveal.reset()
        self.dismiss(None)

    def is_loading(self) -> bool:
        return bool(self.pending)

    def action_reload(self) -> None:
        """Refetch every section; what is shown stays until a newer answer replaces it."""
        self.session.data.forget_kept(self.company.id)  # the backend's lists of it too
        self.pending = {key for key, _ in SECTIONS}
        self._render_all()
        self._start_fetch(True)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.rendered_text())
        self.notify(
            "Copied the employee detail as shown"
            + (" (revealed)" if self.reveal.revealed else " (masked)"),
            timeout=3,
        )


def nationality_text(code: int | str | None) -> str:
    """The nationality as the API gives it, labelled for what it is: an ISO code, or Nmbrs'
    own number (no public list of these numbers can be cited to turn one into a country, so
    it is shown as is, never guessed)."""
    if code is None or code == "":
        return ""
    if isinstance(code, int):
        return f"{code} (Nmbrs' nationality code, shown as is: no public list to translate it)"
    return f"{code} (ISO code)"


def _pairs(lines: list[tuple[str, str]]) -> str:
    return "\n".join(f"  {label + ':':<17} {value}" for label, value in lines if value != "")


def salary_type_words(value: str | None) -> str:
    """Nmbrs' salary type (SOAP ``Bruto_Salaris_Fulltime``, REST ``grossFulltimeSalary``) as
    the words it is made of."""
    if not value or value == "None":
        return ""
    import re

    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value).replace("_", " ")
    return words.lower().capitalize()
