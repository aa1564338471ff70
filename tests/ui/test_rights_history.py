"""The Rights pane records each finished check in the history, and survives a damaged one."""

from __future__ import annotations

from pathlib import Path

import pytest

from nmbrs_client.history import History, history_path
from nmbrs_demo.scenarios import MISSING_RIGHTS_OPERATIONS
from tests.config_isolation import isolate_state
from tests.conftest import DemoServerFactory
from tests.ui.app_helpers import demo_app, wait_connected, wait_for
from tui.panes.rights import RightsPane


async def test_a_finished_check_in_the_pane_is_recorded(
    demo_server_factory: DemoServerFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_state(tmp_path, monkeypatch)
    app = demo_app(demo_server_factory("missing-rights"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press("2")
        pane = app.query_one(RightsPane)
        await wait_for(pilot, lambda: pane.report is not None, 40, "the rights check")
    (check,) = History().checks()
    assert check.api == "soap" and check.exit_code == 1
    stored = History().get(check.id)
    assert stored is not None
    denied = {c.qualified_name for c in stored.cells if c.status == "endpoint_denied"}
    assert denied == set(MISSING_RIGHTS_OPERATIONS)


async def test_a_damaged_history_is_a_toast_and_the_matrix_still_shows(
    demo_server_factory: DemoServerFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_state(tmp_path, monkeypatch)
    path = history_path()
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_bytes(b"\x00not sqlite" * 400)
    app = demo_app(demo_server_factory("healthy"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press("2")
        pane = app.query_one(RightsPane)
        await wait_for(pilot, lambda: pane.report is not None, 40, "the rights check")
        await wait_for(
            pilot,
            lambda: any("move" in str(n.message) for n in app._notifications),
            10,
            "the history warning",
        )
        assert pane.report is not None and pane.report.exit_code == 0
