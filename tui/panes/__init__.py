"""The dashboard's panes and what they share.

Every pane is a container widget with ``refresh_data`` (bound to ``r`` by the app),
``on_show_pane`` (called when it becomes visible: load if not loaded, never refetch what the
session already holds) and ``cancel_load`` (``esc``). ``PANES`` (in the key registry) fixes
their order, keys and classes; :func:`pane_class` finds the class of a :class:`PaneSpec`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from tui.keys import PANE_IDS, PANES, PaneSpec

if TYPE_CHECKING:
    from tui.session import Session


__all__ = [
    "PANES",
    "PANE_IDS",
    "Pane",
    "PaneSpec",
    "UnavailablePane",
    "app_action",
    "pane_class",
]


def app_action(widget: Widget, name: str) -> None:
    """Run the app's ``action_<name>`` now (panes do not import the app module)."""
    method = getattr(widget.app, f"action_{name}", None)
    if callable(method):
        method()


class Pane(Widget):
    """Base of the shell's own panes: session access and the pane protocol's defaults."""

    DEFAULT_CSS = """
    Pane { height: 1fr; width: 1fr; layout: vertical; }
    """

    def __init__(
        self, session: Session | None = None, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.session = session

    def refresh_data(self) -> None:
        """Refetch what this pane shows (the app binds ``r`` to it)."""

    def on_show_pane(self) -> None:
        """Called when the pane becomes visible: load only what is not loaded yet."""

    def cancel_load(self) -> None:
        """Cancel this pane's running load (``esc``); keeps what is already shown."""
        self.workers.cancel_group(self, "load")

    def is_on_top(self) -> bool:
        """Whether this pane's screen is the one shown. A table posts its selection when
        ``enter`` reaches it, and the pane opens a screen when it handles that message: an
        ``enter`` typed ahead is handled after the first one's screen is up, and must not
        open another over it (one ``esc`` per copy to get back)."""
        return self.is_attached and self.screen is self.app.screen


class UnavailablePane(Pane):
    """Stands in for a pane whose module cannot be imported (so the shell still runs)."""

    def __init__(self, session: Session | None, *, id: str, reason: str) -> None:
        super().__init__(session, id=id)
        self.reason = reason

    def compose(self) -> ComposeResult:
        yield Static(f"This pane is not available: {self.reason}", markup=False)


def pane_class(spec: PaneSpec) -> Callable[..., Pane]:
    """The class ``spec.pane`` names, called as ``(session, id=...)``; a pane whose module
    cannot be imported becomes an :class:`UnavailablePane` saying why."""
    import importlib

    module, _, name = spec.pane.partition(":")
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        reason = f"{module}: {exc}"
        return lambda session, id: UnavailablePane(session, id=id, reason=reason)
    if not (isinstance(found, type) and issubclass(found, Pane)):
        reason = f"{spec.pane} is not a Pane"
        return lambda session, id: UnavailablePane(session, id=id, reason=reason)
    return found
