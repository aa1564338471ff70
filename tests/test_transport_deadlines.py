"""The one deadline keeper of the transport: due actions run, cancelled ones never do."""

from __future__ import annotations

import threading

from nmbrs_client.transport import _Deadlines


def test_a_due_action_runs_and_a_cancelled_one_does_not() -> None:
    keeper = _Deadlines()
    cancelled_ran = threading.Event()
    later_ran = threading.Event()
    token = keeper.add(0.3, cancelled_ran.set)
    keeper.cancel(token)
    keeper.add(0.6, later_ran.set)  # comes due after the cancelled one would have
    assert later_ran.wait(10)
    assert not cancelled_ran.is_set()


def test_actions_run_in_the_order_they_come_due_and_a_failing_one_stops_nothing() -> None:
    keeper = _Deadlines()
    order: list[str] = []
    done = threading.Event()

    def fail() -> None:
        order.append("fail")
        raise RuntimeError("broken action")

    def last() -> None:
        order.append("last")
        done.set()

    keeper.add(1.0, last)
    keeper.add(0.2, fail)
    keeper.add(0.6, lambda: order.append("middle"))
    assert done.wait(10)
    assert order == ["fail", "middle", "last"]


def test_the_keeper_is_woken_only_for_a_deadline_sooner_than_all_it_holds() -> None:
    """Calls share one time-out: waking the keeper thread at every call was a thread switch
    on every call's path, for nothing."""
    keeper = _Deadlines()
    wakes: list[int] = []
    notify = keeper._condition.notify

    def counted(n: int = 1) -> None:
        wakes.append(n)
        notify(n)

    keeper._condition.notify = counted  # type: ignore[method-assign]
    tokens = [keeper.add(60.0 + i, lambda: None) for i in range(20)]  # each later than the last
    assert len(wakes) == 1  # the first: the keeper had nothing to wait for
    ran = threading.Event()
    keeper.add(0.1, ran.set)  # sooner than every deadline held: wakes it, and runs in time
    assert len(wakes) == 2
    assert ran.wait(10)
    for token in tokens:
        keeper.cancel(token)
