"""The account phase: credentials, domain, subscription, and which companies are visible.

``Environment_Get`` with the plain header needs no domain, so it tells a bad token apart from a
wrong domain and gives the right domain. The debtor and company lists go out together with it
(one round trip, not two); their answers are only read once Environment_Get has been judged.
Without a saved domain they go without one (the element is optional in v3) and are asked
again with the discovered domain if that alone made them fail.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from nmbrs_client.client import DomainState
from nmbrs_client.errors import NmbrsFault
from nmbrs_client.ids import EntityId
from nmbrs_client.operations import get_operation
from nmbrs_client.rights.answers import as_list, field, ids
from nmbrs_client.rights.classify import Status, Verdict, classify, is_retryable
from nmbrs_client.rights.columns import choose_columns
from nmbrs_client.rights.context import CheckContext
from nmbrs_client.rights.matrix import RowVerdict
from nmbrs_client.rights.protocol import RightsClient
from nmbrs_client.rights.results import AccountResult, CompaniesKnown, CompanyRef, StopReason
from nmbrs_client.rights.scheduler import Callback, Outcome

ENVIRONMENT_GET = get_operation("DebtorService", "Environment_Get")
DEBTORS = get_operation("DebtorService", "List_GetAll")
COMPANIES = get_operation("CompanyService", "List_GetAll")
COMPANIES_OF_DEBTOR = get_operation("CompanyService", "List_GetByDebtor")
ACCOUNT_CALLS: frozenset[str] = frozenset({DEBTORS.qualified_name, COMPANIES.qualified_name})

Reconnect = Callable[[str | None], RightsClient]


class AccountPhase:
    """Runs the account checks; :meth:`run` says whether the probes can go on."""

    def __init__(
        self,
        ctx: CheckContext,
        named_companies: list[EntityId] | None,
        reconnect: Reconnect | None,
    ) -> None:
        self.ctx = ctx
        self.named_companies = named_companies
        self.reconnect = reconnect
        self.results: list[AccountResult] = []
        self.stopped: StopReason | None = None
        self.right_domain: str | None = None
        self.no_subscription = False
        self._subdomain: str | None = None
        self._env_authenticated = False
        self._reconnected = False

    @property
    def client(self) -> RightsClient:
        return self.ctx.scheduler.client

    def _add(self, result: AccountResult) -> None:
        self.results.append(result)
        self.ctx.emit(result)

    def run(self, alongside: Callable[[], None] | None = None) -> bool:
        """Credentials, domain, subscription, companies. False when the check must stop.

        ``alongside`` asks for other account-wide answers in the same round trip, once the
        lists are asked (it is skipped while the domain is still to be discovered).
        """
        scheduler = self.ctx.scheduler
        pending = self.client.domain_state is DomainState.PENDING
        if pending:
            scheduler.without_domain = ACCOUNT_CALLS
        scheduler.prefetch(DEBTORS, {})
        scheduler.prefetch(COMPANIES, {})
        if alongside is not None and not pending:
            alongside()
        if not self._credentials():
            return False
        debtors, companies = self._lists()
        if debtors is None and companies is None:
            return False
        return self._choose_companies(companies)

    # ------------------------------------------------------------------ Environment_Get
    def _credentials(self) -> bool:
        client = self.client
        saved = client.domain if client.domain_state is DomainState.PROFILE else None
        if saved is None and client.domain_state is DomainState.PENDING:
            return self._discover_domain()
        outcome = self.ctx.scheduler.call_now(ENVIRONMENT_GET)
        verdict = outcome.verdict
        if outcome.ok:
            self._env_authenticated = True
            sub = field(outcome.result, "SubDomain")
            self._subdomain = str(sub) if sub else None
            self._add(
                AccountResult(
                    "credentials",
                    Status.ALLOWED,
                    "username and token accepted (Environment_Get)",
                    duration_ms=outcome.duration_ms,
                )
            )
            if saved and self._subdomain and saved.lower() != self._subdomain.lower():
                return self._wrong_domain(
                    saved, self._subdomain, "differs from the SubDomain Environment_Get returns"
                )
            if saved:
                self._add(
                    AccountResult(
                        "domain",
                        Status.ALLOWED,
                        f"saved domain {saved} matches the environment",
                        value=saved,
                    )
                )
            return True
        return self._environment_fault(outcome, verdict, saved)

    def _discover_domain(self) -> bool:
        scheduler = self.ctx.scheduler
        started = time.perf_counter()
        attempts = 0
        while True:
            attempts += 1
            try:
                domain = self.client.ensure_domain()
            except NmbrsFault as fault:
                outcome = Outcome(
                    ENVIRONMENT_GET,
                    (),
                    None,
                    fault,
                    (time.perf_counter() - started) * 1000,
                    attempts,
                )
                return self._environment_fault(outcome, classify(fault), None)
            except Exception as exc:
                if (
                    is_retryable(exc)
                    and attempts <= scheduler.retries
                    and not scheduler.cancel_event.wait(scheduler.backoff_s * 2 ** (attempts - 1))
                ):
                    continue
                outcome = Outcome(
                    ENVIRONMENT_GET, (), None, exc, (time.perf_counter() - started) * 1000, attempts
                )
                return self._environment_fault(outcome, classify(exc), None)
            break
        duration = (time.perf_counter() - started) * 1000
        self._env_authenticated = True
        if domain:
            self._subdomain = domain
            self._add(
                AccountResult(
                    "credentials",
                    Status.ALLOWED,
                    "username and token accepted (Environment_Get)",
                    duration_ms=duration,
                )
            )
            self._add(
                AccountResult(
                    "domain",
                    Status.ALLOWED,
                    f"domain {domain} discovered with Environment_Get",
                    value=domain,
                )
            )
            return True
        code = self.client.domain_fault_code
        status = (
            classify(NmbrsFault(ENVIRONMENT_GET.qualified_name, code, "")).status
            if code is not None
            else Status.NOT_APPLICABLE
        )
        self._add(
            AccountResult(
                "environment_get",
                status,
                f"Environment_Get did not give a domain ({self.client.domain_source}); the check "
                "goes on without a domain, which Nmbrs accepts",
                fault_code=code,
                duration_ms=duration,
            )
        )
        return True

    def _environment_fault(self, outcome: Outcome, verdict: Verdict, saved: str | None) -> bool:
        if verdict.status is Status.AUTH_FAILED:
            self._add(
                AccountResult(
                    "credentials",
                    Status.AUTH_FAILED,
                    "Nmbrs refused the username and token (1001 on Environment_Get, which needs no "
                    "domain): the token was reset or mistyped, or the user was removed",
                    fault_code=verdict.fault_code,
                    duration_ms=outcome.duration_ms,
                    finding=True,
                )
            )
            self.stopped = StopReason.AUTH_FAILED
            return False
        if outcome.unreachable or outcome.cancelled:
            what = (
                "the check was cancelled before Nmbrs answered"
                if outcome.cancelled
                else f"cannot reach Nmbrs: {verdict.message}"
            )
            self._add(
                AccountResult(
                    "connection",
                    Status.ERROR,
                    what,
                    duration_ms=outcome.duration_ms,
                    finding=True,
                    error_kind="cancelled" if outcome.cancelled else verdict.error_kind,
                )
            )
            self.stopped = StopReason.CANCELLED if outcome.cancelled else StopReason.CONNECT
            return False
        self._env_authenticated = verdict.status in (Status.ENDPOINT_DENIED, Status.NO_SUBSCRIPTION)
        if verdict.status is Status.NO_SUBSCRIPTION:
            self._add(
                AccountResult(
                    "subscription",
                    Status.NO_SUBSCRIPTION,
                    "the environment has no valid API subscription (1004)",
                    fault_code=verdict.fault_code,
                    duration_ms=outcome.duration_ms,
                    finding=True,
                )
            )
            return True
        what = (
            (
                "Environment_Get is switched off in this user's API template, so the domain "
                "cannot be discovered"
            )
            if verdict.status is Status.ENDPOINT_DENIED
            else f"Environment_Get failed: {verdict.message}"
        )
        tail = (
            f"; the saved domain {saved} is used unverified"
            if saved
            else "; the check goes on without a domain"
        )
        self._add(
            AccountResult(
                "environment_get",
                verdict.status,
                what + tail,
                fault_code=verdict.fault_code,
                duration_ms=outcome.duration_ms,
                error_kind=verdict.error_kind,
            )
        )
        return True

    def _wrong_domain(self, saved: str, right: str | None, why: str) -> bool:
        self.right_domain = right
        advice = (
            f": use {right}"
            if right
            else ": use the environment's own name (the subdomain of its Nmbrs web address)"
        )
        if self.reconnect is not None:
            went_on = f"with {right}" if right else "without a domain"
            self._add(
                AccountResult(
                    "domain",
                    Status.AUTH_FAILED,
                    f"the saved domain {saved} is wrong ({why}){advice}; this check went on "
                    f"{went_on}",
                    fault_code=1001,
                    finding=True,
                    value=right,
                )
            )
            self._reconnected = True
            scheduler = self.ctx.scheduler
            scheduler.run_until_idle()  # lists asked with the wrong domain: let them end
            scheduler.use_client(self.reconnect(right))
            return True
        self._add(
            AccountResult(
                "domain",
                Status.AUTH_FAILED,
                f"the saved domain {saved} is wrong ({why}){advice}",
                fault_code=1001,
                finding=True,
                value=right,
            )
        )
        self.stopped = StopReason.AUTH_FAILED
        return False

    # ------------------------------------------------------------------ debtors and companies
    def _lists(self) -> tuple[list[int] | None, list[CompanyRef] | None]:
        """Debtor and company lists, in parallel. ``(None, None)`` means stop."""
        scheduler = self.ctx.scheduler
        matrix = self.ctx.matrix
        sent_without_domain = bool(scheduler.without_domain)
        scheduler.without_domain = frozenset()
        results: dict[str, Outcome] = {}

        def keep(outcome: Outcome) -> None:
            results[outcome.op.qualified_name] = outcome

        scheduler.request(DEBTORS, {}, keep)
        scheduler.request(COMPANIES, {}, keep)
        scheduler.run_until_idle()
        debt, comp = results[DEBTORS.qualified_name], results[COMPANIES.qualified_name]
        for op, outcome in ((DEBTORS, debt), (COMPANIES, comp)):
            if op.qualified_name in matrix.required_names:
                matrix.rows[op.qualified_name] = RowVerdict(
                    outcome.verdict, None, op.qualified_name, outcome.duration_ms
                )
        statuses = {debt.verdict.status, comp.verdict.status}
        if (
            Status.AUTH_FAILED in statuses
            and sent_without_domain
            and self._env_authenticated
            and self.client.domain
        ):
            # Asked without a domain while Environment_Get was still finding it: ask again.
            scheduler.forget()
            return self._lists()
        if Status.AUTH_FAILED in statuses:
            saved = self.client.domain
            if self._env_authenticated and saved and not self._reconnected:
                right = (
                    self._subdomain
                    if self._subdomain and self._subdomain.lower() != saved.lower()
                    else None
                )
                if right is not None or self._subdomain is None:
                    if not self._wrong_domain(
                        saved,
                        right,
                        "calls with it answer 1001 while Environment_Get, "
                        "which needs no domain, accepts the username and token",
                    ):
                        return None, None
                    scheduler.forget()
                    return self._lists()
            self._add(
                AccountResult(
                    "credentials",
                    Status.AUTH_FAILED,
                    "Nmbrs refused the username, token or domain (1001 on the debtor and company "
                    "lists)",
                    fault_code=1001,
                    finding=True,
                )
            )
            self.stopped = StopReason.AUTH_FAILED
            return None, None
        if Status.NO_SUBSCRIPTION in statuses and not (debt.ok or comp.ok):
            self.no_subscription = True
            if not any(a.check == "subscription" for a in self.results):
                self._add(
                    AccountResult(
                        "subscription",
                        Status.NO_SUBSCRIPTION,
                        "the environment has no valid API subscription (1004 on the debtor and "
                        "company lists): a commercial matter with Nmbrs",
                        fault_code=1004,
                        finding=True,
                    )
                )
            return [], None
        if debt.unreachable and comp.unreachable:
            self._add(
                AccountResult(
                    "connection",
                    Status.ERROR,
                    f"cannot read the company list: {comp.verdict.message}",
                    finding=True,
                    error_kind=comp.verdict.error_kind,
                )
            )
            self.stopped = StopReason.CONNECT
            return None, None
        debtor_ids: list[int] | None = None
        if debt.ok:
            debtor_ids = ids(debt.result, "Id", "ID")
            self.ctx.debtor_ids = debtor_ids
            self._add(
                AccountResult(
                    "debtors",
                    Status.ALLOWED,
                    f"{len(debtor_ids)} debtor(s) visible",
                    duration_ms=debt.duration_ms,
                    value=str(len(debtor_ids)),
                )
            )
        else:
            self._add(
                AccountResult(
                    "debtors",
                    debt.verdict.status,
                    f"DebtorService.List_GetAll: {debt.verdict.message or debt.verdict.status}",
                    fault_code=debt.verdict.fault_code,
                    duration_ms=debt.duration_ms,
                    error_kind=debt.verdict.error_kind,
                )
            )
        companies: list[CompanyRef] | None = None
        if comp.ok:
            companies = company_refs(comp.result, None)
            self._add(
                AccountResult(
                    "companies",
                    Status.ALLOWED if companies else Status.NO_DATA_ACCESS,
                    f"{len(companies)} compan{'y' if len(companies) == 1 else 'ies'} visible "
                    "(CompanyService.List_GetAll)"
                    if companies
                    else "this user sees no company at all (CompanyService.List_GetAll is empty): give "
                    "it access to the debtors/companies of the integration",
                    duration_ms=comp.duration_ms,
                    value=str(len(companies)),
                    finding=not companies and not self.named_companies,
                )
            )
        else:
            companies = self._companies_by_debtor(comp)
        return debtor_ids or [], companies

    def _companies_by_debtor(self, failed: Outcome) -> list[CompanyRef] | None:
        """CompanyService.List_GetAll failed: try List_GetByDebtor for every visible debtor."""
        debtor_ids = self.ctx.debtor_ids
        reason = f"CompanyService.List_GetAll: {failed.verdict.message or failed.verdict.status}"
        if not debtor_ids:
            self._add(
                AccountResult(
                    "companies",
                    failed.verdict.status,
                    reason + "; no debtor list to fall back on, so which companies are visible is "
                    "unknown",
                    fault_code=failed.verdict.fault_code,
                    duration_ms=failed.duration_ms,
                    error_kind=failed.verdict.error_kind,
                )
            )
            return None
        found: dict[int, list[CompanyRef]] = {}
        errors: list[str] = []

        def keep(debtor_id: int) -> Callback:
            def done(outcome: Outcome) -> None:
                if outcome.ok:
                    found[debtor_id] = company_refs(outcome.result, debtor_id)
                else:
                    errors.append(f"{debtor_id}: {outcome.verdict.message}")

            return done

        for debtor_id in debtor_ids:
            self.ctx.scheduler.request(
                COMPANIES_OF_DEBTOR, {"DebtorId": debtor_id}, keep(debtor_id)
            )
        self.ctx.scheduler.run_until_idle()
        if errors and not found:
            self._add(
                AccountResult(
                    "companies",
                    failed.verdict.status,
                    reason + "; CompanyService.List_GetByDebtor failed as well, so which companies "
                    "are visible is unknown",
                    fault_code=failed.verdict.fault_code,
                    error_kind=failed.verdict.error_kind,
                )
            )
            return None
        refs = [ref for debtor_id in debtor_ids for ref in found.get(debtor_id, [])]
        self._add(
            AccountResult(
                "companies",
                Status.ALLOWED,
                f"{len(refs)} companies visible (through CompanyService.List_GetByDebtor; "
                f"{reason})",
                value=str(len(refs)),
            )
        )
        return refs

    def _choose_companies(self, visible: list[CompanyRef] | None) -> bool:
        """The columns: the named companies (marked visible or not), else all visible ones."""
        columns = choose_columns(self.named_companies, visible)
        for finding in columns.findings:
            self._add(finding)
        self.ctx.notes.extend(columns.notes)
        if self.named_companies:
            self.ctx.probe_only = [int(c.id) for c in columns.others]
        chosen = columns.companies
        self.ctx.matrix.companies = chosen
        self.ctx.emit(
            CompaniesKnown(tuple(chosen), tuple(op.qualified_name for op in self.ctx.required))
        )
        return not self.no_subscription and bool(chosen)


def company_refs(result: Any, debtor_id: int | None) -> list[CompanyRef]:
    """The companies of a company list (``debtor_id``: the debtor it was asked for)."""
    refs: list[CompanyRef] = []
    for item in as_list(result):
        cid = field(item, "ID", "Id")
        if not isinstance(cid, int):
            continue
        name = field(item, "Name")
        debtor = field(item, "DebtorId")
        refs.append(
            CompanyRef(
                cid,
                str(name) if name else None,
                debtor if isinstance(debtor, int) else debtor_id,
                True,
            )
        )
    return refs
