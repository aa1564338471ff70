"""The REST allowlist: the only operations the REST client can send, all of them GETs.

Read-only by construction, as for SOAP (:mod:`nmbrs_client.operations`): the client builds
every request from one of these entries, so a path that is not listed here (and every POST,
PUT or DELETE) cannot be sent at all. Each entry records the scopes Nmbrs' OpenAPI document
accepts for it (any one of them is enough), whether it is paged, and for the company-level
history endpoints the key that holds each employee's rows. A test checks every entry
against the OpenAPI document itself (path, method, scopes, paging).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from string import Formatter
from urllib.parse import quote


class RestOp(StrEnum):
    """The names the client, the call log and the rights check use for REST operations."""

    USER_INFO = "user.info"
    DEBTOR_INFO = "debtors.info"
    DEBTORS = "debtors"
    DEBTOR_COMPANIES = "debtor.companies"
    COMPANIES = "companies"
    COMPANY_PERIOD = "company.period"
    COMPANY_RUNS = "company.runs"
    RUN_EMPLOYEES = "company.run.employees"
    EMPLOYEES = "company.employees"
    EMPLOYEE = "employee"
    PERSONAL_INFO = "company.employees.personalinfo"
    PRIVATE_INFOS = "company.employees.privateInfos"
    CONTRACTS = "company.employees.contracts"
    SALARIES = "company.employees.salaries"
    ADDRESSES = "company.employees.addresses"
    EMPLOYMENTS = "company.employees.employments"
    SCHEDULES = "company.employees.schedules"
    DEPARTMENTS = "company.employees.departments"
    FUNCTIONS = "company.employees.functions"
    BANK_ACCOUNTS = "company.employees.bankaccounts"
    PAYSLIP_TASK = "employee.payslipperperiod"
    ANNUAL_STATEMENT_TASK = "employee.annualstatement"
    DOCUMENT = "document"


@dataclass(frozen=True)
class RestOperation:
    name: RestOp
    path: str  # the OpenAPI path template, e.g. /api/companies/{companyId}/period
    scopes: tuple[str, ...]  # any one of them is enough
    paged: bool
    history_key: str | None = None  # per-employee key of a company-level history endpoint
    query: tuple[str, ...] = ()  # query parameters the client may send besides paging

    @property
    def method(self) -> str:
        return "GET"

    def path_params(self) -> tuple[str, ...]:
        return tuple(name for _, name, _, _ in Formatter().parse(self.path) if name)

    def render(self, params: dict[str, str]) -> str:
        """The concrete path; every id is percent-encoded so it cannot add path segments."""
        wanted = set(self.path_params())
        if set(params) != wanted:
            raise ValueError(f"{self.name} needs path parameters {sorted(wanted)}")
        return self.path.format(**{k: quote(str(v), safe="") for k, v in params.items()})


_COMPANY_INFO = ("company.info", "company.info.read")
_EMPLOYEE_INFO = ("employee.info", "employee.info.read")
_EMPLOYMENT = ("employee.employment", "employee.employment.read")
_PAYROLL_SETTINGS = ("company.payrollsettings.read",)
_EMPLOYEE_DOCUMENT = ("employee.document", "employee.document.read")
_HISTORY_QUERY = ("employeeId", "createdFrom")


def _history(name: RestOp, resource: str, key: str, scopes: tuple[str, ...]) -> RestOperation:
    query = () if resource == "privateInfos" else _HISTORY_QUERY
    return RestOperation(
        name,
        f"/api/companies/{{companyId}}/employees/{resource}",
        scopes,
        paged=True,
        history_key=key,
        query=query,
    )


OPERATIONS: dict[RestOp, RestOperation] = {
    op.name: op
    for op in (
        RestOperation(RestOp.USER_INFO, "/api/user/info", ("user.info.read",), paged=True),
        RestOperation(RestOp.DEBTOR_INFO, "/api/debtors/info", ("debtor.info.read",), paged=True),
        RestOperation(RestOp.DEBTORS, "/api/debtors", _COMPANY_INFO, paged=True),
        RestOperation(
            RestOp.DEBTOR_COMPANIES, "/api/debtors/{debtorId}/companies", _COMPANY_INFO, paged=True
        ),
        RestOperation(RestOp.COMPANIES, "/api/companies", _COMPANY_INFO, paged=True),
        RestOperation(
            RestOp.COMPANY_PERIOD, "/api/companies/{companyId}/period", _COMPANY_INFO, paged=False
        ),
        RestOperation(
            RestOp.COMPANY_RUNS,
            "/api/companies/{companyId}/runs",
            _PAYROLL_SETTINGS,
            paged=True,
            query=("year",),
        ),
        RestOperation(
            RestOp.RUN_EMPLOYEES,
            "/api/companies/{companyId}/runs/{payrollRunId}/employees",
            _PAYROLL_SETTINGS,
            paged=True,
            query=("year",),
        ),
        RestOperation(
            RestOp.EMPLOYEES,
            "/api/companies/{companyId}/employees",
            _EMPLOYEE_INFO,
            paged=True,
            query=("employeeType", "employeeId", "createdFrom"),
        ),
        RestOperation(RestOp.EMPLOYEE, "/api/employees/{employeeId}", _EMPLOYEE_INFO, paged=True),
        _history(RestOp.PERSONAL_INFO, "personalinfo", "info", _EMPLOYEE_INFO),
        _history(RestOp.PRIVATE_INFOS, "privateInfos", "privateInfos", _EMPLOYEE_INFO),
        _history(RestOp.CONTRACTS, "contracts", "contracts", _EMPLOYMENT),
        _history(RestOp.SALARIES, "salaries", "salaries", _EMPLOYMENT),
        _history(RestOp.ADDRESSES, "addresses", "addresses", _EMPLOYEE_INFO),
        _history(RestOp.EMPLOYMENTS, "employments", "employments", _EMPLOYMENT),
        _history(RestOp.SCHEDULES, "schedules", "schedules", _EMPLOYMENT),
        _history(RestOp.DEPARTMENTS, "departments", "departments", _EMPLOYEE_INFO),
        _history(RestOp.FUNCTIONS, "functions", "functions", _EMPLOYEE_INFO),
        _history(
            RestOp.BANK_ACCOUNTS,
            "bankaccounts",
            "bankAccounts",
            ("employee.bankaccount", "employee.bankaccount.read"),
        ),
        RestOperation(
            RestOp.PAYSLIP_TASK,
            "/api/employees/{employeeId}/payslipperperiod",
            _EMPLOYEE_DOCUMENT,
            paged=False,
            query=("year", "period"),
        ),
        RestOperation(
            RestOp.ANNUAL_STATEMENT_TASK,
            "/api/employees/{employeeId}/annualstatement",
            _EMPLOYEE_DOCUMENT,
            paged=False,
            query=("year",),
        ),
        RestOperation(RestOp.DOCUMENT, "/api/documents/{taskId}", ("document.read",), paged=False),
    )
}

# The scopes the dashboard asks for at login: every scope some allowlisted operation accepts,
# read variants only, plus offline_access for a refresh token.
DEFAULT_SCOPES: tuple[str, ...] = (
    "offline_access",
    "company.info.read",
    "company.payrollsettings.read",
    "employee.info.read",
    "employee.employment.read",
    "employee.bankaccount.read",
    "employee.document.read",
    "document.read",
    "user.info.read",
    "debtor.info.read",
)


def operation(name: RestOp | str) -> RestOperation:
    """The allowlisted operation ``name``; anything else is refused before a byte is sent."""
    from nmbrs_client.errors import OperationNotAllowedError

    try:
        return OPERATIONS[RestOp(name)]
    except ValueError:
        raise OperationNotAllowedError(
            f"REST operation {name!r} is not on the read-only allowlist"
        ) from None


def scope_granted(op: RestOperation, granted: frozenset[str] | None) -> bool | None:
    """Whether a granted scope set satisfies ``op``; ``None`` when the grant is unknown."""
    if granted is None:
        return None
    return any(scope in granted for scope in op.scopes)
