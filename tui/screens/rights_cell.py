"""One cell of the rights matrix in full: the call, its verdict, the fault and the fix."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.clipboard import copy_with_toast
from tui.keys import Context, bindings
from tui.screens.guarded import DismissOnce


class CellScreen(DismissOnce, ModalScreen[None]):
    """``enter`` on a cell: the call, its verdict, the fault and the fix."""

    BINDINGS = bindings(Context.CELL)
    DEFAULT_CSS = """
    CellScreen { align: center middle; }
    CellScreen > VerticalScroll { width: 90%; max-width: 100; height: auto; max-height: 90%;
                                  border: thick $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        from tui.widgets.key_value import key_value_grid

        with VerticalScroll():
            yield Static(key_value_grid(self.lines))
            yield Static("c copy · esc close", classes="keys")

    def action_copy(self) -> None:
        copy_with_toast(self.app, "\n".join(f"{k}: {v}" for k, v in self.lines), "the cell details")

    def action_close(self) -> None:
        self.dismiss(None)
