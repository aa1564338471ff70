"""The transport sends each SOAP call exactly as ``requests.Session.post`` would send it.

The transport prepares a request once per address and headers and sends copies of it through
the session's adapter; what reaches the server (request line, headers in order, body) must be
what the session's own ``post`` sends, with the environment's proxy and ``.netrc`` applied the
same way, and cookies a server sets must come back as the session would send them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from nmbrs_client.transport import GuardedTransport

ENVELOPE = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
    b"<soap:Body><R/></soap:Body></soap:Envelope>"
)
ENV_NAMES = (
    *("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"),
    *("NO_PROXY", "no_proxy", "NETRC", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"),
)


@dataclass(frozen=True)
class Seen:
    """One request as the server read it."""

    line: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass
class Capture:
    base: str = ""
    seen: list[Seen] = field(default_factory=list)
    set_cookie: str | None = None


@contextmanager
def capture_server() -> Iterator[Capture]:
    state = Capture()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.seen.append(Seen(self.requestline, tuple(self.headers.items()), body))
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(ENVELOPE)))
            if state.set_cookie:
                self.send_header("Set-Cookie", state.set_cookie)
            self.end_headers()
            self.wfile.write(ENVELOPE)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc of the machine running the tests


def transport() -> GuardedTransport:
    return GuardedTransport(
        connect_timeout=5.0,
        read_timeout=10.0,
        max_bytes=1 << 20,
        verify_tls=True,
        pool_size=4,
        user_agent="nmbrs-tui/test",
    )


def soap_headers(operation: str) -> dict[str, str]:
    action = f'"https://api.nmbrs.nl/soap/v3/EmployeeService/{operation}"'
    return {"SOAPAction": action, "Content-Type": "text/xml; charset=utf-8"}


CALLS = [  # bodies of different lengths, two operations, one of them twice
    (soap_headers("Function_GetCurrent"), b"<a>first</a>"),
    (soap_headers("Department_GetCurrent"), b"<a>second, longer \xc3\xa9 &amp; more</a>"),
    (soap_headers("Function_GetCurrent"), b"<a>third</a>" * 50),
]


def sent_by_both(address: str, capture: Capture) -> tuple[list[Seen], list[Seen]]:
    """What the server saw from the transport's calls, and from the session's own post."""
    ours = transport()
    for headers, body in CALLS:
        ours.post(address, body, headers).close()
    by_transport = list(capture.seen)
    capture.seen.clear()
    reference = transport().session
    for headers, body in CALLS:
        reference.post(
            address, data=body, headers=headers, timeout=(5.0, 10.0), allow_redirects=False
        ).close()
    return by_transport, list(capture.seen)


def test_each_call_reaches_the_server_as_the_sessions_own_post_sends_it() -> None:
    with capture_server() as capture:
        ours, reference = sent_by_both(f"{capture.base}/soap/v3/EmployeeService.asmx", capture)
    assert len(ours) == len(CALLS)
    assert ours == reference
    assert [seen.body for seen in ours] == [body for _headers, body in CALLS]


def test_a_proxy_and_netrc_from_the_environment_apply_as_requests_applies_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine api.example.invalid login someone password secret\n", "utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with capture_server() as capture:
        monkeypatch.setenv("HTTP_PROXY", capture.base)  # the capture server plays the proxy
        address = "http://api.example.invalid/soap/v3/EmployeeService.asmx"
        ours, reference = sent_by_both(address, capture)
    assert ours == reference
    assert ours[0].line.startswith(f"POST {address} ")  # went through the proxy
    assert any(name == "Authorization" for name, _value in ours[0].headers)


def test_cookies_a_server_sets_come_back_as_the_session_sends_them() -> None:
    def cookie_headers(seen: Seen) -> list[str]:
        return [value for name, value in seen.headers if name.lower() == "cookie"]

    with capture_server() as capture:
        address = f"{capture.base}/soap/v3/EmployeeService.asmx"
        capture.set_cookie = "affinity=abc; Path=/"
        ours = transport()
        for headers, body in CALLS:
            ours.post(address, body, headers).close()
        by_transport = list(capture.seen)
        capture.seen.clear()
        reference = transport().session
        for headers, body in CALLS:
            reference.post(address, data=body, headers=headers, allow_redirects=False).close()
    assert [cookie_headers(s) for s in by_transport] == [[], ["affinity=abc"], ["affinity=abc"]]
    assert by_transport == capture.seen
