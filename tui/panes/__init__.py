"""The dashboard's panes and what they share.

Every pane is a container widget with ``refresh_data`` (bound to ``r`` by the app),
``on_show_pane`` (called when it becomes visible: load if not loaded, never refetch what the
session already holds) and ``cancel_load`` (``esc``). ``PANES`` (in the key registry) fixes
their order, keys and classes; :func:`pane_class` finds the class of a :class:`PaneSpec`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Static

from tui.keys import PANE_IDS, PANES, Context, PaneSpec, bindings
from tui.safe_text import plain_text

if TYPE_CHECKING:
    from tui.session import Session


__all__ = [
    "PANES",
    "PANE_IDS",
    "Pane",
    "PaneSpec",
    "UnavailablePane",
    "VimTable",
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


class VimTable(DataTable[object]):
    """A DataTable with the same keys (and ids) as every other table: vim keys beside arrows."""

    # enter stays DataTable's own select (the panes using it bind enter themselves).
    BINDINGS = bindings(Context.TABLE, without=frozenset({"table.select"}))

    # The table keys' actions under the names FastTable gives them.
    def action_cursor_first(self) -> None:
        self.action_scroll_top()

    def action_cursor_last(self) -> None:
        self.action_scroll_bottom()

    def __init__(self, *, id: str | None = None, cursor_type: str = "row") -> None:
        super().__init__(id=id, cursor_type=cursor_type, zebra_stripes=True)  # type: ignore[arg-type]

    # DataTable parses a ``str`` label or cell as markup (a company named ``[/b]`` crashed the
    # Rights pane); every string is shown as plain, cleaned text instead.
    def add_column(self, label: Any, *args: Any, **kwargs: Any) -> Any:
        return super().add_column(plain_text(label), *args, **kwargs)

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        return super().add_row(*(plain_text(cell) for cell in cells), **kwargs)

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell(row_key, column_key, plain_text(value), **kwargs)

    def update_cell_at(self, coordinate: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell_at(coordinate, plain_text(value), **kwargs)
