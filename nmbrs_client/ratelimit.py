"""A global cap on calls per second, shared by every thread of one client.

Nmbrs delays callers that exceed 150 calls per second by half a second. The limiter keeps the
times the last ``rate`` calls were let through and lets a new call through only when the
oldest of them is a second old, so no one-second window ever holds more than ``rate`` calls
(120 by default, a margin below Nmbrs' limit) while short bursts, such as one round of rights
probes, go out at once instead of being spaced evenly.

A call is counted when it is really let through, after its wait: a sleeping thread wakes
late on a busy machine, and counting it at the moment it meant to start let 127-133 calls
into one second at 120/s.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_S = 1.0


class RateLimiter:
    def __init__(
        self,
        rate_per_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate_per_s <= 0:
            raise ValueError("rate_per_s must be positive")
        self.capacity = max(1, math.floor(rate_per_s))
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until this caller may start a call; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                while self._starts and self._starts[0] <= now - WINDOW_S:
                    self._starts.popleft()
                if len(self._starts) < self.capacity:
                    self._starts.append(now)
                    return waited
                wait = self._starts[0] + WINDOW_S - now
            self._sleep(wait)
            waited += wait
