"""Snapshot tests of every pane (and the masked employee detail) at 80×24 and 120×40.

Deterministic by construction: the healthy demo world is seeded, the app runs with
``deterministic=True`` (frozen clock, no durations, no port numbers, no config path) and every
snapshot waits until no worker is running before the picture is taken.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo
from tests.conftest import DemoFactory
from tests.ui.app_helpers import demo_app

SIZES = [(80, 24), (120, 40)]


async def settle(pilot: Pilot[Any], timeout: float = 30.0) -> None:
    """Wait until no worker runs and the screen has caught up (twice, to be sure)."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline and quiet < 3:
        await pilot.pause(0.05)
        info = getattr(app, "connection_info", None)
        busy = any(w.is_running for w in app.workers) or (info is not None and info.busy)
        quiet = 0 if busy else quiet + 1
    await pilot.pause()


def steps(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Connect, then press each key, letting the app settle after every one."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


PANE_STEPS: dict[str, tuple[str, ...]] = {
    "connection": ("1",),
    "rights": ("2",),
    "companies": ("3",),
    "employees": ("3", "enter"),
    "payroll": ("3", "enter", "5"),
    "calllog": ("6",),
    "employee_detail": ("3", "enter", "enter"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("pane", list(PANE_STEPS))
def test_pane_snapshot(
    snap_compare: Any, soap_demo: RunningDemo, pane: str, size: tuple[int, int]
) -> None:
    app = demo_app(soap_demo, deterministic=True)
    assert snap_compare(app, terminal_size=size, run_before=steps(*PANE_STEPS[pane]))


HELP_PANES = ["connection", "rights", "companies", "employees", "payroll", "calllog"]


@pytest.mark.parametrize("pane", HELP_PANES)
def test_help_snapshot(snap_compare: Any, soap_demo: RunningDemo, pane: str) -> None:
    """``?`` at 80×24 on every pane: titles on their own line, descriptions not cut."""
    app = demo_app(soap_demo, deterministic=True)
    keys = (*PANE_STEPS[pane], "question_mark")
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps(*keys))


def test_rights_missing_rights_snapshot(snap_compare: Any, demo_factory: DemoFactory) -> None:
    """80×24 on missing-rights: 6 company columns do not fit, so companies become rows."""
    app = demo_app(demo_factory(ApiKind.SOAP, "missing-rights"), deterministic=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps("2"))


def test_rights_operations_as_rows_snapshot(snap_compare: Any, demo_factory: DemoFactory) -> None:
    """``t`` at 120×40 on missing-rights: operations as rows 38 wide, the long SOAP names cut
    only between whole words after their service (``Employee.Employment…EmployeesByCompany``,
    never ``Employment_GetAl…eesByCompany``); the hint line keeps the full name."""
    app = demo_app(demo_factory(ApiKind.SOAP, "missing-rights"), deterministic=True)
    assert snap_compare(app, terminal_size=(120, 40), run_before=steps("2", "t", "down", "down"))


# The support engineer's views: the rights filter and a call's full record.
VIEW_STEPS: dict[str, tuple[str, ...]] = {
    "rights_filtered": ("2", "slash", *"department", "enter"),
    "calllog_detail": ("6", "enter"),
}


@pytest.mark.parametrize("view", list(VIEW_STEPS))
def test_view_snapshot(snap_compare: Any, soap_demo: RunningDemo, view: str) -> None:
    app = demo_app(soap_demo, deterministic=True)
    assert snap_compare(app, terminal_size=(120, 40), run_before=steps(*VIEW_STEPS[view]))


def test_rights_changed_since_last_check_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    """A healthy check, then the same demo world (one scenario file) after the customer took
    rights away: the flipped cells carry "Δ changed" and the summary names the check (and
    date) they are compared with. Two built-in scenarios are two worlds, never compared."""
    from tui.app import NmbrsApp
    from tui.connect import LaunchOptions

    customer = tmp_path / "customer.toml"
    customer.write_text('name = "customer"\nbase = "healthy"\n', encoding="utf-8")
    options = LaunchOptions(demo=True, scenario=str(customer), latency_ms=0)
    app = NmbrsApp(options, deterministic=True)

    async def run_before(pilot: Pilot[Any]) -> None:
        await steps("2")(pilot)
        customer.write_text('name = "customer"\nbase = "missing-rights"\n', encoding="utf-8")
        # a demo reads its scenario when it starts: another latency starts a new one
        app.start_connect(dataclasses.replace(options, latency_ms=1))
        await steps("2")(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
