"""Id discovery: an employee id and a payroll run id the account returned itself.

Per-employee probes need an employee the account can see, run probes a run of this year or
last year. The default plan needs one of each (:meth:`IdDiscovery.find_employee`,
:meth:`IdDiscovery.find_run`, searched once and shared by every waiting probe); thorough mode
needs them per company (:meth:`IdDiscovery.company_employee`, :meth:`IdDiscovery.company_run`).
When ``List_GetByCompany`` is switched off, the whole-company lists give employee ids too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nmbrs_client.operations import Operation, get_operation
from nmbrs_client.rights.answers import EMPLOYEES, RUNS, employee_ids, fault_text, latest_run
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.context import CheckContext
from nmbrs_client.rights.matrix import RowVerdict
from nmbrs_client.rights.scheduler import Outcome

EMPLOYEE_SEARCH_LIMIT = 20  # companies to look through for an employee id (extra calls)

EMPLOYMENTS = get_operation("EmployeeService", "Employment_GetAll_AllEmployeesByCompany")
PICSA = get_operation(
    "EmployeeService", "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany"
)
SCHEDULES = get_operation("EmployeeService", "Schedule_GetAll_AllEmployeesByCompany")
# Where an employee id can come from when List_GetByCompany is switched off.
EMPLOYEE_SOURCES: tuple[Operation, ...] = (EMPLOYEES, EMPLOYMENTS, PICSA, SCHEDULES)

RUNS_DENIED = "no run id to probe with: CompanyService.Run_GetList is switched off (1002)"


@dataclass(frozen=True)
class EmployeeHit:
    company_id: int
    employee_id: int
    source: str  # which call on which company gave it


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
        # The column probe's operation: when it is List_GetByCompany, searching is free.
        self.column_op: Operation | None = None
        self._employee: EmployeeHit | None = None
        self._employee_reason: str | None = None
        self._waiters: list[EmployeeWaiter] = []
        self._searching = False

    def sources(self) -> list[Operation]:
        """The employee-id sources not (yet) found switched off."""
        return [op for op in EMPLOYEE_SOURCES if op.qualified_name not in self.denied_sources]

    # ------------------------------------------------------------------ one employee
    def find_employee(self, callback: EmployeeWaiter) -> None:
        if self._employee is not None or self._employee_reason is not None:
            callback(self._employee, self._employee_reason or "")
            return
        self._waiters.append(callback)
        if self._searching:
            return
        self._searching = True
        self._employee_step(0, 0, [])

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

    def _employee_step(self, index: int, source_index: int, tried: list[str]) -> None:
        """Walk the companies in order; the first one in scope with an employee gives the id."""
        order = self.ctx.in_order()
        free = self.column_op is EMPLOYEES  # List_GetByCompany is being called anyway
        limit = len(order) if free else min(len(order), EMPLOYEE_SEARCH_LIMIT)
        sources = self.sources()
        if not sources:
            denied = ", ".join(sorted(self.denied_sources))
            self._employee_found(
                None,
                f"no employee id to probe with: every source of employee "
                f"ids is switched off ({denied})",
            )
            return
        while index < limit:
            col = self.ctx.matrix.col(order[index])
            if col is not None and col.verdict.status is not Status.ALLOWED:
                index += 1
                continue
            break
        if index >= limit:
            looked = f"the first {limit}" if limit < len(order) else "all"
            detail = f" ({'; '.join(tried[-3:])})" if tried else ""
            self._employee_found(
                None,
                f"no employee id to probe with: {looked} companies in "
                f"scope have no employees{detail}",
            )
            return
        if source_index >= len(sources):
            source_index = 0
        op = sources[source_index]
        company_id = order[index]

        def done(outcome: Outcome) -> None:
            verdict = outcome.verdict
            if outcome.ok:
                found = employee_ids(op, outcome.result)
                if found:
                    self._employee_found(
                        EmployeeHit(
                            company_id, found[0], f"{op.qualified_name} on company {company_id}"
                        ),
                        "",
                    )
                    return
                tried.append(f"{op.name} on {company_id}: none")
                self._employee_step(index + 1, source_index, tried)
            elif verdict.status is Status.ENDPOINT_DENIED:
                self.denied_sources.add(op.qualified_name)
                tried.append(f"{op.name}: 1002")
                self._employee_step(index, source_index, tried)
            else:
                tried.append(f"{op.name} on {company_id}: {fault_text(verdict)}")
                self._employee_step(index + 1, source_index, tried)

        self.ctx.scheduler.request(op, self.ctx.company_params(op, company_id), done)

    # ------------------------------------------------------------------ one run
    def find_run(self, callback: RunWaiter) -> None:
        """A run of this year, else last year, at the company the employee id came from."""
        if self.ctx.matrix.row_status(RUNS.qualified_name) is Status.ENDPOINT_DENIED:
            callback(None, RUNS_DENIED)
            return

        def with_employee(hit: EmployeeHit | None, reason: str) -> None:
            if hit is None:
                callback(None, reason)
                return
            self._run_step(hit.company_id, hit.employee_id, self.ctx.this_year, callback)

        self.find_employee(with_employee)

    def _run_step(self, company_id: int, employee_id: int, year: int, callback: RunWaiter) -> None:
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
                    self._run_step(company_id, employee_id, ctx.last_year, callback)
                    return
                callback(
                    None,
                    f"no run id to probe with: company {company_id} has no payroll "
                    f"run in {ctx.this_year} or {ctx.last_year} (Run_GetList)",
                )
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
        """An employee id of this company, from the first source that is not switched off."""
        sources = self.sources()
        if source_index >= len(sources):
            callback(None, f"no employee id at company {company_id}")
            return
        op = sources[source_index]

        def done(outcome: Outcome) -> None:
            if outcome.ok:
                found = employee_ids(op, outcome.result)
                if found:
                    callback(found[0], "")
                else:
                    callback(None, f"company {company_id} has no employees ({op.name})")
            elif outcome.verdict.status is Status.ENDPOINT_DENIED:
                self.denied_sources.add(op.qualified_name)
                self.company_employee(company_id, callback, source_index + 1)
            else:
                callback(
                    None,
                    f"no employee id at company {company_id}: {op.name} gave "
                    f"{fault_text(outcome.verdict)}",
                )

        self.ctx.scheduler.request(op, self.ctx.company_params(op, company_id), done)

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
