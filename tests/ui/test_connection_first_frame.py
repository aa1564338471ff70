"""The connection pane's first frame is drawn as one text, and looks exactly like its grid."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from tests.fake_backend import FakeBackend
from tests.ui.app_helpers import fake_app, wait_connected, wait_for
from tui.connect import CONNECTING, STARTING, ConnectionInfo
from tui.panes.connection import ConnectionPane, grid_rows


def cells(renderable: Table | Text, width: int) -> list[list[tuple[str, str]]]:
    """Each line as (character, style) pairs, trailing blanks dropped: what a terminal shows."""
    console = Console(width=width, color_system="truecolor", legacy_windows=False)
    lines = console.render_lines(renderable, console.options, pad=False)
    shown = []
    for line in lines:
        chars = [
            (ch, str(seg.style or "") if ch != " " else "")
            for seg in line
            if not isinstance(seg, Segment) or not seg.control
            for ch in seg.text
        ]
        while chars and chars[-1][0] == " ":
            chars.pop()
        shown.append(chars)
    while shown and not shown[-1]:
        shown.pop()
    return shown


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("deterministic", [False, True])
def test_the_first_frames_text_looks_exactly_like_the_grid(width: int, deterministic: bool) -> None:
    pane = ConnectionPane(deterministic=deterministic)
    assert pane.info.stage == STARTING  # what the first frame shows
    drawn = pane._render_info()
    assert isinstance(drawn, Text)  # the cheap form is the one used
    rows = pane._info_rows()
    assert cells(drawn, width) == cells(grid_rows(rows), width)


def test_later_stages_keep_the_grid_that_folds_long_values() -> None:
    pane = ConnectionPane()
    pane.info = ConnectionInfo(stage=CONNECTING)
    assert isinstance(pane._render_info(), Table)


async def test_the_pane_has_the_focus_and_scrolls_with_the_keys_when_taller_than_the_screen(
    tmp_path: Path,
) -> None:
    """The pane scrolls itself (no container inside it): the focus lands on it after the first
    frame and back on it when pane 1 is shown again, and its keys scroll a tall pane."""
    app = fake_app(FakeBackend(), tmp_path)
    async with app.run_test(size=(80, 12)) as pilot:
        await wait_connected(pilot, app)
        pane = app.query_one(ConnectionPane)
        await wait_for(pilot, lambda: app.screen.focused is pane, what="the pane's focus")
        assert pane.max_scroll_y > 0  # taller than the 12-row screen
        await pilot.press("end")
        await wait_for(pilot, lambda: pane.scroll_y == pane.max_scroll_y, what="scrolled down")
        await pilot.press("home")
        await wait_for(pilot, lambda: pane.scroll_y == 0, what="scrolled back up")
        await pilot.press("3")  # another pane, then back: the focus returns to this pane
        await wait_for(pilot, lambda: app.screen.focused is not pane, what="focus elsewhere")
        await pilot.press("1")
        await wait_for(pilot, lambda: app.screen.focused is pane, what="the focus back")
