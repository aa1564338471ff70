"""Helpers for Pilot tests of the dashboard: build an app on a demo server, wait for state."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from nmbrs_client.config import demo_settings
from nmbrs_demo.server import DemoServer
from tui.app import NmbrsApp


def demo_app(server: DemoServer, **kwargs: object) -> NmbrsApp:
    """An app connected (in its worker) to ``server`` with the demo credentials."""
    settings = demo_settings(server.base_url, server.scenario.name)
    return NmbrsApp(settings=settings, **kwargs)  # type: ignore[arg-type]


async def wait_for(
    pilot: Pilot[Any],
    predicate: Callable[[], object],
    timeout: float = 10.0,
    what: str = "condition",
) -> None:
    """Poll ``predicate`` between UI refreshes; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
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


def screen_text(app: NmbrsApp) -> str:
    """Plain text of what the active screen shows now (for assertions on wording)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)
