"""Thorough mode: after the default plan, probe directly every cell it inferred.

The whole-company lists (employments, schedules, …) of a big company take seconds; started
last they would finish last. When the employee list is fetched anyway, each company's lists
wait for it and then jump the queue by size, biggest first, so they overlap with the many
small calls. A company too big to hold several of its lists at once (:data:`ONE_AT_A_TIME_ROWS`
employees) has them read one after another: each such list is tens of megabytes while it is
parsed, and three of them at once set the check's peak memory.
"""

from __future__ import annotations

from collections.abc import Callable

from nmbrs_client.employee_discovery import DiscoveredEmployees
from nmbrs_client.operations import Operation
from nmbrs_client.rights.answers import EMPLOYEES, employee_params
from nmbrs_client.rights.basis import probed
from nmbrs_client.rights.context import CheckContext
from nmbrs_client.rights.discovery import IdDiscovery
from nmbrs_client.rights.plan import COLUMN_PREFERENCE, company_level
from nmbrs_client.rights.results import CellResult, CompanyRef
from nmbrs_client.rights.scheduler import Callback, Outcome

# From this many employees a company's whole-company lists are read one at a time.
ONE_AT_A_TIME_ROWS = 1000


class ThoroughPlan:
    """Replaces each inferred cell with a probe of its own, or notes why it cannot."""

    def __init__(self, ctx: CheckContext, discovery: IdDiscovery) -> None:
        self.ctx = ctx
        self.discovery = discovery

    def start(self) -> None:
        ctx = self.ctx
        sized = EMPLOYEES.qualified_name not in self.discovery.denied_sources and (
            EMPLOYEES.qualified_name in ctx.matrix.required_names
            or any("employee" in op.needs for op in ctx.required)
        )
        heavy: dict[int, list[Operation]] = {}
        for op in ctx.required:
            if not op.needs:
                continue
            for company in ctx.companies:
                current = ctx.matrix.cells.get((op.qualified_name, company.id))
                if (current is not None and current.probed) or company.visible is False:
                    continue  # probed already, or named but in no company list: not visible
                if sized and company_level(op) and op not in COLUMN_PREFERENCE:
                    heavy.setdefault(int(company.id), []).append(op)
                else:
                    self._cell(op, company)
        for company_id, ops in heavy.items():
            self.discovery.search(company_id, self._start_heavy(company_id, ops))

    def _start_heavy(
        self, company_id: int, ops: list[Operation]
    ) -> Callable[[DiscoveredEmployees], None]:
        """Once the company's employees are listed (the per-employee probes need them too),
        its lists go out biggest company first."""

        def sized(found: DiscoveredEmployees) -> None:
            size = len(found.employees)
            if size >= ONE_AT_A_TIME_ROWS:
                self._one_after_another(company_id, ops, -size)
                return
            for op in ops:
                self._heavy(op, company_id, -size, self._replacer(op, company_id))

        return sized

    def _heavy(self, op: Operation, company_id: int, priority: int, callback: Callback) -> None:
        self.ctx.scheduler.request(
            op, self.ctx.company_params(op, company_id), callback, priority=priority, heavy=True
        )

    def _one_after_another(self, company_id: int, ops: list[Operation], priority: int) -> None:
        if not ops:
            return
        op, rest = ops[0], ops[1:]
        replace = self._replacer(op, company_id)

        def then(outcome: Outcome) -> None:
            replace(outcome)
            self._one_after_another(company_id, rest, priority)

        self._heavy(op, company_id, priority, then)

    def _replacer(self, op: Operation, company_id: int) -> Callback:
        def replace(outcome: Outcome) -> None:
            verdict = outcome.verdict
            self.ctx.matrix.replace(
                CellResult(
                    op.service.value,
                    op.name,
                    company_id,
                    verdict.status,
                    probed(),
                    verdict.fault_code,
                    verdict.message,
                    outcome.duration_ms,
                    error_kind=verdict.error_kind,
                    unverified=verdict.unverified,
                )
            )

        return replace

    def _keep(self, op: Operation, company_id: int, why: str) -> None:
        """The inferred verdict stays; its basis says why thorough mode could not probe it."""
        current = self.ctx.matrix.cells.get((op.qualified_name, company_id))
        if current is None:
            return
        self.ctx.matrix.replace(
            CellResult(
                current.service,
                current.operation,
                company_id,
                current.status,
                current.basis.kept(why),
                current.fault_code,
                current.message,
                current.duration_ms,
                error_kind=current.error_kind,
                unverified=current.unverified,
            )
        )

    def _cell(self, op: Operation, company: CompanyRef) -> None:
        ctx = self.ctx
        needs = set(op.needs)
        company_id = int(company.id)  # the SOAP engine's companies have int ids
        if company_level(op):
            ctx.scheduler.request(
                op, ctx.company_params(op, company_id), self._replacer(op, company_id)
            )
            return
        if needs == {"debtor"}:
            if company.debtor_id is None:
                self._keep(op, company_id, "the company's debtor is not known")
                return
            ctx.scheduler.request(
                op, {"DebtorId": int(company.debtor_id)}, self._replacer(op, company_id)
            )
            return

        def with_employee(employee_id: int | None, why: str) -> None:
            if employee_id is None:
                self._keep(op, company_id, why)
                return
            if "run" not in needs:
                ctx.scheduler.request(
                    op,
                    employee_params(op, company_id, employee_id, None, ctx.last_year),
                    self._replacer(op, company_id),
                )
                return

            def with_run(run: tuple[int, int] | None, run_why: str) -> None:
                if run is None:
                    self._keep(op, company_id, run_why)
                    return
                ctx.scheduler.request(
                    op,
                    employee_params(op, company_id, employee_id, run, ctx.last_year),
                    self._replacer(op, company_id),
                )

            self.discovery.company_run(company_id, with_run)

        self.discovery.company_employee(company_id, with_employee)
