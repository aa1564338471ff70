"""How many calls one client keeps in flight: grown while the server answers, halved when it
says it is throttling.

Nmbrs publishes no REST rate limit (throttling depends on the subscription plan, answered as
HTTP 429 with code 42908) and promises no ``Retry-After``, so no fixed number is right for
every customer. The client starts with four calls on the wire and lets the window grow by one
for every answer until the first throttling reply (so it doubles each round trip, as TCP's
slow start does), after which it grows by one per window of answers. A throttling reply halves it, once
per window: the other calls already on their way when it came were sent at the old size and
say nothing new. It never exceeds ``cap`` (the profile's concurrency) and never falls below 1.

The window only gates calls on the wire: a call waiting to retry holds no place in it. A
closed window (the client was closed) wakes every caller waiting for a place, with
:class:`WindowClosed`, so queued calls end at once instead of going out one by one.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum

START = 4  # calls on the wire before Nmbrs has answered any: a few, not the cap


class WindowClosed(Exception):
    """The window was closed: no further call may go out."""


class Outcome(Enum):
    """What one call says about the server's capacity."""

    ANSWERED = "answered"  # any reply but throttling: a refusal or a 404 is an answer too
    THROTTLED = "throttled"  # 429 / 42908: above what the plan allows
    NO_REPLY = "no_reply"  # a time-out or a broken connection: says nothing about the rate


@dataclass
class Slot:
    """One place in the window, held for one call: ``epoch`` is the window it went out in,
    ``outcome`` what its reply said (set by the caller before the slot is given back)."""

    epoch: int
    outcome: Outcome = Outcome.NO_REPLY


class AdaptiveConcurrency:
    """The window of calls in flight (thread-safe); :meth:`acquire` before a call, then
    :meth:`release` with what its reply said."""

    def __init__(self, cap: int, *, start: int = START) -> None:
        self.cap = max(1, cap)
        self._window = float(max(1, min(start, self.cap)))
        self._threshold: float = float(self.cap)  # slow start until the first throttling
        self._in_flight = 0
        self._waiting: deque[object] = deque()  # callers waiting for a place, first first
        self._epoch = 0  # bumped at each halving
        self.throttled = 0
        self._closed = False
        self._changed = threading.Condition()

    @property
    def limit(self) -> int:
        """How many calls may be in flight now."""
        with self._changed:
            return self._limit()

    @property
    def in_flight(self) -> int:
        with self._changed:
            return self._in_flight

    @property
    def waiting(self) -> int:
        """How many callers wait for a place."""
        with self._changed:
            return len(self._waiting)

    def _limit(self) -> int:
        return max(1, min(self.cap, int(self._window)))

    def close(self) -> None:
        """Refuse every further place, and wake the callers waiting for one."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def try_acquire(self) -> Slot | None:
        """A place in the window if one is free now and no one waits, else ``None``."""
        with self._changed:
            if self._closed:
                raise WindowClosed
            return None if self._waiting else self._take()

    def acquire(self) -> Slot:
        """A place in the window, waiting until a call in flight ends if there is none.

        Waiters are served in the order they came: a caller making one call after another
        (the check's chain of ids, rows and document) is never starved by a pool of workers
        that each take the next place the moment they give one back.
        """
        with self._changed:
            if self._closed:
                raise WindowClosed
            if not self._waiting:
                slot = self._take()
                if slot is not None:
                    return slot
            ticket = object()
            self._waiting.append(ticket)
            try:
                while True:
                    if self._closed:
                        raise WindowClosed
                    if self._waiting[0] is ticket:
                        slot = self._take()
                        if slot is not None:
                            return slot
                    self._changed.wait()
            finally:
                self._waiting.remove(ticket)
                self._changed.notify_all()  # the next in line may go now

    @contextmanager
    def held(self) -> Iterator[Slot]:
        """A place for one call, given back with its ``outcome`` however the call ends."""
        slot = self.acquire()
        try:
            yield slot
        finally:
            self.release(slot, slot.outcome)

    def _take(self) -> Slot | None:
        if self._in_flight >= self._limit():
            return None
        self._in_flight += 1
        return Slot(self._epoch)

    def release(self, slot: Slot, outcome: Outcome) -> None:
        """Give the place back and adapt the window to what the call's reply said."""
        with self._changed:
            self._in_flight = max(0, self._in_flight - 1)
            if outcome is Outcome.THROTTLED:
                self.throttled += 1
                if slot.epoch == self._epoch:  # once per window: the others were sent with it
                    self._threshold = max(1.0, self._limit() / 2)
                    self._window = self._threshold
                    self._epoch += 1
            elif outcome is Outcome.ANSWERED:
                if self._window < self._threshold:
                    self._window += 1.0
                else:
                    self._window += 1.0 / self._window
                self._window = min(self._window, float(self.cap))
            self._changed.notify_all()
