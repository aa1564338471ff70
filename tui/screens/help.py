"""``?``/F1: the keys that work where the focus is, generated from the key registry.

The sections follow the focused widget up to the app (table → list → pane → everywhere), each
the registry's keys of that class, with the keys as remapped by ``keymap.toml`` and named the
way Textual shows them (``?``, ``[``, ``↑``), never ``question_mark``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keys import BY_ID, Context, Key, bindings
from tui.safe_text import plain_text
from tui.screens.guarded import DismissOnce

KEYMAP_NOTE = (
    "Remap keys in keymap.toml next to config.toml, one line per binding: "
    '"<binding id>" = "<keys>", e.g. "app.info" = "f2" (ids in the right '
    "column)."
)

Section = tuple[str, list[Key]]


def chain_sections(node: DOMNode) -> list[Section]:
    """The registry's keys of ``node`` and of every node above it, most specific first."""
    sections: dict[Context, list[Key]] = {}
    for current in node.ancestors_with_self:
        for cls in type(current).__mro__:
            for binding in vars(cls).get("BINDINGS", []):
                key = BY_ID.get(binding.id or "") if isinstance(binding, Binding) else None
                if key is not None and key not in sections.setdefault(key.context, []):
                    sections[key.context].append(key)
    return [(context.value, keys) for context, keys in sections.items() if keys]


def key_names(key: Key, keymap: Mapping[str, str], display: Callable[[Binding], str]) -> str:
    """The keys of ``key`` after remapping, as Textual names them on screen."""
    keys = keymap.get(key.id, key.keys)
    return " / ".join(display(Binding(k.strip(), key.action)) for k in keys.split(","))


def help_table(
    sections: list[Section], keymap: Mapping[str, str], display: Callable[[Binding], str]
) -> Group:
    """Each section's title on its own line, then key · what it does · binding id.

    The key column is as wide as the widest key (never a title), the same in every section, so
    at 80 columns the descriptions keep their room; the id column folds before they do.
    """
    rows = [
        (title, [(key_names(key, keymap, display), key) for key in keys])
        for title, keys in sections
    ]
    key_width = max((cell_len(names) for _t, keys in rows for names, _k in keys), default=1)
    parts: list[Text | Table] = []
    for title, keys in rows:
        parts.append(Text(title, style="bold underline"))
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True, width=key_width)
        table.add_column(min_width=18, ratio=2)
        table.add_column(style="dim", overflow="fold", ratio=1)
        for names, key in keys:
            table.add_row(plain_text(names), plain_text(key.description), plain_text(key.id))
        parts.append(table)
        parts.append(Text(""))
    return Group(*parts)


class HelpScreen(DismissOnce, ModalScreen[None]):
    """The keys of the focused context; ``esc``, ``q`` or ``?`` closes it."""

    BINDINGS = bindings(Context.HELP)

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 90%; max-width: 110; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; }
    HelpScreen #help-keymap { color: $text-muted; }
    """

    def __init__(self, sections: list[Section], keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "Keys here — nmbrs-tui is read-only: no key changes anything in Nmbrs",
                id="help-title",
            )
            yield Static(KEYMAP_NOTE, id="help-keymap", markup=False)
            with VerticalScroll(id="help-scroll"):
                yield Static(self.table(), id="help-body")

    def table(self) -> Group:
        return help_table(self.sections, self.keymap, self.app.get_key_display)

    def plain(self, width: int = 160) -> str:
        """The whole help as plain text, scrolled or not (for copying and for tests)."""
        from rich.console import Console

        console = Console(width=width, record=True, file=io.StringIO())
        console.print(self.table())
        return console.export_text()

    def _scroller(self) -> VerticalScroll | None:
        """The help's scroll area; None while it is not (or no longer) mounted."""
        try:
            return self.query_one("#help-scroll", VerticalScroll)
        except NoMatches:
            return None

    def action_scroll_down(self) -> None:
        if (scroller := self._scroller()) is not None:
            scroller.scroll_down()

    def action_scroll_up(self) -> None:
        if (scroller := self._scroller()) is not None:
            scroller.scroll_up()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
