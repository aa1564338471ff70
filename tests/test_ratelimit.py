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
            waited = limiter.acquire()
            with lock:
                starts.append(clock.local.last + waited)  # the start the limiter granted

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    starts.sort()
    worst = max(bisect_left(starts, t + 1.0) - i for i, t in enumerate(starts))
    assert len(starts) == 120 and worst == 50
    assert starts[-1] >= 2.0  # 120 calls at 50 per second need a third window
