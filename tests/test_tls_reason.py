"""A server whose certificate is not trusted fails as TLS, in one line that says why.

The line used to be requests' own text cut at 160 characters (an internal pool class name,
``Max retries exceeded`` and the URL, cut before the reason) on SOAP, and a bare ``TLS
failure`` on REST. Both now name the reason the ssl module gives (``self-signed
certificate``), from a real handshake with a local server.
"""

from __future__ import annotations

import datetime
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from nmbrs_client.client import NmbrsClient
from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.rest.transport import RestTransport
from tests.hostile_server import serving, settings_for


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextmanager
def self_signed_server(folder: Path) -> Iterator[str]:
    """An https server on loopback with a self-signed certificate (no request gets through)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(folder))

    class Server(ThreadingHTTPServer):
        def server_bind(self) -> None:
            super().server_bind()
            self.socket = context.wrap_socket(self.socket, server_side=True)

        def handle_error(self, request: object, client_address: object) -> None:
            return  # the handshake the client refuses is the point, not a server error

    with serving(Handler, Server) as base:
        yield base.replace("http://", "https://", 1)


@pytest.fixture(autouse=True)
def no_proxy_or_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))


def _assert_one_clear_line(error: NmbrsTransportError) -> None:
    assert error.kind == "tls"
    assert error.problem == "TLS failure (self-signed certificate)"
    assert "\n" not in str(error)


def test_soap_names_why_the_certificate_was_refused(tmp_path: Path) -> None:
    with self_signed_server(tmp_path) as base:
        client = NmbrsClient(settings_for(f"{base}/soap/v3/"))
        with pytest.raises(NmbrsTransportError) as info:
            client.call("DebtorService.Environment_Get")
        client.close()
    _assert_one_clear_line(info.value)


def test_rest_names_why_the_certificate_was_refused(tmp_path: Path) -> None:
    with self_signed_server(tmp_path) as base:
        transport = RestTransport(f"{base}/api/", subscription_key=lambda: "k" * 32)
        with pytest.raises(NmbrsTransportError) as info:
            transport.get("Companies", "companies", {}, access_token="t" * 40)
        transport.close()
    _assert_one_clear_line(info.value)


def test_a_live_wsdl_from_that_server_fails_the_same_way(tmp_path: Path) -> None:
    with self_signed_server(tmp_path) as base:
        client = NmbrsClient(settings_for(f"{base}/soap/v3/", wsdl="live"))
        with pytest.raises(NmbrsTransportError) as info:
            client.call("DebtorService.Environment_Get")
        client.close()
    _assert_one_clear_line(info.value)


def test_the_identity_service_names_it_too_when_a_login_is_refreshed(tmp_path: Path) -> None:
    from nmbrs_client.errors import NmbrsError
    from nmbrs_client.rest.auth.credentials import load_credentials
    from nmbrs_client.rest.auth.oauth import Endpoints, OAuthFlow

    with self_signed_server(tmp_path) as base:
        credentials = load_credentials(
            "t",
            environ={
                "NMBRS_REST_CLIENT_ID": "app",
                "NMBRS_REST_CLIENT_SECRET": "app-secret",
                "NMBRS_REST_IDENTITY_URL": f"{base}/identity",
            },
        )
        flow = OAuthFlow(credentials, endpoints=Endpoints.under(f"{base}/identity"))
        with pytest.raises(NmbrsError) as info:
            flow.refresh("refresh-token-1234")
        flow.close()
    assert str(info.value) == "TLS failure with the identity service (self-signed certificate)"
