"""Once connected, the app's long-lived objects are frozen for the garbage collector, and
thawed again when their session is replaced or the app exits (so their cycles can go)."""

from __future__ import annotations

import gc

import pytest

from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo
from tests.conftest import DemoFactory
from tests.ui.app_helpers import demo_app, wait_for


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
