"""What a backend keeps between calls (nmbrs_client.kept): read once even when threads ask
together, dropped by a refresh, a read forgotten on its way not kept, a failure never kept."""

from __future__ import annotations

import threading
from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from nmbrs_client import kept as kept_module
from nmbrs_client.cancel import Stop, first_done, stopping_when, was_stopped
from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.kept import Kept

SAFETY_S = 30.0  # only against a hang; nothing here waits for time to pass


class _Reads:
    """A read that counts itself; the first one waits at ``gate`` once it has begun."""

    def __init__(self) -> None:
        self.count = 0
        self.begun = threading.Event()
        self.gate = threading.Event()

    def __call__(self) -> str:
        self.count += 1
        number = self.count
        if number == 1:
            self.begun.set()
            assert self.gate.wait(SAFETY_S)
        return f"answer {number}"


def _watch_waiting(monkeypatch: pytest.MonkeyPatch, waiting: threading.Event) -> None:
    """``waiting`` is set once an asker waits for another one's read."""
    wait = first_done

    def watched(futures: Collection[Future[Any]], stop: Stop | None = None) -> set[Future[Any]]:
        waiting.set()
        return wait(futures, stop)

    monkeypatch.setattr(kept_module, "first_done", watched)


def test_threads_asking_together_share_one_read(monkeypatch: pytest.MonkeyPatch) -> None:
    waiting = threading.Event()

    _watch_waiting(monkeypatch, waiting)
    kept: Kept[str, str] = Kept()
    reads = _Reads()
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(kept.get, "departments", reads)
        assert reads.begun.wait(SAFETY_S)
        second = pool.submit(kept.get, "departments", reads)
        assert waiting.wait(SAFETY_S)
        reads.gate.set()
        assert first.result(SAFETY_S) == second.result(SAFETY_S) == "answer 1"
    assert reads.count == 1
    assert kept.get("departments", reads) == "answer 1"  # and kept


def test_a_read_forgotten_on_its_way_is_handed_over_but_not_kept() -> None:
    kept: Kept[str, str] = Kept()
    reads = _Reads()
    with ThreadPoolExecutor(1) as pool:
        on_its_way = pool.submit(kept.get, "departments", reads)
        assert reads.begun.wait(SAFETY_S)
        kept.forget()  # r while the list is still paging in
        reads.gate.set()
        assert on_its_way.result(SAFETY_S) == "answer 1"
    assert kept.get("departments", reads) == "answer 2"


def test_forget_drops_only_the_keys_it_names_and_a_failure_is_never_kept() -> None:
    kept: Kept[tuple[str, str], str] = Kept()
    assert kept.get(("departments", "a"), lambda: "a1") == "a1"
    assert kept.get(("departments", "b"), lambda: "b1") == "b1"
    kept.forget(lambda key: key[1] == "a")
    assert kept.get(("departments", "a"), lambda: "a2") == "a2"
    assert kept.get(("departments", "b"), lambda: "b2") == "b1"

    def refused() -> str:
        raise NmbrsTransportError("departments", "host", "time-out", kind="timeout")

    with pytest.raises(NmbrsTransportError):
        kept.get(("functions", "a"), refused)
    assert kept.get(("functions", "a"), lambda: "read again") == "read again"


def test_a_read_on_its_way_is_neither_held_nor_listed_until_it_ends() -> None:
    kept: Kept[str, str] = Kept()
    reads = _Reads()
    with ThreadPoolExecutor(1) as pool:
        on_its_way = pool.submit(kept.get, "departments", reads)
        assert reads.begun.wait(SAFETY_S)
        assert kept.has("departments")  # asking now would make no new read
        assert not kept.holds("departments")
        assert kept.value("departments") is None
        assert kept.items() == []
        reads.gate.set()
        assert on_its_way.result(SAFETY_S) == "answer 1"
    assert kept.holds("departments")
    assert kept.value("departments") == "answer 1"
    assert kept.items() == [("departments", "answer 1")]


def test_again_reads_anew_while_those_waiting_for_the_old_read_still_get_it() -> None:
    kept: Kept[str, str] = Kept()
    reads = _Reads()
    with ThreadPoolExecutor(2) as pool:
        old = pool.submit(kept.get, "departments", reads)
        assert reads.begun.wait(SAFETY_S)
        forced = pool.submit(kept.get, "departments", reads, again=True)  # r: a forced read
        assert forced.result(SAFETY_S) == "answer 2"  # not held up by the read on its way
        reads.gate.set()
        assert old.result(SAFETY_S) == "answer 1"
    assert kept.value("departments") == "answer 2"  # the old read ended last, not kept
    assert kept.get("departments", reads, again=True) == "answer 3"
    assert reads.count == 3


def test_put_keeps_a_value_as_if_read_and_a_failure_never_shows_as_held() -> None:
    kept: Kept[str, str | None] = Kept()
    kept.put("report", None)  # a kept None is kept: held, and no read is made for it
    assert kept.holds("report") and kept.value("report") is None
    assert kept.get("report", lambda: "never read") is None

    def refused() -> str:
        raise NmbrsTransportError("departments", "host", "time-out", kind="timeout")

    with pytest.raises(NmbrsTransportError):
        kept.get("departments", refused)
    assert not kept.has("departments") and not kept.holds("departments")
    assert kept.items() == [("report", None)]


def test_a_waiter_reads_anew_once_the_reader_is_stopped_while_its_read_is_stalled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reader's pane is esc'd while its call is stalled on the network: another pane
    waiting for that read does not wait for the stall, it reads anew (and that is kept)."""
    waiting, stopped = threading.Event(), threading.Event()
    _watch_waiting(monkeypatch, waiting)
    kept: Kept[str, str] = Kept()
    reads = _Reads()

    def reader() -> str:
        with stopping_when(stopped.is_set):
            return kept.get("departments", reads)

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(reader)
        assert reads.begun.wait(SAFETY_S)
        second = pool.submit(kept.get, "departments", reads)
        assert waiting.wait(SAFETY_S)
        stopped.set()
        assert second.result(SAFETY_S) == "answer 2"  # while the first read is still stalled
        assert not reads.gate.is_set()
        reads.gate.set()
        first.result(SAFETY_S)
    assert kept.get("departments", reads) == "answer 2"  # the stalled read was not kept


def test_a_stopped_waiter_stops_waiting_for_anothers_stalled_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waiting, stopped = threading.Event(), threading.Event()
    _watch_waiting(monkeypatch, waiting)
    kept: Kept[str, str] = Kept()
    reads = _Reads()

    def waiter() -> str:
        with stopping_when(stopped.is_set):
            return kept.get("departments", reads)

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(kept.get, "departments", reads)
        assert reads.begun.wait(SAFETY_S)
        second = pool.submit(waiter)
        assert waiting.wait(SAFETY_S)
        stopped.set()
        failure = second.exception(SAFETY_S)
        assert failure is not None and was_stopped(failure)
        assert not reads.gate.is_set()  # it left while the read was still stalled
        reads.gate.set()
        assert first.result(SAFETY_S) == "answer 1"
    assert reads.count == 1
