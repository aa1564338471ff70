"""Thorough mode: after the default plan, probe directly every cell it inferred.

The whole-company lists (employments, schedules, …) of a big company take seconds; started
last they would finish last. When the employee list is fetched anyway, each company's lists
wait for it and then jump the queue by size, biggest first, so they overlap with the many
small calls.
"""

from __future__ import annotations

from nmbrs_client.operations import Operation
from nmbrs_client.rights.answers import EMPLOYEES, as_list, employee_params
from nmbrs_client.rights.basis import probed
from nmbrs_client.rights.context import CheckContext
from nmbrs_client.rights.discovery import IdDiscovery
from nmbrs_client.rights.plan import COLUMN_PREFERENCE, company_level
from nmbrs_client.rights.results import CellResult, CompanyRef
from nmbrs_client.rights.scheduler import Callback, Outcome


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
                if current is not None and current.probed:
                    continue
                if sized and company_level(op) and op not in COLUMN_PREFERENCE:
                    heavy.setdefault(int(company.id), []).append(op)
                else:
                    self._cell(op, company)
        for company_id, ops in heavy.items():
            ctx.scheduler.request(
                EMPLOYEES,
                ctx.company_params(EMPLOYEES, company_id),
                self._start_heavy(company_id, ops),
                heavy=True,
            )

    def _start_heavy(self, company_id: int, ops: list[Operation]) -> Callback:
        def sized(outcome: Outcome) -> None:
            size = len(as_list(outcome.result)) if outcome.ok else 0
            for op in ops:
                self.ctx.scheduler.request(
                    op,
                    self.ctx.company_params(op, company_id),
                    self._replacer(op, company_id),
                    priority=-size,
                    heavy=True,
                )

        return sized

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
