"""Screens that cannot be dismissed twice.

Two fast presses of ``enter`` (or ``esc``) reach a modal before its first dismissal has taken
effect; Textual then pops whatever screen is on top, or raises ``ScreenStackError`` when only
the main screen is left. Every screen of the app (and the command palette) dismisses through
:class:`DismissOnce`: only the first dismissal of the screen while it is on top counts.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.await_complete import AwaitComplete
from textual.command import CommandList, CommandPalette
from textual.css.query import NoMatches
from textual.screen import Screen


def nothing_to_await() -> AwaitComplete:
    """An already finished AwaitComplete (Textual's helper is untyped)."""
    done: AwaitComplete = AwaitComplete.nothing()  # type: ignore[no-untyped-call]
    return done


class DismissOnce:
    """Mixin for :class:`~textual.screen.Screen`: later dismissals are ignored, and so is every
    action once the screen is being dismissed or no longer on top.

    Keys typed ahead reach a screen after its dismissal started (its widgets may already be
    gone: ``NoMatches``); Textual asks ``check_action`` before it runs any action, so a screen
    on its way out runs none.
    """

    _dismissed: bool = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        screen: Any = self
        if self._dismissed or not screen.is_attached or screen.app.screen is not screen:
            return False
        allowed: bool | None = super().check_action(action, parameters)  # type: ignore[misc]
        return allowed

    def dismiss(self, result: Any = None) -> AwaitComplete:
        screen: Any = self
        if self._dismissed or not screen.is_attached or screen.app.screen is not screen:
            return nothing_to_await()
        self._dismissed = True
        done: AwaitComplete = super().dismiss(result)  # type: ignore[misc]
        return done


class GuardedCommandPalette(DismissOnce, CommandPalette):
    """Textual's command palette; ``enter`` twice selects once.

    Its search worker and its busy indicator can still be at work when the palette is closed
    by a fast key, and then fail looking for their (removed) widgets; that late work is
    dropped instead of crashing.
    """

    def _action_command_list(self, action: str) -> None:
        # Textual's OptionList fails paging through an empty list (KeyError): nothing to move.
        try:
            empty = self.query_one(CommandList).option_count == 0
        except NoMatches:
            return
        if empty:
            return
        try:
            super()._action_command_list(action)
        except KeyError:  # the list is being refilled and has no layout yet
            return

    async def _watch__show_busy(self) -> None:
        # The busy flag can flip while the palette is being closed by a fast key, when its
        # loading indicator is already gone (NoMatches): there is nothing left to mark busy.
        try:
            await super()._watch__show_busy()
        except NoMatches:
            if self.is_attached and not self._dismissed and self.app.screen is self:
                raise

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self, search_value: str) -> None:
        gather = CommandPalette._gather_commands.__wrapped__  # type: ignore[attr-defined]
        try:
            await gather(self, search_value)
        except NoMatches:
            if self.is_attached and not self._dismissed and self.app.screen is self:
                raise


def is_top(screen: Screen[Any]) -> bool:
    return screen.is_attached and screen.app.screen is screen
