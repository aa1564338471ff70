"""The transport's session reads proxies, CA bundle and ~/.netrc once per host, as requests would.

requests reads them again at every call when ``trust_env`` is on; the transport's session reads
them at its first call to a host. What it applies must be exactly what requests applies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from nmbrs_client.transport import _EnvironmentReadOnce

URL = "https://api.nmbrs.nl/soap/v3/EmployeeService.asmx"
ENV_NAMES = (
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NETRC",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc of the machine running the tests


def merged(session: requests.Session, url: str = URL) -> dict[str, Any]:
    return dict(session.merge_environment_settings(url, {}, True, None, None))


@pytest.mark.parametrize(
    "environment",
    [
        {},
        {"HTTPS_PROXY": "http://proxy.example:3128"},
        {"HTTPS_PROXY": "http://proxy.example:3128", "NO_PROXY": "api.nmbrs.nl"},
        {"https_proxy": "http://proxy.example:3128", "no_proxy": ".nmbrs.nl"},
        {"ALL_PROXY": "socks5://proxy.example:1080"},
        {"REQUESTS_CA_BUNDLE": "/etc/company-ca.pem"},
        {"CURL_CA_BUNDLE": "/etc/curl-ca.pem", "HTTP_PROXY": "http://proxy.example:80"},
    ],
)
def test_the_settings_applied_are_those_requests_applies(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    reference = requests.Session()  # trust_env: reads the environment at each call
    ours = _EnvironmentReadOnce()
    for session in (reference, ours):
        session.verify = True
    assert merged(ours) == merged(reference)
    assert merged(ours, "http://127.0.0.1:8080/soap/") == merged(
        reference, "http://127.0.0.1:8080/soap/"
    )


def test_netrc_credentials_are_sent_as_requests_sends_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine api.nmbrs.nl login someone password secret\n", "utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    request = requests.Request("POST", URL, data=b"<x/>")
    ours = _EnvironmentReadOnce().prepare_request(request)
    reference = requests.Session().prepare_request(requests.Request("POST", URL, data=b"<x/>"))
    assert ours.headers.get("Authorization") == reference.headers.get("Authorization")
    assert str(ours.headers.get("Authorization", "")).startswith("Basic ")


def test_the_environment_is_read_once_per_host(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real = requests.utils.get_environ_proxies

    def counted(url: str, no_proxy: str | None = None) -> dict[str, str]:
        reads.append(url)
        return real(url, no_proxy=no_proxy)

    monkeypatch.setattr(requests.utils, "get_environ_proxies", counted)
    session = _EnvironmentReadOnce()
    for _ in range(5):
        merged(session)
        session.prepare_request(requests.Request("POST", URL, data=b"<x/>"))
    assert len(reads) == 1
    merged(session, "https://api-sandbox.nmbrs.nl/soap/v3/CompanyService.asmx")
    assert len(reads) == 2  # another host is read for itself
