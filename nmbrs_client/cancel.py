"""Work nobody waits for any more: a "stop" that a thread's calls check before they go out.

A dashboard pane cancelled with ``esc`` (or replaced by another company) cannot interrupt the
backend call its worker is in, and a list read by many threads keeps the pages it queued. So
the caller states, for the calls made on its thread, when they are no longer wanted
(:func:`stopping_when`); a client checks :func:`stop_requested` before each call goes out
and ends it unsent (:func:`calls_stopped`). A pool that works for a caller passes the caller's
stop on to its threads (:func:`set_thread_stop`), so its queued work ends too; a pool that
works for many callers at once (:class:`SharedPool`) runs each job with the stop and check
budget of the thread that submitted it. A call already on the wire is not interrupted: it ends
as its server answers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.retry import CheckBudget, current_budget, set_thread_budget

Stop = Callable[[], bool]
T = TypeVar("T")

_current = threading.local()


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
    Jobs start in the order they were submitted. :meth:`close` cancels every queued job;
    a job on its way ends as its call does.
    """

    def __init__(self, max_workers: int, name: str) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, max_workers), thread_name_prefix=name)
        self._unfinished = 0
        self._changed = threading.Condition()

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

    def close(self) -> None:
        """Cancel every queued job and let the threads end once their job does."""
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


def was_stopped(error: BaseException) -> bool:
    """Whether ``error`` is a call that was not made because its caller stopped."""
    return isinstance(error, NmbrsTransportError) and error.kind == "cancelled"
