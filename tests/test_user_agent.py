"""Every request names nmbrs-tui and its one version in its User-Agent, on both APIs.

zeep's ``Transport.__init__`` writes its own User-Agent into the session it is given, so a
value set before it was lost and SOAP calls went out as ``Zeep/x.y.z``; these tests read the
header where a server reads it.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.rest.auth.oauth import discover
from nmbrs_client.rest.transport import RestTransport
from nmbrs_client.version import USER_AGENT, VERSION
from tests.capture_server import capture_server
from tests.hostile_server import Answer, answering, settings_for


def test_the_user_agent_is_nmbrs_tui_with_the_packages_version() -> None:
    from importlib.metadata import version as installed

    assert USER_AGENT == f"nmbrs-tui/{VERSION}" == f"nmbrs-tui/{installed('nmbrs-tui')}"


def test_soap_calls_reach_the_server_as_nmbrs_tui() -> None:
    with capture_server() as capture:
        client = NmbrsClient(settings_for(f"{capture.base}/soap/v3/"))
        client.call("EmployeeService.Function_GetCurrent", EmployeeId=42)  # from a template
        client.call("EmployeeService.Function_GetCurrent", EmployeeId=True)  # built by zeep
        client.close()
    agents = [dict(seen.headers).get("User-Agent") for seen in capture.seen]
    assert agents == [USER_AGENT, USER_AGENT]


def test_rest_calls_and_the_login_discovery_reach_the_server_as_nmbrs_tui(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    agents: list[str | None] = []

    def answer(request: BaseHTTPRequestHandler, _sent: bytes) -> Answer:
        agents.append(request.headers.get("User-Agent"))
        return Answer(200, json.dumps({"items": []}).encode(), "application/json")

    with answering(answer) as base:
        transport = RestTransport(f"{base}/api/", subscription_key=lambda: "k" * 32)
        transport.get("Companies", "companies", {}, access_token="t" * 40)
        transport.close()
        discover(f"{base}/identity")
    assert agents == [USER_AGENT, USER_AGENT]
