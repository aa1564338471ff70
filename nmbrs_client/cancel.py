"""Work nobody waits for any more: a "stop" that a thread's calls check before they go out.

A dashboard pane cancelled with ``esc`` (or replaced by another company) cannot interrupt the
backend call its worker is in, and a list read by many threads keeps the pages it queued. So
the caller states, for the calls made on its thread, when they are no longer wanted
(:func:`stopping_when`); a client checks :func:`stop_requested` before each call goes out
and ends it unsent (:func:`calls_stopped`). A pool that works for a caller passes the caller's
stop on to its threads (:func:`set_thread_stop`), so its queued work ends too. A call already
on the wire is not interrupted: it ends as its server answers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.retry import CheckBudget, current_budget, set_thread_budget

Stop = Callable[[], bool]

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
    caller = current_stop()
    return ThreadPoolExecutor(
        max_workers=max_workers,
        thread_name_prefix=name,
        initializer=_work_for,
        initargs=(current_budget(), caller if stop is None else either(caller, stop)),
    )


def _work_for(budget: CheckBudget | None, stop: Stop | None) -> None:
    set_thread_budget(budget)
    set_thread_stop(stop)


def calls_stopped(operation: str, host: str) -> NmbrsTransportError:
    """A call not made because its caller no longer waits for it."""
    return NmbrsTransportError(
        operation, host, "not made: the work was cancelled", kind="cancelled", retryable=False
    )


def was_stopped(error: BaseException) -> bool:
    """Whether ``error`` is a call that was not made because its caller stopped."""
    return isinstance(error, NmbrsTransportError) and error.kind == "cancelled"
