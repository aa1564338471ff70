"""Keys pressed twice fast on every screen, and a seeded random walk: no exception, ever.

Two presses of ``enter``/``esc`` used to reach a modal before its first dismissal took effect
(``ScreenStackError`` in the choice screen and the command palette). Every screen now ignores a
second dismissal. The walk sends 2,000 seeded keys in bursts of up to 50 with resizes between
them, the palette and help keys weighted; before the palette and help were guarded it ended in
``DuplicateIds: '--command-palette'`` (a palette opened while the last one was still being
removed) and ``NoMatches: '#help-scroll'`` (a scroll key on a help screen going away).
"""

from __future__ import annotations

import asyncio
import random
import unicodedata
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot

from nmbrs_demo import RunningDemo
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


async def test_every_key_twice_fast_on_every_screen(soap_demo: RunningDemo, tmp_path: Path) -> None:
    app = pane_app(soap_demo, tmp_path)
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


# The palette and help keys come often (opening one while another is mounted or closing is
# where the dashboard crashed), and so do the keys that close and scroll them.
WEIGHTED_KEYS = [
    *KEYS,
    *["ctrl+p"] * 10,
    *["question_mark"] * 10,
    *["f1"] * 4,
    *["escape"] * 8,
    *["up", "down", "k", "j", "pageup", "pagedown"] * 2,
]
TURNS_BETWEEN_KEYS = (0, 0, 1, 2, 3, 4, 5, 6, 8)
SIZES = [(100, 30), (80, 24), (120, 40), (60, 18), (140, 45), (40, 12)]


def resize(app: NmbrsApp, width: int, height: int) -> None:
    """A terminal resize, queued behind the keys like a real one (no pause in between)."""
    from textual.driver import Driver
    from textual.events import Resize
    from textual.geometry import Size

    driver: Driver | None = app._driver
    assert driver is not None
    driver._size = Size(width, height)
    app.post_message(Resize(Size(width, height), Size(width, height)))


async def test_seeded_random_walk_of_2000_keys_in_bursts_with_resizes(
    soap_demo: RunningDemo, tmp_path: Path
) -> None:
    app = pane_app(soap_demo, tmp_path)
    quits: list[bool] = []

    # The palette's "Quit" can be chosen by the walk (enter on a filtered list): counted, not
    # obeyed, so the walk goes on; a crash still ends the app with an exception.
    async def counted_quit() -> None:
        quits.append(True)

    app.action_quit = counted_quit  # type: ignore[method-assign]
    rng = random.Random(13)
    sent = resizes = 0
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot, app)
        while sent < 2000:
            count = min(rng.randint(1, 50), 2000 - sent)
            for key in [rng.choice(WEIGHTED_KEYS) for _ in range(count)]:
                burst(app, [key])
                # No waiting on the app: only a few turns of the event loop between keys,
                # as a terminal's reader hands them over, so keys land while a screen is
                # being pushed or removed (where the palette and help crashed).
                for _ in range(rng.choice(TURNS_BETWEEN_KEYS)):
                    await asyncio.sleep(0)
            sent += count
            for _ in range(rng.randint(2, 6)):
                resize(app, *rng.choice(SIZES))
                resizes += 1
            await settle(pilot)
        assert app.is_running and app.return_code in (None, 0)
    assert sent == 2000 and resizes >= 300


async def test_palette_or_help_opened_while_one_is_closing_is_ignored(
    soap_demo: RunningDemo, tmp_path: Path
) -> None:
    from textual.command import CommandPalette

    from tui.screens.help import HelpScreen

    app = pane_app(soap_demo, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_connected(pilot, app)
        app.action_command_palette()
        await settle(pilot)
        closing = app.screen
        assert isinstance(closing, CommandPalette)
        closing.dismiss()
        app.action_command_palette()  # the old one is still being removed: no DuplicateIds
        await settle(pilot)
        assert not any(isinstance(s, CommandPalette) for s in app.screen_stack)
        app.action_help()
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        help_screen.dismiss()
        app.action_help()  # ignored while the first one goes away
        assert help_screen.check_action("scroll_up", ()) is False  # no action on its way out
        await settle(pilot)
        assert not any(isinstance(s, HelpScreen) for s in app.screen_stack)
        help_screen.action_scroll_up()  # its widgets are gone: nothing happens, no NoMatches
        assert app.is_running and app.return_code in (None, 0)
