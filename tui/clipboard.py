"""Copy to the clipboard with OSC 52 (works over SSH) and say what was copied."""

from __future__ import annotations

from textual.app import App


def copy_with_toast(app: App[object], text: str, what: str) -> None:
    """Copy ``text`` through the terminal (OSC 52) and show a toast naming ``what``.

    OSC 52 needs a terminal that allows it (tmux: ``set -g set-clipboard on``); the toast says
    so, because the terminal gives no answer either way.
    """
    app.copy_to_clipboard(text)
    size = f"{len(text.splitlines()) or 1} line(s)"
    app.notify(f"Copied {what} ({size}) via OSC 52", title="Clipboard", timeout=4)
