"""The rights check over the REST API: the REST prober behind the one report.

It decides which calls to make, in what order and on which ids; what each answer proves (the
REST 403 rule among them) is :mod:`nmbrs_client.rest.verdicts`. The check runs in four steps:

1. *account*, no calls: the token's granted ``scope`` against the profile's REST form; then
   user info (only when ``user.info.read`` was granted), the debtors and the companies (per
   debtor when ``/api/companies`` refuses a multi-debtor consent);
2. *columns*: one cheap probe per company for reach;
3. *rows*: one probe (``pageSize=1``) per required REST call on a company in reach, with the
   ids it needs found across the visible companies; the document download is fetched once;
4. *cells*: row × column through :func:`~nmbrs_client.rights.matrix.infer_cell`, the same rule
   as on SOAP, each with its basis.

It returns the same :class:`~nmbrs_client.rights.results.RightsReport` as the SOAP engine and
streams the same events. A call that could not be made is *not verified*; a call that failed
after the client's retries is *error* (not established); neither is ever allowed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from nmbrs_client.cancel import pool_for_caller
from nmbrs_client.errors import NmbrsError, NmbrsTransportError, SecretOfOneConnection
from nmbrs_client.ids import ApiKind, EntityId
from nmbrs_client.rest.client import RestClient
from nmbrs_client.rest.errors import NmbrsRestError, RestProblemKind
from nmbrs_client.rest.history import run_period
from nmbrs_client.rest.verdicts import (
    ALLOWED,
    AUTH_STOPS,
    CANCELLED,
    LOGIN_STOPS,
    SERVICE,
    Probe,
    budget_failure,
    debtor_label,
    debtors_refused,
    failure,
    judge,
    ms_since,
    not_verified,
    passing,
    qualified,
    scopes_line,
    settle_columns,
    why_unreached,
)
from nmbrs_client.rest_operations import OPERATIONS as REST_OPERATIONS
from nmbrs_client.rest_operations import RestOp, RestOperation
from nmbrs_client.retry import budget_applied
from nmbrs_client.rights.basis import Basis, BasisKind
from nmbrs_client.rights.classify import Status, Verdict, classify
from nmbrs_client.rights.columns import choose_columns, not_listed_column
from nmbrs_client.rights.matrix import (
    CellVerdict,
    ColumnVerdict,
    RowVerdict,
    infer_cell,
    result_of,
)
from nmbrs_client.rights.prober_base import ProberBase
from nmbrs_client.rights.protocol import (
    DEFAULT_OPTIONS,
    DEFAULT_TUNING,
    CheckOptions,
    ProbeTuning,
)
from nmbrs_client.rights.report_words import ACCOUNT_UNREAD
from nmbrs_client.rights.requirements import RequirementProfile
from nmbrs_client.rights.rest_requirements import ACCOUNT_OPERATIONS
from nmbrs_client.rights.results import (
    AccountResult,
    CellResult,
    CheckMode,
    CompaniesKnown,
    CompanyRef,
    Phase,
    RightsReport,
    Stage,
    StopReason,
)

MAX_PAUSE_S = 10.0

_EMPLOYEE_OPS = frozenset(
    {RestOp.EMPLOYEE, RestOp.PAYSLIP_TASK, RestOp.ANNUAL_STATEMENT_TASK, RestOp.DOCUMENT}
)
_NEEDS_RUN = frozenset({RestOp.RUN_EMPLOYEES})


class RestProber(ProberBase):
    """Runs the REST check once; ``companies`` narrows it to named ids or company numbers."""

    # False probes the rows only after every reach probe: the slower order, kept so a test can
    # show that both orders reach the same verdicts
    rows_beside_reach = True
    first_pause_s = 0.5

    def __init__(
        self,
        client: RestClient,
        requirements: RequirementProfile,
        options: CheckOptions = DEFAULT_OPTIONS,
        tuning: ProbeTuning = DEFAULT_TUNING,
    ) -> None:
        self.client = client
        self.requirements = requirements
        self.requirement = requirements.rest()
        self.named = [str(c).strip() for c in options.companies or () if str(c).strip()]
        limits = client.transport.limits
        super().__init__(options, tuning, (limits.read_timeout_s, limits.connect_timeout_s))
        self.fetch_documents = options.fetch_documents
        self.concurrency = max(1, options.concurrency or client.concurrency)
        self._budget = self.new_budget()
        self.granted = client.tokens.granted_scopes()
        self.extra_environment = dict(options.environment)
        self.account: list[AccountResult] = []
        self.companies: list[CompanyRef] = []  # the columns
        self.others: list[CompanyRef] = []  # visible, not named: rights may be probed there
        self.debtors: list[str] = []
        self.debtor_labels: dict[str, str] = {}  # for the report: number and name
        self.rows: dict[RestOp, RowVerdict] = {}
        self.columns: dict[EntityId, ColumnVerdict] = {}
        self.shown: dict[tuple[str, EntityId], CellResult] = {}  # cells streamed while probing
        self.notes: list[str] = []
        self.stopped: StopReason | None = None
        self.multi_debtor = False
        self.today = self.clock().date()
        self.retried = 0
        self._said = threading.Lock()  # the refresh withheld is said once, by one thread
        self.withheld: Verdict | None = None  # why no call can be made any more

    # .................................................................. helpers

    def _account(self, check: str, status: Status, message: str, **extra: Any) -> None:
        result = AccountResult(check, status, message, **extra)
        self.account.append(result)
        self._emit(result)

    def _granted(self, op: RestOperation) -> bool | None:
        if self.granted is None:
            return None
        return any(scope in self.granted for scope in op.scopes)

    def _again(self, call: Callable[[], Any]) -> Any:
        """``call()``, repeated after a pause when it failed for a passing reason.

        The client already retries throttling and gateway errors a few times; a check makes
        many calls at once, so it gives such a call up to ``retries`` more rounds (pausing as
        Nmbrs asked, else with a growing backoff) before calling the result not established.
        An answer (a refusal, a 404) is never retried: retrying cannot change it.
        """
        for attempt in range(self.retries + 1):
            try:
                return call()
            except NmbrsError as exc:
                if attempt == self.retries or not passing(exc) or self.cancel_event.is_set():
                    raise
                wait = getattr(exc, "retry_after_s", None) or self.backoff_s * 2**attempt
                if not self._budget.allow_retry(budget_failure(exc), min(float(wait), MAX_PAUSE_S)):
                    raise  # the check's one retry budget or its deadline says no
                self.retried += 1
                self.cancel_event.wait(min(float(wait), MAX_PAUSE_S))
        raise AssertionError("unreachable")  # pragma: no cover

    def _probe(
        self, name: RestOp, params: Mapping[str, str], query: Mapping[str, str | int] | None = None
    ) -> tuple[Probe, Any]:
        op = REST_OPERATIONS[name]
        if self.cancel_event.is_set():  # esc in the pane: no new call, nothing guessed
            return CANCELLED, None
        started = time.perf_counter()
        try:
            if op.paged:
                rows: Any = self._again(
                    lambda: self.client.page(name, params, query, number=1, size=1).rows
                )
            else:
                rows = self._again(lambda: self.client.get_json(name, params, query))
        except NmbrsError as exc:
            probe = self._failure(exc)
            return Probe(probe.verdict, probe.http_status, ms_since(started)), None
        except Exception as exc:  # as the SOAP scheduler does: not established, no traceback
            return Probe(classify(exc), None, ms_since(started)), None
        return Probe(ALLOWED.verdict, duration_ms=ms_since(started)), rows

    def _failure(self, exc: NmbrsError) -> Probe:
        """:func:`failure`; a refresh this run may not make is said once, on the account."""
        probe = failure(exc)
        if isinstance(exc, SecretOfOneConnection):
            with self._said:  # from any worker: one line
                self._account_verdict("token", probe.verdict, f"nmbrs-tui check -P {exc.profile}")
                self.withheld = probe.verdict
        return probe

    def _stop_on(self, exc: NmbrsError) -> bool:
        """Stop the check for failures no later call can get past; say so once."""
        if isinstance(exc, SecretOfOneConnection):  # no call can be made: nothing to judge
            self._failure(exc)
            return True
        if isinstance(exc, NmbrsRestError) and exc.kind in AUTH_STOPS:
            self.stopped, check = AUTH_STOPS[exc.kind]
            self._account(check, Status.AUTH_FAILED, exc.message, finding=True)
            return True
        if isinstance(exc, NmbrsTransportError) and exc.answered:
            return False  # a server answered: not established, as an error reply is
        if not isinstance(exc, NmbrsRestError):
            self.stopped = StopReason.CONNECT
            kind = failure(exc).verdict.error_kind
            self._account("connection", Status.ERROR, exc.message, finding=True, error_kind=kind)
            return True
        return False

    # .................................................................. the check

    def _pool(self, name: str = "rest-probe") -> ThreadPoolExecutor:
        """Workers of the check: made from the check's thread (or its workers), so every call
        they make draws on the check's one budget (how many calls are on the wire at once is
        the client's window, shared by all pools)."""
        return pool_for_caller(self.concurrency, name)

    def run(self) -> RightsReport:
        """Run the whole check (blocking) and return the report; never raises for API trouble."""
        self._budget = self.new_budget()
        with budget_applied(self._budget):
            return self._run()

    def _run(self) -> RightsReport:
        started = time.perf_counter()
        checked_at = self.clock()
        calls_before, repeats_before = self.client.calls_made, self.client.repeats_made
        self._emit(Phase(Stage.ACCOUNT, "token, debtors and companies"))
        self._scopes()
        cells: list[CellResult] = []
        checked: list[CompanyRef] = []
        if self._identity() and not self.cancel_event.is_set():
            checked = self._checked_companies()
            operations = tuple(qualified(op.name) for op in self._required())
            self._emit(CompaniesKnown(tuple(self.companies), operations))
            self._emit(
                Phase(Stage.PROBES, f"{len(operations)} calls × {len(self.companies)} companies")
            )
            with self._pool() as pool:
                self._plan(pool, checked)
            cells = self._cells()
            if self.thorough and not self.cancel_event.is_set():
                self._emit(Phase(Stage.THOROUGH, "probing every remaining cell"))
                with self._pool() as pool:
                    cells = self._thorough(pool, cells)  # each cell sent once, as it settles
            else:
                for cell in cells:  # the ones not streamed while the reach probes ran
                    if self.shown.get((cell.operation, cell.company_id)) != cell:
                        self._emit(cell)
        if self.cancel_event.is_set() and self.stopped is None:
            self.stopped = StopReason.CANCELLED
        granted = self.granted
        if self.stopped in LOGIN_STOPS:
            # what a refused token claims to hold means nothing: the fix is a new login
            granted = None
            self.account = [a for a in self.account if a.check != "scopes"]
        scopes_to_ask = () if granted is None else self.requirement.scopes_to_ask(granted)
        report = RightsReport(
            checked_at=checked_at,
            environment=self._environment(),
            requirements=self.requirements,
            mode=CheckMode.THOROUGH if self.thorough else CheckMode.DEFAULT,
            concurrency=self.concurrency,
            account=list(self.account),
            companies=list(self.companies),
            cells=cells,
            calls=self.client.calls_made - calls_before,
            retries=self.retried + self.client.repeats_made - repeats_before,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            stopped=self.stopped,
            notes=list(self.notes),
            api=ApiKind.REST,
            rows=tuple((SERVICE, op.name.value) for op in self._required()),
            granted_scopes=None if granted is None else tuple(sorted(granted)),
            scopes_to_ask=scopes_to_ask,
        )
        self._emit(
            Phase(
                self.stopped or Stage.DONE,
                f"{report.calls} calls in {report.elapsed_ms / 1000:.1f} s",
            )
        )
        return report

    def _environment(self) -> dict[str, Any]:
        base_url = self.client.transport.base_url
        user = next(
            (a.value for a in self.account if a.check == "user" and a.status is Status.ALLOWED),
            None,
        )
        return {
            "base_url": base_url,
            "host": urlsplit(base_url).netloc,
            "username": user or "",
            "domain": None,
            "domain_source": None,
            "saved_domain": None,
            "environment": self.extra_environment.get("environment"),
            "profile": self.extra_environment.get("profile"),
            "scenario": self.extra_environment.get("scenario"),
        }

    def _required(self) -> list[RestOperation]:
        return [op for op in self.requirement.operations if op.name not in ACCOUNT_OPERATIONS]

    def _scopes(self) -> None:
        line = scopes_line(self.granted, self.requirement)
        self.account.append(line)
        self._emit(line)

    def _identity(self) -> bool:
        """User, debtors and companies, asked for at once and read in that order.

        None of the three needs another's answer, so they cost one round trip instead of
        three; a refused token or key still stops the check at the first of them, as if the
        others had not been asked (their answers are not read).
        """
        with self._pool("rest-account") as pool:
            user = (
                pool.submit(self.client.single, RestOp.USER_INFO)
                if self._granted(REST_OPERATIONS[RestOp.USER_INFO]) is not False
                else None
            )
            listed_debtors = pool.submit(self.client.list_all, RestOp.DEBTORS)
            listed_companies = pool.submit(self.client.list_all, RestOp.COMPANIES)
        if user is not None:
            try:
                row = user.result()
            except NmbrsError as exc:
                if self._stop_on(exc):
                    return False
                self._user_unread(self._failure(exc))
            else:
                if row:
                    who = str(row.get("email") or row.get("name") or "")
                    self._account("user", Status.ALLOWED, f"consent given by {who}", value=who)
        try:
            debtors = listed_debtors.result()
        except NmbrsError as exc:
            if self._stop_on(exc):
                return False
            self._account_failure("debtors", RestOp.DEBTORS, self._failure(exc))
            debtors = []
        else:
            self._account(
                "debtors", Status.ALLOWED, f"{len(debtors)} visible", value=str(len(debtors))
            )
        self.debtors = [str(d.get("debtorId") or "") for d in debtors if d.get("debtorId")]
        self.debtor_labels = {str(d.get("debtorId")): debtor_label(d) for d in debtors}
        rows: list[Mapping[str, Any]] = []
        listed = True
        try:
            rows = listed_companies.result()
        except NmbrsError as exc:
            if self._stop_on(exc):
                return False
            if isinstance(exc, NmbrsRestError) and exc.kind is RestProblemKind.MULTI_DEBTOR:
                self.multi_debtor = True
                rows, listed = self._companies_per_debtor()
                self.notes.append(
                    "The consent spans several debtors: /api/companies refuses it, so the "
                    "companies were read per debtor (no action needed)."
                )
            else:
                listed = False
                self._account_failure("companies", RestOp.COMPANIES, self._failure(exc))
        if listed and not self.multi_debtor:
            self._debtor_companies()
        seen: dict[str, CompanyRef] = {}
        for row in rows:
            company_id = str(row.get("companyId") or "")
            if company_id and company_id not in seen:
                seen[company_id] = CompanyRef(
                    company_id,
                    str(row.get("name") or "") or None,
                    str(row.get("debtorId") or "") or None,
                    True,
                    str(row.get("number") or "") or None,
                )
        if listed or (self.multi_debtor and seen):  # seen: the debtors whose list answered
            self._account(
                "companies",
                Status.ALLOWED if seen else Status.NO_DATA_ACCESS,
                f"{len(seen)} visible" if seen else "the consent reaches no company",
                finding=not seen and not self.named,
                value=str(len(seen)),
            )
        columns = choose_columns(self.named, list(seen.values()), complete=listed)
        for finding in columns.findings:
            self.account.append(finding)
            self._emit(finding)
        self.notes.extend(columns.notes)
        self.companies = columns.companies
        self.others = columns.others
        return True

    def _user_unread(self, probe: Probe) -> None:
        """The consenting account could not be read, yet the check goes on: said, with why,
        never a finding (who consented is shown, not required)."""
        verdict = probe.verdict
        self._account(
            "user",
            Status.ERROR,
            f"{ACCOUNT_UNREAD['en']}: {verdict.message}",
            fault_code=verdict.fault_code,
            error_kind=verdict.error_kind,
        )

    def _account_failure(self, check: str, name: RestOp, probe: Probe) -> None:
        self._account_verdict(check, judge(name, probe, self.granted))

    def _account_verdict(self, check: str, verdict: Verdict, value: str | None = None) -> None:
        if verdict.status is Status.NO_SUBSCRIPTION:
            check = "subscription"
        if any(a.check == check for a in self.account):
            return
        self._account(
            check,
            verdict.status,
            verdict.message,
            fault_code=verdict.fault_code,
            finding=True,
            value=value,
            error_kind=verdict.error_kind if verdict.status is Status.ERROR else None,
        )

    def _debtor_companies(self) -> None:
        """The per-debtor company list, probed itself: it is never judged by its twin."""
        if not self.debtors:
            return
        debtor = self.debtors[0]
        probe = self._probe(RestOp.DEBTOR_COMPANIES, {"debtorId": debtor})[0]
        if probe.status is not Status.ALLOWED:
            self._debtors_refused([(debtor, probe)])

    def _debtors_refused(self, failed: list[tuple[str, Probe]]) -> None:
        """One account line for the debtors whose company list failed like the first did."""
        self._account_verdict("debtor_companies", *debtors_refused(failed, self.debtor_labels))

    def _companies_per_debtor(self) -> tuple[list[Mapping[str, Any]], bool]:
        """The per-debtor walk, debtors in parallel (an accountant may have dozens)."""
        failed: list[tuple[str, Probe]] = []

        def one(debtor: str) -> list[Mapping[str, Any]]:
            try:
                found = self.client.list_all(RestOp.DEBTOR_COMPANIES, {"debtorId": debtor})
            except NmbrsError as exc:
                failed.append((debtor, self._failure(exc)))
                return []
            return [{**company, "debtorId": debtor} for company in found]

        with self._pool() as pool:
            walked = list(pool.map(one, self.debtors))
        if failed:
            order = {debtor: n for n, debtor in enumerate(self.debtors)}
            self._debtors_refused(sorted(failed, key=lambda f: order.get(f[0], 0)))
        return [row for rows in walked for row in rows], not failed

    def _checked_companies(self) -> list[CompanyRef]:
        """The columns to probe: every one but those no company list returns."""
        return [c for c in self.companies if c.visible is not False]

    def _column_op(self) -> RestOp | None:
        """The cheapest company-scoped call the grant allows, to probe reach per company."""
        for name in (RestOp.COMPANY_PERIOD, RestOp.EMPLOYEES, RestOp.COMPANY_RUNS):
            if self._granted(REST_OPERATIONS[name]) is not False:
                return name
        return None

    def _column(self, column_op: RestOp, company: CompanyRef) -> tuple[ColumnVerdict, Probe]:
        probe = self._probe(column_op, {"companyId": str(company.id)})[0]
        basis = Basis(BasisKind.PROBED, qualified(column_op), company.id)
        return ColumnVerdict(judge(column_op, probe, self.granted), basis, probe.duration_ms), probe

    def _plan(self, pool: ThreadPoolExecutor, checked: list[CompanyRef]) -> None:
        """Reach per company beside the rows: the rows start once the first company gave
        its ids and answered its own reach probe, instead of after every company's.

        Rows probed that early are the very rows the check would probe after the reach
        probes (same ids, same calls); in every other case they are probed afterwards, as
        before, so speed never changes a verdict.
        """
        column_op = self._column_op()
        for company in self.companies:
            if company.visible is False:
                self.columns[company.id] = not_listed_column(qualified(RestOp.COMPANIES))
        reach = (
            [pool.submit(self._column, column_op, c) for c in checked]
            if column_op is not None
            else []
        )
        # the ids to probe with are looked for on the first company while reach is probed
        ids = self._sample_ids(checked[:1]) if checked else {}
        early: dict[RestOp, RowVerdict] | None = None
        first_reached = column_op is None or (
            bool(reach) and reach[0].result()[0].verdict.status is Status.ALLOWED
        )
        complete = {"employeeId", "payrollRunId"} <= set(ids)
        if self.rows_beside_reach and checked and first_reached and complete:
            # the first company is in reach and gave every id: nothing below can change them
            early = self._rows(ids, None)
            self.rows.update(early)
            self._stream(dict(zip(reach, checked, strict=False)))
        if column_op is not None:
            probed = [future.result() for future in reach]
            self.columns.update(settle_columns(list(zip(checked, probed, strict=True))))
        else:
            for company in checked:
                self.columns[company.id] = ColumnVerdict(
                    Verdict(Status.ALLOWED), Basis(BasisKind.COMPANY_UNPROBED)
                )
        if any(v.verdict.status is Status.NO_SUBSCRIPTION for v in self.columns.values()):
            self._account(
                "subscription",
                Status.NO_SUBSCRIPTION,
                "the Nmbrs environment has no valid subscription",
                finding=True,
            )
        if early is not None:
            return
        reachable = [c for c in checked if self.columns[c.id].verdict.status is Status.ALLOWED]
        if not reachable and column_op is not None:
            reachable = self._reachable_elsewhere(column_op)
        if not reachable or ids.get("companyId") not in {str(c.id) for c in reachable}:
            ids = self._sample_ids(reachable)
        elif not {"employeeId", "payrollRunId"} <= set(ids):
            more = self._sample_ids([c for c in reachable if str(c.id) != ids["companyId"]])
            ids = {**more, **ids}
        self.rows.update(self._rows(ids, why_unreached(checked, self.columns)))

    def _rows(self, ids: Mapping[str, str], unreached: Verdict | None) -> dict[RestOp, RowVerdict]:
        """Every required row not settled while looking for ids, probed side by side.

        ``unreached`` says why a row could not be probed when ``ids`` hold no company; rows
        probed with a company never need it.
        """
        required = [op.name for op in self._required() if op.name not in self.rows]
        why = unreached or Verdict(Status.NOT_VERIFIED, None, "no company in reach")
        with self._pool("rest-row") as rows:  # beside the reach probes' pool, not behind it
            probes = list(rows.map(lambda name: self._row(name, ids, why), required))
        return dict(zip(required, probes, strict=True))

    def _reachable_elsewhere(self, column_op: RestOp) -> list[CompanyRef]:
        """No named company is in reach: probe the rights on a visible company nobody named,
        as SOAP does; it stays out of the columns, so it cannot change the verdict."""
        for company in self.others:
            if self.cancel_event.is_set():
                break
            if self._column(column_op, company)[0].verdict.status is Status.ALLOWED:
                self.notes.append(
                    f"Probe company: {company.label()} (first company in scope: "
                    f"{qualified(column_op)} answered)"
                )
                return [company]
        return []

    def _keep(self, name: RestOp, probe: Probe, company_id: str) -> None:
        """Record a probe made while looking for ids; an allowed answer wins over a refusal."""
        if name in self.rows and self.rows[name].verdict.status is Status.ALLOWED:
            return
        self.rows[name] = self._row_verdict(name, probe, company_id)

    def _sample_ids(self, reachable: list[CompanyRef]) -> dict[str, str]:
        """A company, an employee, a run and a period to probe with, across the companies."""
        ids: dict[str, str] = {}
        employee_op = REST_OPERATIONS[RestOp.EMPLOYEES]
        runs_op = REST_OPERATIONS[RestOp.COMPANY_RUNS]
        for company in reachable:
            company_id = str(company.id)
            ids.setdefault("companyId", company_id)
            if "employeeId" not in ids and self._granted(employee_op) is not False:
                probe, rows = self._probe(RestOp.EMPLOYEES, {"companyId": company_id})
                self._keep(RestOp.EMPLOYEES, probe, company_id)
                if rows:
                    employee = str(rows[0].get("employeeId") or "")
                    if employee:
                        ids["employeeId"] = employee
                        ids["employeeCompanyId"] = company_id
                        self.notes.append(f"Employee found in company {company.label()}")
            if "payrollRunId" not in ids and self._granted(runs_op) is not False:
                # last year first: its runs are complete, so its annual statement exists
                for year in (self.today.year - 1, self.today.year):
                    probe, rows = self._probe(
                        RestOp.COMPANY_RUNS, {"companyId": company_id}, {"year": year}
                    )
                    self._keep(RestOp.COMPANY_RUNS, probe, company_id)
                    if rows:
                        ids["payrollRunId"] = str(rows[0].get("payrollRunId") or "")
                        ids["runCompanyId"] = company_id
                        ids["runYear"] = str(rows[0].get("year") or year)
                        ids["runPeriod"] = str(run_period(rows[0].get("periodStart"), 1))
                        self._run_employee(ids)
                        break
                    if probe.status is not Status.ALLOWED:
                        break
            if {"employeeId", "payrollRunId"} <= set(ids):
                break
        return ids

    def _run_employee(self, ids: dict[str, str]) -> None:
        """An employee paid in the sample run: the one the document probes ask about."""
        if self._granted(REST_OPERATIONS[RestOp.RUN_EMPLOYEES]) is False:
            return
        probe, rows = self._probe(
            RestOp.RUN_EMPLOYEES,
            {"companyId": ids["runCompanyId"], "payrollRunId": ids["payrollRunId"]},
            {"year": int(ids["runYear"])},
        )
        self._keep(RestOp.RUN_EMPLOYEES, probe, ids["runCompanyId"])
        if rows and rows[0].get("employeeId"):
            ids["docEmployeeId"] = str(rows[0]["employeeId"])

    # .................................................................. rows

    def _row_verdict(self, name: RestOp, probe: Probe, company_id: str | None) -> RowVerdict:
        """A probe of a required call as a row verdict (made on ``company_id``)."""
        return RowVerdict(
            judge(name, probe, self.granted), company_id, qualified(name), probe.duration_ms
        )

    def _row(self, name: RestOp, ids: Mapping[str, str], unreached: Verdict) -> RowVerdict:
        op = REST_OPERATIONS[name]
        if self._granted(op) is False:
            return RowVerdict(
                Verdict(
                    Status.SCOPE_MISSING,
                    None,
                    "the consent does not include " + " or ".join(op.scopes),
                ),
                None,
                None,
                basis=Basis(BasisKind.GRANTED_SCOPES),
            )
        company = ids.get("companyId")
        if self.withheld is not None:  # no call can be made: whatever ids are lacking
            unreached, company = self.withheld, None
        if company is None:
            return RowVerdict(unreached, None, None, note=unreached.message)
        year = int(ids.get("runYear") or self.today.year)
        closed_year = year if year < self.today.year else year - 1
        if name in _EMPLOYEE_OPS:
            documents = name is not RestOp.EMPLOYEE
            employee = ids.get("docEmployeeId" if documents else "employeeId") or ids.get(
                "employeeId"
            )
            if employee is None:
                return not_verified(
                    "no company in reach has employees: name one that has with --company"
                )
            where = ids.get("employeeCompanyId", company)
            if name is RestOp.DOCUMENT:
                return self._document(employee, closed_year, where)
            query: dict[str, str | int] = {}
            if name is RestOp.PAYSLIP_TASK:
                query = {"year": year, "period": int(ids.get("runPeriod") or 1)}
            elif name is RestOp.ANNUAL_STATEMENT_TASK:
                query = {"year": closed_year}
            probe = self._probe(name, {"employeeId": employee}, query)[0]
            if probe.status is Status.ERROR and probe.http_status == 404:
                # what a task answers when there is no document the OpenAPI document does not say:
                # the call got past the gate, but that does not prove the scope
                return not_verified(
                    "Nmbrs has no document for the sample employee and period; "
                    "name a company with payslips with --company"
                )
            return self._row_verdict(name, probe, where)
        if name in _NEEDS_RUN:
            run = ids.get("payrollRunId")
            if not run:
                return not_verified(
                    "no company in reach has a payroll run this year or last: "
                    "name one that has with --company"
                )
            probe = self._probe(
                name, {"companyId": ids["runCompanyId"], "payrollRunId": run}, {"year": year}
            )[0]
            return self._row_verdict(name, probe, ids["runCompanyId"])
        needs = op.path_params()
        if "debtorId" in needs:
            debtor = self.debtors[0] if self.debtors else None
            if debtor is None:
                return not_verified("no debtor in reach to call it on")
            return self._row_verdict(name, self._probe(name, {"debtorId": debtor})[0], None)
        if "companyId" not in needs:  # an account-wide call (user info, the company list)
            return self._row_verdict(name, self._probe(name, {})[0], None)
        probe = self._probe(name, {"companyId": company})[0]
        return self._row_verdict(name, probe, company)

    def _document(self, employee: str, year: int, company: str) -> RowVerdict:
        """The download step: an annual statement is built and fetched (then discarded)."""
        if not self.fetch_documents:
            return not_verified(
                "the document download was skipped (--skip-documents): run without it to verify it"
            )
        started = time.perf_counter()
        try:
            self._again(
                lambda: self.client.document(RestOp.ANNUAL_STATEMENT_TASK, employee, {"year": year})
            )
        except SecretOfOneConnection as exc:
            return self._row_verdict(RestOp.DOCUMENT, self._failure(exc), company)
        except NmbrsRestError as exc:
            if exc.operation == str(RestOp.DOCUMENT):
                return self._row_verdict(RestOp.DOCUMENT, failure(exc), company)
            return not_verified(f"no document task could be started: {exc.message}")
        except NmbrsTransportError as exc:  # a gateway page, a time-out: run the check again
            return self._row_verdict(RestOp.DOCUMENT, failure(exc), company)
        except NmbrsError as exc:
            return not_verified(f"no document could be fetched to probe it: {exc.message}")
        return self._row_verdict(
            RestOp.DOCUMENT, Probe(ALLOWED.verdict, duration_ms=ms_since(started)), company
        )

    # .................................................................. cells

    def _cells(self) -> list[CellResult]:
        """Row × column through the one pure rule, in the order of the rows and companies."""
        return [
            self._cell_of(op.name, company.id, self.columns.get(company.id))
            for op in self._required()
            for company in self.companies
        ]

    def _cell_of(
        self, name: RestOp, company_id: EntityId, column: ColumnVerdict | None
    ) -> CellResult:
        verdict = infer_cell(qualified(name), company_id, self.rows.get(name), column)
        if verdict is None:
            verdict = CellVerdict(
                Status.ERROR, Basis(BasisKind.NOT_PROBED), None, "not established"
            )
        return self._cell(name, company_id, verdict)

    def _stream(self, reach: Mapping[Future[tuple[ColumnVerdict, Probe]], CompanyRef]) -> None:
        """Send a company's cells as soon as its reach probe answers, once every row is final.

        Only a company that answered: what a refusal means can depend on the other companies'
        answers (:func:`~nmbrs_client.rest.verdicts.settle_columns`), so those cells wait for
        the end. A streamed cell is the very cell the report holds (``shown``).
        """
        if self.thorough:  # thorough mode sends each cell once, after its own probe
            return
        for future in as_completed(reach):
            column, _probe = future.result()
            if column.verdict.status is not Status.ALLOWED or self.cancel_event.is_set():
                continue
            company = reach[future]
            for op in self._required():
                cell = self._cell_of(op.name, company.id, column)
                self.shown[(cell.operation, company.id)] = cell
                self._emit(cell)

    def _cell(self, name: RestOp, company_id: EntityId, verdict: CellVerdict) -> CellResult:
        return result_of(SERVICE, name.value, company_id, verdict)

    def _thorough(self, pool: ThreadPoolExecutor, cells: list[CellResult]) -> list[CellResult]:
        """Every company-level cell that was inferred is probed on its own company."""
        by_name = {op.name.value: op.name for op in self._required()}

        def redo(cell: CellResult) -> CellResult:
            name = by_name[cell.operation]
            op = REST_OPERATIONS[name]
            if cell.probed or cell.status not in (Status.ALLOWED, Status.ERROR):
                return cell
            if op.path_params() != ("companyId",):
                why = "this call needs an employee, run or document of each company"
                return replace(cell, basis=cell.basis.kept(why))
            probe = self._probe(name, {"companyId": str(cell.company_id)})[0]
            verdict = judge(name, probe, self.granted)
            return self._cell(
                name,
                cell.company_id,
                CellVerdict(
                    verdict.status,
                    Basis(BasisKind.PROBED),
                    verdict.fault_code,
                    verdict.message,
                    probe.duration_ms,
                    verdict.error_kind,
                    verdict.unverified,
                ),
            )

        futures = [pool.submit(redo, cell) for cell in cells]
        for future in as_completed(futures):  # each cell shown as its probe answers
            self._emit(future.result())
        return [future.result() for future in futures]
