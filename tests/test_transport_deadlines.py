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
