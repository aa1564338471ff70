"""The probe scheduler: every call of a check goes through here, at most once.

Calls wait in a priority queue and run on a bounded thread pool; their answers come back to
the one orchestrating thread (the caller of :meth:`ProbeScheduler.run_until_idle`), which runs
the callbacks, so the parts of the engine keep their state without locks. Each distinct call
(operation and arguments) is made once and its answer shared by everyone who asks. Only
transport errors are retried; a fault is an answer. An answer is kept as its verdict and the
few fields the check reads again (:func:`~nmbrs_client.rights.answers.kept`), never as the
payload, so a thorough check holds verdicts, not replies.
"""

from __future__ import annotations

import heapq
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.operations import Operation, get_operation
from nmbrs_client.retry import CheckBudget, Failure, FailureKind, budget_applied
from nmbrs_client.rights.answers import Params, kept, pdf_size
from nmbrs_client.rights.classify import Status, Verdict, classify, is_retryable
from nmbrs_client.rights.protocol import RightsClient

CallKey = tuple[str, Params]


class Cancelled(Exception):
    """Stand-in outcome for a call that was not made because the check was cancelled."""


class OutOfTime(Exception):
    """Stand-in outcome for a call not made (or not retried) because the check's deadline passed."""


@dataclass(frozen=True)
class Outcome:
    """The answer to one call: a result, or the exception it ended with."""

    op: Operation
    params: Params
    result: Any
    exc: BaseException | None
    duration_ms: float
    attempts: int
    size_bytes: int | None = None

    @property
    def verdict(self) -> Verdict:
        if isinstance(self.exc, Cancelled):
            return Verdict(
                Status.ERROR, None, "not established: the check was cancelled", "cancelled"
            )
        if isinstance(self.exc, OutOfTime):
            return Verdict(
                Status.ERROR,
                None,
                "not established: the check ran out of time (run it again)",
                "out_of_time",
            )
        return classify(self.exc)

    @property
    def ok(self) -> bool:
        return self.exc is None

    @property
    def unreachable(self) -> bool:
        """Nmbrs was not reached (a server that answered badly was: that is an error)."""
        return isinstance(self.exc, NmbrsTransportError) and not self.exc.answered

    @property
    def cancelled(self) -> bool:
        return isinstance(self.exc, Cancelled)


Callback = Callable[[Outcome], None]
_Queued = tuple[int, int, CallKey, Operation]


def call_key(op: Operation, params: dict[str, int]) -> CallKey:
    return op.qualified_name, tuple(sorted(params.items()))


class ProbeScheduler:
    """Makes the calls of one check; see the module docstring.

    ``heavy`` calls (whole-company lists in thorough mode) hold at most a third of the workers
    while light calls wait, so the CPU-bound big lists overlap with the latency-bound small
    calls instead of taking turns.
    """

    def __init__(
        self,
        client: RightsClient,
        *,
        concurrency: int,
        retries: int,
        backoff_s: float,
        cancel_event: threading.Event,
        adapt_to_rate: float | None = None,
        max_concurrency: int = 32,
        budget: CheckBudget | None = None,
    ) -> None:
        self.client = client
        self.budget = budget  # one retry budget and one deadline for every call of the check
        self.concurrency = concurrency
        # With ``adapt_to_rate`` (calls per second the client's limiter allows), the number
        # of calls in flight follows Little's law: rate × the recent mean call time, with a
        # quarter of headroom, between ``concurrency`` and ``max_concurrency``. Slow replies
        # (big lists parsed, a slow network) then do not hold the check below the limiter.
        self.base_concurrency = concurrency
        self.max_concurrency = max(concurrency, max_concurrency) if adapt_to_rate else concurrency
        self.adapt_to_rate = adapt_to_rate
        self._durations: deque[float] = deque(maxlen=48)
        self.retries = retries
        self.backoff_s = backoff_s
        self.cancel_event = cancel_event
        # Operations sent with discover_domain=False (the account lists before the domain is known).
        self.without_domain: frozenset[str] = frozenset()
        self._cache: dict[CallKey, Outcome] = {}
        self._waiters: dict[CallKey, list[Callback]] = {}
        self._done: queue.Queue[tuple[CallKey, Future[Outcome], bool]] = queue.Queue()
        self._inflight = 0  # queued or running
        self._running = 0
        self._running_heavy = 0
        self._pending: list[_Queued] = []
        self._pending_heavy: list[_Queued] = []
        self._sequence = 0
        self._ready: deque[tuple[Callback, Outcome]] = deque()
        self._calls = 0
        self._calls_seen = False
        self._attempts = 0
        self._retried = 0  # calls made again after a transport error (here or in the client)
        self._attempt_lock = threading.Lock()
        self._unsubscribers: list[Callable[[], None]] = []
        self._pool: ThreadPoolExecutor | None = None
        self._watch(client)

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> ProbeScheduler:
        self._pool = ThreadPoolExecutor(
            max_workers=self.max_concurrency, thread_name_prefix="nmbrs-rights"
        )
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        for unsubscribe in self._unsubscribers:
            unsubscribe()

    @property
    def retried(self) -> int:
        """Calls that were repeats of an earlier attempt (transport trouble), counted once each."""
        return self._retried

    @property
    def calls(self) -> int:
        """Calls made: from the client's call log if it has one, else the attempts counted here."""
        return self._calls if self._calls_seen else self._attempts

    def use_client(self, client: RightsClient) -> None:
        """Go on with another client (the right domain); earlier answers are forgotten."""
        self._cache.clear()
        self.client = client
        self._watch(client)

    def forget(self) -> None:
        """Drop every cached answer, so the same calls are made again."""
        self._cache.clear()

    def _watch(self, client: RightsClient) -> None:
        log = client.call_log
        if log is None:
            return
        self._calls_seen = True

        def count(record: object) -> None:
            if not getattr(record, "is_call", True):
                return  # a note, not a call
            with self._attempt_lock:
                self._calls += 1
                # The client layer's own retries log each attempt with its number.
                if (getattr(record, "attempt", 1) or 1) > 1:
                    self._retried += 1

        self._unsubscribers.append(log.subscribe(count))

    # ------------------------------------------------------------------ calls
    def call(self, op: Operation, params: Params) -> Outcome:
        """One call (in a worker, or inline): retries transport errors only, never raises."""
        started = time.perf_counter()
        attempts = 0
        while True:
            if self.cancel_event.is_set():
                return Outcome(op, params, None, Cancelled(), 0.0, attempts)
            if self.budget is not None and self.budget.expired:
                return Outcome(op, params, None, OutOfTime(), 0.0, attempts)
            attempts += 1
            with self._attempt_lock:
                self._attempts += 1
            arguments: dict[str, Any] = dict(params)
            try:
                with budget_applied(self.budget):
                    if op.qualified_name in self.without_domain:
                        result = self.client.call(op, discover_domain=False, **arguments)
                    else:
                        result = self.client.call(op, **arguments)
            except Exception as exc:
                if is_retryable(exc) and attempts <= self.retries and self._may_retry():
                    with self._attempt_lock:
                        self._retried += 1
                    self.cancel_event.wait(self.backoff_s * (2 ** (attempts - 1)))
                    continue
                return Outcome(
                    op, params, None, exc, (time.perf_counter() - started) * 1000, attempts
                )
            duration = (time.perf_counter() - started) * 1000
            if op.returns_pdf:
                return Outcome(op, params, None, None, duration, attempts, pdf_size(result))
            # Only what the check reads again: the payload goes with this frame.
            return Outcome(op, params, kept(op, result), None, duration, attempts)

    def _may_retry(self) -> bool:
        """A retry of the scheduler's own (for clients that do not retry) draws on the budget."""
        if self.budget is None:
            return True
        return self.budget.allow_retry(Failure(FailureKind.RESET), self.backoff_s)

    def call_now(self, op: Operation, params: dict[str, int] | None = None) -> Outcome:
        """A call on the orchestrating thread, for the strictly sequential account steps."""
        return self.call(op, tuple(sorted((params or {}).items())))

    def request(
        self,
        op: Operation,
        params: dict[str, int],
        callback: Callback,
        priority: int = 0,
        heavy: bool = False,
    ) -> None:
        """Make (or reuse) the call ``op(**params)``; ``callback`` runs on the orchestrator.

        Lowest ``priority`` first, then first come; at most ``concurrency`` at once, so a
        probe on the critical path never queues behind the many column probes of a large
        account.
        """
        key = call_key(op, params)
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
            self._deliver(key, Outcome(op, key[1], None, Cancelled(), 0.0, 0))
            return
        self._sequence += 1
        heapq.heappush(
            self._pending_heavy if heavy else self._pending, (priority, self._sequence, key, op)
        )
        self._inflight += 1
        self._dispatch()

    def answered(self, op: Operation, params: dict[str, int]) -> Outcome | None:
        """The answer to ``op(**params)`` if it has come already, else None (nothing is asked)."""
        return self._cache.get(call_key(op, params))

    def prefetch(self, op: Operation, params: dict[str, int], priority: int = 0) -> None:
        """Start a call whose answer will be wanted soon; whoever asks for it later shares it."""
        self.request(op, params, lambda _outcome: None, priority)

    def run_until_idle(self) -> None:
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
            except BaseException as exc:  # cancelled future or a bug in call()
                op = get_operation(*key[0].split(".", 1))
                outcome = Outcome(
                    op, key[1], None, Cancelled() if self.cancel_event.is_set() else exc, 0.0, 0
                )
            self._adapt(outcome)
            self._deliver(key, outcome)

    def _adapt(self, outcome: Outcome) -> None:
        """Resize the calls in flight to what the limiter's rate needs (see ``__init__``)."""
        if self.adapt_to_rate is None or outcome.attempts != 1 or outcome.duration_ms <= 0:
            return
        self._durations.append(outcome.duration_ms / 1000)
        if len(self._durations) < 8:
            return
        mean = sum(self._durations) / len(self._durations)
        wanted = math.ceil(self.adapt_to_rate * mean * 1.25)
        self.concurrency = min(self.max_concurrency, max(self.base_concurrency, wanted))
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand queued calls to the pool while a worker is free."""
        assert self._pool is not None, "use the scheduler as a context manager"
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
            future = self._pool.submit(self.call, op, key[1])

            def finished(done: Future[Outcome], key: CallKey = key, heavy: bool = heavy) -> None:
                self._done.put((key, done, heavy))

            future.add_done_callback(finished)

    def _deliver(self, key: CallKey, outcome: Outcome) -> None:
        self._cache[key] = outcome
        for callback in self._waiters.pop(key, []):
            callback(outcome)
