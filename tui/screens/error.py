"""An error modal: what happened, what to do, and details that can be copied."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from nmbrs_client import textsafe
from tui.clipboard import copy_with_toast
from tui.keys import Context, bindings
from tui.screens.guarded import DismissOnce


class ErrorScreen(DismissOnce, ModalScreen[None]):
    """Shows one failure; ``c`` copies the details, ``esc``/``enter`` closes."""

    BINDINGS = bindings(Context.ERROR)

    DEFAULT_CSS = """
    ErrorScreen { align: center middle; }
    ErrorScreen > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 0 1;
    }
    ErrorScreen #error-title { text-style: bold; color: $error; }
    ErrorScreen #error-hint { margin-top: 1; }
    ErrorScreen #error-scroll { height: auto; max-height: 12; margin-top: 1;
                                 border: round $panel; }
    ErrorScreen #error-keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, title: str, message: str, hint: str = "", details: str = "") -> None:
        super().__init__()
        # Messages and details quote server text (an HTML title, a fault string).
        self.title_text = textsafe.line(title)
        self.message = textsafe.line(message)
        self.hint = textsafe.line(hint)
        self.details = textsafe.block(details or message)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"✗ {self.title_text}", id="error-title", markup=False)
            yield Static(self.message, id="error-message", markup=False)
            if self.hint:
                yield Static(f"What to do: {self.hint}", id="error-hint", markup=False)
            with VerticalScroll(id="error-scroll"):
                yield Static(self.details, id="error-details", markup=False)
            yield Static("c copy details · esc close", id="error-keys")

    def action_copy(self) -> None:
        copy_with_toast(self.app, self.details, "the error details")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
