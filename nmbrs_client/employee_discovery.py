"""Employee discovery: the one way this project lists the employees of a company.

What ``List_GetByCompany``'s ``EmployeeType`` means in v3 is not documented by Nmbrs: every
public v3 client sends an employee-type id, connectors call ``EmployeeType_GetList`` and then
``List_GetByCompany`` once per type, and nothing says ``0`` means "all". So the employees of a
company are found by a route that works under every reading:

1. ``EmployeeType_GetList`` (account-wide, asked once), then ``List_GetByCompany`` once per
   type id, merged by employee id (``by_type``);
2. if the types are refused or empty, or that gives nobody: the employee ids in
   ``Employment_GetAll_AllEmployeesByCompany`` (``employments``);
3. then those in ``PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany`` (``picsa``).

``EmployeeType=0`` is never sent. Which route found the employees is kept with the result
and written to the call log, so a reader knows where the list came from.

:class:`EmployeeSearch` is the route itself, without making calls (it says which calls to make
next and takes their answers), so the synchronous :func:`discover_employees` used by the panes
and the rights engine's scheduler share it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from nmbrs_client.errors import NmbrsFault
from nmbrs_client.operations import Operation, get_operation

EMPLOYEE_TYPES = get_operation("EmployeeService", "EmployeeType_GetList")
LIST_BY_COMPANY = get_operation("EmployeeService", "List_GetByCompany")
EMPLOYMENTS = get_operation("EmployeeService", "Employment_GetAll_AllEmployeesByCompany")
PICSA = get_operation(
    "EmployeeService", "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany"
)
FALLBACKS: tuple[Operation, ...] = (EMPLOYMENTS, PICSA)

Call = tuple[Operation, dict[str, int]]


class EmployeeRoute(StrEnum):
    """Which calls found a company's employees."""

    BY_TYPE = "by_type"  # EmployeeType_GetList + List_GetByCompany per type id
    EMPLOYMENTS = "employments"  # ids of Employment_GetAll_AllEmployeesByCompany
    PICSA = "picsa"  # ids of PersonalInfoContractSalaryAddress_GetAll_…
    NONE = "none"  # no route gave an employee

    def describe(self) -> str:
        return ROUTE_TEXT[self]


ROUTE_TEXT: dict[EmployeeRoute, str] = {
    EmployeeRoute.BY_TYPE: "EmployeeType_GetList, then List_GetByCompany per employee type",
    EmployeeRoute.EMPLOYMENTS: "employee ids of Employment_GetAll_AllEmployeesByCompany",
    EmployeeRoute.PICSA: "employee ids of "
    "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany",
    EmployeeRoute.NONE: "no route gave an employee",
}


@dataclass(frozen=True)
class FoundEmployee:
    """One employee as discovery knows it (names come only from List_GetByCompany)."""

    Id: int
    Number: int | None = None
    DisplayName: str | None = None


@dataclass(frozen=True)
class DiscoveredEmployees:
    """The merged employees of one company, the route that found them and what failed."""

    company_id: int
    employees: tuple[FoundEmployee, ...]
    route: EmployeeRoute
    problems: tuple[str, ...] = ()
    # Set when no listing call answered at all: the first error met (the list is unknown,
    # not empty).
    error: BaseException | None = None

    @property
    def ids(self) -> list[int]:
        return [e.Id for e in self.employees]

    def note(self) -> str:
        """One line for the call log and the report."""
        head = f"employees of company {self.company_id}: {len(self.employees)} via {self.route}"
        text = f"{head} ({self.route.describe()})"
        if self.problems:
            text += "; " + "; ".join(self.problems[:4])
        return text


def _field(item: Any, name: str) -> Any:
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v is not None]
    return [value]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def type_ids(result: Any) -> list[int]:
    """The ids of an ``EmployeeType_GetList`` answer, in order, without repeats."""
    found = (_int(_field(item, "Id")) for item in _items(result))
    return list(dict.fromkeys(i for i in found if i is not None))


def employees_in(op: Operation, result: Any) -> list[FoundEmployee]:
    """The employees an answer of ``op`` names (by ``Id`` / ``EmployeeId`` / ``EmployeeID``)."""
    found: list[FoundEmployee] = []
    for item in _items(result):
        if op is LIST_BY_COMPANY:
            eid = _int(_field(item, "Id"))
            if eid is not None:
                name = _field(item, "DisplayName")
                found.append(
                    FoundEmployee(eid, _int(_field(item, "Number")), str(name) if name else None)
                )
            continue
        eid = _int(_field(item, "EmployeeId"))
        if eid is None:
            eid = _int(_field(item, "EmployeeID"))
        if eid is not None:
            number = _int(_field(item, "EmployeeNumber"))
            first, last = _field(item, "FirstName"), _field(item, "LastName")
            prefix = _field(item, "Prefix")
            name = " ".join(str(p) for p in (first, prefix, last) if p) or None
            found.append(FoundEmployee(eid, number, name))
    return found


def listing_calls(company_id: int, types: Sequence[int]) -> list[Call]:
    """The route's first listing: ``List_GetByCompany`` once per employee-type id."""
    return [
        (LIST_BY_COMPANY, {"CompanyId": company_id, "EmployeeType": type_id}) for type_id in types
    ]


class Answer(StrEnum):
    """How a call of the search ended."""

    OK = "ok"
    DENIED = "denied"  # 1002: switched off in the API template
    FAILED = "failed"  # any other fault or transport error


@dataclass
class EmployeeSearch:
    """The discovery route for one company, without making calls.

    ``next_calls()`` gives the calls to make now (they may run in parallel); each answer goes
    to ``answer()``; when ``done`` the result is in ``result``. ``types`` may be given when
    ``EmployeeType_GetList`` was answered before (it is account-wide).
    """

    company_id: int
    types: list[int] | None = None
    denied: set[str] = field(default_factory=set)  # operations found switched off
    _stage: str = "start"
    _waiting: dict[tuple[str, tuple[tuple[str, int], ...]], Call] = field(default_factory=dict)
    _merged: dict[int, FoundEmployee] = field(default_factory=dict)
    _by_type_ok: bool = False
    _listed_ok: bool = False  # some listing call (not the types) answered
    _fallback: int = 0
    _problems: list[str] = field(default_factory=list)
    _first_error: BaseException | None = None
    result: DiscoveredEmployees | None = None

    @property
    def done(self) -> bool:
        return self.result is not None

    @property
    def pending(self) -> int:
        """Calls handed out by ``next_calls`` and not answered yet."""
        return len(self._waiting)

    def next_calls(self) -> list[Call]:
        """The calls still to make; empty while answers are outstanding or when done."""
        if self.result is not None or self._waiting:
            return []
        if self._stage == "start":
            if self.types is None and EMPLOYEE_TYPES.qualified_name not in self.denied:
                self._stage = "types"
                return self._ask([(EMPLOYEE_TYPES, {})])
            self._stage = "types"
        if self._stage == "types":
            if self.types and LIST_BY_COMPANY.qualified_name not in self.denied:
                self._stage = "by_type"
                return self._ask(listing_calls(self.company_id, self.types))
            if not self.types:
                self._problems.append("EmployeeType_GetList gave no employee type")
            self._stage = "by_type"
        if self._stage == "by_type":
            if self._merged:
                return self._finish(EmployeeRoute.BY_TYPE)
            if self._by_type_ok:
                self._problems.append("List_GetByCompany gave nobody for any employee type")
            self._stage = "fallback"
        while self._fallback < len(FALLBACKS):
            op = FALLBACKS[self._fallback]
            if op.qualified_name in self.denied:
                self._fallback += 1
                continue
            return self._ask([(op, {"CompanyID": self.company_id})])
        return self._finish(EmployeeRoute.NONE)

    def _ask(self, calls: list[Call]) -> list[Call]:
        for op, params in calls:
            self._waiting[_key(op, params)] = (op, params)
        return calls

    def _finish(self, route: EmployeeRoute) -> list[Call]:
        employees = tuple(sorted(self._merged.values(), key=lambda e: (e.Number or 0, e.Id)))
        self.result = DiscoveredEmployees(
            self.company_id,
            employees,
            route if employees else EmployeeRoute.NONE,
            tuple(self._problems),
            self._first_error if not employees and not self._listed_ok else None,
        )
        return []

    def answer(
        self,
        op: Operation,
        params: dict[str, int],
        outcome: Answer,
        result: Any = None,
        problem: str = "",
        error: BaseException | None = None,
    ) -> None:
        """Take the answer to one of the calls ``next_calls`` gave."""
        if self._waiting.pop(_key(op, params), None) is None:
            return
        if outcome is Answer.DENIED:
            self.denied.add(op.qualified_name)
        if outcome is not Answer.OK:
            self._problems.append(f"{op.name}: {problem or outcome.value}")
            if self._first_error is None or outcome is Answer.FAILED:
                self._first_error = self._first_error if self._first_error else error
        elif op is not EMPLOYEE_TYPES:
            self._listed_ok = True
        if op is EMPLOYEE_TYPES:
            self.types = type_ids(result) if outcome is Answer.OK else []
        elif op is LIST_BY_COMPANY:
            if outcome is Answer.OK:
                self._by_type_ok = True
                for employee in employees_in(op, result):
                    self._merged.setdefault(employee.Id, employee)
        elif outcome is Answer.OK:
            found = employees_in(op, result)
            for employee in found:
                self._merged.setdefault(employee.Id, employee)
            if found:
                self._finish(
                    EmployeeRoute.EMPLOYMENTS if op is EMPLOYMENTS else EmployeeRoute.PICSA
                )
                return
            self._problems.append(f"{op.name}: nobody")
            self._fallback += 1
        else:
            self._fallback += 1


def _key(op: Operation, params: dict[str, int]) -> tuple[str, tuple[tuple[str, int], ...]]:
    return op.qualified_name, tuple(sorted(params.items()))


class DiscoveryClient(Protocol):
    """What discovery needs of a client: one allowlisted call, and a call log to note in."""

    def call(self, operation: Operation | str, **params: Any) -> Any: ...

    @property
    def call_log(self) -> Any: ...


def classify_error(exc: BaseException) -> tuple[Answer, str]:
    if isinstance(exc, NmbrsFault):
        if exc.code == 1002:
            return Answer.DENIED, "1002 (switched off in the API template)"
        return Answer.FAILED, f"fault {exc.code}" if exc.code is not None else "fault"
    kind = getattr(exc, "kind", None)
    return Answer.FAILED, f"transport ({kind})" if kind else type(exc).__name__


def discover_employees(
    client: DiscoveryClient,
    company_id: int,
    *,
    types: Sequence[int] | None = None,
    run: Callable[[list[Call]], list[tuple[Any, BaseException | None]]] | None = None,
) -> DiscoveredEmployees:
    """List a company's employees by the route in the module docstring (blocking).

    The per-type calls go out in parallel. The route taken is noted in the client's call log.
    """
    search = EmployeeSearch(company_id, list(types) if types is not None else None)

    def make_calls(calls: list[Call]) -> list[tuple[Any, BaseException | None]]:
        def one(call: Call) -> tuple[Any, BaseException | None]:
            op, params = call
            try:
                return client.call(op, **params), None
            except Exception as exc:
                return None, exc

        if len(calls) == 1:
            return [one(calls[0])]
        with ThreadPoolExecutor(max_workers=min(8, len(calls))) as pool:
            return list(pool.map(one, calls))

    runner = run or make_calls
    while not search.done:
        calls = search.next_calls()
        if not calls:
            break
        for (op, params), (result, error) in zip(calls, runner(calls), strict=True):
            if error is None:
                search.answer(op, params, Answer.OK, result)
            else:
                outcome, problem = classify_error(error)
                search.answer(op, params, outcome, None, problem, error)
    found = search.result
    assert found is not None
    log = getattr(client, "call_log", None)
    if log is not None and hasattr(log, "note"):
        log.note("employee discovery", found.note(), company_id=company_id)
    return found
