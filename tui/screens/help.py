"""``?``/F1: every key of the app and of each pane, generated from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.safe_text import plain_text

KEYMAP_NOTE = (
    "Remap keys in keymap.toml next to config.toml, one line per binding: "
    '"<binding id>" = "<keys>", e.g. "app.info" = "f2" (ids in the right '
    "column)."
)


def key_label(binding: Binding, keymap: Mapping[str, str]) -> str:
    keys = keymap.get(binding.id or "", binding.key) if binding.id else binding.key
    return " / ".join(k.strip() for k in keys.split(","))


def bindings_of(items: Iterable[BindingType]) -> list[Binding]:
    return [b for b in items if isinstance(b, Binding)]


def help_table(sections: Iterable[tuple[str, list[Binding]]], keymap: Mapping[str, str]) -> Table:
    """One table: section headings, then key · what it does · binding id (for remapping)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_column(style="dim", no_wrap=True)
    for title, bindings in sections:
        if not bindings:
            continue
        table.add_row(Text(title, style="bold underline"), "", "")
        for binding in bindings:
            table.add_row(
                plain_text(key_label(binding, keymap)),
                plain_text(binding.description or binding.action),
                plain_text(binding.id or ""),
            )
        table.add_row("", "", "")
    return table


class HelpScreen(ModalScreen[None]):
    """The keys, section by section; ``esc``, ``q`` or ``?`` closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll_down", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="help.up"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 90%; max-width: 110; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; }
    HelpScreen #help-keymap { color: $text-muted; }
    """

    def __init__(
        self, sections: list[tuple[str, list[Binding]]], keymap: Mapping[str, str]
    ) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "Keys — nmbrs-tui is read-only: no key changes anything in Nmbrs", id="help-title"
            )
            yield Static(KEYMAP_NOTE, id="help-keymap", markup=False)
            with VerticalScroll(id="help-scroll"):
                yield Static(help_table(self.sections, self.keymap), id="help-body")

    def action_scroll_down(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).scroll_up()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
