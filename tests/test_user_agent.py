"""Every request names nmbrs-tui and its one version in its User-Agent, on both APIs.

zeep's ``Transport.__init__`` writes its own User-Agent into the session it is given, so a
value set before it was lost and SOAP calls went out as ``Zeep/x.y.z``; these tests read the
header where a server reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.rest.auth.oauth import discover
from nmbrs_client.rest.transport import RestTransport
from nmbrs_client.version import USER_AGENT, VERSION
from tests.capture_server import capture_server
from tests.hostile_server import serving, settings_for


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


@contextmanager
def get_server(body: bytes) -> Iterator[list[str | None]]:
    """A server that answers every GET with ``body`` (JSON) and keeps each User-Agent."""
    agents: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            agents.append(self.headers.get("User-Agent"))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    with serving(Handler) as base:
        agents.append(base)  # the first entry is the address, taken out by the caller
        yield agents


def test_rest_calls_and_the_login_discovery_reach_the_server_as_nmbrs_tui(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with get_server(json.dumps({"items": []}).encode()) as seen:
        base = str(seen.pop(0))
        transport = RestTransport(f"{base}/api/", subscription_key=lambda: "k" * 32)
        transport.get("Companies", "companies", {}, access_token="t" * 40)
        transport.close()
        discover(f"{base}/identity")
    assert seen == [USER_AGENT, USER_AGENT]
