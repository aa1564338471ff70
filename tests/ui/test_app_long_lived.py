"""Once connected, the app's long-lived objects are frozen for the garbage collector, and
thawed again when their session is replaced or the app exits (so their cycles can go)."""

from __future__ import annotations

import gc
import weakref

import pytest

from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo
from tests.conftest import DemoFactory
from tests.ui.app_helpers import demo_app, wait_for
from tui.session import Session


async def test_connected_objects_are_frozen_until_the_app_exits(soap_demo: RunningDemo) -> None:
    gc.unfreeze()
    app = demo_app(soap_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.connection_info.stage == "connected", 20, "connect")
        assert gc.get_freeze_count() > 0
        # the app and its session are no longer among what a collection walks
        walked = {id(o) for o in gc.get_objects()}
        assert id(app) not in walked and id(app.session) not in walked
    assert gc.get_freeze_count() == 0
    assert any(o is app for o in gc.get_objects())


async def test_a_replaced_session_is_thawed_before_the_next_is_frozen(
    soap_demo: RunningDemo, demo_factory: DemoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gc.unfreeze()
    events: list[str] = []
    freeze, unfreeze = gc.freeze, gc.unfreeze

    def record(name: str, real: object) -> object:
        def call() -> None:
            events.append(name)
            real()  # type: ignore[operator]

        return call

    monkeypatch.setattr(gc, "freeze", record("freeze", freeze))
    monkeypatch.setattr(gc, "unfreeze", record("unfreeze", unfreeze))
    other = demo_factory(ApiKind.SOAP, "healthy")
    app = demo_app(soap_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.connection_info.stage == "connected", 20, "connect")
        first = app.session
        assert events == ["freeze"]
        app._given_settings = other.settings()  # another place: a new session
        app.start_connect()
        await wait_for(
            pilot,
            lambda: app.session is not first and app.connection_info.stage == "connected",
            20,
            "the second connect",
        )
        assert events == ["freeze", "unfreeze", "freeze"]
    assert events[-1] == "unfreeze" and gc.get_freeze_count() == 0


async def test_replaced_sessions_are_collected_not_frozen_again(
    soap_demo: RunningDemo, demo_factory: DemoFactory
) -> None:
    """A profile switch thaws the old session; its cycles are collected before the new one is
    frozen, or each switch would keep the session it replaced (and its client) for good."""
    gc.unfreeze()
    other = demo_factory(ApiKind.SOAP, "healthy")
    app = demo_app(soap_demo)
    replaced: list[weakref.ref[Session]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.connection_info.stage == "connected", 20, "connect")
        for place in (other, soap_demo, other, soap_demo):
            assert app.session is not None
            old = weakref.ref(app.session)
            replaced.append(old)
            app._given_settings = place.settings()
            app.start_connect()
            await wait_for(
                pilot,
                lambda old=old: (
                    app.session is not old() and app.connection_info.stage == "connected"
                ),  # type: ignore[misc]
                20,
                "the next connect",
            )
        gc.collect()
        # The last one may still be frozen: the new session can be connected (and frozen)
        # while the old panes are still being removed. It is thawed at the next switch, so
        # at most one replaced session is kept, however many switches there were.
        assert [ref() for ref in replaced[:-1]] == [None] * (len(replaced) - 1)
        assert gc.get_freeze_count() > 0
