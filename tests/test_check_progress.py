"""The check's progress lines on stderr speak words, as the report does, not enum values."""

from __future__ import annotations

import pytest

from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.results import AccountResult, Phase, Stage
from tui.headless.check_run import Progress


def test_account_lines_say_the_status_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    progress = Progress(quiet=False)
    progress(Phase(Stage.ACCOUNT, "token, debtors and companies"))
    progress(AccountResult("scopes", Status.SCOPE_MISSING, "2 scopes missing"))
    progress(AccountResult("companies", Status.NO_DATA_ACCESS, "none visible"))
    err = capsys.readouterr().err
    assert "scopes: ✗ no scope" in err
    assert "companies: ⊘ no access" in err
    assert "scope_missing" not in err and "no_data_access" not in err


def test_quiet_prints_nothing_but_still_counts(capsys: pytest.CaptureFixture[str]) -> None:
    progress = Progress(quiet=True)
    progress(AccountResult("scopes", Status.ALLOWED, "all granted"))
    assert capsys.readouterr().err == ""
