"""The footer shows the focused widget's keys, rebuilt only when they change."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from tui.widgets.footer import Footer


class _Box(Static, can_focus=True):
    pass


class _Left(_Box):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "noop", "Left key")]


class _Right(_Box):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("y", "noop", "Right key")]


class _FooterApp(App[None]):
    def compose(self) -> ComposeResult:
        yield _Left("left", id="left")
        yield _Right("right", id="right")
        yield Footer()


def _keys(app: App[Any]) -> list[str]:
    return [key.description for key in app.query(FooterKey)]


async def test_the_footer_follows_focus_and_rebuilds_only_for_other_keys() -> None:
    app = _FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        footer = app.query_one(Footer)
        rebuilds = []
        recompose = footer.recompose

        async def counted() -> None:
            rebuilds.append(_keys(app))
            await recompose()

        footer.recompose = counted  # type: ignore[method-assign]
        app.query_one("#left").focus()
        await pilot.pause()
        assert "Left key" in _keys(app) and "Right key" not in _keys(app)
        built = len(rebuilds)
        for _ in range(3):  # the same keys published again: nothing to rebuild
            app.screen.refresh_bindings()
            await pilot.pause()
        assert len(rebuilds) == built
        app.query_one("#right").focus()
        app.screen.refresh_bindings()  # a burst: one rebuild takes both
        await pilot.pause()
        assert "Right key" in _keys(app) and "Left key" not in _keys(app)
        assert len(rebuilds) == built + 1


class _Modal(Screen[None]):
    def compose(self) -> ComposeResult:
        yield _Left("modal", id="modal-left")
        yield Footer()


async def test_a_rebuild_that_runs_after_its_screen_closed_does_nothing() -> None:
    """A rebuild waits for the screen's next idle; the screen (a modal) may be gone by then."""
    app = _FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        modal = _Modal()
        app.push_screen(modal)
        await pilot.pause()
        footer = modal.query_one(Footer)
        app.pop_screen()
        await pilot.pause()
        assert not footer.is_attached
        await footer._rebuild()  # what the waiting callback runs
        assert app.return_code is None
