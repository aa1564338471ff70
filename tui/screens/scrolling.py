"""A full screen whose body scrolls with the same keys everywhere (vim keys and PgUp/PgDn)."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen


def scroll_bindings(prefix: str) -> list[Binding]:
    """The hidden scroll bindings of one screen, with ids under ``prefix`` for remapping."""
    return [
        Binding("j,down", "scroll_down", "Down", show=False, id=f"{prefix}.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id=f"{prefix}.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id=f"{prefix}.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id=f"{prefix}.bottom"),
        Binding("pageup", "page_up", "Page up", show=False, id=f"{prefix}.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id=f"{prefix}.page_down"),
    ]


class ScrollingScreen(Screen[None]):
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
