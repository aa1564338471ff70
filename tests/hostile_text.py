"""A proxy in front of the demo server that fills every reply with hostile text.

Names gain markup, C1 controls (CSI ``\\x9b``, NEL ``\\x85``), a bidi override and a CR LF
that tries to forge a "Summary" line; PDFs carry OSC and colour escape sequences in their text;
``Function_GetCurrent`` answers with a gateway's HTML page whose title holds escape sequences.
(XML 1.0 cannot carry ESC itself, so ESC reaches the client only through PDFs and HTML pages.)
"""

from __future__ import annotations

import base64
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from nmbrs_demo.pdf import TextLine, render_pdf

# What a name gains: XML character references, so the reply stays well-formed. The prefix
# fits in the 14 characters a rights-matrix column label shows.
NAME_PREFIX_XML = "[/b][red]&#x9b;&#x202e;"
NAME_SUFFIX_XML = "&#x85;&#13;&#10;Summary: all rights present"
PDF_TEXT = "\x1b]0;pwned\x07 \x1b[31;1mred\x1b[0m [/b] [red]payslip"
HTML_TITLE = "\x1b]0;owned\x07\x1b[31;1mBad Gateway [/b]\x9b2J"
HTML_PAGE = (f"<html><head><title>{HTML_TITLE}</title></head><body>no</body></html>").encode(
    "utf-8", "surrogateescape"
)

# Raw characters that must never reach a terminal, a report or a file name.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAME_TAGS = re.compile(
    rb"<((?:\w+:)?(?:Name|FirstName|LastName|DisplayName|Description))>([^<]*)<"
)
_PDF = re.compile(rb"<((?:\w+:)?PDF)>[^<]*<")


def hostile_pdf() -> bytes:
    return render_pdf([TextLine(PDF_TEXT), TextLine("Netto", "\x1b[5m1.234,56")], PDF_TEXT)


def rewrite(body: bytes) -> bytes:
    body = _NAME_TAGS.sub(
        lambda m: (
            b"<%s>%s%s%s<"
            % (m.group(1), NAME_PREFIX_XML.encode(), m.group(2), NAME_SUFFIX_XML.encode())
        ),
        body,
    )
    encoded = base64.b64encode(hostile_pdf())
    return _PDF.sub(lambda m: b"<" + m.group(1) + b">" + encoded + b"<", body)


def raw_controls(text: str) -> list[str]:
    """The forbidden characters found in ``text`` (empty when it is safe)."""
    return FORBIDDEN.findall(text)


@contextmanager
def hostile_proxy(target_base_url: str) -> Iterator[str]:
    """Yield the base URL of a proxy forwarding to ``target_base_url`` with hostile replies."""
    target = target_base_url.split("/soap/")[0]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def _forward(self, body: bytes | None) -> None:
            if body is not None and b"Function_GetCurrent" in body:
                self._send(502, "text/html", HTML_PAGE)
                return
            request = urllib.request.Request(
                target + self.path,
                data=body,
                method=self.command,
                headers={k: v for k, v in self.headers.items() if k.lower() != "host"},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, ctype, data = (
                        response.status,
                        response.headers["Content-Type"],
                        response.read(),
                    )
            except urllib.error.HTTPError as error:
                status, ctype, data = error.code, error.headers["Content-Type"], error.read()
            self._send(status, ctype or "text/xml", rewrite(data))

        def _send(self, status: int, ctype: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._forward(None)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._forward(self.rfile.read(length))

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/soap/v3/"
    finally:
        server.shutdown()
        server.server_close()
