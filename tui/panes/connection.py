"""Pane 1: the connection — who we are, where we talk to, and whether Nmbrs accepts us.

It never calls the API itself: the app's connect worker reports :class:`ConnectionInfo`
snapshots and this pane renders the latest one, so it can show progress from the first frame.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.widgets import Static

from tui.connect import CONNECTED, FAILED, NO_CONFIG, STARTING, ConnectionInfo
from tui.keys import Context, bindings
from tui.panes import Pane, app_action

if TYPE_CHECKING:
    from nmbrs_client.history import CheckRecord

_PORT = re.compile(r"(//[^/:]+):\d+")

ENV_LABELS = {
    "production": "▲ PRODUCTION",
    "sandbox": "SANDBOX",
    "demo": "DEMO",
    "custom": "CUSTOM",
}


def mask_port(url: str | None) -> str | None:
    """Replace a port number (random for the demo server) so snapshots stay stable."""
    return _PORT.sub(r"\1:<port>", url) if url else url


class ConnectionPane(Pane, can_focus=True):
    """Profile, base URL, username, domain, environment, credentials, round trip, counts.

    The pane scrolls itself, with a scrolling container's keys: a VerticalScroll inside it
    was a tenth of the first frame's work.
    """

    BINDINGS = [*ScrollableContainer.BINDINGS, *bindings(Context.CONNECTION)]
    ALLOW_MAXIMIZE = False  # as a scrolling container

    DEFAULT_CSS = """
    ConnectionPane { overflow-x: hidden; overflow-y: auto; }
    ConnectionPane #connection-body { padding: 0 1; }
    ConnectionPane #connection-help { padding: 1 1 0 1; color: $text-muted; }
    """

    def __init__(self, *, id: str = "connection", deterministic: bool = False) -> None:
        super().__init__(None, id=id)
        self.info = ConnectionInfo()
        self.deterministic = deterministic
        # The last recorded rights check of this profile and API, or why there is none.
        self.last_check: CheckRecord | None = None
        self.last_check_note = "not read yet"

    def compose(self) -> ComposeResult:
        yield Static(self._render_info(), id="connection-body")
        yield Static(self._help_text(), id="connection-help")

    def show_info(self, info: ConnectionInfo) -> None:
        self.info = info
        if self.is_mounted:
            self.query_one("#connection-body", Static).update(self._render_info())
            self.query_one("#connection-help", Static).update(self._help_text())

    def show_last_check(self, record: CheckRecord | None, note: str = "") -> None:
        self.last_check = record
        self.last_check_note = note
        self.show_info(self.info)

    def refresh_data(self) -> None:
        app_action(self, "reconnect")

    def cancel_load(self) -> None:
        app_action(self, "cancel_connect")

    def action_start_demo(self) -> None:
        app_action(self, "start_demo")

    def _help_text(self) -> Text:
        if self.info.stage == NO_CONFIG:
            return Text.assemble(
                ("No connection profile yet. ", "bold"),
                "Add one from a shell with\n  nmbrs-tui config add --name NAME --username "
                "you@example.com\n(the token goes to NMBRS_TOKEN, a token file or the keyring),"
                " or press ",
                ("d", "bold"),
                " to open the embedded demo environment now.",
            )
        in_demo = self.info.environment == "demo"
        return Text.assemble(
            ("r", "bold"),
            " reconnect   ",
            ("d", "bold"),
            " restart the demo   " if in_demo else " switch to the demo   ",
            ("ctrl+p", "bold"),
            " switch profile",
        )

    def _render_info(self) -> Table | Text:
        rows = self._info_rows()
        return aligned_rows(rows) if self.info.stage == STARTING else grid_rows(rows)

    def _info_rows(self) -> list[tuple[str, Text]]:
        info = self.info
        rows: list[tuple[str, Text]] = []

        def row(label: str, value: Text | str | None, note: str = "") -> None:
            text = value if isinstance(value, Text) else Text(value or "—")
            if note:
                text.append(f"  ({note})", style="dim")
            rows.append((label, text))

        row("State", _stage_text(info))
        row("Profile", info.profile)
        place = info.place
        env = ENV_LABELS.get(place or "", "—")
        row(
            "Environment",
            Text(env, style=_env_style(place)),
            f"scenario {info.scenario}" if place == "demo" and info.scenario else "",
        )
        # Each host actually called, with where its address came from: a variable pointing
        # REST elsewhere shows here, not the profile's idea of the environment.
        for endpoint in info.endpoints:
            url = mask_port(endpoint.url) if self.deterministic else endpoint.url
            row(endpoint.role[:1].upper() + endpoint.role[1:], url, endpoint.source)
        if not info.endpoints:
            row("Base URL", mask_port(info.base_url) if self.deterministic else info.base_url)
        if not info.verify_tls:
            row(
                "TLS",
                Text(
                    "⚠ certificate verification is OFF for this custom base URL "
                    "(verify_tls = false)",
                    style="bold yellow",
                ),
            )
        if info.user_unread and not info.username:
            row("Username", Text("could not be read", style="yellow"), info.user_unread)
        else:
            row("Username", info.username)
        row("Domain", info.domain, info.domain_source or "")
        if info.scopes is not None:  # a connection with scopes and a token (REST)
            row("Scopes", " ".join(info.scopes) if info.scopes else "not reported by the token")
            if info.token_expires is None:
                expires = "—"
            elif self.deterministic:
                expires = "(hidden in deterministic mode)"
            else:
                expires = f"{info.token_expires:%Y-%m-%d %H:%M} UTC"
            row("Token expires", expires, info.token_at_expiry if info.token_expires else "")
        row("Credentials", _credentials_text(info))
        if info.token_override:
            row("Token", Text("⚠ " + info.token_override, style="bold yellow"))
        if info.rtt_ms is None:
            rtt = "—"
        elif self.deterministic:
            rtt = "measured"
        else:
            rtt = f"≈ {info.rtt_ms:.0f} ms"
        row("Round trip", rtt)
        row("Debtors", _count_text(info.debtors, info.debtors_note))
        row("Companies", _count_text(info.companies, info.companies_note))
        row("Last check", self._last_check_text())
        if info.last_error:
            row("Last error", Text("✗ " + info.last_error, style="bold red"))
            if info.last_hint:
                row("What to do", Text(info.last_hint))
        else:
            row("Last error", "none")
        if info.config_path:
            row(
                "Config file",
                "(hidden in deterministic mode)" if self.deterministic else info.config_path,
            )
        return rows

    def _last_check_text(self) -> Text:
        """When this profile was last checked and what the verdict was (from the history)."""
        from nmbrs_client.exit_codes import ExitCode, verdict_text, verdict_words

        record = self.last_check
        if record is None:
            return Text(self.last_check_note, style="dim")
        style = "green" if record.exit_code == ExitCode.OK else "bold yellow"
        text = Text(f"{record.local_when}  ")
        # the causes its report's verdict named; a check kept without any: "not established"
        words = verdict_words(record.exit_code, record.verdict_causes)
        text.append(verdict_text(record.exit_code, words), style=style)
        text.append(f"  (check #{record.id}; nmbrs-tui history show {record.id})", style="dim")
        return text


def grid_rows(rows: list[tuple[str, Text]]) -> Table:
    """The rows as a grid: labels in bold, each value folded under its own column."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, text in rows:
        table.add_row(label, text)
    return table


def aligned_rows(rows: list[tuple[str, Text]]) -> Text:
    """The rows as the pane's two-column grid draws them, as one text: for the first frame.

    Before the connect worker has reported anything every value is a word or two, so no
    value can wrap, and one text is drawn with a fraction of the work a grid table takes
    (a third of the first frame's rendering); once values arrive the grid folds long ones
    under their own column.
    """
    width = max((len(label) for label, _text in rows), default=0)
    lines = [Text.assemble((label.ljust(width) + "  ", "bold"), text) for label, text in rows]
    return Text("\n").join(lines)


def _stage_text(info: ConnectionInfo) -> Text:
    if info.stage == CONNECTED and info.stop_reason:
        return Text(
            f"$ connected, but {info.stop_reason}: nothing can be read", style="bold yellow"
        )
    if info.stage == CONNECTED:
        return Text("✓ connected", style="bold green")
    if info.stage == FAILED:
        return Text("✗ failed", style="bold red")
    if info.stage == NO_CONFIG:
        return Text("! no profile configured", style="bold yellow")
    if info.busy:
        return Text(f"… {info.stage}", style="bold")
    return Text(info.stage)


def _credentials_text(info: ConnectionInfo) -> Text:
    if info.credentials_ok is True:
        return Text("✓ " + info.credentials, style="green")
    if info.credentials_ok is False:
        return Text("✗ " + info.credentials.removeprefix("rejected — "), style="red")
    return Text(info.credentials)


def _count_text(count: int | None, note: str) -> Text:
    if note:
        return Text(f"✗ not visible — {note}", style="yellow")
    if count is None:
        return Text("—")
    return Text(f"{count} visible")


def _env_style(environment: str | None) -> str:
    return {"production": "bold reverse red", "sandbox": "bold yellow", "demo": "bold cyan"}.get(
        environment or "", "bold"
    )
