"""Both probers hand their events to the listener through one guard: a listener that raises
never stops a check, and the events still reach a working one."""

from __future__ import annotations

from nmbrs_client.rights.results import Phase, RightsEvent, Stage, emit_to


def test_a_listener_that_raises_is_ignored_and_none_is_no_listener() -> None:
    def broken(event: RightsEvent) -> None:
        raise RuntimeError("the pane went away")

    emit_to(broken, Phase(Stage.ACCOUNT, "token"))
    emit_to(None, Phase(Stage.ACCOUNT, "token"))


def test_events_reach_a_working_listener_in_order() -> None:
    seen: list[RightsEvent] = []
    first, second = Phase(Stage.ACCOUNT, "a"), Phase(Stage.PROBES, "b")
    emit_to(seen.append, first)
    emit_to(seen.append, second)
    assert seen == [first, second]
