"""The Rights pane records each finished check in the history, and survives a damaged one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from nmbrs_client.history import History, history_path
from nmbrs_client.ids import ApiKind
from nmbrs_demo.scenarios import MISSING_RIGHTS_OPERATIONS
from tests.config_isolation import isolate_state
from tests.conftest import DemoFactory
from tests.ui.app_helpers import demo_app, screen_text, wait_connected, wait_for
from tui.app import NmbrsApp
from tui.connect import LaunchOptions
from tui.panes.rights import RightsPane


async def test_a_finished_check_in_the_pane_is_recorded(
    demo_factory: DemoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_state(tmp_path, monkeypatch)
    app = demo_app(demo_factory(ApiKind.SOAP, "missing-rights"))
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
    demo_factory: DemoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_state(tmp_path, monkeypatch)
    path = history_path()
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_bytes(b"\x00not sqlite" * 400)
    app = demo_app(demo_factory(ApiKind.SOAP, "healthy"))
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


async def _checked(pilot, app: NmbrsApp, old: RightsPane | None = None) -> RightsPane:  # type: ignore[no-untyped-def]
    """Press 2 once connected and wait for the (new session's) pane to finish its check."""
    await wait_for(
        pilot,
        lambda: (
            app.connection_info.stage == "connected"
            and app.query(RightsPane)
            and app.query_one(RightsPane) is not old
        ),
        30,
        "the connection",
    )
    await pilot.press("2")
    pane = app.query_one(RightsPane)
    await wait_for(pilot, lambda: pane.report is not None and not pane.running, 60, "the check")
    return pane


@pytest.mark.parametrize("api", ["soap", "rest"])
async def test_cells_flipped_since_the_last_check_are_marked_and_c_shows_only_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: str
) -> None:
    isolate_state(tmp_path, monkeypatch)
    customer = tmp_path / "customer.toml"  # one demo world, whose rights change in between
    customer.write_text('name = "customer"\nbase = "healthy"\n', encoding="utf-8")
    options = LaunchOptions(demo=True, api=api, scenario=str(customer), latency_ms=0)
    app = NmbrsApp(options)
    async with app.run_test(size=(120, 40)) as pilot:
        first = await _checked(pilot, app)
        assert first.report is not None and first.report.exit_code == 0
        assert first.baseline is None and not first.changed_cells()
        assert "no earlier check of demo scenario" in screen_text(app)
        # the customer's template changes: the same demo world now answers missing-rights
        customer.write_text('name = "customer"\nbase = "missing-rights"\n', encoding="utf-8")
        # a demo reads its scenario once, when it starts: another latency starts a new one
        app.start_connect(dataclasses.replace(options, latency_ms=1))
        pane = await _checked(pilot, app, old=first)
        assert pane.report is not None and pane.report.exit_code == 1
        not_allowed = {
            (c.qualified_name, str(c.company_id))
            for c in pane.report.cells
            if str(c.status) != "allowed"
        }
        changed = {(c.qualified_name, str(c.company_id)) for c in pane.changed_cells()}
        assert changed and changed == not_allowed  # everything was allowed the check before
        if api == "soap":
            assert {op for op, _ in changed} == MISSING_RIGHTS_OPERATIONS & set(pane.operations)
        assert pane.baseline is not None
        text = screen_text(app)
        assert f"Δ {len(changed)} changed since check #{pane.baseline.id} (" in text
        assert pane.baseline.local_when in text
        assert "✗" in text and "Δ changed" in text
        # c: only the changed cells' operations and companies remain; again: all of them
        await pilot.press("c")
        assert set(pane.visible_operations()) == {op for op, _ in changed}
        assert {str(c.id) for c in pane.visible_companies()} == {cid for _, cid in changed}
        assert "changes only (c)" in screen_text(app)
        # the other layout marks the same cells
        transposed = pane.is_transposed()
        await pilot.press("t")
        assert pane.is_transposed() is not transposed
        assert "Δ changed" in screen_text(app)
        flipped = pane.changed_cells()[0]
        pane.focus_cell(flipped.qualified_name, flipped.company_id)
        await pilot.pause()
        assert "Δ changed from ✓ allowed since" in screen_text(app)
        await pilot.press("c")
        assert pane.visible_operations() == pane.operations


async def test_the_connection_pane_shows_the_last_check_of_this_profile(
    demo_factory: DemoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_state(tmp_path, monkeypatch)
    app = demo_app(demo_factory(ApiKind.SOAP, "missing-rights"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await wait_for(
            pilot,
            lambda: "none recorded for demo scenario missing-rights yet" in screen_text(app),
            what="the connection pane to say there is no check yet",
        )
        await pilot.press("2")
        pane = app.query_one(RightsPane)
        await wait_for(pilot, lambda: pane.report is not None, 40, "the rights check")
        await pilot.press("1")
        await wait_for(
            pilot,
            lambda: "✗ rights missing (exit 1)" in screen_text(app),
            what="the check just run as the last check",
        )
        assert "check #1" in screen_text(app)
    # a new session of the same scenario reads it back from the history
    again = demo_app(demo_factory(ApiKind.SOAP, "missing-rights"))
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, again)
        await wait_for(
            pilot,
            lambda: "✗ rights missing (exit 1)" in screen_text(again),
            what="the recorded check on the connection pane",
        )
    # another scenario is another Nmbrs: that check says nothing of it
    other = demo_app(demo_factory(ApiKind.SOAP, "healthy"))
    async with other.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, other)
        await wait_for(
            pilot,
            lambda: "none recorded for demo scenario healthy yet" in screen_text(other),
            what="the connection pane to say this scenario has no check yet",
        )
        assert "rights missing" not in screen_text(other)


@pytest.mark.parametrize("api", ["soap", "rest"])
async def test_a_check_of_another_demo_scenario_is_no_baseline_for_the_markers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: str
) -> None:
    """healthy, then missing-rights: two different worlds. The pane marks no cell as changed
    and says there is nothing of this scenario to compare; c shows that, not a diff."""
    isolate_state(tmp_path, monkeypatch)
    app = NmbrsApp(LaunchOptions(demo=True, api=api, latency_ms=0))
    async with app.run_test(size=(120, 40)) as pilot:
        first = await _checked(pilot, app)
        assert first.report is not None and first.report.exit_code == 0
        app.start_connect(
            LaunchOptions(demo=True, api=api, scenario="missing-rights", latency_ms=0)
        )
        pane = await _checked(pilot, app, old=first)
        assert pane.report is not None and pane.report.exit_code == 1
        assert len(History().checks()) == 2  # the healthy check is there, and not used
        assert pane.baseline is None and not pane.changed_cells()
        text = screen_text(app)
        assert "no earlier check of demo scenario missing-rights to compare" in text
        assert "changed since check" not in text and "Δ changed" not in text
        await pilot.press("c")
        said = "No earlier check of demo scenario missing-rights to compare: every cell stays shown"
        assert any(str(n.message) == said for n in app._notifications)
        assert not pane.changes_only and pane.visible_operations() == pane.operations


async def test_the_connection_pane_says_why_the_last_check_was_not_established(
    demo_factory: DemoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A last check the API gateway refused did not stop: the pane names that cause, as the
    check's own verdict does, never "not established" alone."""
    from nmbrs_client.history import profile_key, record_of, world_of_settings
    from nmbrs_client.rights.findings import verdict_causes
    from tests.test_history import _gateway_refused_report

    isolate_state(tmp_path, monkeypatch)
    demo = demo_factory(ApiKind.SOAP, "healthy")
    settings = demo.settings()
    report = _gateway_refused_report()
    record = record_of(report, profile_key(settings.profile_name), "0.1.0", verdict_causes(report))
    world = world_of_settings(settings)
    History().add(
        dataclasses.replace(
            record, api=world.api, environment=world.environment, scenario=world.scenario
        )
    )
    app = demo_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await wait_for(
            pilot,
            lambda: "⚠ not established: refused by the API gateway (exit 2)" in screen_text(app),
            what="the last check's cause on the connection pane",
        )
