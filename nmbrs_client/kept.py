"""Answers a backend keeps between calls: each read once, even when threads ask together, and
dropped when the user refreshes.

The REST backend answers per-employee questions (a department, a function, a BSN) from
company-wide history lists of up to fifty pages, so it keeps each list once read: the
dashboard asks for thousands of employees, eight at a time. Kept for the whole session,
such a list would outlive the refresh that is supposed to show what Nmbrs says now, so
:meth:`Kept.forget` drops it, and a read still on its way when that happens is handed to
those already waiting for it but not kept. A failed read is not kept either: the next asker
reads again.

The dashboard's data store keeps its entries the same way (one read however many panes ask,
a refresh never resurrected by a read on its way), so it is built on this class too.

One who waits for another thread's read waits together with its own stop and the reader's:
stopped itself, it leaves at once; its reader stopped (that pane esc'd while the call is
stalled on the network), it reads anew instead of waiting for the stall to time out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Generic, TypeVar

from nmbrs_client.cancel import (
    Stop,
    calls_stopped,
    current_stop,
    either,
    first_done,
    stop_requested,
    was_stopped,
)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Answer(Future[V]):
    """An answer on its way, with the stop of the thread reading it: one who waits for it
    stops waiting once that reader is stopped (its pane esc'd), even while its call is
    stalled on the network, and reads it anew."""

    def __init__(self, reader: Stop | None = None) -> None:
        super().__init__()
        self.reader = reader


class Kept(Generic[K, V]):
    """``get(key, read)``: the answer kept for ``key``, or the one being read, or read now."""

    def __init__(self) -> None:
        self._answers: dict[K, _Answer[V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K, read: Callable[[], V], *, again: bool = False) -> V:
        """The answer for ``key``; ``again`` reads it anew even when one is kept or on its
        way (those already waiting for that one still get it, but the new read is kept)."""
        with self._lock:
            answer = None if again else self._answers.get(key)
            mine = answer is None
            if answer is None:
                answer = self._answers[key] = _Answer(current_stop())
        if not mine:
            caller = current_stop()
            stop = answer.reader if caller is None else either(answer.reader, caller)
            if answer not in first_done((answer,), stop):
                if stop_requested():  # this one was stopped: it no longer waits
                    raise calls_stopped("a read shared with another thread", "-")
                with self._lock:  # the reader was stopped, not this one: read it here
                    if self._answers.get(key) is answer:  # (the first who notices; the
                        del self._answers[key]  # others wait for that one's read)
                return self.get(key, read)
            try:
                return answer.result()
            except Exception as error:
                if not was_stopped(error) or stop_requested():
                    raise
            # the thread reading it was stopped (its pane esc'd), this one was not
            return self.get(key, read)
        try:
            value = read()
        except BaseException as error:
            with self._lock:
                if self._answers.get(key) is answer:
                    del self._answers[key]
            answer.set_exception(error)
            raise
        answer.set_result(value)
        return value

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` for ``key`` as if it had been read (a read on its way is dropped)."""
        answer: _Answer[V] = _Answer()
        answer.set_result(value)
        with self._lock:
            self._answers[key] = answer

    def has(self, key: K) -> bool:
        """Whether ``key`` is kept or being read, so asking for it makes no new read."""
        with self._lock:
            return key in self._answers

    # A failed read leaves ``_answers`` before its future fails, so under the lock a done
    # future found there holds a value.
    def holds(self, key: K) -> bool:
        """Whether an answer for ``key`` is kept (read and finished)."""
        with self._lock:
            answer = self._answers.get(key)
            return answer is not None and answer.done()

    def value(self, key: K) -> V | None:
        """The answer kept for ``key``, or ``None`` (none kept, or still being read)."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is None or not answer.done():
                return None
            return answer.result()

    def items(self) -> list[tuple[K, V]]:
        """Every kept answer with its key (reads still on their way left out)."""
        with self._lock:
            return [
                (key, answer.result()) for key, answer in self._answers.items() if answer.done()
            ]

    def forget(self, which: Callable[[K], bool] = lambda _key: True) -> None:
        """Drop the answers whose key ``which`` holds for (all of them by default)."""
        with self._lock:
            for key in [key for key in self._answers if which(key)]:
                del self._answers[key]
