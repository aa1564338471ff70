"""The smallest Textual app that draws a screen and leaves after its first frame.

``python -m bench.minimal_app``: the first-frame bench starts it exactly like the dashboard
(same pseudo-terminal, same size) as the yardstick of what Textual itself costs on this
machine at this moment; the dashboard's first frame is judged as a ratio to it.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("minimal")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.exit)


if __name__ == "__main__":
    Minimal().run()
