"""The rights engine: does this API account have the rights an integration needs?

Nmbrs has two independent axes (nmbrs-soap-v3.md §4.4): endpoint rights come from the API
user's template and are the same for every company; data scope belongs to the debtor/company.
So the engine probes rows once and columns once:

- **account**: ``Environment_Get`` with the plain header (credentials, domain discovery), a
  check of the saved domain, and the debtor and company lists, all in one round trip; the
  lists are read only after Environment_Get has been judged;
- **row probe**: every required operation once, on a company proven in scope, with ids the
  account returned itself (employee from ``List_GetByCompany`` or another allowed source, run
  from ``Run_GetList`` this year or last year, last year for the annual statement);
- **column probe**: one cheap call per company (the first allowed of Run_GetList for this year,
  Company_GetCurrentPeriod, List_GetByCompany) decides whether its data is reachable.

That costs about ``required ops + companies + a few`` calls; ``thorough`` also probes every
other cell directly. To keep the critical path at three round trips (account → company-level
probes, which give the ids → per-employee probes), the row probes on the first candidate
company and the first few column probes start together with its column probe; their answers
become verdicts only once that column probe has proven the company in scope. Probes run on a
bounded thread pool fed from a priority queue; one orchestrating thread owns all state
(workers only make calls), so no locks are needed. Only transport errors are retried; a fault
is an answer. Nothing is written, PDFs are counted and discarded.
"""

from __future__ import annotations

import heapq
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nmbrs_client.errors import NmbrsFault, NmbrsTransportError
from nmbrs_client.operations import Operation, get_operation
from nmbrs_client.rights.classify import ALLOWED, Status, Verdict, classify, is_retryable
from nmbrs_client.rights.requirements import RequirementProfile
from nmbrs_client.rights.results import (
    PROBED,
    AccountResult,
    CellResult,
    CompaniesKnown,
    CompanyRef,
    Phase,
    RightsEvent,
    RightsReport,
)

DEFAULT_CONCURRENCY = 12
DEFAULT_RETRIES = 2
EMPLOYEE_SEARCH_LIMIT = 20  # companies to look through for an employee id (extra calls)
RUN_SEARCH_LIMIT = 3  # companies with employees to look through for a payroll run
SPECULATIVE_COLUMNS = 8  # column probes started before the column operation is proven allowed

ENVIRONMENT_GET = get_operation("DebtorService", "Environment_Get")
DEBTORS = get_operation("DebtorService", "List_GetAll")
COMPANIES = get_operation("CompanyService", "List_GetAll")
COMPANIES_OF_DEBTOR = get_operation("CompanyService", "List_GetByDebtor")
EMPLOYEES = get_operation("EmployeeService", "List_GetByCompany")
RUNS = get_operation("CompanyService", "Run_GetList")
CURRENT_PERIOD = get_operation("CompanyService", "Company_GetCurrentPeriod")
EMPLOYMENTS = get_operation("EmployeeService", "Employment_GetAll_AllEmployeesByCompany")
PICSA = get_operation(
    "EmployeeService", "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany"
)
SCHEDULES = get_operation("EmployeeService", "Schedule_GetAll_AllEmployeesByCompany")

# Cheapest first: the column probe is the first allowed of these (then any other required
# company-level operation). Run_GetList for one year and the current period are a few rows;
# the employee list is the whole company (5,000 rows for a big one).
COLUMN_PREFERENCE: tuple[Operation, ...] = (RUNS, CURRENT_PERIOD, EMPLOYEES)
# Where an employee id can come from when List_GetByCompany is switched off.
EMPLOYEE_SOURCES: tuple[Operation, ...] = (EMPLOYEES, EMPLOYMENTS, PICSA, SCHEDULES)
ACCOUNT_CALLS: frozenset[str] = frozenset({DEBTORS.qualified_name, COMPANIES.qualified_name})

Callback = Callable[["_Outcome"], None]


class _Cancelled(Exception):
    """Stand-in outcome for a call that was not made because the check was cancelled."""


@dataclass(frozen=True)
class _Outcome:
    op: Operation
    params: tuple[tuple[str, int], ...]
    result: Any
    exc: BaseException | None
    duration_ms: float
    attempts: int
    size_bytes: int | None = None

    @property
    def verdict(self) -> Verdict:
        if isinstance(self.exc, _Cancelled):
            return Verdict(Status.ERROR, None, "not established: the check was cancelled")
        return classify(self.exc)

    @property
    def ok(self) -> bool:
        return self.exc is None

    @property
    def is_transport(self) -> bool:
        return isinstance(self.exc, NmbrsTransportError)


@dataclass(frozen=True)
class _Known:
    """A settled verdict with the company it was probed on (None: account-wide call)."""

    verdict: Verdict
    company_id: int | None
    basis_op: str
    duration_ms: float | None = None
    note: str = ""  # for not_applicable: how that was found


def _field(item: Any, *names: str) -> Any:
    for name in names:
        if isinstance(item, dict) and name in item:
            return item[name]
        if hasattr(item, name):
            return getattr(item, name)
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v is not None]
    return [value]


def _ids(items: Any, *names: str) -> list[int]:
    found: list[int] = []
    for item in _as_list(items):
        value = _field(item, *names)
        if isinstance(value, int) and not isinstance(value, bool):
            found.append(value)
    return found


def _pdf_size(result: Any) -> int:
    total = 0
    for item in _as_list(result):
        pdf = _field(item, "PDF")
        if isinstance(pdf, bytes | bytearray):
            total += len(pdf)
    if isinstance(result, bytes | bytearray):
        total += len(result)
    return total


def _fault_text(verdict: Verdict) -> str:
    return f"fault {verdict.fault_code}" if verdict.fault_code is not None else verdict.status.value


class RightsEngine:
    """Check ``requirements`` against the account behind ``client``; see the module docstring.

    ``client`` is an :class:`~nmbrs_client.client.NmbrsClient` (anything with ``call``,
    ``ensure_domain``, ``settings``, ``domain`` and ``domain_source``). ``reconnect(domain)``,
    if given, returns a client for the same account with another domain; it is used when the
    saved domain turns out to be wrong, so the rest of the check can still run.
    ``on_event`` is called on the thread running :meth:`run`.
    """

    _stopped: str | None
    _calls: int
    _calls_seen: bool
    _attempts: int
    _saved_domain: str | None = None

    def __init__(
        self,
        client: Any,
        requirements: RequirementProfile,
        *,
        companies: Iterable[int] | None = None,
        thorough: bool = False,
        concurrency: int | None = None,
        on_event: Callable[[RightsEvent], None] | None = None,
        cancel_event: threading.Event | None = None,
        clock: Callable[[], datetime] | None = None,
        retries: int = DEFAULT_RETRIES,
        backoff_s: float = 0.25,
        reconnect: Callable[[str | None], Any] | None = None,
    ) -> None:
        self.client = client
        self.requirements = requirements
        self.named_companies = list(dict.fromkeys(companies)) if companies else None
        self.thorough = thorough
        settings = getattr(client, "settings", None)
        self.concurrency = max(
            1, int(concurrency or getattr(settings, "concurrency", 0) or DEFAULT_CONCURRENCY)
        )
        self.on_event = on_event
        self.cancel_event = cancel_event or threading.Event()
        self.clock = clock or datetime.now
        self.retries = max(0, retries)
        self.backoff_s = backoff_s
        self.reconnect = reconnect
        self.required: tuple[Operation, ...] = tuple(requirements.operations)
        self._required_names = {op.qualified_name for op in self.required}
        self._reset()

    # ================================================================== public
    def run(self) -> RightsReport:
        """Run the whole check (blocking) and return the report; never raises for API trouble."""
        self._reset()
        started = time.perf_counter()
        checked_at = self.clock()
        self.this_year = checked_at.year
        self.last_year = checked_at.year - 1
        self._saved_domain = getattr(getattr(self.client, "settings", None), "domain", None)
        self._watch(self.client)
        self._pool = ThreadPoolExecutor(
            max_workers=self.concurrency, thread_name_prefix="nmbrs-rights"
        )
        try:
            self._emit(Phase("account", "credentials, domain, debtors and companies"))
            if self._account():
                self._emit(
                    Phase(
                        "probes",
                        f"{len(self.required)} operations × {len(self._companies)} companies",
                    )
                )
                self._probe_default()
                self._loop()
                if self.thorough and not self.cancel_event.is_set():
                    self._emit(Phase("thorough", "probing every remaining cell"))
                    self._probe_thorough()
                    self._loop()
                self._finish_cells()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            for unsubscribe in self._unsubscribers:
                unsubscribe()
        if self.cancel_event.is_set() and self._stopped is None:
            self._stopped = "cancelled"
        report = RightsReport(
            checked_at=checked_at,
            environment=self._environment(),
            requirements=self.requirements,
            mode="thorough" if self.thorough else "default",
            concurrency=self.concurrency,
            account=list(self._account_results),
            companies=list(self._companies),
            cells=self._ordered_cells(),
            calls=self._calls if self._calls_seen else self._attempts,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            stopped=self._stopped,
            notes=list(self._notes),
            right_domain=self._right_domain,
        )
        self._emit(
            Phase(
                self._stopped or "done", f"{report.calls} calls in {report.elapsed_ms / 1000:.1f} s"
            )
        )
        return report

    def cancel(self) -> None:
        self.cancel_event.set()

    # ================================================================== state
    def _reset(self) -> None:
        self._account_results: list[AccountResult] = []
        self._companies: list[CompanyRef] = []
        self._visible: dict[int, CompanyRef] | None = None
        self._debtor_ids: list[int] = []
        self._cells: dict[tuple[str, int], CellResult] = {}
        self._emitted: set[tuple[str, int]] = set()
        self._rows: dict[str, _Known] = {}
        self._cols: dict[int, tuple[Verdict, str, float | None]] = {}
        self._col_op: Operation | None = None
        self._anchor: int | None = None
        self._notes: list[str] = []
        self._stopped: str | None = None
        self._right_domain: str | None = None
        self._subdomain: str | None = None
        self._cache: dict[tuple[str, tuple[tuple[str, int], ...]], _Outcome] = {}
        self._waiters: dict[tuple[str, tuple[tuple[str, int], ...]], list[Callback]] = {}
        self._done: queue.Queue[tuple[Any, Future[_Outcome], bool]] = queue.Queue()
        self._inflight = 0  # queued or running
        self._running = 0
        self._running_heavy = 0
        self._pending_heavy: list[
            tuple[int, int, tuple[str, tuple[tuple[str, int], ...]], Operation]
        ] = []
        self._sequence = 0
        self._pending: list[
            tuple[int, int, tuple[str, tuple[tuple[str, int], ...]], Operation]
        ] = []
        self._ready: deque[tuple[Callback, _Outcome]] = deque()
        self._env_authenticated = False
        self._lists_without_domain = False
        self._reconnected = False
        self._no_subscription = False
        self._employee_reason: str | None = None
        self._calls = 0
        self._calls_seen = False
        self._attempts = 0
        self._attempt_lock = threading.Lock()
        self._unsubscribers: list[Callable[[], None]] = []
        self._denied_sources: set[str] = set()
        self._employee: tuple[int, int, str] | None = None
        self._employee_waiters: list[Callable[[tuple[int, int, str] | None, str], None]] = []
        self._employee_searching = False
        self._emit_default_cells = True
        self._prefetched = False

    def _watch(self, client: Any) -> None:
        log = getattr(client, "call_log", None)
        if log is None or not hasattr(log, "subscribe"):
            return
        self._calls_seen = True

        def count(_record: Any) -> None:
            with self._attempt_lock:
                self._calls += 1

        self._unsubscribers.append(log.subscribe(count))

    def _emit(self, event: RightsEvent) -> None:
        if self.on_event is None:
            return
        try:
            self.on_event(event)
        except Exception:  # a broken listener must not break the check
            return

    def _environment(self) -> dict[str, Any]:
        settings = getattr(self.client, "settings", None)
        return {
            "base_url": getattr(self.client, "base_url", getattr(settings, "base_url", "")),
            "host": getattr(self.client, "host", ""),
            "username": getattr(self.client, "username", getattr(settings, "username", "")),
            "domain": getattr(self.client, "domain", None),
            "domain_source": getattr(self.client, "domain_source", ""),
            "saved_domain": self._saved_domain,
            "environment": getattr(settings, "environment", None),
            "profile": getattr(settings, "profile_name", None),
            "scenario": getattr(settings, "scenario", None),
        }

    # ================================================================== calls
    def _call(self, op: Operation, params: tuple[tuple[str, int], ...]) -> _Outcome:
        """One probe in a worker thread: retries transport errors only, never raises."""
        started = time.perf_counter()
        attempts = 0
        while True:
            if self.cancel_event.is_set():
                return _Outcome(op, params, None, _Cancelled(), 0.0, attempts)
            attempts += 1
            with self._attempt_lock:
                self._attempts += 1
            try:
                if self._lists_without_domain and op.qualified_name in ACCOUNT_CALLS:
                    result = self.client.call(op, discover_domain=False, **dict(params))
                else:
                    result = self.client.call(op, **dict(params))
            except Exception as exc:
                if is_retryable(exc) and attempts <= self.retries:
                    self.cancel_event.wait(self.backoff_s * (2 ** (attempts - 1)))
                    continue
                return _Outcome(
                    op, params, None, exc, (time.perf_counter() - started) * 1000, attempts
                )
            duration = (time.perf_counter() - started) * 1000
            if op.returns_pdf:
                return _Outcome(op, params, None, None, duration, attempts, _pdf_size(result))
            return _Outcome(op, params, result, None, duration, attempts)

    def _request(
        self,
        op: Operation,
        params: dict[str, int],
        callback: Callback,
        priority: int = 0,
        heavy: bool = False,
    ) -> None:
        """Make (or reuse) the call ``op(**params)``; ``callback`` runs on the orchestrator.

        Calls wait in a priority queue (lowest ``priority`` first, then first come) and at most
        ``concurrency`` run at once, so a probe on the critical path never queues behind the
        many column probes of a large account. ``heavy`` calls (whole-company lists in
        thorough mode) hold at most a third of the workers while light calls wait, so the
        CPU-bound big lists overlap with the latency-bound small calls instead of taking turns.
        """
        key = (op.qualified_name, tuple(sorted(params.items())))
        cached = self._cache.get(key)
        if cached is not None:
            # Deferred to the loop: chains of cached answers must not grow the stack.
            self._ready.append((callback, cached))
            return
        if key in self._waiters:
            self._waiters[key].append(callback)
            return
        self._waiters[key] = [callback]
        if self.cancel_event.is_set():
            self._deliver(key, _Outcome(op, key[1], None, _Cancelled(), 0.0, 0))
            return
        self._sequence += 1
        heapq.heappush(
            self._pending_heavy if heavy else self._pending, (priority, self._sequence, key, op)
        )
        self._inflight += 1
        self._dispatch()

    def _prefetch(self, op: Operation, params: dict[str, int], priority: int = 0) -> None:
        """Start a call whose answer will be wanted soon; whoever asks for it later shares it."""
        self._request(op, params, lambda _outcome: None, priority)

    def _dispatch(self) -> None:
        """Hand queued calls to the pool while a worker is free."""
        heavy_cap = max(1, self.concurrency // 3)
        while (self._pending or self._pending_heavy) and self._running < self.concurrency:
            heavy = bool(self._pending_heavy) and (
                self._running_heavy < heavy_cap or not self._pending
            )
            if not heavy and not self._pending:
                break
            _priority, _seq, key, op = heapq.heappop(
                self._pending_heavy if heavy else self._pending
            )
            self._running += 1
            self._running_heavy += heavy
            future = self._pool.submit(self._call, op, key[1])

            def finished(done: Future[_Outcome], key: Any = key, heavy: bool = heavy) -> None:
                self._done.put((key, done, heavy))

            future.add_done_callback(finished)

    def _deliver(self, key: tuple[str, tuple[tuple[str, int], ...]], outcome: _Outcome) -> None:
        self._cache[key] = outcome
        for callback in self._waiters.pop(key, []):
            callback(outcome)

    def _loop(self) -> None:
        """Run callbacks as calls finish, until nothing is in flight."""
        while self._inflight > 0 or self._ready:
            if self._ready:
                callback, ready = self._ready.popleft()
                callback(ready)
                continue
            try:
                key, future, heavy = self._done.get(timeout=0.1)
            except queue.Empty:
                continue
            self._inflight -= 1
            self._running -= 1
            self._running_heavy -= heavy
            self._dispatch()
            try:
                outcome = future.result()
            except BaseException as exc:  # cancelled future or a bug in _call
                op = get_operation(*key[0].split(".", 1))
                outcome = _Outcome(
                    op, key[1], None, _Cancelled() if self.cancel_event.is_set() else exc, 0.0, 0
                )
            self._deliver(key, outcome)

    def _call_now(self, op: Operation, params: dict[str, int] | None = None) -> _Outcome:
        """A call on the orchestrating thread, for the strictly sequential account steps."""
        return self._call(op, tuple(sorted((params or {}).items())))

    # ================================================================== account
    def _add_account(self, result: AccountResult) -> None:
        self._account_results.append(result)
        self._emit(result)

    def _account(self) -> bool:
        """Credentials, domain, subscription, companies. False when the check must stop.

        The debtor and company lists go out together with Environment_Get (one round trip,
        not two); their answers are only read once Environment_Get has been judged. Without a
        saved domain they go without one (the element is optional in v3) and are asked again
        with the discovered domain if that alone made them fail.
        """
        self._lists_without_domain = (
            getattr(self.client, "domain_source", "") == "not yet discovered"
        )
        self._prefetch(DEBTORS, {})
        self._prefetch(COMPANIES, {})
        if not self._credentials():
            return False
        debtors, companies = self._lists()
        if debtors is None and companies is None:
            return False
        return self._choose_companies(companies)

    def _credentials(self) -> bool:
        client = self.client
        saved = client.domain if getattr(client, "domain_source", "") == "profile" else None
        if saved is None and getattr(client, "domain_source", "") == "not yet discovered":
            return self._discover_domain()
        outcome = self._call_now(ENVIRONMENT_GET)
        verdict = outcome.verdict
        if outcome.ok:
            self._env_authenticated = True
            sub = _field(outcome.result, "SubDomain")
            self._subdomain = str(sub) if sub else None
            self._add_account(
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
                self._add_account(
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
        started = time.perf_counter()
        attempts = 0
        while True:
            attempts += 1
            try:
                domain = self.client.ensure_domain()
            except NmbrsFault as fault:
                verdict = classify(fault)
                outcome = _Outcome(
                    ENVIRONMENT_GET,
                    (),
                    None,
                    fault,
                    (time.perf_counter() - started) * 1000,
                    attempts,
                )
                return self._environment_fault(outcome, verdict, None)
            except Exception as exc:
                if (
                    is_retryable(exc)
                    and attempts <= self.retries
                    and not self.cancel_event.wait(self.backoff_s * 2 ** (attempts - 1))
                ):
                    continue
                outcome = _Outcome(
                    ENVIRONMENT_GET, (), None, exc, (time.perf_counter() - started) * 1000, attempts
                )
                return self._environment_fault(outcome, classify(exc), None)
            break
        duration = (time.perf_counter() - started) * 1000
        source = str(getattr(self.client, "domain_source", ""))
        self._env_authenticated = True
        if domain:
            self._subdomain = domain
            self._add_account(
                AccountResult(
                    "credentials",
                    Status.ALLOWED,
                    "username and token accepted (Environment_Get)",
                    duration_ms=duration,
                )
            )
            self._add_account(
                AccountResult(
                    "domain",
                    Status.ALLOWED,
                    f"domain {domain} discovered with Environment_Get",
                    value=domain,
                )
            )
            return True
        code = None
        for token in source.replace(";", " ").split():
            if token.isdigit():
                code = int(token)
                break
        status = (
            classify(NmbrsFault("DebtorService.Environment_Get", code, "")).status
            if code is not None
            else Status.NOT_APPLICABLE
        )
        self._add_account(
            AccountResult(
                "environment_get",
                status,
                f"Environment_Get did not give a domain ({source}); the check goes on without a "
                "domain, which Nmbrs accepts",
                fault_code=code,
                duration_ms=duration,
            )
        )
        return True

    def _environment_fault(self, outcome: _Outcome, verdict: Verdict, saved: str | None) -> bool:
        if verdict.status is Status.AUTH_FAILED:
            self._add_account(
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
            self._stopped = "auth_failed"
            return False
        if outcome.is_transport or isinstance(outcome.exc, _Cancelled):
            what = (
                "the check was cancelled before Nmbrs answered"
                if isinstance(outcome.exc, _Cancelled)
                else f"cannot reach Nmbrs: {verdict.message}"
            )
            self._add_account(
                AccountResult(
                    "connection", Status.ERROR, what, duration_ms=outcome.duration_ms, finding=True
                )
            )
            self._stopped = "cancelled" if isinstance(outcome.exc, _Cancelled) else "connect"
            return False
        self._env_authenticated = verdict.status in (Status.ENDPOINT_DENIED, Status.NO_SUBSCRIPTION)
        if verdict.status is Status.NO_SUBSCRIPTION:
            self._add_account(
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
        self._add_account(
            AccountResult(
                "environment_get",
                verdict.status,
                what + tail,
                fault_code=verdict.fault_code,
                duration_ms=outcome.duration_ms,
            )
        )
        return True

    def _wrong_domain(self, saved: str, right: str | None, why: str) -> bool:
        self._right_domain = right
        advice = (
            f": use {right}"
            if right
            else ": use the environment's own name (the subdomain of its Nmbrs web address)"
        )
        if self.reconnect is not None:
            went_on = f"with {right}" if right else "without a domain"
            self._add_account(
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
            self._loop()  # lists asked with the wrong domain: let them end, then forget them
            self._cache.clear()
            self.client = self.reconnect(right)
            self._watch(self.client)
            return True
        self._add_account(
            AccountResult(
                "domain",
                Status.AUTH_FAILED,
                f"the saved domain {saved} is wrong ({why}){advice}",
                fault_code=1001,
                finding=True,
                value=right,
            )
        )
        self._stopped = "auth_failed"
        return False

    def _lists(self) -> tuple[list[int] | None, list[CompanyRef] | None]:
        """Debtor and company lists, in parallel. ``(None, None)`` means stop."""
        sent_without_domain = self._lists_without_domain
        self._lists_without_domain = False
        results: dict[str, _Outcome] = {}

        def keep(outcome: _Outcome) -> None:
            results[outcome.op.qualified_name] = outcome

        self._request(DEBTORS, {}, keep)
        self._request(COMPANIES, {}, keep)
        self._loop()
        debt, comp = results[DEBTORS.qualified_name], results[COMPANIES.qualified_name]
        for op, outcome in ((DEBTORS, debt), (COMPANIES, comp)):
            if op.qualified_name in self._required_names:
                self._rows[op.qualified_name] = _Known(
                    outcome.verdict, None, op.qualified_name, outcome.duration_ms
                )
        statuses = {debt.verdict.status, comp.verdict.status}
        if (
            Status.AUTH_FAILED in statuses
            and sent_without_domain
            and self._env_authenticated
            and getattr(self.client, "domain", None)
        ):
            # Asked without a domain while Environment_Get was still finding it: ask again.
            self._cache.clear()
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
                    self._cache.clear()
                    return self._lists()
            self._add_account(
                AccountResult(
                    "credentials",
                    Status.AUTH_FAILED,
                    "Nmbrs refused the username, token or domain (1001 on the debtor and company "
                    "lists)",
                    fault_code=1001,
                    finding=True,
                )
            )
            self._stopped = "auth_failed"
            return None, None
        if Status.NO_SUBSCRIPTION in statuses and not (debt.ok or comp.ok):
            self._no_subscription = True
            if not any(a.check == "subscription" for a in self._account_results):
                self._add_account(
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
        if debt.is_transport and comp.is_transport:
            self._add_account(
                AccountResult(
                    "connection",
                    Status.ERROR,
                    f"cannot read the company list: {comp.verdict.message}",
                    finding=True,
                )
            )
            self._stopped = "connect"
            return None, None
        debtor_ids: list[int] | None = None
        if debt.ok:
            debtor_ids = _ids(debt.result, "Id", "ID")
            self._debtor_ids = debtor_ids
            self._add_account(
                AccountResult(
                    "debtors",
                    Status.ALLOWED,
                    f"{len(debtor_ids)} debtor(s) visible",
                    duration_ms=debt.duration_ms,
                    value=str(len(debtor_ids)),
                )
            )
        else:
            self._add_account(
                AccountResult(
                    "debtors",
                    debt.verdict.status,
                    f"DebtorService.List_GetAll: {debt.verdict.message or debt.verdict.status}",
                    fault_code=debt.verdict.fault_code,
                    duration_ms=debt.duration_ms,
                )
            )
        companies: list[CompanyRef] | None = None
        if comp.ok:
            companies = self._company_refs(comp.result, None)
            self._add_account(
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

    def _company_refs(self, result: Any, debtor_id: int | None) -> list[CompanyRef]:
        refs: list[CompanyRef] = []
        for item in _as_list(result):
            cid = _field(item, "ID", "Id")
            if not isinstance(cid, int):
                continue
            name = _field(item, "Name")
            debtor = _field(item, "DebtorId")
            refs.append(
                CompanyRef(
                    cid,
                    str(name) if name else None,
                    debtor if isinstance(debtor, int) else debtor_id,
                    True,
                )
            )
        return refs

    def _companies_by_debtor(self, failed: _Outcome) -> list[CompanyRef] | None:
        """CompanyService.List_GetAll failed: try List_GetByDebtor for every visible debtor."""
        reason = f"CompanyService.List_GetAll: {failed.verdict.message or failed.verdict.status}"
        if not self._debtor_ids:
            self._add_account(
                AccountResult(
                    "companies",
                    failed.verdict.status,
                    reason + "; no debtor list to fall back on, so which companies are visible is "
                    "unknown",
                    fault_code=failed.verdict.fault_code,
                    duration_ms=failed.duration_ms,
                )
            )
            return None
        found: dict[int, list[CompanyRef]] = {}
        errors: list[str] = []

        def keep(debtor_id: int) -> Callback:
            def done(outcome: _Outcome) -> None:
                if outcome.ok:
                    found[debtor_id] = self._company_refs(outcome.result, debtor_id)
                else:
                    errors.append(f"{debtor_id}: {outcome.verdict.message}")

            return done

        for debtor_id in self._debtor_ids:
            self._request(COMPANIES_OF_DEBTOR, {"DebtorId": debtor_id}, keep(debtor_id))
        self._loop()
        if errors and not found:
            self._add_account(
                AccountResult(
                    "companies",
                    failed.verdict.status,
                    reason + "; CompanyService.List_GetByDebtor failed as well, so which companies "
                    "are visible is unknown",
                    fault_code=failed.verdict.fault_code,
                )
            )
            return None
        refs = [ref for debtor_id in self._debtor_ids for ref in found.get(debtor_id, [])]
        self._add_account(
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
        if visible is not None:
            self._visible = {c.id: c for c in visible}
        if self.named_companies:
            chosen: list[CompanyRef] = []
            for cid in self.named_companies:
                if self._visible is None:
                    chosen.append(CompanyRef(cid, None, None, None))
                elif cid in self._visible:
                    chosen.append(self._visible[cid])
                else:
                    chosen.append(CompanyRef(cid, None, None, False))
            self._companies = chosen
        else:
            self._companies = list(visible or [])
        self._emit(
            CompaniesKnown(tuple(self._companies), tuple(op.qualified_name for op in self.required))
        )
        if self._no_subscription:
            verdict = Verdict(
                Status.NO_SUBSCRIPTION, 1004, "the environment has no valid API subscription"
            )
            for company in self._companies:
                self._cols[company.id] = (verdict, "inferred: 1004 on the account checks", None)
            for op in self.required:
                self._rows.setdefault(
                    op.qualified_name, _Known(verdict, None, "the account checks")
                )
            self._settle_all()
            self._finish_cells()
            return False
        for company in self._companies:
            if company.visible is False:
                self._cols[company.id] = (
                    Verdict(
                        Status.NO_DATA_ACCESS,
                        None,
                        "company not visible to this user (debtor tag / company filter)",
                    ),
                    "inferred: company not visible in CompanyService.List_GetAll",
                    None,
                )
        return bool(self._companies)

    # ================================================================== default plan
    def _column_candidates(self) -> list[Operation]:
        required_company_ops = [
            op for op in self.required if op.needs and set(op.needs) <= {"company", "year"}
        ]
        ordered = list(COLUMN_PREFERENCE)
        ordered += [op for op in required_company_ops if op not in ordered]
        return [
            op
            for op in ordered
            if self._rows.get(op.qualified_name) is None
            or self._rows[op.qualified_name].verdict.status is not Status.ENDPOINT_DENIED
        ]

    def _company_params(
        self, op: Operation, company_id: int, year: int | None = None
    ) -> dict[str, int]:
        params: dict[str, int] = {}
        for name in op.param_names:
            lower = name.lower()
            if lower == "companyid":
                params[name] = company_id
            elif lower == "employeetype":
                params[name] = 0
            elif lower in ("year", "intyear"):
                params[name] = year or self.this_year
        return params

    def _probe_default(self) -> None:
        self._emit_default_cells = not self.thorough
        for op in self.required:
            if not op.needs and op.qualified_name not in self._rows:
                self._request(op, {}, self._row_done(op, None))
        self._anchor_search(0, frozenset())

    def _probe_order(self) -> list[int]:
        return [c.id for c in self._companies if c.id not in self._cols]

    def _anchor_search(self, company_index: int, tried: frozenset[str]) -> None:
        """Find the first company where a column operation succeeds: that proves it in scope.

        ``tried``: column operations that answered 1002 (switched off, the same everywhere).
        """
        candidates = [op for op in self._column_candidates() if op.qualified_name not in tried]
        order = [c.id for c in self._companies if c.visible is not False]
        while company_index < len(order) and order[company_index] in self._cols:
            company_index += 1
        if not candidates or company_index >= len(order):
            self._no_anchor(order, candidates, company_index)
            return
        op = candidates[0]
        company_id = order[company_index]

        def done(outcome: _Outcome) -> None:
            verdict = outcome.verdict
            if verdict.status is Status.ALLOWED:
                self._set_col(company_id, verdict, PROBED, op, outcome.duration_ms)
                self._anchor_found(company_id, op, outcome)
            elif verdict.status is Status.ENDPOINT_DENIED:
                self._set_row(
                    op, _Known(verdict, company_id, op.qualified_name, outcome.duration_ms)
                )
                self._anchor_search(company_index, tried | {op.qualified_name})
            else:
                basis = (
                    PROBED
                    if op.qualified_name in self._required_names
                    else f"inferred from {op.qualified_name} on company {company_id}"
                )
                self._set_col(company_id, verdict, basis, op, outcome.duration_ms)
                if (
                    verdict.status is not Status.NO_DATA_ACCESS
                    and op.qualified_name in self._required_names
                ):
                    self._set_row(
                        op, _Known(verdict, company_id, op.qualified_name, outcome.duration_ms)
                    )
                self._anchor_search(company_index + 1, tried)

        first = not self._prefetched
        if first:  # the first candidate: start its row probes and other columns alongside
            self._prefetched = True
            self._prefetch_rows(company_id)
        self._request(op, self._company_params(op, company_id), done)
        if first:
            self._prefetch_columns(op, company_id)

    def _prefetch_rows(self, company_id: int) -> None:
        """Start the row probes on the first candidate company while its column probe runs.

        Speculative: the answers wait in the cache and only become row verdicts once the
        column probe has proven the company in scope (:meth:`_launch_rows` asks for the very
        same calls). If it is not in scope they are never read; that costs a few calls, once.
        """
        company = next((c for c in self._companies if c.id == company_id), None)
        # The employee and run ids first: the per-employee probes wait for them.
        if any("employee" in op.needs for op in self.required):
            sources = self._sources()
            if sources:
                self._prefetch(sources[0], self._company_params(sources[0], company_id))
        if any("run" in op.needs for op in self.required):
            self._prefetch(RUNS, self._company_params(RUNS, company_id, self.this_year))
        for op in self.required:
            if op.qualified_name in self._rows or not op.needs:
                continue
            needs = set(op.needs)
            if needs <= {"company", "year"}:
                self._prefetch(op, self._company_params(op, company_id))
            elif needs == {"debtor"} and company is not None and company.debtor_id:
                self._prefetch(op, {"DebtorId": company.debtor_id})

    def _prefetch_columns(self, op: Operation, after: int) -> None:
        """Start the column probe on the next few companies before ``op`` is proven allowed.

        Bounded (``SPECULATIVE_COLUMNS``) so a switched-off ``op`` wastes only a few calls;
        the answers are read only once ``op`` has answered on a company in scope.
        """
        order = [
            c.id
            for c in self._companies
            if c.visible is not False and c.id != after and c.id not in self._cols
        ]
        for company_id in order[:SPECULATIVE_COLUMNS]:
            self._prefetch(op, self._company_params(op, company_id), priority=1)

    def _no_anchor(self, order: list[int], candidates: list[Operation], index: int) -> None:
        """No company could be proven in scope: say why for every row still open."""
        if not candidates:
            reason = (
                "every company-level operation that could show whether a company's data "
                "is reachable is switched off (1002)"
            )
            for company_id in order:
                self._cols.setdefault(
                    company_id,
                    (
                        ALLOWED,
                        "inferred: company visible in CompanyService.List_GetAll (no "
                        "allowed company-level operation to probe its data with)",
                        None,
                    ),
                )
            anchor = next((cid for cid in order), None)
            self._notes.append("No allowed operation could probe company data: " + reason)
            if anchor is not None:
                self._anchor = anchor
                self._launch_rows(anchor)
                self._settle_all()
                return
        reason = (
            "no company in scope to probe on (every company answered with a scope fault "
            "or an error)"
        )
        for op in self.required:
            if op.needs:
                self._rows.setdefault(
                    op.qualified_name,
                    _Known(Verdict(Status.NOT_APPLICABLE, None, reason), None, "", note=reason),
                )
        self._settle_all()

    def _anchor_found(self, company_id: int, op: Operation, outcome: _Outcome) -> None:
        self._anchor = company_id
        self._col_op = op
        self._notes.append(
            f"Probe company: {company_id} (first company in scope: {op.qualified_name} answered)"
        )
        self._notes.append(f"Column probe: {op.qualified_name} on every company")
        if op.qualified_name in self._required_names:
            self._set_row(
                op, _Known(outcome.verdict, company_id, op.qualified_name, outcome.duration_ms)
            )
        self._launch_rows(company_id)
        for company in self._companies:  # after the row probes: they are on the critical path
            if company.id not in self._cols:
                self._request(
                    op,
                    self._company_params(op, company.id),
                    self._col_done(company.id, op),
                    priority=1,
                )
        self._settle_all()

    def _col_done(self, company_id: int, op: Operation) -> Callback:
        def done(outcome: _Outcome) -> None:
            verdict = outcome.verdict
            if verdict.status is Status.ENDPOINT_DENIED:
                anchor = self._anchor
                verdict = Verdict(
                    Status.ERROR,
                    1002,
                    f"{op.qualified_name} answered 1002 on this company but not on "
                    f"company {anchor}: the data scope could not be established",
                )
            self._set_col(company_id, verdict, PROBED, op, outcome.duration_ms)

        return done

    def _launch_rows(self, anchor: int) -> None:
        for op in self.required:
            name = op.qualified_name
            if name in self._rows or not op.needs:
                continue
            needs = set(op.needs)
            if needs <= {"company", "year"}:
                self._request(op, self._company_params(op, anchor), self._row_done(op, anchor))
            elif needs == {"debtor"}:
                self._probe_debtor_op(op, anchor)
            elif "run" in needs:
                self._probe_run_op(op)
            elif "employee" in needs:
                self._probe_employee_op(op)

    def _row_done(self, op: Operation, company_id: int | None) -> Callback:
        def done(outcome: _Outcome) -> None:
            self._set_row(
                op, _Known(outcome.verdict, company_id, op.qualified_name, outcome.duration_ms)
            )

        return done

    def _not_applicable(self, op: Operation, reason: str) -> None:
        self._set_row(
            op, _Known(Verdict(Status.NOT_APPLICABLE, None, reason), None, "", note=reason)
        )

    def _probe_debtor_op(self, op: Operation, anchor: int) -> None:
        company = next((c for c in self._companies if c.id == anchor), None)
        debtor = (
            company.debtor_id
            if company and company.debtor_id
            else (self._debtor_ids[0] if self._debtor_ids else None)
        )
        if debtor is None:
            self._not_applicable(
                op, "no debtor id to probe with: DebtorService.List_GetAll gave none"
            )
            return
        self._request(op, {"DebtorId": debtor}, self._row_done(op, None))

    def _employee_params(
        self, op: Operation, company_id: int, employee_id: int, run: tuple[int, int] | None = None
    ) -> dict[str, int]:
        params: dict[str, int] = {}
        for name in op.param_names:
            lower = name.lower()
            if lower == "employeeid":
                params[name] = employee_id
            elif lower == "companyid":
                params[name] = company_id
            elif lower in ("runid",) and run is not None:
                params[name] = run[0]
            elif lower in ("year", "intyear"):
                if run is not None:
                    params[name] = run[1]
                else:
                    # The annual statement of a finished year: last year.
                    params[name] = self.last_year
        return params

    def _probe_employee_op(self, op: Operation) -> None:
        def found(hit: tuple[int, int, str] | None, reason: str) -> None:
            if hit is None:
                self._not_applicable(op, reason)
                return
            company_id, employee_id, _how = hit
            self._request(
                op,
                self._employee_params(op, company_id, employee_id),
                self._row_done(op, company_id),
            )

        self._find_employee(found)

    # ---------------------------------------------------------------- employee id
    def _find_employee(self, callback: Callable[[tuple[int, int, str] | None, str], None]) -> None:
        if self._employee is not None or self._employee_reason is not None:
            callback(self._employee, self._employee_reason or "")
            return
        self._employee_waiters.append(callback)
        if self._employee_searching:
            return
        self._employee_searching = True
        self._employee_step(0, 0, [])

    def _employee_found(self, hit: tuple[int, int, str] | None, reason: str) -> None:
        self._employee = hit
        self._employee_searching = False
        if hit is not None:
            self._notes.append(f"Employee id: {hit[1]} ({hit[2]})")
        else:
            self._employee_reason = reason
            self._notes.append(f"Employee id: none ({reason})")
        waiters, self._employee_waiters = self._employee_waiters, []
        for waiter in waiters:
            waiter(hit, reason)

    def _sources(self) -> list[Operation]:
        return [op for op in EMPLOYEE_SOURCES if op.qualified_name not in self._denied_sources]

    def _employee_step(self, index: int, source_index: int, tried: list[str]) -> None:
        """Walk the companies in order; the first one in scope with an employee gives the id."""
        order = [c.id for c in self._companies if c.visible is not False]
        free = self._col_op is EMPLOYEES  # List_GetByCompany is being called anyway
        limit = len(order) if free else min(len(order), EMPLOYEE_SEARCH_LIMIT)
        sources = self._sources()
        if not sources:
            denied = ", ".join(sorted(self._denied_sources))
            self._employee_found(
                None,
                f"no employee id to probe with: every source of employee "
                f"ids is switched off ({denied})",
            )
            return
        while index < limit:
            col = self._cols.get(order[index])
            if col is not None and col[0].status is not Status.ALLOWED:
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

        def done(outcome: _Outcome) -> None:
            verdict = outcome.verdict
            if outcome.ok:
                names = ("EmployeeID", "EmployeeId", "Id") if op is not EMPLOYEES else ("Id",)
                ids = _ids(outcome.result, *names)
                if ids:
                    self._employee_found(
                        (company_id, ids[0], f"{op.qualified_name} on company {company_id}"), ""
                    )
                    return
                tried.append(f"{op.name} on {company_id}: none")
                self._employee_step(index + 1, source_index, tried)
            elif verdict.status is Status.ENDPOINT_DENIED:
                self._denied_sources.add(op.qualified_name)
                tried.append(f"{op.name}: 1002")
                self._employee_step(index, source_index, tried)
            else:
                tried.append(f"{op.name} on {company_id}: {_fault_text(verdict)}")
                self._employee_step(index + 1, source_index, tried)

        self._request(op, self._company_params(op, company_id), done)

    # ---------------------------------------------------------------- run id
    def _probe_run_op(self, op: Operation) -> None:
        self._find_run(lambda hit, reason: self._run_found(op, hit, reason))

    def _run_found(
        self, op: Operation, hit: tuple[int, int, tuple[int, int]] | None, reason: str
    ) -> None:
        if hit is None:
            self._not_applicable(op, reason)
            return
        company_id, employee_id, run = hit
        self._request(
            op,
            self._employee_params(op, company_id, employee_id, run),
            self._row_done(op, company_id),
        )

    def _find_run(
        self, callback: Callable[[tuple[int, int, tuple[int, int]] | None, str], None]
    ) -> None:
        """A (company, employee, (run id, year)) triple: runs of this year, else last year."""
        runs_denied = self._rows.get(RUNS.qualified_name)
        if runs_denied is not None and runs_denied.verdict.status is Status.ENDPOINT_DENIED:
            callback(
                None, "no run id to probe with: CompanyService.Run_GetList is switched off (1002)"
            )
            return

        def with_employee(hit: tuple[int, int, str] | None, reason: str) -> None:
            if hit is None:
                callback(None, reason)
                return
            self._run_step(hit[0], hit[1], self.this_year, callback)

        self._find_employee(with_employee)

    def _run_step(
        self,
        company_id: int,
        employee_id: int,
        year: int,
        callback: Callable[[tuple[int, int, tuple[int, int]] | None, str], None],
    ) -> None:
        def done(outcome: _Outcome) -> None:
            verdict = outcome.verdict
            if outcome.ok:
                runs = [r for r in _as_list(outcome.result) if isinstance(_field(r, "ID"), int)]
                if runs:
                    last = max(
                        runs,
                        key=lambda r: (
                            _field(r, "Year") or year,
                            _field(r, "Number") or 0,
                            _field(r, "ID"),
                        ),
                    )
                    run_id = int(_field(last, "ID"))
                    run_year = int(_field(last, "Year") or year)
                    note = f"Run id: {run_id} ({RUNS.name} {run_year} on company {company_id})"
                    if note not in self._notes:
                        self._notes.append(note)
                    callback((company_id, employee_id, (run_id, run_year)), "")
                    return
                if year == self.this_year:
                    self._run_step(company_id, employee_id, self.last_year, callback)
                    return
                callback(
                    None,
                    f"no run id to probe with: company {company_id} has no payroll "
                    f"run in {self.this_year} or {self.last_year} (Run_GetList)",
                )
                return
            if verdict.status is Status.ENDPOINT_DENIED:
                self._set_row(
                    RUNS, _Known(verdict, company_id, RUNS.qualified_name, outcome.duration_ms)
                )
                callback(
                    None,
                    "no run id to probe with: CompanyService.Run_GetList is switched off (1002)",
                )
                return
            callback(
                None,
                f"no run id to probe with: Run_GetList on company {company_id} "
                f"gave {_fault_text(verdict)} ({verdict.message})",
            )

        self._request(RUNS, self._company_params(RUNS, company_id, year), done)

    # ================================================================== cells
    def _set_row(self, op: Operation, known: _Known) -> None:
        if op.qualified_name not in self._required_names:
            return
        if (
            op.qualified_name in self._rows
            and self._rows[op.qualified_name].verdict.status is not Status.NOT_APPLICABLE
        ):
            return
        self._rows[op.qualified_name] = known
        for company in self._companies:
            self._settle(op, company.id)

    def _set_col(
        self,
        company_id: int,
        verdict: Verdict,
        basis: str,
        op: Operation,
        duration_ms: float | None,
    ) -> None:
        if company_id in self._cols:
            return
        if (verdict.status is Status.ALLOWED and basis == PROBED) or basis == PROBED:
            basis = f"{PROBED}:{op.qualified_name}"
        self._cols[company_id] = (verdict, basis, duration_ms)
        for required in self.required:
            self._settle(required, company_id)

    def _settle_all(self) -> None:
        for op in self.required:
            for company in self._companies:
                self._settle(op, company.id)

    def _settle(self, op: Operation, company_id: int) -> None:
        key = (op.qualified_name, company_id)
        if key in self._cells:
            return
        cell = self._infer(op, company_id)
        if cell is None:
            return
        self._cells[key] = cell
        if self._emit_default_cells:
            self._emitted.add(key)
            self._emit(cell)

    def _infer(self, op: Operation, company_id: int) -> CellResult | None:
        """The default-mode verdict of one cell, once its row and column are both known."""
        name = op.qualified_name
        col = self._cols.get(company_id)
        row = self._rows.get(name)

        def cell(
            status: Status,
            basis: str,
            code: int | None = None,
            message: str = "",
            duration: float | None = None,
        ) -> CellResult:
            return CellResult(
                op.service.value, op.name, company_id, status, basis, code, message, duration
            )

        # The column probe was this very operation on this company.
        if col is not None and col[1] == f"{PROBED}:{name}":
            verdict = col[0]
            if (
                verdict.status is Status.ALLOWED
                or row is None
                or row.verdict.status is not Status.ENDPOINT_DENIED
            ):
                return cell(verdict.status, PROBED, verdict.fault_code, verdict.message, col[2])
        if row is None:
            return None
        verdict = row.verdict
        if (
            row.company_id == company_id
            and row.basis_op == name
            and verdict.status is not Status.NOT_APPLICABLE
        ):
            return cell(
                verdict.status, PROBED, verdict.fault_code, verdict.message, row.duration_ms
            )
        where = (
            f"on company {row.company_id}" if row.company_id is not None else "(account-wide call)"
        )
        inferred = f"inferred from {row.basis_op} {where}"
        if verdict.status is Status.ENDPOINT_DENIED:
            return cell(
                Status.ENDPOINT_DENIED,
                inferred,
                verdict.fault_code,
                "switched off in the API template (the same for every company)",
            )
        if col is None:
            return None
        col_verdict, col_basis, _ = col
        if col_verdict.status is not Status.ALLOWED:
            basis = col_basis
            if col_basis.startswith(f"{PROBED}:"):
                basis = f"inferred from {col_basis.split(':', 1)[1]} on company {company_id}"
            return cell(col_verdict.status, basis, col_verdict.fault_code, col_verdict.message)
        if verdict.status is Status.NOT_APPLICABLE:
            return cell(
                Status.NOT_APPLICABLE,
                "not probed: nothing to probe with",
                None,
                row.note or verdict.message,
            )
        if verdict.status is Status.ALLOWED:
            return cell(Status.ALLOWED, inferred)
        if verdict.status is Status.NO_DATA_ACCESS:
            return cell(
                Status.ERROR,
                inferred,
                verdict.fault_code,
                f"not established: the probe {where} gave {_fault_text(verdict)}",
            )
        message = verdict.message
        if verdict.status is Status.ERROR and not message.startswith("not established"):
            message = f"not established: {message}"
        return cell(verdict.status, inferred, verdict.fault_code, message)

    def _finish_cells(self) -> None:
        """Fill every cell still open (cancelled or never established) and emit late cells."""
        for op in self.required:
            for company in self._companies:
                key = (op.qualified_name, company.id)
                if key not in self._cells:
                    message = (
                        "not established: the check was cancelled"
                        if self.cancel_event.is_set()
                        else "not established"
                    )
                    self._cells[key] = CellResult(
                        op.service.value,
                        op.name,
                        company.id,
                        Status.ERROR,
                        "not probed",
                        None,
                        message,
                    )
                if key not in self._emitted:
                    self._emitted.add(key)
                    self._emit(self._cells[key])

    def _ordered_cells(self) -> list[CellResult]:
        cells: list[CellResult] = []
        for op in self.required:
            for company in self._companies:
                found = self._cells.get((op.qualified_name, company.id))
                if found is not None:
                    cells.append(found)
        return cells

    # ================================================================== thorough
    def _probe_thorough(self) -> None:
        """Probe directly every cell the default plan inferred (where there is data to).

        The whole-company lists (employments, schedules, …) of a big company take seconds;
        started last they would finish last. When the employee list is fetched anyway, each
        company's lists wait for it and then jump the queue by size, biggest first, so they
        overlap with the many small calls.
        """
        sized = EMPLOYEES.qualified_name not in self._denied_sources and (
            EMPLOYEES.qualified_name in self._required_names
            or any("employee" in op.needs for op in self.required)
        )
        heavy: dict[int, list[Operation]] = {}
        for op in self.required:
            if not op.needs:
                continue
            for company in self._companies:
                key = (op.qualified_name, company.id)
                current = self._cells.get(key)
                if current is not None and current.probed:
                    continue
                if sized and set(op.needs) <= {"company", "year"} and op not in COLUMN_PREFERENCE:
                    heavy.setdefault(company.id, []).append(op)
                else:
                    self._thorough_cell(op, company)
        for company_id, ops in heavy.items():
            self._request(
                EMPLOYEES,
                self._company_params(EMPLOYEES, company_id),
                self._start_heavy(company_id, ops),
                heavy=True,
            )

    def _start_heavy(self, company_id: int, ops: list[Operation]) -> Callback:
        def sized(outcome: _Outcome) -> None:
            size = len(_as_list(outcome.result)) if outcome.ok else 0
            for op in ops:
                self._request(
                    op,
                    self._company_params(op, company_id),
                    self._replacer(op, company_id),
                    priority=-size,
                    heavy=True,
                )

        return sized

    def _replacer(self, op: Operation, company_id: int) -> Callback:
        return lambda outcome: self._replace(op, company_id, outcome)

    def _replace(self, op: Operation, company_id: int, outcome: _Outcome) -> None:
        verdict = outcome.verdict
        key = (op.qualified_name, company_id)
        self._cells[key] = CellResult(
            op.service.value,
            op.name,
            company_id,
            verdict.status,
            PROBED,
            verdict.fault_code,
            verdict.message,
            outcome.duration_ms,
        )
        self._emitted.add(key)
        self._emit(self._cells[key])

    def _keep(self, op: Operation, company_id: int, why: str) -> None:
        key = (op.qualified_name, company_id)
        current = self._cells.get(key)
        if current is None:
            return
        self._cells[key] = CellResult(
            current.service,
            current.operation,
            company_id,
            current.status,
            f"{current.basis} (thorough: {why})",
            current.fault_code,
            current.message,
            current.duration_ms,
        )
        self._emitted.add(key)
        self._emit(self._cells[key])

    def _thorough_cell(self, op: Operation, company: CompanyRef) -> None:
        needs = set(op.needs)
        company_id = company.id
        if needs <= {"company", "year"}:
            self._request(
                op, self._company_params(op, company_id), lambda o: self._replace(op, company_id, o)
            )
            return
        if needs == {"debtor"}:
            if company.debtor_id is None:
                self._keep(op, company_id, "the company's debtor is not known")
                return
            self._request(
                op, {"DebtorId": company.debtor_id}, lambda o: self._replace(op, company_id, o)
            )
            return

        def with_employee(employee_id: int | None, why: str) -> None:
            if employee_id is None:
                self._keep(op, company_id, why)
                return
            if "run" not in needs:
                self._request(
                    op,
                    self._employee_params(op, company_id, employee_id),
                    lambda o: self._replace(op, company_id, o),
                )
                return

            def with_run(run: tuple[int, int] | None, run_why: str) -> None:
                if run is None:
                    self._keep(op, company_id, run_why)
                    return
                self._request(
                    op,
                    self._employee_params(op, company_id, employee_id, run),
                    lambda o: self._replace(op, company_id, o),
                )

            self._company_run(company_id, self.this_year, with_run)

        self._company_employee(company_id, 0, with_employee)

    def _company_employee(
        self, company_id: int, source_index: int, callback: Callable[[int | None, str], None]
    ) -> None:
        sources = self._sources()
        if source_index >= len(sources):
            callback(None, f"no employee id at company {company_id}")
            return
        op = sources[source_index]

        def done(outcome: _Outcome) -> None:
            if outcome.ok:
                names = ("EmployeeID", "EmployeeId", "Id") if op is not EMPLOYEES else ("Id",)
                ids = _ids(outcome.result, *names)
                if ids:
                    callback(ids[0], "")
                else:
                    callback(None, f"company {company_id} has no employees ({op.name})")
            elif outcome.verdict.status is Status.ENDPOINT_DENIED:
                self._denied_sources.add(op.qualified_name)
                self._company_employee(company_id, source_index + 1, callback)
            else:
                callback(
                    None,
                    f"no employee id at company {company_id}: {op.name} gave "
                    f"{_fault_text(outcome.verdict)}",
                )

        self._request(op, self._company_params(op, company_id), done)

    def _company_run(
        self, company_id: int, year: int, callback: Callable[[tuple[int, int] | None, str], None]
    ) -> None:
        def done(outcome: _Outcome) -> None:
            if outcome.ok:
                runs = [r for r in _as_list(outcome.result) if isinstance(_field(r, "ID"), int)]
                if runs:
                    last = max(
                        runs,
                        key=lambda r: (
                            _field(r, "Year") or year,
                            _field(r, "Number") or 0,
                            _field(r, "ID"),
                        ),
                    )
                    callback((int(_field(last, "ID")), int(_field(last, "Year") or year)), "")
                elif year == self.this_year:
                    self._company_run(company_id, self.last_year, callback)
                else:
                    callback(
                        None,
                        f"company {company_id} has no payroll run in "
                        f"{self.this_year} or {self.last_year}",
                    )
            else:
                callback(
                    None,
                    f"no run id at company {company_id}: Run_GetList gave "
                    f"{_fault_text(outcome.verdict)}",
                )

        self._request(RUNS, self._company_params(RUNS, company_id, year), done)


def run_check(client: Any, requirements: RequirementProfile, **options: Any) -> RightsReport:
    """Convenience: build a :class:`RightsEngine` and run it."""
    return RightsEngine(client, requirements, **options).run()
