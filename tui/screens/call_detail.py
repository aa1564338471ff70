"""One call of the call log in full: what an engineer quotes in a ticket to Nmbrs.

The table row is cut to fit the screen; this view shows every field whole (the operation with
its ``_v2`` suffix, both ids, the HTTP status, the fault code and Nmbrs' text, the kind of
error, duration and retries). Records hold no payloads or tokens, so neither does this view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from nmbrs_client import textsafe
from tui.clipboard import copy_with_toast
from tui.keys import Context, bindings
from tui.widgets.key_value import key_value_grid

if TYPE_CHECKING:
    from nmbrs_client.calllog import CallRecord

OUTCOME_WORDS = {
    "ok": "✓ ok (the call answered)",
    "fault": "✗ fault (Nmbrs answered with an error)",
    "transport": "⚠ network or reply problem (no usable answer)",
    "refused": "⊘ refused before sending (not on the read-only allowlist)",
}


def call_rows(record: CallRecord, *, deterministic: bool = False) -> list[tuple[str, str]]:
    """Every field of one call as ``(label, value)``; absent values say so."""

    def given(value: object) -> str:
        return "—" if value is None or value == "" else textsafe.line(value)

    retries = max(record.attempt - 1, 0)
    return [
        (
            "Time",
            "(hidden in deterministic mode)"
            if deterministic
            else record.started_at.isoformat(timespec="milliseconds"),
        ),
        ("Operation", textsafe.line(record.operation)),
        ("Request", given(" ".join(filter(None, (record.method, record.path))) or None)),
        ("Company id", given(record.company_id)),
        ("Employee id", given(record.employee_id)),
        ("Result", OUTCOME_WORDS.get(record.outcome, textsafe.line(record.outcome))),
        ("HTTP status", given(getattr(record, "http_status", None))),
        ("Fault code", given(record.fault_code)),
        ("Fault / error text", given(record.message)),
        ("Error kind", given(getattr(record, "error_kind", None))),
        ("Duration", "·" if deterministic else f"{record.duration_ms:.1f} ms"),
        ("Retries", f"{retries} (attempt {record.attempt})"),
        ("Reply size", "—" if record.size_bytes is None else f"{record.size_bytes:,} bytes"),
    ]


class CallDetailScreen(ModalScreen[None]):
    """The full record of one call; ``c`` copies it, ``esc`` closes."""

    BINDINGS = bindings(Context.CALL_DETAIL)

    DEFAULT_CSS = """
    CallDetailScreen { align: center middle; }
    CallDetailScreen > Vertical {
        width: 95%; max-width: 120; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    CallDetailScreen #calldetail-keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, record: CallRecord, *, deterministic: bool = False) -> None:
        super().__init__()
        self.record = record
        self.rows = call_rows(record, deterministic=deterministic)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("API call", id="calldetail-title", markup=False)
            with VerticalScroll():
                yield Static(key_value_grid(self.rows), id="calldetail-body")
            yield Static(
                "no payloads or tokens are logged · c copy · esc close",
                id="calldetail-keys",
                markup=False,
            )

    def action_copy(self) -> None:
        copy_with_toast(self.app, "\n".join(f"{k}: {v}" for k, v in self.rows), "the call")

    def action_close(self) -> None:
        self.dismiss(None)
