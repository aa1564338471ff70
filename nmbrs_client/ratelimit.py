"""A global cap on calls per second, shared by every thread of one client.

Nmbrs delays callers that exceed 150 calls per second by half a second. The limiter keeps the
start times of the last ``rate`` calls and lets a new call start only when the oldest of them
is a second old, so no one-second window ever holds more than ``rate`` calls (120 by default,
a margin below Nmbrs' limit) while short bursts, such as one round of rights probes, go out at
once instead of being spaced evenly.
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
        with self._lock:
            now = self._clock()
            start = now
            if len(self._starts) >= self.capacity:
                start = max(now, self._starts[0] + WINDOW_S)
                self._starts.popleft()
            # Reserving the slot under the lock keeps the order fair between threads.
            self._starts.append(start)
        wait = start - now
        if wait > 0:
            self._sleep(wait)
        return wait
