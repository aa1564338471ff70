"""The transport sends each SOAP call exactly as ``requests.Session.post`` would send it.

The transport prepares a request once per address and headers and sends copies of it through
the session's adapter; what reaches the server (request line, headers in order, body) must be
what the session's own ``post`` sends, with the environment's proxy and ``.netrc`` applied the
same way, and cookies a server sets must come back as the session would send them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from nmbrs_client.transport import GuardedTransport
from tests.capture_server import Capture, Seen, capture_server

ENV_NAMES = (
    *("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"),
    *("NO_PROXY", "no_proxy", "NETRC", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"),
)


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
        capture.set_cookie = "affinity=abc; Path=/"
        ours, reference = sent_by_both(f"{capture.base}/soap/v3/EmployeeService.asmx", capture)
    assert [cookie_headers(seen) for seen in ours] == [[], ["affinity=abc"], ["affinity=abc"]]
    assert ours == reference


def test_a_header_value_requests_refuses_is_refused_the_same() -> None:
    with capture_server() as capture:
        address = f"{capture.base}/soap/v3/EmployeeService.asmx"
        ours = transport()
        ours.post(address, b"<a/>", soap_headers("Function_GetCurrent")).close()  # prepared
        injected = {**soap_headers("Function_GetCurrent"), "SOAPAction": '"x"\r\nX-Injected: 1'}
        with pytest.raises(requests.exceptions.InvalidHeader):
            ours._send_post(address, b"<a/>", injected, 10.0)
        with pytest.raises(requests.exceptions.InvalidHeader):
            transport().session.post(address, data=b"<a/>", headers=injected)
    assert len(capture.seen) == 1
