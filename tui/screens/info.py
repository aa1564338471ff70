"""The info/debug view: versions, config path, profile — what a bug report needs."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.clipboard import copy_with_toast
from tui.keys import Context, bindings
from tui.screens.guarded import DismissOnce
from tui.widgets.key_value import key_value_grid


def version_of(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def info_rows(app_rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Versions of the runtime plus the app's own rows (profile, config path, ...)."""
    return [
        ("nmbrs-tui", version_of("nmbrs-tui")),
        ("python", f"{platform.python_version()} ({sys.executable})"),
        ("textual", version_of("textual")),
        ("zeep", version_of("zeep")),
        ("pydantic", version_of("pydantic")),
        ("platform", platform.platform(terse=True)),
        *app_rows,
    ]


class InfoScreen(DismissOnce, ModalScreen[None]):
    """Shows :func:`info_rows`; ``c`` copies them as text for a ticket."""

    BINDINGS = bindings(Context.INFO)

    DEFAULT_CSS = """
    InfoScreen { align: center middle; }
    InfoScreen > Vertical {
        width: 90%; max-width: 100; height: auto; border: thick $primary;
        background: $surface; padding: 0 1;
    }
    InfoScreen #info-keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("About this session", id="info-title")
            yield Static(key_value_grid(self.rows), id="info-body")
            yield Static("c copy · esc close", id="info-keys")

    def action_copy(self) -> None:
        copy_with_toast(self.app, "\n".join(f"{k}: {v}" for k, v in self.rows), "the info")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
