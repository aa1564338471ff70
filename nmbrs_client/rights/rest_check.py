"""The rights check over the REST API: granted scopes, reach per company, one probe per call.

On REST a 403 looks the same for a missing scope, a login that cannot reach the company, a
lapsed subscription and a multi-debtor consent, so the check keeps them apart itself
(``nmbrs-rest-v1.md`` §3.2, §3.7):

1. *static*, no calls: the token's granted ``scope`` against the profile's REST form;
2. *identity*: user info (only when ``user.info.read`` was granted), the debtors and the
   companies (per debtor when ``/api/companies`` refuses a multi-debtor consent: a finding);
3. *rows*: one cheap probe (``pageSize=1``) per required REST call on a company the token
   reaches, with the ids it needs found across the visible companies;
4. *columns*: one cheap probe per company for reach;
5. *cells*: row × column, each with its basis (probed, inferred or from the granted scopes).

A call that could not be made is *not verified*, never allowed. Document tasks stop at the
``taskId`` unless ``fetch_documents`` is set: the download call then stays not verified.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from nmbrs_client.errors import NmbrsError
from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.rest.backend import run_period
from nmbrs_client.rest.client import RestClient
from nmbrs_client.rest.errors import NmbrsRestError, RestProblemKind
from nmbrs_client.rest.operations import OPERATIONS as REST_OPERATIONS
from nmbrs_client.rest.operations import RestOp, RestOperation
from nmbrs_client.rights.rest_requirements import ACCOUNT_OPERATIONS, RestRequirement
from nmbrs_client.rights.results import SOAP_END_OF_SUPPORT


class RestStatus(StrEnum):
    """The verdict of one REST call on one company (or of the call itself, for a row)."""

    ALLOWED = "allowed"
    SCOPE_MISSING = "scope_missing"
    NO_DATA_ACCESS = "no_data_access"
    NO_SUBSCRIPTION = "no_subscription"
    NOT_VISIBLE = "not_visible"
    NOT_VERIFIED = "not_verified"
    ERROR = "error"


FINDINGS = frozenset(
    {
        RestStatus.SCOPE_MISSING,
        RestStatus.NO_DATA_ACCESS,
        RestStatus.NO_SUBSCRIPTION,
        RestStatus.NOT_VISIBLE,
    }
)


class RestBasis(StrEnum):
    """Why a verdict holds: this call was made, it follows from row × column, or from scopes."""

    PROBED = "probed"
    INFERRED = "inferred"
    GRANTED_SCOPES = "granted_scopes"
    NOT_CALLED = "not_called"


class StopKind(StrEnum):
    """Why a check ended before judging the calls."""

    AUTH_FAILED = "auth_failed"
    NO_SUBSCRIPTION = "no_subscription"
    CONNECT = "connect"


@dataclass(frozen=True)
class Verdict:
    """A status with what it rests on and, when a call failed, what Nmbrs said."""

    status: RestStatus
    basis: RestBasis
    reason: str = ""
    http_status: int | None = None
    code: int | None = None
    attempts: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "basis": self.basis.value,
            "reason": self.reason,
            "http_status": self.http_status,
            "code": self.code,
        }


@dataclass(frozen=True)
class RestCompany:
    """A company as REST shows it: an opaque UUID, the number people read, its debtor."""

    id: str
    number: str = ""
    name: str = ""
    debtor_id: str = ""
    visible: bool = True

    def label(self) -> str:
        parts = [p for p in (self.number, self.name) if p]
        return " ".join(parts) if parts else self.id

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "name": self.name,
            "debtor_id": self.debtor_id,
            "visible": self.visible,
        }


@dataclass
class RestCheckReport:
    """Everything the REST check found; rendered by :mod:`nmbrs_client.rights.rest_report`."""

    requirement: RestRequirement
    granted_scopes: frozenset[str] | None
    today: date
    fetch_documents: bool = False
    user: dict[str, str] = field(default_factory=dict)
    debtors: list[dict[str, str]] = field(default_factory=list)
    multi_debtor: bool = False
    companies: list[RestCompany] = field(default_factory=list)
    sample_company: str | None = None
    rows: dict[RestOp, Verdict] = field(default_factory=dict)
    columns: dict[str, Verdict] = field(default_factory=dict)
    cells: dict[tuple[RestOp, str], Verdict] = field(default_factory=dict)
    stopped: StopKind | None = None
    stop_reason: str = ""
    calls: int = 0
    employees_found_by: str = ""

    @property
    def missing_scopes(self) -> dict[RestOp, tuple[str, ...]]:
        if self.granted_scopes is None:
            return {}
        return self.requirement.missing_scopes(self.granted_scopes)

    @property
    def scopes_to_ask(self) -> tuple[str, ...]:
        if self.granted_scopes is None:
            return ()
        return self.requirement.scopes_to_ask(self.granted_scopes)

    def count(self, status: RestStatus) -> int:
        return sum(1 for v in self.cells.values() if v.status is status)

    @property
    def exit_code(self) -> ExitCode:
        if self.stopped in (StopKind.AUTH_FAILED, StopKind.CONNECT):
            return ExitCode.CONNECT
        if self.stopped is StopKind.NO_SUBSCRIPTION:
            return ExitCode.FINDINGS
        statuses = {v.status for v in self.cells.values()} | {v.status for v in self.rows.values()}
        if statuses & FINDINGS or self.scopes_to_ask:
            return ExitCode.FINDINGS
        if RestStatus.NOT_VERIFIED in statuses or RestStatus.ERROR in statuses:
            return ExitCode.NOT_VERIFIED
        if not self.cells:
            return ExitCode.NOT_VERIFIED  # nothing was judged: no company reached
        return ExitCode.OK

    @property
    def days_left(self) -> int:
        return (SOAP_END_OF_SUPPORT - self.today).days

    def summary(self) -> dict[str, Any]:
        return {
            "exit_code": self.exit_code,
            "companies": len([c for c in self.companies if c.visible]),
            "operations": len(self.rows),
            "cells": len(self.cells),
            **{status.value: self.count(status) for status in RestStatus},
            "missing_scopes": sorted({s for ss in self.missing_scopes.values() for s in ss}),
            "calls": self.calls,
        }


# -- the check --------------------------------------------------------------------------------

_EMPLOYEE_OPS = frozenset(
    {RestOp.EMPLOYEE, RestOp.PAYSLIP_TASK, RestOp.ANNUAL_STATEMENT_TASK, RestOp.DOCUMENT}
)
_NEEDS_RUN = frozenset({RestOp.RUN_EMPLOYEES})
_DEBTOR_FIELDS = (("id", "debtorId"), ("number", "number"), ("name", "name"))


def _failure(exc: NmbrsError) -> Verdict:
    """The verdict for a call that failed after the client's own retries."""
    if isinstance(exc, NmbrsRestError):
        kind = exc.kind
        status = {
            RestProblemKind.SCOPE_MISSING: RestStatus.SCOPE_MISSING,
            RestProblemKind.DATA_ACCESS: RestStatus.NO_DATA_ACCESS,
            RestProblemKind.NO_SUBSCRIPTION: RestStatus.NO_SUBSCRIPTION,
            RestProblemKind.COMPANY_NOT_FOUND: RestStatus.NOT_VISIBLE,
        }.get(kind, RestStatus.ERROR)
        return Verdict(status, RestBasis.PROBED, exc.message, exc.status, exc.code)
    return Verdict(RestStatus.ERROR, RestBasis.PROBED, exc.message)


class RestRightsCheck:
    """Runs the REST check once; ``companies`` narrows it to named ids or company numbers."""

    def __init__(
        self,
        client: RestClient,
        requirement: RestRequirement,
        *,
        companies: Iterable[str] = (),
        fetch_documents: bool = False,
        concurrency: int = 8,
        today: date | None = None,
        on_progress: Callable[[str], None] | None = None,
    ) -> None:
        self.client = client
        self.requirement = requirement
        self.named = [c.strip() for c in companies if c.strip()]
        self.fetch_documents = fetch_documents
        self.concurrency = max(1, concurrency)
        self.progress = on_progress or (lambda _text: None)
        self.report = RestCheckReport(
            requirement=requirement,
            granted_scopes=client.tokens.granted_scopes(),
            today=today or date.today(),
            fetch_documents=fetch_documents,
        )

    # .................................................................. helpers

    def _granted(self, op: RestOperation) -> bool | None:
        granted = self.report.granted_scopes
        if granted is None:
            return None
        return any(scope in granted for scope in op.scopes)

    def _probe(
        self, name: RestOp, params: Mapping[str, str], query: Mapping[str, str | int] | None = None
    ) -> tuple[Verdict, Any]:
        op = REST_OPERATIONS[name]
        try:
            if op.paged:
                page = self.client.page(name, params, query, number=1, size=1)
                return Verdict(RestStatus.ALLOWED, RestBasis.PROBED), page.rows
            return Verdict(RestStatus.ALLOWED, RestBasis.PROBED), self.client.get_json(
                name, params, query
            )
        except NmbrsError as exc:
            return _failure(exc), None

    # .................................................................. phases

    def run(self) -> RestCheckReport:
        try:
            if self._identity():
                self._plan()
        finally:
            self.report.calls = self.client.calls_made
        return self.report

    def _stop_on(self, exc: NmbrsError) -> bool:
        """Stop the check for failures no later call can get past; say so once."""
        kind = exc.kind if isinstance(exc, NmbrsRestError) else None
        if kind in (
            RestProblemKind.TOKEN_MISSING,
            RestProblemKind.TOKEN_INVALID,
            RestProblemKind.SUBSCRIPTION_KEY,
            RestProblemKind.UNAUTHORIZED,
        ):
            self.report.stopped, self.report.stop_reason = StopKind.AUTH_FAILED, exc.message
            return True
        if kind is RestProblemKind.NO_SUBSCRIPTION:
            self.report.stopped, self.report.stop_reason = StopKind.NO_SUBSCRIPTION, exc.message
            return True
        if not isinstance(exc, NmbrsRestError):
            self.report.stopped, self.report.stop_reason = StopKind.CONNECT, exc.message
            return True
        return False

    def _identity(self) -> bool:
        report = self.report
        self.progress("identity: user, debtors and companies")
        user_op = REST_OPERATIONS[RestOp.USER_INFO]
        if self._granted(user_op) is not False:
            try:
                row = self.client.single(RestOp.USER_INFO)
                if row:
                    report.user = {
                        k: str(row.get(k) or "") for k in ("name", "email", "debtorId", "userId")
                    }
            except NmbrsError as exc:
                if self._stop_on(exc):
                    return False
        try:
            debtors = self.client.list_all(RestOp.DEBTORS)
        except NmbrsError as exc:
            if self._stop_on(exc):
                return False
            debtors = []
            report.rows[RestOp.DEBTORS] = _failure(exc)
        else:
            report.rows[RestOp.DEBTORS] = Verdict(RestStatus.ALLOWED, RestBasis.PROBED)
        report.debtors = [
            {key: str(d.get(field) or "") for key, field in _DEBTOR_FIELDS} for d in debtors
        ]
        rows: list[Mapping[str, Any]] = []
        try:
            rows = self.client.list_all(RestOp.COMPANIES)
        except NmbrsError as exc:
            if self._stop_on(exc):
                return False
            if isinstance(exc, NmbrsRestError) and exc.kind is RestProblemKind.MULTI_DEBTOR:
                report.multi_debtor = True
                rows = self._companies_per_debtor()
            else:
                report.rows[RestOp.DEBTOR_COMPANIES] = _failure(exc)
        if RestOp.DEBTOR_COMPANIES not in report.rows:
            # after a multi-debtor walk the per-debtor list answered; otherwise probe it once
            report.rows[RestOp.DEBTOR_COMPANIES] = (
                Verdict(RestStatus.ALLOWED, RestBasis.PROBED)
                if report.multi_debtor
                else self._probe_debtor_companies()
            )
        seen: dict[str, RestCompany] = {}
        for row in rows:
            company_id = str(row.get("companyId") or "")
            if company_id and company_id not in seen:
                seen[company_id] = RestCompany(
                    company_id,
                    str(row.get("number") or ""),
                    str(row.get("name") or ""),
                    str(row.get("debtorId") or ""),
                )
        report.companies = list(seen.values())
        for name in self.named:
            if not any(name in (c.id, c.number) for c in report.companies):
                report.companies.append(RestCompany(name, visible=False))
        return True

    def _probe_debtor_companies(self) -> Verdict:
        """The per-debtor company list, probed itself: it is never judged by its twin."""
        debtor = next((d["id"] for d in self.report.debtors if d["id"]), None)
        if debtor is None:
            return self._not_verified("no debtor in reach to call it on")
        return self._probe(RestOp.DEBTOR_COMPANIES, {"debtorId": debtor})[0]

    def _companies_per_debtor(self) -> list[Mapping[str, Any]]:
        """The per-debtor walk, debtors in parallel (an accountant may have dozens)."""

        def one(debtor: dict[str, str]) -> list[Mapping[str, Any]]:
            try:
                found = self.client.list_all(RestOp.DEBTOR_COMPANIES, {"debtorId": debtor["id"]})
            except NmbrsError as exc:
                self.report.rows[RestOp.DEBTOR_COMPANIES] = _failure(exc)
                return []
            return [{**company, "debtorId": debtor["id"]} for company in found]

        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            walked = list(pool.map(one, self.report.debtors))
        return [row for rows in walked for row in rows]

    def _checked_companies(self) -> list[RestCompany]:
        visible = [c for c in self.report.companies if c.visible]
        if not self.named:
            return visible
        return [c for c in visible if c.id in self.named or c.number in self.named]

    def _column_op(self) -> RestOp | None:
        """The cheapest company-scoped call the grant allows, to probe reach per company."""
        for name in (RestOp.COMPANY_PERIOD, RestOp.EMPLOYEES, RestOp.COMPANY_RUNS):
            if self._granted(REST_OPERATIONS[name]) is not False:
                return name
        return None

    def _plan(self) -> None:
        report = self.report
        checked = self._checked_companies()
        required = [op.name for op in self.requirement.operations if op.name not in report.rows]
        column_op = self._column_op()
        self.progress(f"reach: one call per company ({len(checked)})")
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            # the ids to probe with are looked for on the first company while reach is probed
            early = pool.submit(self._sample_ids, checked[:1]) if checked else None
            if column_op is not None:
                verdicts = list(
                    pool.map(lambda c: self._probe(column_op, {"companyId": c.id})[0], checked)
                )
                report.columns = {c.id: v for c, v in zip(checked, verdicts, strict=True)}
            else:
                report.columns = {
                    c.id: Verdict(
                        RestStatus.NOT_VERIFIED,
                        RestBasis.NOT_CALLED,
                        "no granted scope allows a company-level call",
                    )
                    for c in checked
                }
            if any(v.status is RestStatus.NO_SUBSCRIPTION for v in report.columns.values()):
                report.stopped = StopKind.NO_SUBSCRIPTION
                report.stop_reason = "the Nmbrs environment has no valid subscription"
            reachable = [
                c for c in checked if report.columns[c.id].status is RestStatus.ALLOWED
            ] or ([] if column_op is not None else checked)
            if not reachable and column_op is not None:
                reachable = self._reachable_elsewhere(column_op, checked)
            ids = early.result() if early is not None else {}
            if not reachable or ids.get("companyId") not in {c.id for c in reachable}:
                ids = self._sample_ids(reachable)
            elif not {"employeeId", "payrollRunId"} <= set(ids):
                more = self._sample_ids([c for c in reachable if c.id != ids["companyId"]])
                ids = {**more, **ids}
            self.progress(f"rights: one call per required REST operation ({len(required)})")
            verdicts = list(pool.map(lambda name: self._row(name, ids), required))
        report.rows.update(dict(zip(required, verdicts, strict=True)))
        if column_op is not None and column_op in report.rows:
            # the column probe on the sample company is itself a probe of that call
            sample = ids.get("companyId")
            if sample and report.rows[column_op].basis is RestBasis.NOT_CALLED:
                report.rows[column_op] = report.columns[sample]
        self._cells(checked)

    def _reachable_elsewhere(
        self, column_op: RestOp, checked: list[RestCompany]
    ) -> list[RestCompany]:
        """Named companies reach nothing: probe the rights on another visible company."""
        names = {c.id for c in checked}
        for company in self.report.companies:
            if not company.visible or company.id in names:
                continue
            verdict = self._probe(column_op, {"companyId": company.id})[0]
            if verdict.status is RestStatus.ALLOWED:
                return [company]
        return []

    def _keep(self, name: RestOp, verdict: Verdict) -> None:
        """Record a probe made while looking for ids; an allowed answer wins over a refusal."""
        if verdict.status is RestStatus.ALLOWED or name not in self.report.rows:
            self.report.rows[name] = verdict

    def _sample_ids(self, reachable: list[RestCompany]) -> dict[str, str]:
        """A company, an employee, a run and a period to probe with, across the companies."""
        ids: dict[str, str] = {}
        today = self.report.today
        employee_op = REST_OPERATIONS[RestOp.EMPLOYEES]
        runs_op = REST_OPERATIONS[RestOp.COMPANY_RUNS]
        for company in reachable:
            ids.setdefault("companyId", company.id)
            if "employeeId" not in ids and self._granted(employee_op) is not False:
                verdict, rows = self._probe(RestOp.EMPLOYEES, {"companyId": company.id})
                self._keep(RestOp.EMPLOYEES, verdict)
                if rows:
                    employee = str(rows[0].get("employeeId") or "")
                    if employee:
                        ids["employeeId"] = employee
                        ids["employeeCompanyId"] = company.id
                        self.report.employees_found_by = f"company {company.label()}"
            if "payrollRunId" not in ids and self._granted(runs_op) is not False:
                # last year first: its runs are complete, so its annual statement exists
                for year in (today.year - 1, today.year):
                    verdict, rows = self._probe(
                        RestOp.COMPANY_RUNS, {"companyId": company.id}, {"year": year}
                    )
                    self._keep(RestOp.COMPANY_RUNS, verdict)
                    if rows:
                        ids["payrollRunId"] = str(rows[0].get("payrollRunId") or "")
                        ids["runCompanyId"] = company.id
                        ids["runYear"] = str(rows[0].get("year") or year)
                        ids["runPeriod"] = str(run_period(rows[0].get("periodStart"), 1))
                        self._run_employee(ids)
                        break
                    if verdict.status is not RestStatus.ALLOWED:
                        break
            if {"employeeId", "payrollRunId"} <= set(ids):
                break
        if "companyId" in ids:
            self.report.sample_company = ids["companyId"]
        return ids

    def _run_employee(self, ids: dict[str, str]) -> None:
        """An employee paid in the sample run: the one the document probes ask about."""
        op = REST_OPERATIONS[RestOp.RUN_EMPLOYEES]
        if self._granted(op) is False:
            return
        verdict, rows = self._probe(
            RestOp.RUN_EMPLOYEES,
            {"companyId": ids["runCompanyId"], "payrollRunId": ids["payrollRunId"]},
            {"year": int(ids["runYear"])},
        )
        self._keep(RestOp.RUN_EMPLOYEES, verdict)
        if rows and rows[0].get("employeeId"):
            ids["docEmployeeId"] = str(rows[0]["employeeId"])

    def _not_verified(self, why: str) -> Verdict:
        return Verdict(RestStatus.NOT_VERIFIED, RestBasis.NOT_CALLED, why)

    def _row(self, name: RestOp, ids: Mapping[str, str]) -> Verdict:
        verdict = self._row_probe(name, ids)
        if (
            self.report.granted_scopes is None
            and verdict.basis is RestBasis.PROBED
            and verdict.status in (RestStatus.NO_DATA_ACCESS, RestStatus.ERROR)
            and verdict.http_status == 403
        ):
            # Without the granted scopes a 403 cannot say scope from data access (§3.2): the
            # company itself answered its reach probe, so both readings stay open.
            op = REST_OPERATIONS[name]
            return Verdict(
                RestStatus.NOT_VERIFIED,
                RestBasis.PROBED,
                "refused (403): either the consent lacks " + " or ".join(op.scopes) + " or the "
                "login cannot reach this data; the token does not say which scopes it holds "
                "(engineer: `nmbrs-tui auth status`, or NMBRS_REST_SCOPES for a fixed token)",
                verdict.http_status,
                verdict.code,
            )
        return verdict

    def _row_probe(self, name: RestOp, ids: Mapping[str, str]) -> Verdict:
        op = REST_OPERATIONS[name]
        if self._granted(op) is False:
            return Verdict(
                RestStatus.SCOPE_MISSING,
                RestBasis.GRANTED_SCOPES,
                "the token was granted none of: " + ", ".join(op.scopes),
            )
        if name in self.report.rows:  # probed while looking for ids
            return self.report.rows[name]
        company = ids.get("companyId")
        if company is None:
            return self._not_verified("no company in reach to call it on")
        year = int(ids.get("runYear") or self.report.today.year)
        if name in _EMPLOYEE_OPS:
            documents = name is not RestOp.EMPLOYEE
            employee = ids.get("docEmployeeId" if documents else "employeeId") or ids.get(
                "employeeId"
            )
            if employee is None:
                return self._not_verified(
                    "no company in reach has employees: name one that has with --company"
                )
            if name is RestOp.DOCUMENT:
                return self._document(employee, year if year < self.report.today.year else year - 1)
            query: dict[str, str | int] = {}
            if name is RestOp.PAYSLIP_TASK:
                query = {"year": year, "period": int(ids.get("runPeriod") or 1)}
            elif name is RestOp.ANNUAL_STATEMENT_TASK:
                query = {"year": year if year < self.report.today.year else year - 1}
            verdict = self._probe(name, {"employeeId": employee}, query)[0]
            if verdict.status is RestStatus.ERROR and verdict.http_status == 404:
                # what a task answers when there is no document is an open question (§8.3):
                # the call got past the gate, but that does not prove the scope
                return self._not_verified(
                    "Nmbrs has no document for the sample employee and period; "
                    "name a company with payslips with --company"
                )
            return verdict
        if name in _NEEDS_RUN:
            run = ids.get("payrollRunId")
            if not run:
                return self._not_verified(
                    "no company in reach has a payroll run this year or last: "
                    "name one that has with --company"
                )
            return self._probe(
                name, {"companyId": ids["runCompanyId"], "payrollRunId": run}, {"year": year}
            )[0]
        params = {"companyId": company}
        if "{debtorId}" in op.path:
            debtor = next((d["id"] for d in self.report.debtors if d["id"]), None)
            if debtor is None:
                return self._not_verified("no debtor in reach to call it on")
            params = {"debtorId": debtor}
        return self._probe(name, params)[0]

    def _document(self, employee: str, year: int) -> Verdict:
        """The download step: only with ``fetch_documents`` (it makes Nmbrs build a PDF)."""
        if not self.fetch_documents:
            return self._not_verified(
                "the document download is only probed when asked: it makes Nmbrs build a PDF "
                "(engineer: add --fetch-documents)"
            )
        try:
            self.client.document(RestOp.ANNUAL_STATEMENT_TASK, employee, {"year": year})
        except NmbrsRestError as exc:
            if exc.operation == str(RestOp.DOCUMENT):
                return _failure(exc)
            return self._not_verified(f"no document task could be started: {exc.message}")
        except NmbrsError as exc:
            return self._not_verified(f"no document could be fetched to probe it: {exc.message}")
        return Verdict(RestStatus.ALLOWED, RestBasis.PROBED)

    def _cells(self, companies: list[RestCompany]) -> None:
        report = self.report
        sample = report.sample_company
        for name, row in report.rows.items():
            if name in ACCOUNT_OPERATIONS:
                continue
            for company in companies:
                column = report.columns.get(company.id)
                report.cells[(name, company.id)] = _cell(row, column, company.id == sample)
        for company in report.companies:
            if not company.visible:
                for name in report.rows:
                    if name in ACCOUNT_OPERATIONS:
                        continue
                    report.cells[(name, company.id)] = Verdict(
                        RestStatus.NOT_VISIBLE,
                        RestBasis.NOT_CALLED,
                        "no company list shows this id: wrong id, or outside this login's reach",
                    )


def _cell(row: Verdict, column: Verdict | None, is_sample: bool) -> Verdict:
    """Row (the call) × column (the company): the pure inference step."""
    if row.status is RestStatus.SCOPE_MISSING:
        return row
    if column is None:
        return Verdict(RestStatus.NOT_VERIFIED, RestBasis.NOT_CALLED, "company not probed")
    if column.status is not RestStatus.ALLOWED:
        return Verdict(column.status, RestBasis.INFERRED, column.reason, column.http_status)
    if row.status is RestStatus.ALLOWED:
        # the call itself was made on the sample company only; elsewhere it is row × column
        probed_here = row.basis is not RestBasis.PROBED or is_sample
        basis = row.basis if probed_here else RestBasis.INFERRED
        return Verdict(RestStatus.ALLOWED, basis, row.reason)
    return row
