"""The client's rate limiter: bursts go out at once, no one-second window exceeds the cap."""

from __future__ import annotations

import threading
from bisect import bisect_left

from nmbrs_client.ratelimit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def test_a_burst_below_the_cap_does_not_wait() -> None:
    clock = FakeClock()
    limiter = RateLimiter(120, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire() for _ in range(20)] == [0.0] * 20
    assert clock.now == 0.0


def test_no_one_second_window_exceeds_the_cap() -> None:
    clock = FakeClock()
    limiter = RateLimiter(120, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(1000):
        limiter.acquire()
        starts.append(clock.now)
    worst = max(bisect_left(starts, t + 1.0) - i for i, t in enumerate(starts))
    assert worst == 120
    assert 7.0 <= clock.now < 9.0  # 1000 calls at 120 per second


class SteppingClock:
    """Time moves a millisecond per reading; each thread remembers the reading it got."""

    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()
        self.local = threading.local()

    def __call__(self) -> float:
        with self.lock:
            self.now += 0.001
            self.local.last = self.now
            return self.now


def test_threads_share_one_cap() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(50, clock=clock, sleep=lambda _s: None)
    starts: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(15):
            limiter.acquire()
            with lock:
                # The limiter reads the clock again after each wait and lets the call through
                # at that reading: the last one this thread got is its start.
                starts.append(clock.local.last)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    starts.sort()
    worst = max(bisect_left(starts, t + 1.0) - i for i, t in enumerate(starts))
    assert len(starts) == 120 and worst == 50
    assert starts[-1] >= 2.0  # 120 calls at 50 per second need a third window


class LateClock(FakeClock):
    """A fake clock whose sleeps wake late by a varying amount, as a loaded machine's do."""

    def __init__(self, lateness: list[float]) -> None:
        super().__init__()
        self.lateness = lateness
        self.sleeps = 0

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds + self.lateness[self.sleeps % len(self.lateness)]
            self.sleeps += 1


def worst_window(starts: list[float]) -> int:
    starts = sorted(starts)
    return max(bisect_left(starts, t + 1.0) - i for i, t in enumerate(starts))


def test_late_wake_ups_never_put_more_than_the_rate_into_a_second() -> None:
    """Counted when calls really start: a sleeper that wakes late must not be counted at
    the moment it meant to start (the limiter let 127-133 calls into one second at 120/s)."""
    for lateness in ([0.03, 0.0, 0.01], [0.0, 0.05], [0.002, 0.04, 0.0, 0.0, 0.02]):
        clock = LateClock(lateness)
        limiter = RateLimiter(120, clock=clock, sleep=clock.sleep)
        starts = []
        for burst in range(40):
            for _ in range(37):  # uneven bursts, as rounds of probes come
                limiter.acquire()
                starts.append(clock.now)
            clock.sleep(0.01 * (burst % 3))
        assert worst_window(starts) <= 120
        assert clock.now < 1480 / 120 + 3  # and it still keeps up with its rate
