"""The two bars at the top of the dashboard: the connection badges and the pane tabs.

Pure functions of the connection snapshot and the current pane, so the app only repaints.
"""

from __future__ import annotations

from rich.text import Text

from tui.connect import CANCELLED, CONNECTED, FAILED, NO_CONFIG, ConnectionInfo
from tui.keys import PANES

ENV_BADGES = {
    "production": ("▲ PRODUCTION", "bold white on red"),
    "sandbox": ("SANDBOX", "bold black on yellow"),
    "demo": ("DEMO", "bold black on cyan"),
    "custom": ("CUSTOM", "bold black on magenta"),
}


def header_text(info: ConnectionInfo) -> Text:
    """Who, where, which API, read-only, and how the connection stands (the host last)."""
    text = Text(" nmbrs-tui ", style="bold")
    text.append(" profile ")
    text.append(info.profile or "—", style="bold")
    text.append("  ")
    label, style = ENV_BADGES.get(info.place or "", ("…", "bold"))
    text.append(f" {label} ", style=style)
    text.append("  ")
    if info.api:
        text.append(f" {info.api.upper()} API ", style="bold")
        text.append("  ")
    text.append(" READ-ONLY ", style="bold reverse")
    text.append("  ")
    if not info.verify_tls:
        text.append(" ⚠ TLS UNVERIFIED ", style="bold black on yellow")
        text.append("  ")
    if info.stage == CONNECTED and info.stop_reason:
        text.append(f"$ {info.stop_reason}", style="bold yellow")
    elif info.stage == CONNECTED:
        text.append("✓ connected", style="green")
    elif info.stage == FAILED:
        text.append("✗ failed", style="red")
    elif info.stage == NO_CONFIG:
        text.append("! no profile", style="yellow")
    elif info.stage == CANCELLED:
        text.append("⊘ cancelled")
    else:
        text.append(f"… {info.stage}")
    if info.endpoints:  # the API host actually called, last: a narrow screen cuts it first
        text.append(f"  {info.endpoints[0].host}", style="dim")
    return text


def tabs_text(current_pane: str) -> Text:
    """The pane tabs with their keys; the current one reversed."""
    text = Text(" ")
    for spec in PANES:
        if spec.id == current_pane:
            text.append(f"[{spec.key} {spec.title}]", style="bold reverse")
        else:
            text.append(f" {spec.key} {spec.title} ")
        text.append(" ")
    return text
