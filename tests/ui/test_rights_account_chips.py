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


def test_a_login_this_run_may_not_refresh_is_not_verified_not_missing() -> None:
    """The line a check of many profiles writes when a login falls due and its app secret is
    another connection's: "?" as the report has it, and the pane says why nothing was read."""
    from datetime import datetime

    from nmbrs_client.ids import ApiKind
    from nmbrs_client.rights.findings import verdict_line
    from nmbrs_client.rights.requirements import BUILTIN_PROFILES
    from nmbrs_client.rights.results import CheckMode, RightsReport
    from tui.panes.rights_cells import stop_reason

    why = "its login needs a refresh, which this run may not make: …; check it on its own"
    token = AccountResult("token", Status.NOT_VERIFIED, why, finding=True)
    chips = account_chips([AccountResult("scopes", Status.ALLOWED, "all"), token]).plain
    assert "? token" in chips and "✗ token" not in chips
    report = RightsReport(
        datetime(2026, 12, 7),
        {},
        BUILTIN_PROFILES["integration"],
        CheckMode.DEFAULT,
        4,
        account=[token],
        api=ApiKind.REST,
    )
    assert stop_reason(report) == why  # what happened; what to do is the headline's
    verdict = verdict_line(report, "en")
    assert verdict.startswith("? not verified (exit 3) — ") and "on its own" in verdict
