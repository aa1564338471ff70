"""When to try a failed call again, and how long to wait: one policy for SOAP and REST.

A call that failed below the API (a time-out, a reset connection, a truncated or malformed
reply, an HTTP 5xx without a SOAP fault) or was throttled (HTTP 429/503, ``Retry-After``,
Nmbrs' own "too many calls" answer) says nothing about the account's rights, so it is tried
again; only what still fails after the policy's attempts and its time budget is an error. A
fault with a meaning (1002, 2004, …) is an answer and is never retried.

The policy knows nothing about HTTP libraries: a client describes each failure as a
:class:`Failure` (its :class:`FailureKind` and any ``Retry-After``) and asks
:meth:`RetryPolicy.delay_before_retry` whether and when to try again. The SOAP client
(requests/zeep) and the REST client (httpx) share it. :class:`RetryStats` counts the retries
per kind, for the call log, the rights report and the bench.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum


class FailureKind(StrEnum):
    """Why an attempt failed, as far as retrying is concerned."""

    THROTTLED = "throttled"  # 429, 503, Retry-After, Nmbrs' slow-down
    TIMEOUT = "timeout"
    RESET = "reset"  # connection refused, reset or closed without an answer
    MALFORMED = "malformed"  # truncated or not well-formed reply
    SERVER_ERROR = "server_error"  # HTTP 5xx without a SOAP fault (also HTML gateway pages)
    FINAL = "final"  # an answer, or a problem retrying cannot change


TRANSIENT: frozenset[FailureKind] = frozenset(
    {FailureKind.TIMEOUT, FailureKind.RESET, FailureKind.MALFORMED, FailureKind.SERVER_ERROR}
)


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    retry_after_s: float | None = None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP-date.

    ``None`` when absent or unreadable; a date in the past gives 0.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: attempts per kind, exponential back-off with jitter, one time budget.

    ``budget_s`` bounds the time one logical call may spend from its first attempt to the
    start of its last, waits included, so a check stays inside its time bound even when every
    call is throttled; ``retry_after_cap_s`` stops a server from parking the client with a
    huge ``Retry-After``.
    """

    transient_attempts: int = 4
    # A time-out already cost a whole read time-out: it is tried once more, with the short
    # ``retry_timeout_s``, so a call that never answers costs one time-out plus one short try.
    timeout_attempts: int = 2
    retry_timeout_s: float = 8.0
    throttled_attempts: int = 12
    base_delay_s: float = 0.25
    max_delay_s: float = 4.0
    retry_after_cap_s: float = 10.0
    budget_s: float = 60.0
    jitter: float = 0.2

    def delay_before_retry(
        self,
        failure: Failure,
        attempt: int,
        elapsed_s: float,
        *,
        rng: random.Random | None = None,
    ) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or ``None`` to give up now.

        ``attempt`` is the number of the attempt that just failed (1 for the first),
        ``elapsed_s`` the time since the first attempt started.
        """
        if failure.kind is FailureKind.FINAL:
            return None
        if failure.kind is FailureKind.THROTTLED:
            limit = self.throttled_attempts
        elif failure.kind is FailureKind.TIMEOUT:
            limit = min(self.timeout_attempts, self.transient_attempts)
        else:
            limit = self.transient_attempts
        if attempt >= limit:
            return None
        backoff = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        if failure.kind is FailureKind.THROTTLED:
            backoff = max(backoff, 2 * self.base_delay_s)
        if failure.retry_after_s is not None:
            delay = min(self.retry_after_cap_s, max(0.0, failure.retry_after_s))
        else:
            spread = (rng or random).uniform(-self.jitter, self.jitter)
            delay = backoff * (1 + spread)
        if elapsed_s + delay > self.budget_s:
            return None
        return delay

    def read_timeout_after(self, failure: Failure | None, read_timeout_s: float) -> float:
        """The read time-out of the next attempt: the short one after a time-out."""
        if failure is not None and failure.kind is FailureKind.TIMEOUT:
            return min(read_timeout_s, self.retry_timeout_s)
        return read_timeout_s


def transport_failure(exc: object) -> Failure:
    """How the policy sees a transport error of either API (an ``NmbrsTransportError``: its
    ``kind``, ``status``, ``retryable`` and ``retry_after_s``).

    Throttling: HTTP 429 or 503 (with any ``Retry-After``). Transient: time-outs, resets,
    truncated or malformed replies and HTTP 5xx (HTML gateway pages too). Anything else, and
    anything marked not retryable (TLS, redirects, too large), is final.
    """
    if not getattr(exc, "retryable", False):
        return Failure(FailureKind.FINAL)
    status = getattr(exc, "status", None)
    kind = getattr(exc, "kind", None)
    if status in (429, 503):
        return Failure(FailureKind.THROTTLED, getattr(exc, "retry_after_s", None))
    if kind == "timeout":
        return Failure(FailureKind.TIMEOUT)
    if kind == "connection":
        return Failure(FailureKind.RESET)
    if kind == "malformed":
        return Failure(FailureKind.MALFORMED)
    if kind == "http" and status is not None and status >= 500:
        return Failure(FailureKind.SERVER_ERROR)
    return Failure(FailureKind.FINAL)


NO_RETRIES = RetryPolicy(transient_attempts=1, throttled_attempts=1, timeout_attempts=1)


def check_deadline_s(timeout_s: float, connect_timeout_s: float) -> float:
    """How long one whole check may take, from the connection settings.

    Fifteen worst-case calls end to end (a time-out, a short retry, a connect time-out each):
    10 minutes with the defaults, room for a large account under throttling, and still a
    bound that a server which stops answering halfway cannot stretch.
    """
    return 15.0 * (timeout_s + connect_timeout_s)


class CheckBudget:
    """One retry budget and one deadline for a whole check, shared by all its calls.

    Per-call budgets add up: a check of 300 calls against a failing server could retry every
    one of them. Here the transient retries of the whole check are bounded (a floor plus a
    share of the calls made), throttling is waited out only while the check's deadline allows,
    and past the deadline no call is started or retried: what is left is ``error`` ("run the
    check again"), never a verdict. The clock is injectable so tests never wait.
    """

    def __init__(
        self,
        deadline_s: float,
        *,
        retry_floor: int = 8,
        retry_share: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self.deadline_s = deadline_s
        self._ends_at = clock() + deadline_s
        self._floor = retry_floor
        self._share = retry_share
        self._attempts = 0
        self._transient_retries = 0
        self._lock = threading.Lock()

    def remaining_s(self) -> float:
        return max(0.0, self._ends_at - self.clock())

    @property
    def expired(self) -> bool:
        return self.remaining_s() <= 0.0

    def attempted(self) -> None:
        with self._lock:
            self._attempts += 1

    def allow_retry(self, failure: Failure, delay_s: float) -> bool:
        """Take one retry from the budget; False when the budget or the deadline says no."""
        if self.remaining_s() <= delay_s:
            return False
        if failure.kind is FailureKind.THROTTLED:
            return True  # the server asked to wait; the deadline bounds how long
        with self._lock:
            if self._transient_retries >= self._floor + self._share * self._attempts:
                return False
            self._transient_retries += 1
            return True


_current = threading.local()


@contextmanager
def budget_applied(budget: CheckBudget | None) -> Iterator[None]:
    """Calls made on this thread inside the block draw on ``budget`` (None: only per call)."""
    previous = getattr(_current, "budget", None)
    _current.budget = budget
    try:
        yield
    finally:
        _current.budget = previous


def set_thread_budget(budget: CheckBudget | None) -> None:
    """For the worker threads of a check's own pool (``ThreadPoolExecutor(initializer=…)``):
    every call they make draws on ``budget``."""
    _current.budget = budget


def current_budget() -> CheckBudget | None:
    """The check budget of the calling thread, if a check set one."""
    budget: CheckBudget | None = getattr(_current, "budget", None)
    return budget


@dataclass
class RetryStats:
    """Thread-safe counts of retries by kind (a retry is every attempt after the first)."""

    _counts: Counter[str] = field(default_factory=Counter)
    _gave_up: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retried(self, kind: FailureKind) -> None:
        with self._lock:
            self._counts[kind.value] += 1

    def gave_up(self, kind: FailureKind) -> None:
        with self._lock:
            self._gave_up[kind.value] += 1

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def snapshot(self) -> dict[str, dict[str, int]]:
        """``{"retries": {kind: n}, "gave_up": {kind: n}}`` (kinds with a count only)."""
        with self._lock:
            return {"retries": dict(self._counts), "gave_up": dict(self._gave_up)}


__all__ = [
    "NO_RETRIES",
    "TRANSIENT",
    "CheckBudget",
    "Failure",
    "FailureKind",
    "RetryPolicy",
    "RetryStats",
    "budget_applied",
    "check_deadline_s",
    "current_budget",
    "parse_retry_after",
    "set_thread_budget",
    "transport_failure",
]
