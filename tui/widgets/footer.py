"""The key footer, rebuilt only when the keys it shows change.

Textual's footer rebuilds all its keys each time the screen publishes its bindings, and
every new key is restyled on its own as it is mounted. A change of focus publishes them, and
switching panes changes focus twice in a row (the hidden pane's widget loses it, then the
shown pane's takes it), then Textual publishes again when idle: the footer was rebuilt two
or three times with the same keys on the UI thread while the pane was loading its data.
Here a rebuild waits only if none is waiting (it reads the bindings when it runs, so it
takes a later change with it), and is skipped when the keys would be the ones shown.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's footer; at most one rebuild waits, and none for the same keys."""

    _rebuild_waiting = False
    _shown: Hashable = None  # what the keys were last built from

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_waiting:
            self._rebuild_waiting = True
            self.call_after_refresh(self._rebuild)

    def keys_shown(self) -> Hashable:
        """Everything :meth:`compose` builds the keys from."""
        active = tuple(
            (key, entry.binding, entry.enabled, entry.tooltip)
            for key, entry in self.screen.active_bindings.items()
        )
        return (active, self.compact, self.show_command_palette)

    async def _rebuild(self) -> None:
        self._rebuild_waiting = False
        if not self.is_attached or self._pruning:
            return  # its screen closed meanwhile (as Textual's recompose returns then)
        shown = self.keys_shown()
        if shown == self._shown:
            return
        self._shown = shown
        await self.recompose()
