"""The command palette closed by a fast key while its late work still runs never crashes."""

from __future__ import annotations

from textual.app import App
from textual.widgets import LoadingIndicator

from tui.screens.guarded import GuardedCommandPalette


async def test_the_busy_flag_flipping_while_the_palette_closes_does_not_crash() -> None:
    """Seen in the key-walk test on a loaded machine: the search turned the busy indicator
    on just as the palette was being dismissed, after its indicator was removed."""
    app: App[None] = App()
    async with app.run_test() as pilot:
        palette = GuardedCommandPalette()
        await app.push_screen(palette)
        await pilot.pause()
        await palette.query_one(LoadingIndicator).remove()
        palette._dismissed = True  # its dismissal has begun
        palette._show_busy = not palette._show_busy
        await pilot.pause()
        palette._show_busy = not palette._show_busy
        await pilot.pause()
    assert app.return_code in (None, 0)
