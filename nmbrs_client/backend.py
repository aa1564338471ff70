"""The backend boundary: what the dashboard and the headless commands ask of Nmbrs.

Nmbrs has two APIs, SOAP v3 (ending 2027-03-01) and REST (OAuth 2.0). The panes, the palette
and the headless commands talk to one :class:`Backend`; ``nmbrs_client.soap_backend`` and the
REST backend implement it. Nothing above this line knows which protocol answered.

Ids are opaque (:data:`~nmbrs_client.ids.EntityId`, beside :class:`~nmbrs_client.ids.ApiKind`
in :mod:`nmbrs_client.ids`); :func:`nmbrs_client.connect.open_backend` picks the backend. The
numbers people read (company number, employee number, run number) travel beside
the ids and are what screens, file names and search show first.

Errors: a backend raises :class:`~nmbrs_client.errors.NmbrsError` subclasses only. An API
refusal is an :class:`~nmbrs_client.errors.NmbrsFault` (or a subclass of it) whose ``category``
says what it means, so callers act on :class:`~nmbrs_client.errors.FaultCategory` (for example
``ENDPOINT_RIGHT_MISSING`` stops a per-row fan-out, ``AUTHENTICATION`` fails the connection)
without knowing the protocol's codes. Problems below the API are
:class:`~nmbrs_client.errors.NmbrsTransportError`.

Threads: a backend is shared by worker threads and must be safe for concurrent calls. Every
call is read-only and is recorded in :attr:`Backend.call_log`.

The detail sections (personal info, department, function, bank accounts, employments,
schedules, contract/salary/address) reuse the models of :mod:`nmbrs_client.models`, whose field
names are SOAP's; a REST backend fills the fields it has and leaves the others ``None``, and
their id fields accept either kind of id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from nmbrs_client.ids import ApiKind, EntityId

if TYPE_CHECKING:
    from nmbrs_client.calllog import CallLog, CallRecord
    from nmbrs_client.models import (
        BankAccount,
        CurrentPeriod,
        Department,
        EmployeeEmployments,
        EmployeeSchedules,
        Function,
        PersonalInfo,
        PersonalInfoContractSalaryAddress,
    )
    from nmbrs_client.rights.protocol import CheckOptions, Prober
    from nmbrs_client.rights.requirements import RequirementProfile


def number_key(number: str) -> tuple[int, int, str]:
    """Sort key for a human number held as text: numeric ones in numeric order, first."""
    text = number.strip()
    return (0, int(text), "") if text.isdigit() else (1, 0, text.lower())


@dataclass(frozen=True, slots=True)
class ConnectionIdentity:
    """Who and where the connection is, as far as the protocol can say.

    SOAP: ``user`` is the API username and ``domain`` the Nmbrs domain (from the profile, or
    discovered with Environment_Get; ``domain_source`` says which). REST: ``user`` is the user
    the token belongs to, ``scopes`` the granted scopes and ``expires_at`` the access token's
    expiry; REST has no domain. ``scopes`` is ``None`` for a connection without scopes (SOAP),
    a tuple (maybe empty: the token did not say) for one that has them.
    """

    api: ApiKind
    host: str
    user: str
    domain: str | None = None
    domain_source: str = ""
    scopes: tuple[str, ...] | None = None
    expires_at: datetime | None = None
    debtor_id: EntityId | None = None
    # REST: why the account the token belongs to could not be read (one safe line), when the
    # connection still works; "" when it was read or not asked for
    user_unread: str = ""
    # REST: what happens to the token at ``expires_at`` (refreshed, or why it is not)
    at_expiry: str = ""


@dataclass(frozen=True, slots=True)
class Debtor:
    id: EntityId
    number: str  # as Nmbrs shows it ("2210"); "" when the API gives none
    name: str


@dataclass(frozen=True, slots=True)
class Company:
    id: EntityId
    number: str  # the company number people read; text because REST sends it as text
    name: str
    debtor_id: EntityId | None = None  # known when listed through a debtor
    kvk: str | None = None  # KvK (chamber of commerce) number, SOAP only
    tax_period: str | None = None  # SOAP LoonaangifteTijdvak (wage-tax period), SOAP only


@dataclass(frozen=True, slots=True)
class Employee:
    id: EntityId
    number: int  # set by the customer; not guaranteed unique
    name: str  # display name
    employee_type: str | None = None  # REST's named type (payroll, formerPayroll, …); SOAP None


@dataclass(frozen=True, slots=True)
class PayrollRun:
    id: EntityId
    number: int
    year: int
    period_start: int
    period_end: int
    description: str = ""
    run_at: datetime | None = None
    locked: bool = False

    def periods_label(self) -> str:
        if self.period_start == self.period_end:
            return str(self.period_start)
        return f"{self.period_start}–{self.period_end}"


@dataclass(frozen=True, slots=True)
class RunEmployee:
    """An employee paid in a run (the run's member list gives only id and number)."""

    employee_id: EntityId
    employee_number: int


@dataclass(frozen=True, slots=True)
class Documents:
    """PDFs a document call produced (none when Nmbrs has none for it).

    ``note`` says how they were obtained when that is worth telling the user (SOAP: the older
    payslip call was used because the ``_v2`` one is denied; REST: one PDF per period).
    """

    pdfs: tuple[bytes, ...]
    note: str = ""


class CostUnit(Enum):
    """What a backend counts a read in: single calls, or pages of a company-wide list."""

    CALLS = "calls"
    PAGES = "pages"


@dataclass(frozen=True)
class ReadCost:
    """What a read still costs the customer's API, counted the way this backend reads it,
    so a screen can say so before asking the user to start it."""

    count: int
    unit: CostUnit
    lists: int = 0  # how many company-wide lists the pages belong to (PAGES only)


class Backend(Protocol):
    """One connection to Nmbrs through one API; see the module docstring for the contract."""

    @property
    def api(self) -> ApiKind: ...

    @property
    def call_log(self) -> CallLog:
        """Every call made: operation, ids, duration, outcome (never payloads or secrets)."""
        ...

    @property
    def concurrency(self) -> int:
        """How many calls the caller may keep in flight at once for per-row fan-outs."""
        ...

    # -- connection --------------------------------------------------------------------
    def identity(self) -> ConnectionIdentity:
        """Check the credentials as far as the API allows and say who we are.

        May call the API (once; later calls return what was learnt). Raises an authentication
        ``NmbrsFault`` when the credentials are refused.
        """
        ...

    def known_identity(self) -> ConnectionIdentity:
        """What is known about the identity right now, without any call (after a failure too)."""
        ...

    # -- account -----------------------------------------------------------------------
    def debtors(self) -> list[Debtor]: ...

    def companies(self) -> list[Company]:
        """Every company the account can see (the authoritative list)."""
        ...

    def companies_of_debtor(self, debtor_id: EntityId) -> list[Company]: ...

    def current_period(self, company_id: EntityId) -> CurrentPeriod | None: ...

    # -- employees ---------------------------------------------------------------------
    def employees(self, company_id: EntityId) -> list[Employee]: ...

    def personal_info(self, company_id: EntityId, employee_id: EntityId) -> PersonalInfo | None:
        """Personal details including the BSN (callers mask it)."""
        ...

    def department(self, company_id: EntityId, employee_id: EntityId) -> Department | None: ...

    def function(self, company_id: EntityId, employee_id: EntityId) -> Function | None: ...

    def bank_accounts(self, company_id: EntityId, employee_id: EntityId) -> list[BankAccount]: ...

    def details_cost(
        self, company_id: EntityId, *, employees: int, departments: int, functions: int
    ) -> ReadCost:
        """What reading ``departments`` departments and ``functions`` functions of a company of
        ``employees`` employees still costs (what this backend keeps already is free). Makes
        no call."""
        ...

    def employments(self, company_id: EntityId) -> list[EmployeeEmployments]:
        """Employments of every employee of the company, in one go."""
        ...

    def schedules(self, company_id: EntityId) -> list[EmployeeSchedules]:
        """Work schedules (both rota weeks) of every employee of the company."""
        ...

    def contracts(self, company_id: EntityId) -> list[PersonalInfoContractSalaryAddress]:
        """Contract, salary and address of every employee of the company (SOAP's PICSA)."""
        ...

    # -- payroll -----------------------------------------------------------------------
    def runs(self, company_id: EntityId, year: int) -> list[PayrollRun]: ...

    def run_employees(self, company_id: EntityId, run: PayrollRun) -> list[RunEmployee]: ...

    def payslips(self, company_id: EntityId, employee_id: EntityId, run: PayrollRun) -> Documents:
        """The employee's payslip PDFs of one run (REST: per period of the run)."""
        ...

    def annual_statement(
        self, company_id: EntityId, employee_id: EntityId, year: int
    ) -> Documents: ...

    def forget(self, company_id: EntityId | None = None) -> None:
        """Drop whatever this backend keeps of one company between calls (of every company
        when ``None``), so the next read of it asks Nmbrs again: what a refresh (``r``)
        means on every API. A read on its way when this is called is not kept. Makes no call.
        """
        ...

    def stop_retrying(self) -> None:
        """Give up waiting between attempts (the terminal went away, the app quits): the next
        failure of any call is final, so no worker keeps the process alive."""
        ...

    def company_id(self, text: str) -> EntityId:
        """A company id as typed by a person (``--company``); ValueError says what fits."""
        ...

    def call_records(self) -> list[CallRecord]:
        """Every call this backend made, for a support bundle (a call log's records)."""
        ...

    # -- rights ------------------------------------------------------------------------
    def rights_prober(self, requirements: RequirementProfile, options: CheckOptions) -> Prober:
        """The rights check of this API, ready to run: the same report type on every API."""
        ...

    def close(self) -> None:
        """Release connections; safe to call twice."""
        ...
