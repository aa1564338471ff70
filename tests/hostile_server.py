"""A scripted HTTP server for hostile-reply tests: each path prefix plays one misbehaviour."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

Behaviour = Callable[[BaseHTTPRequestHandler], None]


def reply(
    status: int,
    body: bytes,
    content_type: str = "text/xml; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> Behaviour:
    def play(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)

    return play


def soap_fault(text: str, status: int = 500) -> Behaviour:
    body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        "<soap:Body><soap:Fault><faultcode>soap:Server</faultcode>"
        f"<faultstring>{text}</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>"
    ).encode()
    return reply(status, body)


def soap12_fault(text: str) -> Behaviour:
    body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>'
        "<soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code>"
        f'<soap:Reason><soap:Text xml:lang="en">{text}</soap:Text></soap:Reason>'
        "<soap:Detail /></soap:Fault></soap:Body></soap:Envelope>"
    ).encode()
    return reply(500, body, "application/soap+xml; charset=utf-8")


def drip(total_s: float, byte_every_s: float) -> Behaviour:
    """Send headers, then one byte at a time: never idle long enough for a read timeout."""

    def play(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/xml; charset=utf-8")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        end = time.monotonic() + total_s
        try:
            while time.monotonic() < end:
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(byte_every_s)
        except OSError:
            return

    return play


def drip_headers(total_s: float, byte_every_s: float) -> Behaviour:
    """Send the status line, then the headers one byte at a time: the body never starts."""

    def play(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        handler.wfile.flush()
        end = time.monotonic() + total_s
        header = b"X-Slow: " + b"a" * 10_000
        try:
            for byte in header:
                if time.monotonic() >= end:
                    return
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(byte_every_s)
        except OSError:
            return

    return play


def silent(seconds: float) -> Behaviour:
    def play(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)

    return play


def reset() -> Behaviour:
    def play(handler: BaseHTTPRequestHandler) -> None:
        sock: socket.socket = handler.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        handler.rfile.close()
        handler.wfile.close()
        sock.close()  # linger 0: the peer sees a reset, not an orderly close

    return play


def huge(size: int, declare_length: bool) -> Behaviour:
    def play(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/xml; charset=utf-8")
        if declare_length:
            handler.send_header("Content-Length", str(size))
        handler.end_headers()
        chunk = b"<a>" + b"x" * 65530 + b"</a>"
        sent = 0
        try:
            handler.wfile.write(b"<?xml version='1.0'?><r>")
            while sent < size:
                handler.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            return

    return play


@dataclass
class HostileServer:
    base: str
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    requests: list[tuple[str, bytes]] = field(default_factory=list)

    def url(self, case: str) -> str:
        return f"{self.base}/{case}/soap/v3/"


@contextmanager
def hostile_server(behaviours: dict[str, Behaviour]) -> Iterator[HostileServer]:
    state = HostileServer(base="", behaviours=behaviours)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            case = self.path.strip("/").split("/")[0]
            state.requests.append((self.path, body))
            state.behaviours[case](self)

        do_GET = do_POST

        def log_message(self, format: str, *args: object) -> None:
            return

    class QuietServer(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            return  # broken connections are the point of these cases

    with serving(Handler, QuietServer) as base:
        state.base = base
        yield state


@contextmanager
def serving(
    handler: type[BaseHTTPRequestHandler],
    server_class: type[ThreadingHTTPServer] = ThreadingHTTPServer,
) -> Iterator[str]:
    """``handler`` served on a free local port in a thread of its own; yields the base URL."""
    server = server_class(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Answer:
    """One reply of :func:`answering`'s server."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


@contextmanager
def answering(
    answer: Callable[[BaseHTTPRequestHandler, bytes], Answer],
) -> Iterator[str]:
    """A local server that answers every GET and POST with ``answer(request, body)``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            sent = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            reply = answer(self, sent)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST

        def log_message(self, format: str, *args: object) -> None:
            return

    with serving(Handler) as base:
        yield base


def settings_for(base_url: str, **overrides: object) -> SimpleNamespace:
    """Minimal client settings (the client only needs these attributes)."""
    soap_keys = ("base_url", "username", "token", "domain", "wsdl")
    values: dict[str, object] = dict(
        base_url=base_url,
        username="support@example.nl",
        token="SECRET-TOKEN-123456",
        domain="acme",
        timeout_s=2.0,
        connect_timeout_s=1.0,
        concurrency=4,
        rate_limit_per_s=1000.0,
        wsdl="bundled",
        verify_tls=True,
        max_response_mb=1.0,
    )
    values.update(overrides)
    soap = SimpleNamespace(**{k: v for k, v in values.items() if k in soap_keys})
    return SimpleNamespace(soap=soap, **{k: v for k, v in values.items() if k not in soap_keys})
