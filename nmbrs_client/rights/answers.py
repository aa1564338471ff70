"""Reading ids out of the answers the probes get, and the parameters a probe is made with.

zeep returns objects, the test fakes return dicts; both are read the same way. Nothing here
makes a call or keeps state, so it is tested without a server.
"""

from __future__ import annotations

from typing import Any

from nmbrs_client.operations import Operation, get_operation
from nmbrs_client.rights.classify import Verdict

EMPLOYEES = get_operation("EmployeeService", "List_GetByCompany")
RUNS = get_operation("CompanyService", "Run_GetList")

# The answers a check reads again, and the fields of each record its readers read (the ids
# and names of debtors, companies, employee types, employees and runs, the environment's
# SubDomain). Every other answer is read for its verdict only. A check keeps just these
# (:func:`kept`), so a thorough check of a large account holds verdicts, not payloads.
_EMPLOYEE_FIELDS = frozenset(
    {"Id", "EmployeeId", "EmployeeID", "EmployeeNumber", "FirstName", "Prefix", "LastName"}
)
_COMPANY_FIELDS = frozenset({"ID", "Id", "Name", "DebtorId"})
ANSWER_FIELDS: dict[str, frozenset[str]] = {
    get_operation("DebtorService", "Environment_Get").qualified_name: frozenset({"SubDomain"}),
    get_operation("DebtorService", "List_GetAll").qualified_name: frozenset({"Id", "ID"}),
    get_operation("CompanyService", "List_GetAll").qualified_name: _COMPANY_FIELDS,
    get_operation("CompanyService", "List_GetByDebtor").qualified_name: _COMPANY_FIELDS,
    get_operation("EmployeeService", "EmployeeType_GetList").qualified_name: frozenset({"Id"}),
    EMPLOYEES.qualified_name: frozenset({"Id", "Number", "DisplayName"}),
    get_operation(
        "EmployeeService", "Employment_GetAll_AllEmployeesByCompany"
    ).qualified_name: _EMPLOYEE_FIELDS,
    get_operation(
        "EmployeeService", "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany"
    ).qualified_name: (_EMPLOYEE_FIELDS),
    RUNS.qualified_name: frozenset({"ID", "Year", "Number"}),
}

Params = tuple[tuple[str, int], ...]


def field(item: Any, *names: str) -> Any:
    """The first of ``names`` present on ``item`` (a dict key or an attribute), else None."""
    for name in names:
        if isinstance(item, dict) and name in item:
            return item[name]
        if hasattr(item, name):
            return getattr(item, name)
    return None


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v is not None]
    return [value]


def ids(items: Any, *names: str) -> list[int]:
    found: list[int] = []
    for item in as_list(items):
        value = field(item, *names)
        if isinstance(value, int) and not isinstance(value, bool):
            found.append(value)
    return found


def _record(item: Any, names: frozenset[str]) -> dict[str, Any]:
    """The fields ``names`` of one record that it has (a dict key or an attribute)."""
    if isinstance(item, dict):
        return {name: item[name] for name in names if name in item}
    return {name: getattr(item, name) for name in names if hasattr(item, name)}


def kept(op: Operation, result: Any) -> Any:
    """What a check keeps of ``op``'s answer: the fields of :data:`ANSWER_FIELDS` in every
    record (the same records, in order, so counts and :func:`field` read as before), or
    nothing when the check never reads the answer again."""
    names = ANSWER_FIELDS.get(op.qualified_name)
    if names is None or result is None:
        return None
    if isinstance(result, list):
        return [None if item is None else _record(item, names) for item in result]
    return _record(result, names)


def employee_ids(op: Operation, result: Any) -> list[int]:
    """Employee ids in the answer of one of the employee-id sources."""
    names = ("EmployeeID", "EmployeeId", "Id") if op is not EMPLOYEES else ("Id",)
    return ids(result, *names)


def latest_run(result: Any, year: int) -> tuple[int, int] | None:
    """``(run id, year)`` of the latest run in a Run_GetList answer asked for ``year``."""
    runs = [r for r in as_list(result) if isinstance(field(r, "ID"), int)]
    if not runs:
        return None
    last = max(
        runs, key=lambda r: (field(r, "Year") or year, field(r, "Number") or 0, field(r, "ID"))
    )
    return int(field(last, "ID")), int(field(last, "Year") or year)


def pdf_size(result: Any) -> int:
    """Bytes of the PDFs in an answer (they are counted, then dropped)."""
    total = 0
    for item in as_list(result):
        pdf = field(item, "PDF")
        if isinstance(pdf, bytes | bytearray):
            total += len(pdf)
    if isinstance(result, bytes | bytearray):
        total += len(result)
    return total


def fault_text(verdict: Verdict) -> str:
    return f"fault {verdict.fault_code}" if verdict.fault_code is not None else verdict.status.value


def company_params(op: Operation, company_id: int, year: int) -> dict[str, int]:
    """Arguments for a company-level probe: the company, employee type 0, ``year``."""
    params: dict[str, int] = {}
    for name in op.param_names:
        lower = name.lower()
        if lower == "companyid":
            params[name] = company_id
        elif lower == "employeetype":
            params[name] = 0
        elif lower in ("year", "intyear"):
            params[name] = year
    return params


def employee_params(
    op: Operation,
    company_id: int,
    employee_id: int,
    run: tuple[int, int] | None,
    last_year: int,
) -> dict[str, int]:
    """Arguments for a per-employee probe; without a run the year is last year (annual PDF)."""
    params: dict[str, int] = {}
    for name in op.param_names:
        lower = name.lower()
        if lower == "employeeid":
            params[name] = employee_id
        elif lower == "companyid":
            params[name] = company_id
        elif lower == "runid" and run is not None:
            params[name] = run[0]
        elif lower in ("year", "intyear"):
            params[name] = run[1] if run is not None else last_year
    return params
