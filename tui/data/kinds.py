"""The kinds of data the dashboard keeps, each with its key, its value type and its fetch.

One :class:`Kind` per family replaces the string-keyed tuples the panes used to share
(``("employees", cid)``, ``("department", eid)`` …): the key and value types are checked, the
fetch is written once (here, over the :class:`~nmbrs_client.backend.Backend` protocol only) and
``company_of`` tells the store which company an entry belongs to, so a refresh can drop one
company's data without touching the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

from nmbrs_client.backend import (
    Backend,
    Company,
    Debtor,
    Documents,
    Employee,
    PayrollRun,
    RunEmployee,
)
from nmbrs_client.errors import NmbrsError
from nmbrs_client.ids import EntityId

if TYPE_CHECKING:
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
    from nmbrs_client.rights.results import RightsReport

K = TypeVar("K")
V = TypeVar("V")

EmployeeKey: TypeAlias = tuple[EntityId, EntityId]
"""(company id, employee id): REST reaches some employee data only through the company."""


@dataclass(frozen=True, eq=False)
class Kind(Generic[K, V]):
    """One family of data: how to fetch an entry and which company it belongs to.

    ``fetch`` is ``None`` for data a pane computes and puts (a rights report). ``keep=False``
    data (personal details, PDFs) is fetched on every request and never held by the store.
    """

    name: str
    fetch: Callable[[Backend, K], V] | None
    company_of: Callable[[K], EntityId | None]
    keep: bool = True

    def __repr__(self) -> str:
        return f"Kind({self.name})"


@dataclass(frozen=True)
class CompanyGrouping:
    """Which debtor each company belongs to; ``note`` says why the grouping is incomplete."""

    debtor_of: dict[EntityId, Debtor]
    note: str = ""


def _none(_key: object) -> EntityId | None:
    return None


def _itself(key: EntityId) -> EntityId | None:
    return key


def _first(key: tuple[Any, ...]) -> EntityId | None:
    company: EntityId = key[0]
    return company


def group_companies(backend: Backend) -> CompanyGrouping:
    """Debtors, then each debtor's companies; a refusal loses only the grouping."""
    mapping: dict[EntityId, Debtor] = {}
    note = ""
    try:
        debtors = backend.debtors()
    except NmbrsError as error:
        return CompanyGrouping(
            {}, f"Debtors not available, companies are not grouped: {_say(error)}"
        )
    for debtor in debtors:
        try:
            for company in backend.companies_of_debtor(debtor.id):
                mapping[company.id] = debtor
        except NmbrsError as error:
            note = f"Grouping incomplete: {_say(error)}"
    return CompanyGrouping(mapping, note)


def _say(error: NmbrsError) -> str:
    return f"{error.message} — {error.hint}" if error.hint else error.message


COMPANIES: Kind[None, list[Company]] = Kind("companies", lambda b, _k: b.companies(), _none)
DEBTORS: Kind[None, list[Debtor]] = Kind("debtors", lambda b, _k: b.debtors(), _none)
GROUPING: Kind[None, CompanyGrouping] = Kind(
    "company grouping", lambda b, _k: group_companies(b), _none
)
CURRENT_PERIOD: Kind[EntityId, CurrentPeriod | None] = Kind(
    "current period", lambda b, cid: b.current_period(cid), _itself
)
EMPLOYEES: Kind[EntityId, list[Employee]] = Kind(
    "employees", lambda b, cid: b.employees(cid), _itself
)
EMPLOYMENTS: Kind[EntityId, list[EmployeeEmployments]] = Kind(
    "employments", lambda b, cid: b.employments(cid), _itself
)
CONTRACTS: Kind[EntityId, list[PersonalInfoContractSalaryAddress]] = Kind(
    "contracts", lambda b, cid: b.contracts(cid), _itself
)
SCHEDULES: Kind[EntityId, list[EmployeeSchedules]] = Kind(
    "schedules", lambda b, cid: b.schedules(cid), _itself
)
DEPARTMENT: Kind[EmployeeKey, Department | None] = Kind(
    "department", lambda b, k: b.department(*k), _first
)
FUNCTION: Kind[EmployeeKey, Function | None] = Kind("function", lambda b, k: b.function(*k), _first)
# Personal details and bank accounts are read fresh each time the detail opens (never kept).
PERSONAL_INFO: Kind[EmployeeKey, PersonalInfo | None] = Kind(
    "personal info", lambda b, k: b.personal_info(*k), _first, keep=False
)
BANK_ACCOUNTS: Kind[EmployeeKey, list[BankAccount]] = Kind(
    "bank accounts", lambda b, k: b.bank_accounts(*k), _first, keep=False
)
RUNS: Kind[tuple[EntityId, int], list[PayrollRun]] = Kind("runs", lambda b, k: b.runs(*k), _first)
RUN_EMPLOYEES: Kind[tuple[EntityId, PayrollRun], list[RunEmployee]] = Kind(
    "run employees", lambda b, k: b.run_employees(*k), _first
)
PAYSLIPS: Kind[tuple[EntityId, EntityId, PayrollRun], Documents] = Kind(
    "payslips", lambda b, k: b.payslips(*k), _first, keep=False
)
ANNUAL_STATEMENT: Kind[tuple[EntityId, EntityId, int], Documents] = Kind(
    "annual statement", lambda b, k: b.annual_statement(*k), _first, keep=False
)
RIGHTS: Kind[str, RightsReport] = Kind("rights report", None, _none)
# An endpoint right found missing, by the data it guards ("department", "function"): a right
# belongs to the account, so every company knows it for the rest of the session.
DENIED: Kind[str, BaseException] = Kind("missing right", None, _none)
