"""The Rights pane's account line marks each check with the report's glyph for its status."""

from __future__ import annotations

from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.results import AccountResult
from tui.panes.rights_view import account_chips


def test_a_list_that_could_not_be_read_is_an_error_not_something_missing() -> None:
    chips = account_chips(
        [
            AccountResult("scopes", Status.NOT_VERIFIED, "unknown"),
            AccountResult("user", Status.ALLOWED, "consent given"),
            AccountResult("debtors", Status.ERROR, "429/42909", finding=True),
            AccountResult("companies", Status.SCOPE_MISSING, "scope missing", finding=True),
        ]
    ).plain
    assert "! debtors" in chips and "✗ debtors" not in chips
    assert "✗ companies" in chips and "✓ user" in chips and "· scopes" in chips
