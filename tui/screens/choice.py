"""A small list to pick one thing from (a requirement set, an export format)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.keys import Context, bindings
from tui.screens.guarded import DismissOnce


class ChoiceScreen(DismissOnce, ModalScreen[str | None]):
    """A small list to pick from (requirement set, export format); esc cancels."""

    BINDINGS = bindings(Context.CHOICE)
    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical { width: 70; max-width: 95%; height: auto; max-height: 80%;
                              border: thick $primary; background: $surface; }
    ChoiceScreen OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, markup=False)
            yield OptionList(*(Option(label, id=key) for key, label in self.choices))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
