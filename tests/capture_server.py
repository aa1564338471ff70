"""A local HTTP server that records each request as it arrived and answers a small SOAP reply."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.hostile_server import serving

ENVELOPE = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
    b"<soap:Body><R/></soap:Body></soap:Envelope>"
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

    with serving(Handler) as base:
        state.base = base
        yield state
