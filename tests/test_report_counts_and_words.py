"""The report's counts and words agree with what happened, on both APIs.

A support engineer pastes the verdict into a ticket, so every line must be true: the counts
line names the account calls that failed (they are no cells, so "0 errors (0 cells)" alone
beside them reads like a clean run), in the text and in the JSON summary.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.rights.report import load_schema
from tests.config_isolation import isolate
from tui.cli import main

# Each API's own way to have the account's first calls fail: SOAP a host that refuses the
# connection (the check stops at the connection row), REST the API gateway refusing every call
# (the check goes on and every account list fails).
FIRST_CALLS_FAIL = {
    "soap": ["--base-url", "http://127.0.0.1:1/soap/v3/", "--username", "u", "--domain", "d"],
    "rest": ["--demo", "--api", "rest", "--scenario", "gateway-refused"],
}


def _check(
    api: str,
    extra: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str]:
    if api == "soap":
        isolate(tmp_path, monkeypatch)
        monkeypatch.setenv("NMBRS_TOKEN", "not-a-token-of-anyone")
    code = main(["check", *FIRST_CALLS_FAIL[api], "-q", *extra])
    return code, capsys.readouterr().out


def _counts_line(text: str) -> str:
    """The line under the summary's headline: the counts."""
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith(("Summary:", "Samenvatting:")))
    return lines[head + 1]


def _failed_rows(data: dict[str, Any]) -> int:
    return sum(1 for a in data["account"] if a["status"] == "error")


@pytest.mark.parametrize("api", ["soap", "rest"])
def test_the_counts_say_how_many_account_calls_failed(
    api: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _check(api, ["--format", "json"], tmp_path, monkeypatch, capsys)
    data = json.loads(out)
    failed = _failed_rows(data)
    assert code == ExitCode.CONNECT and failed >= 1 and not data["results"]
    jsonschema.validate(data, load_schema())
    assert data["summary"]["account_errors"] == failed
    assert data["summary"]["errors"] == 0  # the cells' count keeps its meaning
    plural = failed > 1
    english = "account checks failed" if plural else "account check failed"
    dutch = "accountcontroles mislukt" if plural else "accountcontrole mislukt"
    for lang, words in (("en", english), ("nl", dutch)):
        code, text = _check(api, ["--lang", lang], tmp_path, monkeypatch, capsys)
        assert _counts_line(text).endswith(f" · {failed} {words}"), text
        assert code == ExitCode.CONNECT


def test_the_schema_describes_the_account_errors_count() -> None:
    summary = load_schema()["properties"]["summary"]["properties"]
    assert summary["account_errors"]["type"] == "integer"


def test_a_profile_whose_account_calls_failed_counts_them_in_the_all_profiles_errors() -> None:
    from datetime import datetime

    from nmbrs_client.ids import ApiKind
    from nmbrs_client.rights.classify import Status
    from nmbrs_client.rights.requirements import BUILTIN_PROFILES
    from nmbrs_client.rights.results import AccountResult, CheckMode, RightsReport
    from tui.headless.all_profiles import Place, outcome_of

    report = RightsReport(
        datetime(2026, 12, 7),
        {},
        BUILTIN_PROFILES["integration"],
        CheckMode.DEFAULT,
        4,
        account=[
            AccountResult("scopes", Status.ALLOWED, "every needed scope is granted"),
            AccountResult("debtors", Status.ERROR, "refused", error_kind="gateway"),
            AccountResult("companies", Status.ERROR, "refused", error_kind="gateway"),
        ],
        api=ApiKind.REST,
    )
    row = outcome_of("acme", Place("production", "rest"), report, 0.1)
    assert row.exit_code == ExitCode.CONNECT and row.errors == 2
