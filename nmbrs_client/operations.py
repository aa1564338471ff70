"""The operations catalogue: every Nmbrs SOAP v3 operation this project may call.

It is the read-only allowlist. The client refuses any operation that is not listed here,
so a write operation cannot be sent even by name. It is also the single description of
parameters (with Nmbrs' exact, inconsistent casing) used by the bundled WSDLs, the demo
server and the rights engine.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

NAMESPACE_ROOT = "https://api.nmbrs.nl/soap/v3/"
PRODUCTION_URL = "https://api.nmbrs.nl/soap/v3/"
SANDBOX_URL = "https://api-sandbox.nmbrs.nl/soap/v3/"


class Service(StrEnum):
    """The three ASMX services the project talks to."""

    DEBTOR = "DebtorService"
    COMPANY = "CompanyService"
    EMPLOYEE = "EmployeeService"

    @property
    def namespace(self) -> str:
        return NAMESPACE_ROOT + self.value

    @property
    def path(self) -> str:
        """Path of the service endpoint relative to the base URL."""
        return f"{self.value}.asmx"


class Header(StrEnum):
    AUTH = "AuthHeader"
    AUTH_WITH_DOMAIN = "AuthHeaderWithDomain"


@dataclass(frozen=True)
class Param:
    """One request child element, in schema order. ``kind`` is an XSD simple type name."""

    name: str
    kind: str = "int"


@dataclass(frozen=True)
class Operation:
    """A read-only Nmbrs operation with its request shape and what it needs to be probed."""

    service: Service
    name: str
    params: tuple[Param, ...]
    summary: str
    header: Header = Header.AUTH_WITH_DOMAIN
    # What the rights engine must have in hand to call it: "company", "employee", "run", "year".
    needs: tuple[str, ...] = ()
    returns_pdf: bool = False

    @cached_property
    def qualified_name(self) -> str:
        """``Service.Operation``; made once (a check asks it about a thousand times)."""
        return f"{self.service.value}.{self.name}"

    @property
    def soap_action(self) -> str:
        return f"{self.service.namespace}/{self.name}"

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)


def _op(
    service: Service,
    name: str,
    params: tuple[Param, ...],
    summary: str,
    *,
    header: Header = Header.AUTH_WITH_DOMAIN,
    needs: tuple[str, ...] = (),
    pdf: bool = False,
) -> Operation:
    return Operation(service, name, params, summary, header, needs, pdf)


D, C, E = Service.DEBTOR, Service.COMPANY, Service.EMPLOYEE

OPERATIONS: tuple[Operation, ...] = (
    _op(
        D,
        "Environment_Get",
        (),
        "Who am I: the environment's domain and subdomain",
        header=Header.AUTH,
    ),
    _op(D, "List_GetAll", (), "All debtors the account can see"),
    _op(C, "List_GetAll", (), "All companies the account can see"),
    _op(C, "List_GetByDebtor", (Param("DebtorId"),), "Companies of one debtor", needs=("debtor",)),
    _op(
        C,
        "Run_GetList",
        (Param("CompanyId"), Param("Year")),
        "Payroll runs of a year",
        needs=("company", "year"),
    ),
    _op(
        C,
        "Run_GetEmployeesByRunCompany",
        (Param("CompanyId"), Param("RunId"), Param("Year")),
        "Employees that are part of a payroll run",
        needs=("company", "run", "year"),
    ),
    _op(
        C,
        "Company_GetCurrentPeriod",
        (Param("CompanyId"),),
        "The company's current period",
        needs=("company",),
    ),
    _op(
        C,
        "SalaryDocuments_GetEmployeePayslipsPDFByRunCompany",
        (Param("EmployeeID"), Param("CompanyId"), Param("RunID")),
        "Payslip PDFs of an employee in a run (company's active year)",
        needs=("company", "employee", "run"),
        pdf=True,
    ),
    _op(
        C,
        "SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2",
        (Param("EmployeeID"), Param("CompanyId"), Param("RunID"), Param("intYear")),
        "Payslip PDFs of an employee in a run of a given year",
        needs=("company", "employee", "run", "year"),
        pdf=True,
    ),
    _op(
        E,
        "List_GetByCompany",
        (Param("CompanyId"), Param("EmployeeType")),
        "Employees of a company",
        needs=("company",),
    ),
    _op(E, "EmployeeType_GetList", (), "Employee types of the environment"),
    _op(
        E,
        "PersonalInfo_GetCurrent",
        (Param("EmployeeId"),),
        "Current personal info",
        needs=("employee",),
    ),
    _op(
        E,
        "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany",
        (Param("CompanyID"),),
        "Personal info, contract, salary and address of all employees",
        needs=("company",),
    ),
    _op(
        E,
        "Employment_GetAll_AllEmployeesByCompany",
        (Param("CompanyID"),),
        "Employment history of all employees",
        needs=("company",),
    ),
    _op(
        E,
        "Schedule_GetAll_AllEmployeesByCompany",
        (Param("CompanyID"),),
        "Schedules of all employees",
        needs=("company",),
    ),
    _op(
        E,
        "Department_GetCurrent",
        (Param("EmployeeId"),),
        "Current department",
        needs=("employee",),
    ),
    _op(E, "Function_GetCurrent", (Param("EmployeeId"),), "Current function", needs=("employee",)),
    _op(
        E,
        "BankAccount_GetListCurrent",
        (Param("EmployeeId"),),
        "Current bank accounts",
        needs=("employee",),
    ),
    _op(
        E,
        "SalaryDocuments_GetAnnualStatementPDF",
        (Param("EmployeeID"), Param("intYear")),
        "Annual statement PDF of an employee",
        needs=("employee", "year"),
        pdf=True,
    ),
    _op(
        E,
        "Employee_GetCurrent",
        (Param("EmployeeId"),),
        "The employee's current period",
        needs=("employee",),
    ),
)

_BY_KEY: dict[tuple[str, str], Operation] = {
    (op.service.value.lower(), op.name.lower()): op for op in OPERATIONS
}


class UnknownOperationError(LookupError):
    """Raised for a name that is not on the read-only allowlist."""

    def __init__(self, name: str, suggestion: str | None) -> None:
        self.name = name
        self.suggestion = suggestion
        hint = f" Did you mean {suggestion}?" if suggestion else ""
        super().__init__(f"{name} is not a read-only operation known to nmbrs-tui.{hint}")


def operations_of(service: Service) -> tuple[Operation, ...]:
    return tuple(op for op in OPERATIONS if op.service is service)


def get_operation(service: Service | str, name: str) -> Operation:
    """Find an operation by service and name, case-insensitively."""
    service_name = service.value if isinstance(service, Service) else str(service)
    op = _BY_KEY.get((service_name.lower(), name.lower()))
    if op is None:
        raise UnknownOperationError(
            f"{service_name}.{name}", closest_operation(f"{service_name}.{name}")
        )
    return op


def resolve(qualified: str) -> Operation:
    """Resolve ``Service.Operation`` in any casing (``Employee.X`` works; so does a unique
    bare operation name)."""
    text = qualified.strip()
    if "." in text:
        service_part, name = text.split(".", 1)
        service_key = service_part.lower()
        if not service_key.endswith("service"):
            service_key += "service"
        op = _BY_KEY.get((service_key, name.lower()))
        if op is not None:
            return op
    else:
        matches = [op for op in OPERATIONS if op.name.lower() == text.lower()]
        if len(matches) == 1:
            return matches[0]
    raise UnknownOperationError(text, closest_operation(text))


def closest_operation(text: str) -> str | None:
    """The catalogue name closest to a mistyped one, for a helpful usage error."""
    names = {op.qualified_name.lower(): op.qualified_name for op in OPERATIONS}
    names.update({op.name.lower(): op.qualified_name for op in OPERATIONS})
    found = difflib.get_close_matches(text.lower(), list(names), n=1, cutoff=0.5)
    return names[found[0]] if found else None
