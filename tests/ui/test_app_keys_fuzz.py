"""Keys pressed twice fast on every screen, and a seeded random walk: no exception, ever.

Two presses of ``enter``/``esc`` used to reach a modal before its first dismissal took effect
(``ScreenStackError`` in the choice screen and the command palette). Every screen now ignores a
second dismissal; the walk sends 2,000 seeded keys across every pane and screen.
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot

from nmbrs_demo.server import DemoServer
from tests.ui.app_helpers import wait_connected, wait_for
from tests.ui.panes_helpers import pane_app
from tui.app import NmbrsApp
from tui.panes.rights import RightsPane

# Every key the app binds somewhere, plus a few it does not; never q (quit).
KEYS = [
    *"123456",
    "enter",
    "enter",
    "escape",
    "escape",
    "backspace",
    *"sSeEyvpacCJLrjkgGhli",
    "slash",
    "question_mark",
    "left_square_bracket",
    "right_square_bracket",
    "ctrl+p",
    "tab",
    "shift+tab",
    "up",
    "down",
    "left",
    "right",
    "pageup",
    "pagedown",
    "home",
    "end",
    "x",
    "f1",
]


def burst(app: NmbrsApp, keys: list[str]) -> None:
    """Queue ``keys`` at once, as a fast typist or a key repeat does (Pilot waits per key)."""
    from textual.keys import _character_to_key, _get_unicode_name_from_key

    driver = app._driver
    assert driver is not None
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(key))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.pause()


async def _ready(pilot, app: NmbrsApp) -> None:  # type: ignore[no-untyped-def]
    await wait_connected(pilot, app)
    await pilot.press("2")
    rights = app.query_one(RightsPane)
    await wait_for(pilot, lambda: rights.report is not None or bool(rights.error), 40)


async def test_every_key_twice_fast_on_every_screen(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    app = pane_app(demo_server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        # Open each kind of screen, then hit its keys twice without waiting in between.
        openers = [
            ["2", "s"],  # requirements choice
            ["2", "e"],  # export choice
            ["2", "enter"],  # cell detail
            ["question_mark"],  # help
            ["i"],  # info
            ["ctrl+p"],  # command palette
            ["3", "enter"],  # employees of a company, then enter opens an employee
            ["5"],
            ["6"],
        ]
        for opener in openers:
            for key in ("enter", "escape", "backspace", "space"):
                await pilot.press(*opener)
                await pilot.pause()
                burst(app, [key, key])
                await settle(pilot)
            while len(app.screen_stack) > 1:
                await pilot.press("escape")
                await pilot.pause()
        assert app.return_code in (None, 0)
        assert app.is_running


async def test_seeded_random_walk_of_2000_keys(demo_server: DemoServer, tmp_path: Path) -> None:
    app = pane_app(demo_server, tmp_path)
    rng = random.Random(13)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot, app)
        walk = [rng.choice(KEYS) for _ in range(2000)]
        for start in range(0, len(walk), 20):
            burst(app, walk[start : start + 20])
            await settle(pilot)
        assert app.is_running and app.return_code in (None, 0)
