"""A full screen whose body scrolls with the same keys everywhere (vim keys and PgUp/PgDn).

The keys themselves are in :mod:`tui.keys` (one scroll set per screen, ids under its prefix).
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.screen import Screen

from tui.screens.guarded import DismissOnce


class ScrollingScreen(DismissOnce, Screen[None]):
    """Subclasses set ``self.body`` to their scrolling container before it is used."""

    body: VerticalScroll

    def action_scroll_down(self) -> None:
        self.body.scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.body.scroll_up(animate=False)

    def action_scroll_home(self) -> None:
        self.body.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.body.scroll_end(animate=False)

    def action_page_up(self) -> None:
        self.body.scroll_page_up(animate=False)

    def action_page_down(self) -> None:
        self.body.scroll_page_down(animate=False)
