"""Id discovery: an employee id and a payroll run id the account returned itself.

Per-employee probes need an employee the account can see, run probes a run of this year or
last year. The default plan needs one of each (:meth:`IdDiscovery.find_employee`,
:meth:`IdDiscovery.find_run`, searched once and shared by every waiting probe); thorough mode
needs them per company (:meth:`IdDiscovery.company_employee`, :meth:`IdDiscovery.company_run`).
Employees are found by the project's one discovery route
(:class:`~nmbrs_client.employee_discovery.EmployeeSearch`: employee types, then
``List_GetByCompany`` per type, then the whole-company lists), driven through the scheduler;
every visible company is looked through before an employee id is declared missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nmbrs_client.employee_discovery import (
    EMPLOYEE_TYPES,
    Answer,
    DiscoveredEmployees,
    EmployeeRoute,
    EmployeeSearch,
)
from nmbrs_client.operations import Operation, get_operation
from nmbrs_client.rights.answers import EMPLOYEES, RUNS, fault_text, latest_run
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.context import CheckContext
from nmbrs_client.rights.matrix import RowVerdict
from nmbrs_client.rights.scheduler import Outcome

EMPLOYMENTS = get_operation("EmployeeService", "Employment_GetAll_AllEmployeesByCompany")
PICSA = get_operation(
    "EmployeeService", "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany"
)
SCHEDULES = get_operation("EmployeeService", "Schedule_GetAll_AllEmployeesByCompany")
# Where an employee id can come from (the discovery route's listing calls).
EMPLOYEE_SOURCES: tuple[Operation, ...] = (EMPLOYEES, EMPLOYMENTS, PICSA)

RUNS_DENIED = (
    "no run id to probe with: CompanyService.Run_GetList is switched off (1002); allow it in "
    "the API template"
)


@dataclass(frozen=True)
class EmployeeHit:
    company_id: int
    employee_id: int
    source: str  # which call on which company gave it
    route: EmployeeRoute = EmployeeRoute.BY_TYPE


@dataclass(frozen=True)
class RunHit:
    company_id: int
    employee_id: int
    run: tuple[int, int]  # (run id, year)


EmployeeWaiter = Callable[[EmployeeHit | None, str], None]
RunWaiter = Callable[[RunHit | None, str], None]


class IdDiscovery:
    """Finds the ids; callbacks get the hit, or None and the reason there is none."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.denied_sources: set[str] = set()
        # The column probe's operation (kept for the plans; searching is never free now).
        self.column_op: Operation | None = None
        self.types: list[int] | None = None  # EmployeeType_GetList's ids, once answered
        self.routes: dict[int, DiscoveredEmployees] = {}
        self._employee: EmployeeHit | None = None
        self._employee_reason: str | None = None
        self._waiters: list[EmployeeWaiter] = []
        self._searching = False

    def sources(self) -> list[Operation]:
        """The employee-id sources not (yet) found switched off."""
        return [op for op in EMPLOYEE_SOURCES if op.qualified_name not in self.denied_sources]

    # ------------------------------------------------------------------ the discovery route
    def search(self, company_id: int, done: Callable[[DiscoveredEmployees], None]) -> None:
        """Run the discovery route on one company through the scheduler."""
        search = EmployeeSearch(company_id, self.types, self.denied_sources)
        self._drive(search, done)

    def _drive(self, search: EmployeeSearch, done: Callable[[DiscoveredEmployees], None]) -> None:
        calls = search.next_calls()
        if not calls:
            if search.pending == 0 and search.result is not None:
                if search.types is not None and self.types is None:
                    self.types = search.types
                self.routes[search.company_id] = search.result
                log = getattr(self.ctx.scheduler.client, "call_log", None)
                if log is not None and hasattr(log, "note"):
                    log.note(
                        "employee discovery",
                        search.result.note(),
                        company_id=search.company_id,
                    )
                done(search.result)
            return
        for op, params in calls:

            def answered(
                outcome: Outcome, op: Operation = op, params: dict[str, int] = params
            ) -> None:
                if op is EMPLOYEE_TYPES and outcome.ok:
                    from nmbrs_client.employee_discovery import type_ids

                    self.types = type_ids(outcome.result)
                if outcome.ok:
                    search.answer(op, params, Answer.OK, outcome.result)
                elif outcome.verdict.status is Status.ENDPOINT_DENIED:
                    search.answer(op, params, Answer.DENIED, problem="1002")
                else:
                    search.answer(op, params, Answer.FAILED, problem=fault_text(outcome.verdict))
                if search.pending == 0:
                    self._drive(search, done)

            self.ctx.scheduler.request(op, params, answered)

    # ------------------------------------------------------------------ one employee
    def find_employee(self, callback: EmployeeWaiter) -> None:
        if self._employee is not None or self._employee_reason is not None:
            callback(self._employee, self._employee_reason or "")
            return
        self._waiters.append(callback)
        if self._searching:
            return
        self._searching = True
        self._employee_step(0, [])

    def _employee_found(self, hit: EmployeeHit | None, reason: str) -> None:
        self._employee = hit
        self._searching = False
        if hit is not None:
            self.ctx.notes.append(f"Employee id: {hit.employee_id} ({hit.source})")
        else:
            self._employee_reason = reason
            self.ctx.notes.append(f"Employee id: none ({reason})")
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            waiter(hit, reason)

    def _employee_step(self, index: int, tried: list[str]) -> None:
        """Walk every company in scope in order; the first with an employee gives the id."""
        order = self.ctx.in_order()
        if not self.sources():
            denied = ", ".join(sorted(self.denied_sources))
            self._employee_found(
                None,
                f"no employee id to probe with: every source of employee ids is switched off "
                f"({denied}); allow one of them in the API template",
            )
            return
        while index < len(order):
            col = self.ctx.matrix.col(order[index])
            if col is not None and col.verdict.status is not Status.ALLOWED:
                index += 1
                continue
            break
        if index >= len(order):
            faults = [t for t in tried if "nobody" not in t]
            detail = f"; {faults[-1]}" if faults else ""
            self._employee_found(
                None,
                f"no employee id to probe with: none of the {len(tried)} companies in scope "
                f"lists an employee{detail}; name a company with employees with --company",
            )
            return
        company_id = order[index]

        def done(found: DiscoveredEmployees) -> None:
            if found.employees:
                self._employee_found(
                    EmployeeHit(
                        company_id,
                        found.employees[0].Id,
                        f"{found.route.describe()}, on company {company_id}",
                        found.route,
                    ),
                    "",
                )
                return
            failed = [p for p in found.problems if "nobody" not in p and "no employee" not in p]
            tried.append(f"company {company_id}: {failed[-1] if failed else 'nobody'}")
            self._employee_step(index + 1, tried)

        self.search(company_id, done)

    # ------------------------------------------------------------------ one run
    def find_run(self, callback: RunWaiter) -> None:
        """A run of this year, else last year: first at the company the employee id came
        from, then at the other companies in scope (with an employee of that company)."""
        if self.ctx.matrix.row_status(RUNS.qualified_name) is Status.ENDPOINT_DENIED:
            callback(None, RUNS_DENIED)
            return

        def with_employee(hit: EmployeeHit | None, reason: str) -> None:
            if hit is None:
                callback(None, reason)
                return
            self._run_step(hit.company_id, hit.employee_id, self.ctx.this_year, callback, [])

        self.find_employee(with_employee)

    def _run_elsewhere(self, after: int, callback: RunWaiter, tried: list[int]) -> None:
        """No run at ``after``: try the next company in scope that has an employee."""
        order = [
            cid
            for cid in self.ctx.in_order()
            if cid not in tried
            and (col := self.ctx.matrix.col(cid)) is not None
            and col.verdict.status is Status.ALLOWED
        ]
        if not order:
            ctx = self.ctx
            looked = ", ".join(str(c) for c in tried[:5]) + (" …" if len(tried) > 5 else "")
            callback(
                None,
                f"no run id to probe with: no company in scope has a payroll run in "
                f"{ctx.this_year} or {ctx.last_year} (looked at {looked}); name a company with "
                "payroll runs with --company",
            )
            return
        company_id = order[0]

        def with_employee(found: DiscoveredEmployees) -> None:
            if not found.employees:
                self._run_elsewhere(company_id, callback, [*tried, company_id])
                return
            self._run_step(company_id, found.employees[0].Id, self.ctx.this_year, callback, tried)

        self.search(company_id, with_employee)

    def _run_step(
        self,
        company_id: int,
        employee_id: int,
        year: int,
        callback: RunWaiter,
        tried: list[int],
    ) -> None:
        ctx = self.ctx

        def done(outcome: Outcome) -> None:
            verdict = outcome.verdict
            if outcome.ok:
                run = latest_run(outcome.result, year)
                if run is not None:
                    note = f"Run id: {run[0]} ({RUNS.name} {run[1]} on company {company_id})"
                    if note not in ctx.notes:
                        ctx.notes.append(note)
                    callback(RunHit(company_id, employee_id, run), "")
                    return
                if year == ctx.this_year:
                    self._run_step(company_id, employee_id, ctx.last_year, callback, tried)
                    return
                self._run_elsewhere(company_id, callback, [*tried, company_id])
                return
            if verdict.status is Status.ENDPOINT_DENIED:
                ctx.matrix.set_row(
                    RUNS,
                    RowVerdict(verdict, company_id, RUNS.qualified_name, outcome.duration_ms),
                )
                callback(None, RUNS_DENIED)
                return
            callback(
                None,
                f"no run id to probe with: Run_GetList on company {company_id} "
                f"gave {fault_text(verdict)} ({verdict.message})",
            )

        ctx.scheduler.request(RUNS, ctx.company_params(RUNS, company_id, year), done)

    # ------------------------------------------------------------------ per company (thorough)
    def company_employee(
        self, company_id: int, callback: Callable[[int | None, str], None], source_index: int = 0
    ) -> None:
        """An employee id of this company, found by the discovery route."""

        def done(found: DiscoveredEmployees) -> None:
            if found.employees:
                callback(found.employees[0].Id, "")
            else:
                problems = "; ".join(found.problems[-2:]) or "nobody"
                callback(None, f"company {company_id} has no employees to probe with ({problems})")

        self.search(company_id, done)

    def company_run(
        self,
        company_id: int,
        callback: Callable[[tuple[int, int] | None, str], None],
        year: int | None = None,
    ) -> None:
        """The latest run of this company this year, else last year."""
        ctx = self.ctx
        year = year or ctx.this_year

        def done(outcome: Outcome) -> None:
            if outcome.ok:
                run = latest_run(outcome.result, year)
                if run is not None:
                    callback(run, "")
                elif year == ctx.this_year:
                    self.company_run(company_id, callback, ctx.last_year)
                else:
                    callback(
                        None,
                        f"company {company_id} has no payroll run in "
                        f"{ctx.this_year} or {ctx.last_year}",
                    )
            else:
                callback(
                    None,
                    f"no run id at company {company_id}: Run_GetList gave "
                    f"{fault_text(outcome.verdict)}",
                )

        ctx.scheduler.request(RUNS, ctx.company_params(RUNS, company_id, year), done)
