"""The window of calls in flight: grows while the server answers, halves on throttling.

Driven by outcomes only (no clock, no network), and in one test by a thread that must wait
for a place, observed through events.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from nmbrs_client.concurrency import AdaptiveConcurrency, Outcome


def answer(window: AdaptiveConcurrency, times: int = 1) -> None:
    for _ in range(times):
        slot = window.acquire()
        window.release(slot, Outcome.ANSWERED)


def test_the_window_starts_small_and_grows_by_one_per_answer_to_the_cap() -> None:
    window = AdaptiveConcurrency(12)
    assert window.limit == 4
    seen = []
    for _ in range(10):
        answer(window)
        seen.append(window.limit)
    assert seen == [5, 6, 7, 8, 9, 10, 11, 12, 12, 12]


def test_the_window_never_exceeds_the_cap_however_many_answers() -> None:
    window = AdaptiveConcurrency(5)
    answer(window, 1000)
    assert window.limit == 5
    assert AdaptiveConcurrency(1).limit == 1
    answer(window, 3)
    assert window.limit == 5


def test_a_throttling_reply_halves_the_window() -> None:
    window = AdaptiveConcurrency(8)
    answer(window, 10)
    slot = window.acquire()
    window.release(slot, Outcome.THROTTLED)
    assert window.limit == 4
    assert window.throttled == 1


def test_throttling_replies_to_calls_sent_together_halve_it_once() -> None:
    window = AdaptiveConcurrency(8)
    answer(window, 10)
    together = [window.acquire() for _ in range(8)]
    for slot in together:
        window.release(slot, Outcome.THROTTLED)
    assert window.limit == 4  # not 8 / 2**8: they all went out at the old size
    later = window.acquire()
    window.release(later, Outcome.THROTTLED)
    assert window.limit == 2


def test_after_throttling_it_grows_by_one_per_window_of_answers_not_per_answer() -> None:
    window = AdaptiveConcurrency(8)
    answer(window, 10)
    window.release(window.acquire(), Outcome.THROTTLED)
    assert window.limit == 4
    answer(window, 3)
    assert window.limit == 4
    answer(window, 2)
    assert window.limit == 5


def test_the_window_never_falls_below_one_call() -> None:
    window = AdaptiveConcurrency(8)
    for _ in range(10):
        window.release(window.acquire(), Outcome.THROTTLED)
    assert window.limit == 1
    assert window.try_acquire() is not None


def test_a_call_without_a_reply_neither_grows_nor_shrinks_it() -> None:
    window = AdaptiveConcurrency(8)
    for _ in range(5):
        window.release(window.acquire(), Outcome.NO_REPLY)
    assert window.limit == 4


def test_no_more_calls_go_out_than_the_window_allows() -> None:
    window = AdaptiveConcurrency(8, start=2)
    first, second = window.try_acquire(), window.try_acquire()
    assert first is not None and second is not None
    assert window.try_acquire() is None
    assert window.in_flight == 2
    window.release(first, Outcome.ANSWERED)  # one back and the window grew to 3: two places
    assert window.try_acquire() is not None
    assert window.try_acquire() is not None
    assert window.try_acquire() is None


def test_a_caller_waits_for_a_place_and_gets_it_when_a_call_ends() -> None:
    window = AdaptiveConcurrency(1)
    held = window.acquire()
    waiting = threading.Event()
    got = threading.Event()

    def caller() -> None:
        waiting.set()
        slot = window.acquire()
        got.set()
        window.release(slot, Outcome.ANSWERED)

    thread = threading.Thread(target=caller, daemon=True)
    thread.start()
    assert waiting.wait(30)
    assert not got.is_set()  # it cannot have a place: the only one is held
    window.release(held, Outcome.ANSWERED)
    assert got.wait(30)
    thread.join(30)
    assert window.in_flight == 0


def test_a_place_is_given_back_when_the_call_raises() -> None:
    window = AdaptiveConcurrency(1)
    try:
        with window.held():
            raise RuntimeError("broken reply")
    except RuntimeError:
        pass
    assert window.in_flight == 0
    assert window.try_acquire() is not None


def _until(condition: Any) -> None:
    """Wait for another thread to reach a state (a bound against a hang, not a timing)."""
    for _ in range(30_000):
        if condition():
            return
        time.sleep(0.001)
    raise AssertionError("the other thread never got there")


def test_callers_get_places_in_the_order_they_asked() -> None:
    # a chain of calls made one after another must not be starved by a pool that grabs
    # every place the moment it frees one
    window = AdaptiveConcurrency(1)
    held = window.acquire()
    order: list[str] = []

    def caller(name: str) -> None:
        slot = window.acquire()
        order.append(name)
        window.release(slot, Outcome.NO_REPLY)

    first = threading.Thread(target=caller, args=("first",), daemon=True)
    first.start()
    _until(lambda: window.waiting == 1)
    second = threading.Thread(target=caller, args=("second",), daemon=True)
    second.start()
    _until(lambda: window.waiting == 2)
    assert window.try_acquire() is None  # no one jumps the queue
    window.release(held, Outcome.NO_REPLY)
    first.join(30)
    second.join(30)
    assert order == ["first", "second"]
