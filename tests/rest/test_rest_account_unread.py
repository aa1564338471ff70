"""The account that consented (``/api/user/info``) could not be read, yet the check goes on.

The report and the Connection pane say so, and why (one sanitised line), instead of leaving
the account out; who consented is shown, not required, so the verdict does not change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.ids import ApiKind
from nmbrs_client.rest.connect import backend_from_settings
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.report import render
from nmbrs_demo.reach import demo_settings
from tests.rest.test_rest_check import probe_demo_through
from tests.rest.test_rest_gateway_demo import gateway_scenario
from tests.rest.test_rest_refusals import _Refusing
from tui.cli import main

UNREAD = {"en": "the account could not be read", "nl": "het account kon niet worden gelezen"}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_report_says_the_account_could_not_be_read_and_the_verdict_stands(
    tmp_path: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "user.toml"
    scenario.write_text('gateway_refuse = ["user.info"]\n', encoding="utf-8")
    args = ["check", "--demo", "--api", "rest", "--scenario", str(scenario), "-q"]
    assert main([*args, "--format", "json"]) == ExitCode.OK
    data = json.loads(capsys.readouterr().out)
    user = next(a for a in data["account"] if a["check"] == "user")
    assert user["status"] == "error" and user["finding"] is False
    assert user["message"].startswith(UNREAD["en"] + ": refused by the API gateway")
    assert not data["environment"]["username"]  # the reason is never taken for a name
    assert main([*args, "--lang", lang]) == ExitCode.OK
    text = capsys.readouterr().out
    line = next(row for row in text.splitlines() if UNREAD[lang] in row)
    assert "user.info" in line and "403" in line
    assert "Could not be established" not in text and "Niet vastgesteld" not in text


def test_the_reason_from_the_wire_is_made_safe() -> None:
    hostile = {"statusCode": 403, "message": "\x1b[31mOwned\x1b[0m\x07 " + "x" * 5000}
    report = probe_demo_through(_Refusing(r"/api/user/info", hostile))
    user = next(a for a in report.account if a.check == "user")
    assert user.status is Status.ERROR and not user.finding
    assert "Owned" in user.message
    assert "\x1b" not in user.message and "\x07" not in user.message
    assert len(user.message) < 400
    assert report.exit_code == ExitCode.OK
    assert "\x1b" not in render(report, "text", "en")


def test_the_connection_still_works_and_says_why_the_account_is_unread(
    rest_demo_factory: Any,
) -> None:
    server = rest_demo_factory(gateway_scenario(frozenset({"user.info"})))
    backend = backend_from_settings(demo_settings(server.base_url, api=ApiKind.REST))
    try:
        identity = backend.identity()
    finally:
        backend.close()
    assert identity.user == ""
    assert "user.info" in identity.user_unread and "403" in identity.user_unread
    healthy = backend_from_settings(
        demo_settings(rest_demo_factory("healthy").base_url, api=ApiKind.REST)
    )
    try:
        assert healthy.identity().user_unread == ""
    finally:
        healthy.close()


def test_the_connection_pane_says_the_username_could_not_be_read_and_why() -> None:
    from tui.connect import CONNECTED, ConnectionInfo
    from tui.panes.connection import ConnectionPane

    pane = ConnectionPane(deterministic=True)
    why = "user.info failed with HTTP 403 (Forbidden)"
    pane.info = ConnectionInfo(stage=CONNECTED, api="rest", user_unread=why)
    shown = dict((label, text.plain) for label, text in pane._info_rows())
    assert shown["Username"] == f"could not be read  ({why})"
    pane.info = ConnectionInfo(stage=CONNECTED, api="rest", username="demo@example.com")
    shown = dict((label, text.plain) for label, text in pane._info_rows())
    assert shown["Username"] == "demo@example.com"
