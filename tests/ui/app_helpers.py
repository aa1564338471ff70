"""Helpers for Pilot tests of the dashboard: build an app on a running demo, wait for state."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from nmbrs_demo import RunningDemo
from nmbrs_demo.reach import demo_settings
from tui.app import NmbrsApp

MIN_WAIT_S = 60.0


async def palette_pick(pilot: Pilot[Any], app: NmbrsApp, query: str, expect: str) -> None:
    """Open the palette, type ``query`` and press enter once the top match offers ``expect``
    (its search runs in a worker: a fixed pause may end before the match is listed)."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p", *query)

    def offered() -> bool:
        screen = app.screen
        if not isinstance(screen, CommandPalette):
            return False
        found = screen.query(CommandList)
        if not found:
            return False
        options = found.first()
        index = options.highlighted
        if options.option_count == 0 or index is None:
            return False
        return expect in str(options.get_option_at_index(index).prompt)

    await wait_for(pilot, offered, what=f"the palette to offer {expect!r}")
    await pilot.press("enter")


def demo_app(demo: RunningDemo, **kwargs: object) -> NmbrsApp:
    """An app connected (in its worker) to a running demo (what ``nmbrs_demo.start`` gives)."""
    return NmbrsApp(settings=demo.settings(), **kwargs)  # type: ignore[arg-type]


def fake_app(backend: Any, download_dir: Path) -> NmbrsApp:
    """An app on an in-memory backend (``tests.fake_backend``), REST-shaped, on a fixed day."""
    from nmbrs_client.ids import ApiKind
    from tui.session import Session

    settings = demo_settings(
        "http://api.fake.invalid/", download_dir=download_dir, api=ApiKind.REST
    )
    session = Session(settings, backend, today=date(2026, 11, 24), deterministic=True)
    return NmbrsApp(session=session, today=date(2026, 11, 24))


async def wait_for(
    pilot: Pilot[Any],
    predicate: Callable[[], object],
    timeout: float = 10.0,
    what: str = "condition",
) -> None:
    """Poll ``predicate`` between UI refreshes; fail with ``what`` after ``timeout``.

    The timeout only ends a test that is stuck: it is at least a minute, so a loaded machine
    (a second suite beside this one) never fails a test that would have passed.
    """
    deadline = time.monotonic() + max(timeout, MIN_WAIT_S)
    while time.monotonic() < deadline:
        if predicate():
            await pilot.pause()
            return
        await asyncio.sleep(0.02)
        await pilot.pause()
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


async def wait_connected(pilot: Pilot[Any], app: NmbrsApp, timeout: float = 15.0) -> None:
    await wait_for(
        pilot,
        lambda: app.connection_info.stage in ("connected", "failed", "no profile"),
        timeout,
        "the connection to settle",
    )


async def finished_rights_check(pilot: Pilot[Any], app: NmbrsApp) -> Any:
    """Open pane 2 once connected and wait until its check has finished; the pane."""
    from tui.panes.rights import RightsPane

    await wait_connected(pilot, app)
    await pilot.press("2")
    pane = app.query_one(RightsPane)
    await wait_for(
        pilot, lambda: pane.report is not None and not pane.running, 60, "the rights check"
    )
    return pane


def screen_text(app: NmbrsApp) -> str:
    """Plain text of what the active screen shows now (for assertions on wording)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)
