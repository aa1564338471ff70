"""The REST client: allowlisted GETs, whole-list paging, error typing, the document task.

Everything goes through :meth:`RestClient.get`, which accepts only an operation of the
allowlist (:mod:`nmbrs_client.rest_operations`) and its path parameters, so the client cannot
send anything but the listed GETs. On top of it:

- :meth:`RestClient.rows` reads a paged list to its end with ``pageSize`` 100, giving the rows
  in page order as the pages arrive (:meth:`RestClient.list_all` keeps them). After the
  first page it knows ``totalPages`` and fetches the remaining pages concurrently, on the
  client's one pool of page threads (as many as ``concurrency``, shared by every list read at
  once); when a server gives no page count it follows ``nextPage`` (or a full page)
  one page at a time. Rows that moved between pages and arrive twice are kept once.
- :meth:`RestClient.companies` falls back to debtors → companies per debtor when
  ``/api/companies`` answers 40306 (a consent spanning several debtors).
- :meth:`RestClient.document` runs the two-step document task and polls 202 on a schedule that
  starts in tens of milliseconds and grows by half to a cap, within a time budget.
- 42908 (throttled) and transient transport failures are retried with back-off, honouring
  ``Retry-After`` when a server sends it; 42909 (quota) is never retried. A 401 with 40102
  refreshes the access token once and repeats the call.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, Protocol

from nmbrs_client import textsafe
from nmbrs_client.calllog import CallLog, CallRecord
from nmbrs_client.cancel import SharedPool, calls_stopped, current_stop, unwanted_call
from nmbrs_client.concurrency import AdaptiveConcurrency, Outcome, WindowClosed
from nmbrs_client.errors import NmbrsError, NmbrsTransportError, connection_closed
from nmbrs_client.rest.errors import (
    DocumentNotReadyError,
    NmbrsRestError,
    NoDocumentError,
    RestProblemKind,
    classify,
)
from nmbrs_client.rest.transport import RestReply, RestTransport
from nmbrs_client.rest_operations import RestOp, RestOperation, operation
from nmbrs_client.retry import (
    CheckBudget,
    Failure,
    FailureKind,
    RetryPolicy,
    current_budget,
    transport_failure,
)

MAX_PAGE_SIZE = 100
MAX_PAGES = 5000  # 500,000 rows: a bound against a server that never says "last page"
_ID_KEYS = ("employeeId", "companyId", "debtorId", "payrollRunId")


class AccessTokenSource(Protocol):
    """Where the client gets its bearer token; a refreshing store or a fixed token."""

    def access_token(self) -> str: ...

    def refresh_after_rejection(self, rejected: str) -> str | None:
        """A new token after the server refused ``rejected``, or ``None`` if none can be had."""
        ...

    def granted_scopes(self) -> frozenset[str] | None: ...


class StaticToken:
    """A fixed access token (``NMBRS_REST_TOKEN``, the demo): never refreshed."""

    def __init__(self, token: str, scopes: Iterable[str] | None = None) -> None:
        self._token = token
        self._scopes = frozenset(scopes) if scopes is not None else None

    def access_token(self) -> str:
        return self._token

    def refresh_after_rejection(self, rejected: str) -> str | None:
        return None

    def granted_scopes(self) -> frozenset[str] | None:
        return self._scopes

    def __repr__(self) -> str:
        return "StaticToken(«redacted»)"


@dataclass(frozen=True)
class DocumentPolling:
    """Polling of ``/api/documents/{taskId}`` while it answers 202: bounded in count and time.

    Nmbrs does not say how long a document task takes, so the schedule starts fast (a PDF
    that is ready at once costs one short pause, not a quarter of a second) and lengthens each
    pause by half up to ``max_delay_s``. A document that is ready between two polls then waits
    for the next one about half the time it took to build, not as long again as doubling
    would allow, and a task that never finishes costs about two dozen polls in ``budget_s``.
    """

    first_delay_s: float = 0.02
    max_delay_s: float = 2.0
    budget_s: float = 30.0
    factor: float = 1.5

    def pauses(self) -> Iterator[float]:
        """The pause before each further poll, before any ``Retry-After`` or budget applies."""
        delay = max(0.0, self.first_delay_s)
        while True:
            yield min(delay, self.max_delay_s)
            delay = min(delay * self.factor, self.max_delay_s)


@dataclass(frozen=True)
class Page:
    rows: list[Mapping[str, Any]]
    page_number: int
    total_pages: int | None
    has_next: bool


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date); ``None`` if absent or bad."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RestClient:
    """Read-only Nmbrs REST client (thread-safe; one instance per connection)."""

    def __init__(
        self,
        transport: RestTransport,
        tokens: AccessTokenSource,
        *,
        call_log: CallLog | None = None,
        concurrency: int = 6,
        retry: RetryPolicy | None = None,
        polling: DocumentPolling | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = transport
        self.tokens = tokens
        self.call_log = call_log or CallLog()
        self.concurrency = max(1, concurrency)
        # how many calls are on the wire at once: grows to ``concurrency`` while Nmbrs
        # answers, halves when it throttles (nmbrs_client.concurrency)
        self.window = AdaptiveConcurrency(self.concurrency)
        # the threads that fetch the later pages of every list this client reads, side by
        # side: as many as may be on the wire, however many lists are open at once
        self.pages = SharedPool(self.concurrency, "nmbrs-rest-pages")
        self.retry = retry or RetryPolicy()
        self.polling = polling or DocumentPolling()
        self._sleep = sleep
        self._monotonic = monotonic
        self._stop_retrying = threading.Event()
        self._closed = threading.Event()
        self._calls = 0
        self._repeats = 0
        self._lock = threading.Lock()

    @property
    def calls_made(self) -> int:
        with self._lock:
            return self._calls

    @property
    def repeats_made(self) -> int:
        """The calls that were a second or later attempt (after a 429, a 5xx, a time-out)."""
        with self._lock:
            return self._repeats

    def stop_retrying(self) -> None:
        """Give up waiting between attempts (quitting, hangup): the next failure is final."""
        self._stop_retrying.set()

    def _pause_before_retry(self, seconds: float) -> bool:
        """Wait ``seconds`` before another attempt; False when retrying was stopped."""
        if self._stop_retrying.is_set():
            return False
        if self._sleep is time.sleep:
            return not self._stop_retrying.wait(seconds)
        self._sleep(seconds)
        return not self._stop_retrying.is_set()

    def _retried(
        self, failure: Failure, attempt: int, first: float, budget: CheckBudget | None
    ) -> bool:
        """Whether to try again (after waiting): the shared policy, the check's budget, and
        not after :meth:`stop_retrying`."""
        delay = self.retry.delay_before_retry(failure, attempt, time.monotonic() - first)
        if delay is None or (budget is not None and not budget.allow_retry(failure, delay)):
            return False
        return self._pause_before_retry(delay)

    def close(self) -> None:
        """End the connection: calls not yet on the wire (queued pages, callers waiting for
        a place in the window) fail at once as "closed" and are never sent."""
        self._closed.set()
        self.stop_retrying()
        self.window.close()
        self.pages.close()
        self.transport.close()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def _unwanted(self, op: RestOperation) -> NmbrsTransportError | None:
        """Why a call must not go out now: its client was closed, or its caller stopped."""
        return unwanted_call(self._closed, str(op.name), self.transport.host)

    # ------------------------------------------------------------------ one call

    def get(
        self,
        name: RestOp,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str | int] | None = None,
        *,
        accept: tuple[int, ...] = (200,),
        pages: int | None = None,
    ) -> RestReply:
        """One allowlisted GET; a status outside ``accept`` raises a typed error.

        ``pages``: how many pages the list has (known after its first page), for the call log's
        progress ("page 23 of 50").
        """
        op = operation(name)
        path = op.render(dict(path_params or {}))
        params = self._query(op, query or {})
        ids = dict(path_params or {})
        ids.setdefault("employeeId", params.get("employeeId", ""))
        page = (params.get("pageNumber"), pages)
        token = self.tokens.access_token()
        refreshed = False
        attempt = 1
        first = time.monotonic()
        budget = current_budget()  # the check's one retry budget and deadline, if in a check
        read_timeout: float | None = None  # the transport's own for the first attempt
        while True:
            unwanted = self._unwanted(op)
            if unwanted is not None:
                raise unwanted
            if budget is not None:
                if budget.expired:
                    raise NmbrsTransportError(
                        str(op.name),
                        self.transport.host,
                        "not made: the check ran out of time (run it again)",
                        kind="deadline",
                        retryable=False,
                    )
                budget.attempted()
                left = budget.remaining_s()
                if left < (read_timeout or self.transport.limits.read_timeout_s):
                    read_timeout = max(1.0, left)  # never wait past the check's deadline
            try:
                slot = self.window.acquire()  # the wait for a place is not the call's time
            except WindowClosed:
                raise connection_closed(str(op.name), self.transport.host) from None
            unwanted = self._unwanted(op)  # closed or cancelled while it waited for a place
            if unwanted is not None:
                self.window.release(slot, Outcome.NO_REPLY)
                raise unwanted
            try:
                started = time.monotonic()
                at = datetime.now(UTC)
                try:
                    reply = self.transport.get(
                        str(op.name), path, params, access_token=token, read_timeout_s=read_timeout
                    )
                except NmbrsTransportError as lost:
                    failed: NmbrsTransportError | None = lost
                except RuntimeError:  # httpx refuses a client closed while this call began
                    if not self._closed.is_set():
                        raise
                    raise connection_closed(str(op.name), self.transport.host) from None
                else:
                    failed = None
                    slot.outcome = _outcome(reply)
            finally:
                self.window.release(slot, slot.outcome)
            if failed is not None:  # handled once the place is free: a retry's pause holds none
                self._log(
                    op, ids, at, started, "transport", None, attempt, failed.problem, page=page
                )
                unwanted = self._unwanted(op)  # closed (or stopped) under it: not a broken line
                if unwanted is not None:
                    raise unwanted from None
                failure = transport_failure(failed)
                if self._retried(failure, attempt, first, budget):
                    attempt += 1
                    shorter = self.retry.read_timeout_after(
                        failure, self.transport.limits.read_timeout_s
                    )
                    read_timeout = (
                        shorter if shorter < self.transport.limits.read_timeout_s else None
                    )
                    continue
                failed.attempts = attempt
                failed.retries_exhausted = failure.kind is not FailureKind.FINAL
                raise failed
            if reply.status in accept:
                self._log(
                    op,
                    ids,
                    at,
                    started,
                    "ok",
                    None,
                    attempt,
                    "",
                    len(reply.body),
                    status=reply.status,
                    page=page,
                )
                return reply
            error = self._error(op, reply)
            self._log(
                op,
                ids,
                at,
                started,
                "fault",
                error.code or error.status,
                attempt,
                error.title,
                status=reply.status,
                page=page,
            )
            if (
                error.kind in (RestProblemKind.TOKEN_INVALID, RestProblemKind.UNAUTHORIZED)
                and not refreshed
            ):
                refreshed = True
                new_token = self.tokens.refresh_after_rejection(token)
                if new_token and new_token != token:
                    token = new_token
                    continue
            if error.retryable and self._retried(
                Failure(
                    FailureKind.THROTTLED
                    if error.status in (429, 503)
                    else FailureKind.SERVER_ERROR,
                    error.retry_after_s,
                ),
                attempt,
                first,
                budget,
            ):
                attempt += 1
                read_timeout = None
                continue
            raise error

    def get_json(
        self,
        name: RestOp,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str | int] | None = None,
    ) -> Any:
        reply = self.get(name, path_params, query)
        return self._decode(operation(name), reply)

    def _query(self, op: RestOperation, query: Mapping[str, str | int]) -> dict[str, str]:
        allowed = set(op.query) | ({"pageNumber", "pageSize"} if op.paged else set())
        unknown = set(query) - allowed
        if unknown:
            raise ValueError(f"{op.name} takes no query parameter {sorted(unknown)}")
        return {key: str(value) for key, value in query.items() if value is not None}

    def _decode(self, op: RestOperation, reply: RestReply) -> Any:
        """The JSON of a reply with every string cleaned (:mod:`nmbrs_client.textsafe`).

        JSON can spell a control character as ``\u001b``, so only a body without any
        backslash and without raw unsafe bytes is known clean without walking it.
        """
        try:
            value = reply.json()
        except ValueError:
            raise NmbrsTransportError(
                str(op.name),
                self.transport.host,
                f"HTTP {reply.status} with a reply that is not valid JSON",
                kind="malformed",
                status=reply.status,
            ) from None
        if b"\\" not in reply.body and textsafe.utf8_bytes_are_plain(reply.body):
            return value
        return textsafe.clean_tree(value)

    def _error(self, op: RestOperation, reply: RestReply) -> NmbrsRestError:
        body: Mapping[str, Any] | None = None
        raw = reply.body[:2000].decode("utf-8", "replace")
        if reply.is_json:
            try:
                parsed = reply.json()
            except ValueError:
                parsed = None
            if isinstance(parsed, Mapping):
                body = parsed
        kind, code = classify(
            reply.status,
            body,
            raw_text=raw,
            www_authenticate=reply.headers.get("www-authenticate", ""),
            required=op.scopes,
            granted=self.tokens.granted_scopes(),
        )
        title = str(body.get("title", "")) if body else ""
        detail = str(body.get("detail", "") or body.get("message", "")) if body else ""
        return NmbrsRestError(
            str(op.name),
            reply.status,
            kind,
            code=code,
            title=title,
            detail=detail,
            scopes=op.scopes,
            retry_after_s=retry_after_seconds(reply.headers.get("retry-after")),
        )

    def _log(
        self,
        op: RestOperation,
        ids: Mapping[str, str],
        at: datetime,
        started: float,
        outcome: str,
        code: int | None,
        attempt: int,
        message: str,
        size: int | None = None,
        *,
        status: int | None = None,
        page: tuple[str | None, int | None] = (None, None),
    ) -> None:
        with self._lock:
            self._calls += 1
            self._repeats += attempt > 1
        self.call_log.add(
            CallRecord(
                started_at=at,
                operation=f"REST {op.name}",
                company_id=ids.get("companyId") or None,
                employee_id=ids.get("employeeId") or None,
                duration_ms=(time.monotonic() - started) * 1000,
                outcome=outcome,
                fault_code=code,
                message=message,
                size_bytes=size,
                attempt=attempt,
                http_status=status,
                method=op.method,
                path=op.path + (f"?pageNumber={page[0]}" if page[0] else ""),
                page=int(page[0]) if page[0] else None,
                pages=page[1],
            )
        )

    # ------------------------------------------------------------------ paging

    def page(
        self,
        name: RestOp,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str | int] | None = None,
        *,
        number: int = 1,
        size: int = MAX_PAGE_SIZE,
        pages: int | None = None,
    ) -> Page:
        """One page of a paged list, read from the ``{pagination, data}`` envelope."""
        op = operation(name)
        if not op.paged:
            raise ValueError(f"{op.name} is not paged")
        page_size = min(size, MAX_PAGE_SIZE)
        params = {**(query or {}), "pageNumber": number, "pageSize": page_size}
        document = self._decode(op, self.get(name, path_params, params, pages=pages))
        rows, pagination = envelope(document, str(op.name), self.transport.host)
        total = pagination.get("totalPages")
        total_pages = total if isinstance(total, int) and not isinstance(total, bool) else None
        has_next = bool(pagination.get("nextPage")) or (
            total_pages is not None and number < total_pages
        )
        if not pagination and len(rows) >= page_size:
            has_next = True  # no pagination object at all: a full page may have a successor
        return Page(rows, number, total_pages, has_next)

    def list_all(
        self,
        name: RestOp,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str | int] | None = None,
    ) -> list[Mapping[str, Any]]:
        """Every row of a paged list, to the last page (see :meth:`rows`)."""
        return list(self.rows(name, path_params, query))

    def rows(
        self,
        name: RestOp,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str | int] | None = None,
    ) -> Generator[Mapping[str, Any], None, None]:
        """Every row of a paged list, to the last page, in page order, as the pages arrive.

        The caller turns each page's rows into its records while the later pages are still on
        the wire, so a long list ends with one page's work, not the whole list's. Rows that
        moved between pages and arrive twice are given once. Bounded against a server whose
        paging never ends: more pages than :data:`MAX_PAGES` is an error (a list cut short must
        not pass for the whole list), and following ``nextPage`` stops at a page that adds no
        row not seen before. A caller that stops early leaves no page queued.
        """
        first = self.page(name, path_params, query, number=1)
        if first.total_pages and first.total_pages > MAX_PAGES:
            raise self._too_many_pages(name)
        seen: set[tuple[str, str]] = set()

        def fresh(page: Page) -> Iterator[Mapping[str, Any]]:
            for row in page.rows:
                identity = _identity(row)
                if identity is not None:
                    if identity in seen:
                        continue
                    seen.add(identity)
                yield row

        last = first
        total = first.total_pages
        if not total or total < 2:
            yield from fresh(first)
        else:
            abandoned = threading.Event()
            later: list[Future[Page]] = []
            try:  # the other pages go out before the caller gets page 1's rows to work on
                for number in range(2, total + 1):
                    later.append(
                        self.pages.submit(
                            partial(
                                self.page, name, path_params, query, number=number, pages=total
                            ),
                            abandoned.is_set,
                        )
                    )
                yield from fresh(first)
                for future in later:
                    last = self._later_page(name, future)
                    yield from fresh(last)
            except (RuntimeError, CancelledError):  # the pool was closed with the client
                if not self._closed.is_set():
                    raise
                raise connection_closed(str(name), self.transport.host) from None
            finally:  # a failed page, a closed client, a caller that stopped: none is sent
                abandoned.set()
                for future in later:
                    future.cancel()
        while last.has_next and last.rows:
            if last.page_number >= MAX_PAGES:
                raise self._too_many_pages(name)
            last = self.page(name, path_params, query, number=last.page_number + 1)
            ids = {_identity(row) for row in last.rows}
            if None not in ids and ids <= seen:
                break  # the same rows again: the server's paging does not advance
            yield from fresh(last)

    def _later_page(self, name: RestOp, future: Future[Page]) -> Page:
        """A page fetched on the page pool, waited for together with the caller's stop and
        the client's close: a page stalled on the network holds neither an esc'd caller nor
        one whose connection closed (the page runs on to its time-out, unheard)."""
        if future not in self.pages.first_done((future,), current_stop()):
            raise self.given_up(name)
        return future.result()

    def given_up(self, name: RestOp) -> NmbrsTransportError:
        """The error of work on ``name`` that its caller stopped waiting for: closed with its
        client, or cancelled by its caller."""
        return self._unwanted(operation(name)) or calls_stopped(str(name), self.transport.host)

    def _too_many_pages(self, name: RestOp) -> NmbrsTransportError:
        return NmbrsTransportError(
            str(name),
            self.transport.host,
            f"the list has more than {MAX_PAGES} pages; it was not read to its end",
            kind="malformed",
            retryable=False,
        )

    def single(
        self, name: RestOp, path_params: Mapping[str, str] | None = None
    ) -> Mapping[str, Any] | None:
        """A single-record read: the first item of ``data``, or ``None`` when it is empty."""
        op = operation(name)
        document = self._decode(op, self.get(name, path_params))
        rows, _ = envelope(document, str(op.name), self.transport.host)
        return rows[0] if rows else None

    # ------------------------------------------------------------------ companies

    def companies(self) -> tuple[list[Mapping[str, Any]], bool]:
        """Every company the consent reaches, and whether the per-debtor walk was needed."""
        try:
            return self.list_all(RestOp.COMPANIES), False
        except NmbrsRestError as exc:
            if exc.kind is not RestProblemKind.MULTI_DEBTOR:
                raise
        rows: list[Mapping[str, Any]] = []
        for debtor in self.list_all(RestOp.DEBTORS):
            debtor_id = debtor.get("debtorId")
            if not isinstance(debtor_id, str):
                continue
            for company in self.list_all(RestOp.DEBTOR_COMPANIES, {"debtorId": debtor_id}):
                rows.append({**company, "debtorId": company.get("debtorId") or debtor_id})
        return rows, True

    # ------------------------------------------------------------------ documents

    def document(self, task: RestOp, employee_id: str, query: Mapping[str, str | int]) -> bytes:
        """Run a document task (payslip per period / annual statement) and return the PDF."""
        if task not in (RestOp.PAYSLIP_TASK, RestOp.ANNUAL_STATEMENT_TASK):
            raise ValueError(f"{task} is not a document task")
        try:
            started = self.get_json(task, {"employeeId": employee_id}, query)
        except NmbrsRestError as exc:
            if exc.kind is RestProblemKind.NOT_FOUND:
                raise NoDocumentError(
                    f"Nmbrs has no document for this employee ({exc.message})",
                    hint="There is probably no payslip in that period (or no statement yet).",
                ) from None
            raise
        task_id = started.get("taskId") if isinstance(started, Mapping) else None
        if not isinstance(task_id, str) or not task_id.strip():
            raise NoDocumentError(
                f"{task} started no document task",
                hint="Nmbrs returned no taskId: there is probably no document for that period.",
            )
        return self._fetch_document(task_id.strip())

    def _fetch_document(self, task_id: str) -> bytes:
        """Poll the task until its PDF comes, on :class:`DocumentPolling`'s schedule.

        The budget counts both the clock and the pauses made (a fake sleep in tests, a clock
        that jumps), and the last poll is made when it runs out, so "still being processed
        after N s" is true for the N it says.
        """
        budget = self.polling.budget_s
        started = self._monotonic()
        waited = 0.0
        pauses = self.polling.pauses()
        while True:
            try:
                reply = self.get(RestOp.DOCUMENT, {"taskId": task_id}, accept=(200, 202))
            except NmbrsRestError as exc:
                if exc.kind is RestProblemKind.NOT_FOUND:
                    raise NoDocumentError(
                        "the document task is unknown or has expired",
                        hint="Start it again (open the payslip once more).",
                    ) from None
                raise
            if reply.status == 200:
                pdf = _pdf_bytes(reply)
                if pdf is not None:
                    return pdf
            spent = max(self._monotonic() - started, waited)
            left = budget - spent
            if left <= 0:
                raise DocumentNotReadyError(
                    f"the document was still being processed after {spent:.3g} s",
                    hint="Nmbrs is slow to generate it: try again in a minute.",
                )
            # Retry-After is "not before": it may lengthen a pause, never shorten the schedule
            asked = retry_after_seconds(reply.headers.get("retry-after")) or 0.0
            wait = min(max(asked, next(pauses)), self.polling.max_delay_s, left)
            self._sleep(wait)
            waited += wait


def _outcome(reply: RestReply) -> Outcome:
    """What a reply says about Nmbrs' capacity: 429 is throttling (42908, or a quota that a
    smaller window cannot cure but does not hurt); anything else is an answer."""
    return Outcome.THROTTLED if reply.status == 429 else Outcome.ANSWERED


def envelope(
    document: Any, operation_name: str, host: str
) -> tuple[list[Mapping[str, Any]], dict[str, Any]]:
    """``(data rows, pagination)`` from a ``{pagination, data}`` reply, checked for shape."""
    if not isinstance(document, Mapping) or not isinstance(document.get("data"), list):
        raise NmbrsTransportError(
            operation_name,
            host,
            "the reply has no {pagination, data} envelope",
            kind="malformed",
            retryable=False,
        )
    pagination = document.get("pagination")
    rows = [row for row in document["data"] if isinstance(row, Mapping)]
    return rows, dict(pagination) if isinstance(pagination, Mapping) else {}


def _identity(row: Mapping[str, Any]) -> tuple[str, str] | None:
    for key in _ID_KEYS:
        value = row.get(key)
        if isinstance(value, str) and value:
            return key, value
    return None


def _pdf_bytes(reply: RestReply) -> bytes | None:
    """The PDF of a 200 from ``/api/documents``: raw bytes, or tolerated JSON wrappings.

    The spec says ``application/octet-stream``; a JSON string that is the "being processed"
    text means "not yet", a JSON string or ``{content}`` holding base64 PDF is decoded.
    """
    body = reply.body
    if body.lstrip()[:5] == b"%PDF-":
        return body
    if not reply.is_json:
        return body if body else None
    try:
        value = reply.json()
    except ValueError:
        return None
    if isinstance(value, Mapping):
        value = value.get("content") or value.get("document") or value.get("pdf")
    if isinstance(value, str):
        try:
            decoded = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return None
        return decoded if decoded[:5] == b"%PDF-" else None
    return None


__all__ = [
    "AccessTokenSource",
    "DocumentPolling",
    "NmbrsError",
    "RestClient",
    "RetryPolicy",
    "StaticToken",
    "envelope",
    "retry_after_seconds",
]
