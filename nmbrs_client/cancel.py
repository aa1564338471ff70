"""Work nobody waits for any more: a "stop" that a thread's calls check before they go out.

A dashboard pane cancelled with ``esc`` (or replaced by another company) cannot interrupt the
backend call its worker is in, and a list read by many threads keeps the pages it queued. So
the caller states, for the calls made on its thread, when they are no longer wanted
(:func:`stopping_when`); a client checks :func:`stop_requested` before each call goes out
and ends it unsent (:func:`calls_stopped`). A pool that works for a caller passes the caller's
stop on to its threads (:func:`set_thread_stop`), so its queued work ends too; a pool that
works for many callers at once (:class:`SharedPool`) runs each job with the stop and check
budget of the thread that submitted it. A call already on the wire is not interrupted: it ends
as its server answers (or its read time-out), but nobody waits for it: a caller waits on the
work done for it together with its stop (:func:`first_done`), and on a shared pool's close
too (:meth:`SharedPool.first_done`), so esc or a close releases it at once and the late answer
is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, InvalidStateError, ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from nmbrs_client.errors import NmbrsTransportError, connection_closed
from nmbrs_client.retry import CheckBudget, current_budget, set_thread_budget

Stop = Callable[[], bool]
T = TypeVar("T")

_current = threading.local()

# How often a caller waiting for work on other threads asks its stop again. A stop is a
# question (a pane worker's ``is_cancelled``), not an event that can wake a wait, so a stopped
# caller is released within this; finishing work and a closed pool wake it at once.
STOP_CHECK_S = 0.05


@contextmanager
def stopping_when(stop: Stop | None) -> Iterator[None]:
    """Calls made on this thread inside the block are not sent once ``stop()`` is true."""
    previous = getattr(_current, "stop", None)
    _current.stop = stop
    try:
        yield
    finally:
        _current.stop = previous


def set_thread_stop(stop: Stop | None) -> None:
    """For the worker threads of a pool that works for one caller (``initializer=…``)."""
    _current.stop = stop


def current_stop() -> Stop | None:
    """The stop of the calling thread, if its caller set one."""
    stop: Stop | None = getattr(_current, "stop", None)
    return stop


def stop_requested() -> bool:
    stop = current_stop()
    return stop is not None and stop()


def either(first: Stop | None, second: Stop) -> Stop:
    """A stop that holds when either does (a pool's own, and the caller's it works for)."""
    if first is None:
        return second
    return lambda: second() or first()


def first_done(futures: Collection[Future[Any]], stop: Stop | None = None) -> set[Future[Any]]:
    """Those of ``futures`` that are done, waited for until one is; none once ``stop`` holds.

    The one way a caller waits for work done for it on other threads: with its stop, so a
    call stalled on the network (the server took the request and sends nothing) does not keep
    an esc'd caller until the call's read time-out. The stalled call runs on, unheard."""
    if not futures:
        return set()
    timeout = None if stop is None else STOP_CHECK_S
    while True:
        done, _ = wait(futures, timeout=timeout, return_when=FIRST_COMPLETED)
        if done:
            return done
        if stop is not None and stop():
            return set()


def as_done(futures: Collection[Future[T]], stop: Stop | None = None) -> Iterator[Future[T]]:
    """``futures`` as each is done (like ``as_completed``), ending early once ``stop`` holds."""
    pending = set(futures)
    while pending:
        done = first_done(pending, stop)
        if not done:
            return
        pending -= done
        yield from done


def pool_for_caller(max_workers: int, name: str, stop: Stop | None = None) -> ThreadPoolExecutor:
    """Threads that work for the calling thread: their calls draw on its check budget and end
    unsent once its stop (or ``stop``, the pool's own) holds. Shut it down with
    ``cancel_futures=True`` and without waiting, so no queued work outlives its caller."""
    return ThreadPoolExecutor(
        max_workers=max_workers,
        thread_name_prefix=name,
        initializer=_work_for,
        initargs=_callers(stop),
    )


@contextmanager
def working_for_caller(
    max_workers: int, name: str, stop: Stop | None = None
) -> Iterator[ThreadPoolExecutor]:
    """:func:`pool_for_caller` for a block that leaves without waiting for it: at the end of
    the block (its caller stopped, or one job failed) the queued jobs are cancelled and the
    running ones end on their own, unheard."""
    pool = pool_for_caller(max_workers, name, stop)
    try:
        yield pool
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _callers(stop: Stop | None) -> tuple[CheckBudget | None, Stop | None]:
    """The calling thread's check budget and stop (with ``stop`` added), for work done for it
    on another thread."""
    caller = current_stop()
    return current_budget(), caller if stop is None else either(caller, stop)


def _work_for(budget: CheckBudget | None, stop: Stop | None) -> None:
    set_thread_budget(budget)
    set_thread_stop(stop)


class SharedPool:
    """A few threads that work for many callers at once: one bound on how many threads a
    connection's lists use, however many lists are read side by side.

    A pool per list made its threads add up (seven lists of the big company, eight threads
    each, waking one another for a place in the one window of calls in flight). Here each job
    runs with the stop and check budget of the thread that submitted it (and the job's own
    ``stop``), so one caller's esc ends its queued jobs unsent and leaves another's alone.
    Jobs start in the order they were submitted. :meth:`close` cancels every queued job and
    releases every caller waiting in :meth:`first_done`; a job on its way ends as its call
    does, and nobody waits for it.
    """

    def __init__(self, max_workers: int, name: str) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, max_workers), thread_name_prefix=name)
        self._unfinished = 0
        self._changed = threading.Condition()
        self._closing: Future[None] = Future()  # done once closed: waited on with the jobs

    def submit(self, job: Callable[[], T], stop: Stop | None = None) -> Future[T]:
        """Queue ``job`` for the calling thread; RuntimeError once the pool is closed."""
        budget, stops = _callers(stop)
        future = self._pool.submit(_as_caller, budget, stops, job)
        with self._changed:
            self._unfinished += 1
        future.add_done_callback(self._finished)  # a cancelled job is finished too
        return future

    def _finished(self, _future: Future[T]) -> None:
        with self._changed:
            self._unfinished -= 1
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Whether every job submitted so far has ended (or was cancelled) within ``timeout``."""
        with self._changed:
            return self._changed.wait_for(lambda: self._unfinished == 0, timeout)

    def first_done(
        self, futures: Collection[Future[Any]], stop: Stop | None = None
    ) -> set[Future[Any]]:
        """:func:`first_done`, and none at once when the pool is closed meanwhile: a job on
        the wire when its connection closes must not hold its caller until a time-out."""
        done = first_done({*futures, self._closing}, stop)
        done.discard(self._closing)
        return done

    @property
    def closed(self) -> bool:
        return self._closing.done()

    def close(self) -> None:
        """Cancel every queued job, release every caller waiting on a job, and let the
        threads end once their job does."""
        with suppress(InvalidStateError):  # closed before
            self._closing.set_result(None)
        self._pool.shutdown(wait=False, cancel_futures=True)


def _as_caller(budget: CheckBudget | None, stop: Stop | None, job: Callable[[], T]) -> T:
    """Run ``job`` on a shared thread as if on its caller's: its budget and its stop."""
    _work_for(budget, stop)
    try:
        return job()
    finally:
        _work_for(None, None)


def calls_stopped(operation: str, host: str) -> NmbrsTransportError:
    """A call not made because its caller no longer waits for it."""
    return NmbrsTransportError(
        operation, host, "not made: the work was cancelled", kind="cancelled", retryable=False
    )


def unwanted_call(closed: threading.Event, operation: str, host: str) -> NmbrsTransportError | None:
    """Why a call must not go out now, or why its failure is not its line's: its client was
    closed (``closed`` is set), or its caller stopped. ``None`` while it is still wanted."""
    if closed.is_set():
        return connection_closed(operation, host)
    if stop_requested():
        return calls_stopped(operation, host)
    return None


def was_stopped(error: BaseException) -> bool:
    """Whether ``error`` is a call that was not made because its caller stopped."""
    return isinstance(error, NmbrsTransportError) and error.kind == "cancelled"
