"""The default probe plan: every required operation once (rows), one cheap call per company
(columns), everything else inferred by :mod:`nmbrs_client.rights.matrix`.

To keep the critical path at three round trips (account → company-level probes, which give the
ids → per-employee probes), the row probes on the first candidate company and the first few
column probes start together with its column probe; their answers become verdicts only once
that column probe has proven the company in scope.
"""

from __future__ import annotations

from functools import partial

from nmbrs_client.employee_discovery import EMPLOYEE_TYPES, listing_calls, type_ids
from nmbrs_client.operations import Operation, get_operation
from nmbrs_client.rights.answers import EMPLOYEES, RUNS, employee_params
from nmbrs_client.rights.basis import Basis, BasisKind
from nmbrs_client.rights.classify import ALLOWED, Status, Verdict
from nmbrs_client.rights.columns import not_listed_column
from nmbrs_client.rights.context import CheckContext
from nmbrs_client.rights.discovery import EmployeeHit, IdDiscovery, RunHit
from nmbrs_client.rights.matrix import ColumnVerdict, RowVerdict
from nmbrs_client.rights.scheduler import Callback, Outcome

SPECULATIVE_COLUMNS = 8  # column probes started before the column operation is proven allowed

CURRENT_PERIOD = get_operation("CompanyService", "Company_GetCurrentPeriod")
# Cheapest first: the column probe is the first allowed of these (then any other required
# company-level operation). Run_GetList for one year and the current period are a few rows;
# the employee list is the whole company (5,000 rows for a big one).
COLUMN_PREFERENCE: tuple[Operation, ...] = (RUNS, CURRENT_PERIOD, EMPLOYEES)

NO_SUBSCRIPTION = Verdict(
    Status.NO_SUBSCRIPTION, 1004, "the environment has no valid API subscription"
)


def company_level(op: Operation) -> bool:
    """Called with a company (and a year) only: no employee, run or debtor id needed."""
    return bool(op.needs) and set(op.needs) <= {"company", "year"}


class DefaultPlan:
    """Finds the first company in scope (the anchor), probes every row there, then every
    column; see the module docstring."""

    def __init__(self, ctx: CheckContext, discovery: IdDiscovery) -> None:
        self.ctx = ctx
        self.discovery = discovery
        self.anchor: int | None = None
        self._prefetched = False

    # ------------------------------------------------------------------ before probing
    def mark_no_subscription(self) -> None:
        """1004 on the account checks: every cell is that, without a probe."""
        matrix = self.ctx.matrix
        for company in self.ctx.companies:
            matrix.cols[company.id] = ColumnVerdict(
                NO_SUBSCRIPTION, Basis(BasisKind.NO_SUBSCRIPTION)
            )
        for op in self.ctx.required:
            matrix.rows.setdefault(
                op.qualified_name,
                RowVerdict(NO_SUBSCRIPTION, None, None, note="the account checks"),
            )
        matrix.settle_all()

    def prefetch_account_wide(self) -> None:
        """Employee discovery's first step (the employee types) is account-wide: asked beside
        the account checks, the first company's listing does not wait a round trip for it.
        Its answer is read only once the account checks let the probes go on."""
        if any("employee" in op.needs for op in self.ctx.required):
            self.ctx.scheduler.prefetch(EMPLOYEE_TYPES, {})

    def start(self) -> None:
        matrix = self.ctx.matrix
        for company in self.ctx.companies:
            if company.visible is False:
                matrix.cols[company.id] = not_listed_column("CompanyService.List_GetAll")
        for op in self.ctx.required:
            if not op.needs and op.qualified_name not in matrix.rows:
                self.ctx.scheduler.request(op, {}, self._row_done(op, None))
        self._anchor_search(0, frozenset())

    # ------------------------------------------------------------------ the anchor
    def _column_candidates(self) -> list[Operation]:
        ordered = list(COLUMN_PREFERENCE)
        ordered += [op for op in self.ctx.required if company_level(op) and op not in ordered]
        return [
            op
            for op in ordered
            if self.ctx.matrix.row_status(op.qualified_name) is not Status.ENDPOINT_DENIED
        ]

    def _anchor_search(self, company_index: int, tried: frozenset[str]) -> None:
        """Find the first company where a column operation succeeds: that proves it in scope.

        ``tried``: column operations that answered 1002 (switched off, the same everywhere).
        """
        ctx = self.ctx
        matrix = ctx.matrix
        candidates = [op for op in self._column_candidates() if op.qualified_name not in tried]
        order = ctx.in_order()
        while company_index < len(order) and order[company_index] in matrix.cols:
            company_index += 1
        if not candidates or company_index >= len(order):
            self._no_anchor(order, candidates)
            return
        op = candidates[0]
        company_id = order[company_index]

        def done(outcome: Outcome) -> None:
            verdict = outcome.verdict
            if verdict.status is Status.ALLOWED:
                self._set_col(company_id, op, outcome)
                self._anchor_found(company_id, op, outcome)
            elif verdict.status is Status.ENDPOINT_DENIED:
                matrix.set_row(
                    op, RowVerdict(verdict, company_id, op.qualified_name, outcome.duration_ms)
                )
                self._anchor_search(company_index, tried | {op.qualified_name})
            else:
                self._set_col(company_id, op, outcome)
                if (
                    verdict.status is not Status.NO_DATA_ACCESS
                    and op.qualified_name in matrix.required_names
                ):
                    matrix.set_row(
                        op, RowVerdict(verdict, company_id, op.qualified_name, outcome.duration_ms)
                    )
                self._anchor_search(company_index + 1, tried)

        first = not self._prefetched
        if first:  # the first candidate: start its row probes and other columns alongside
            self._prefetched = True
            self._prefetch_rows(company_id)
        ctx.scheduler.request(op, ctx.company_params(op, company_id), done)
        if first:
            self._prefetch_columns(op, company_id)

    def _set_col(self, company_id: int, op: Operation, outcome: Outcome) -> None:
        self.ctx.matrix.set_col(
            company_id,
            ColumnVerdict(
                outcome.verdict,
                Basis(BasisKind.PROBED, op.qualified_name, company_id),
                outcome.duration_ms,
            ),
        )

    def _prefetch_rows(self, company_id: int) -> None:
        """Start the row probes on the first candidate company while its column probe runs.

        Speculative: the answers wait in the cache and only become row verdicts once the
        column probe has proven the company in scope (:meth:`_launch_rows` asks for the very
        same calls). If it is not in scope they are never read; that costs a few calls, once.
        """
        ctx = self.ctx
        scheduler = ctx.scheduler
        company = ctx.company(company_id)
        # The employee and run ids first: the per-employee probes wait for them.
        if any("employee" in op.needs for op in ctx.required):
            # Employee discovery's first listing on this company, once the (account-wide)
            # employee types are known: the employee id is then one round trip away.
            types = scheduler.answered(EMPLOYEE_TYPES, {})
            if types is not None:  # asked with the account checks: no hand-off to wait for
                self._prefetch_listing(company_id)(types)
            else:
                scheduler.request(EMPLOYEE_TYPES, {}, self._prefetch_listing(company_id))
        if any("run" in op.needs for op in ctx.required):
            scheduler.prefetch(RUNS, ctx.company_params(RUNS, company_id, ctx.this_year))
        for op in ctx.required:
            if op.qualified_name in ctx.matrix.rows or not op.needs:
                continue
            if company_level(op):
                scheduler.prefetch(op, ctx.company_params(op, company_id))
            elif set(op.needs) == {"debtor"} and company is not None and company.debtor_id:
                scheduler.prefetch(op, {"DebtorId": int(company.debtor_id)})

    def _prefetch_listing(self, company_id: int) -> Callback:
        def with_types(outcome: Outcome) -> None:
            if not outcome.ok:
                return  # discovery finds its own way when it gets there
            for op, params in listing_calls(company_id, type_ids(outcome.result)):
                self.ctx.scheduler.prefetch(op, params)

        return with_types

    def _prefetch_columns(self, op: Operation, after: int) -> None:
        """Start the column probe on the next few companies before ``op`` is proven allowed.

        Bounded (``SPECULATIVE_COLUMNS``) so a switched-off ``op`` wastes only a few calls;
        the answers are read only once ``op`` has answered on a company in scope.
        """
        ctx = self.ctx
        columns = {c.id for c in ctx.companies}
        order = [
            cid
            for cid in ctx.in_order()
            if cid != after and cid not in ctx.matrix.cols and cid in columns
        ]
        for company_id in order[:SPECULATIVE_COLUMNS]:
            ctx.scheduler.prefetch(op, ctx.company_params(op, company_id), priority=1)

    def _no_anchor(self, order: list[int], candidates: list[Operation]) -> None:
        """No company could be proven in scope: say why for every row still open."""
        ctx = self.ctx
        matrix = ctx.matrix
        if not candidates:
            reason = (
                "every company-level operation that could show whether a company's data "
                "is reachable is switched off (1002)"
            )
            for company_id in order:
                matrix.cols.setdefault(
                    company_id, ColumnVerdict(ALLOWED, Basis(BasisKind.COMPANY_UNPROBED))
                )
            ctx.notes.append("No allowed operation could probe company data: " + reason)
            if order:
                self.anchor = order[0]
                self._launch_rows(order[0])
                matrix.settle_all()
                return
        reason = (
            "no company in scope to probe on (every company answered with a scope fault "
            "or an error); name a company this user can see with --company"
        )
        for op in ctx.required:
            if op.needs:
                matrix.rows.setdefault(
                    op.qualified_name,
                    RowVerdict(Verdict(Status.NOT_VERIFIED, None, reason), None, None, note=reason),
                )
        matrix.settle_all()

    def _anchor_found(self, company_id: int, op: Operation, outcome: Outcome) -> None:
        ctx = self.ctx
        self.anchor = company_id
        self.discovery.column_op = op
        ctx.notes.append(
            f"Probe company: {company_id} (first company in scope: {op.qualified_name} answered)"
        )
        ctx.notes.append(f"Column probe: {op.qualified_name} on every company")
        if op.qualified_name in ctx.matrix.required_names:
            ctx.matrix.set_row(
                op, RowVerdict(outcome.verdict, company_id, op.qualified_name, outcome.duration_ms)
            )
        self._launch_rows(company_id)
        for company in ctx.companies:  # after the row probes: they are on the critical path
            if company.id not in ctx.matrix.cols:
                ctx.scheduler.request(
                    op,
                    ctx.company_params(op, int(company.id)),
                    self._col_done(int(company.id), op),
                    priority=1,
                )
        ctx.matrix.settle_all()

    def _col_done(self, company_id: int, op: Operation) -> Callback:
        def done(outcome: Outcome) -> None:
            verdict = outcome.verdict
            if verdict.status is Status.ENDPOINT_DENIED:
                verdict = Verdict(
                    Status.ERROR,
                    1002,
                    f"{op.qualified_name} answered 1002 on this company but not on "
                    f"company {self.anchor}: the data scope could not be established",
                )
            self.ctx.matrix.set_col(
                company_id,
                ColumnVerdict(
                    verdict,
                    Basis(BasisKind.PROBED, op.qualified_name, company_id),
                    outcome.duration_ms,
                ),
            )

        return done

    # ------------------------------------------------------------------ the rows
    def _launch_rows(self, anchor: int) -> None:
        ctx = self.ctx
        for op in ctx.required:
            if op.qualified_name in ctx.matrix.rows or not op.needs:
                continue
            needs = set(op.needs)
            if company_level(op):
                ctx.scheduler.request(
                    op, ctx.company_params(op, anchor), self._row_done(op, anchor)
                )
            elif needs == {"debtor"}:
                self._probe_debtor_op(op, anchor)
            elif "run" in needs:
                self.discovery.find_run(partial(self._run_found, op))
            elif "employee" in needs:
                self.discovery.find_employee(partial(self._employee_found, op))

    def _row_done(self, op: Operation, company_id: int | None) -> Callback:
        def done(outcome: Outcome) -> None:
            self.ctx.matrix.set_row(
                op, RowVerdict(outcome.verdict, company_id, op.qualified_name, outcome.duration_ms)
            )

        return done

    def _not_verified(self, op: Operation, reason: str) -> None:
        """Nothing to call ``op`` with: it stays unverified (never inferred allowed)."""
        self.ctx.matrix.set_row(
            op, RowVerdict(Verdict(Status.NOT_VERIFIED, None, reason), None, None, note=reason)
        )

    def _probe_debtor_op(self, op: Operation, anchor: int) -> None:
        ctx = self.ctx
        company = ctx.company(anchor)
        debtor = (
            company.debtor_id
            if company and company.debtor_id
            else (ctx.debtor_ids[0] if ctx.debtor_ids else None)
        )
        if debtor is None:
            self._not_verified(
                op,
                "no debtor id to probe with: DebtorService.List_GetAll gave none; allow it "
                "in the API template or give the user access to a debtor",
            )
            return
        ctx.scheduler.request(op, {"DebtorId": int(debtor)}, self._row_done(op, None))

    def _employee_found(self, op: Operation, hit: EmployeeHit | None, reason: str) -> None:
        if hit is None:
            self._not_verified(op, reason)
        else:
            self._probe_employee(op, hit.company_id, hit.employee_id, None)

    def _run_found(self, op: Operation, hit: RunHit | None, reason: str) -> None:
        if hit is None:
            self._not_verified(op, reason)
        else:
            self._probe_employee(op, hit.company_id, hit.employee_id, hit.run)

    def _probe_employee(
        self, op: Operation, company_id: int, employee_id: int, run: tuple[int, int] | None
    ) -> None:
        params = employee_params(op, company_id, employee_id, run, self.ctx.last_year)
        self.ctx.scheduler.request(op, params, self._row_done(op, company_id))
