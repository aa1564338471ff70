"""Catch the OAuth redirect on a loopback port (forwarded with ``ssh -L`` when remote).

A one-shot listener on the host and port of the registered redirect URI: it accepts requests
for the redirect path only, answers with a short plain page that says to return to the
terminal, and hands the full landing URL back. It binds to the loopback address only.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from nmbrs_client.errors import ConfigError


class LoopbackCatcher:
    def __init__(self, redirect_uri: str) -> None:
        parts = urlsplit(redirect_uri)
        if parts.scheme != "http" or parts.hostname not in ("localhost", "127.0.0.1", "::1"):
            raise ConfigError(
                f"the redirect URI {redirect_uri} is not a loopback http URL: "
                "use the pasted-URL route (--paste)"
            )
        self.redirect_uri = redirect_uri
        self.path = parts.path or "/"
        self.port = parts.port or 80
        self._landing: str | None = None
        self._got = threading.Event()
        catcher = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if urlsplit(self.path).path != catcher.path:
                    self.send_error(404)
                    return
                catcher._landing = f"{redirect_uri.split('?')[0]}?{urlsplit(self.path).query}"
                body = b"nmbrs-tui: login received, you can close this tab and return to the terminal.\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                catcher._got.set()

            def log_message(self, format: str, *args: object) -> None:  # never print the code
                return

        host = "::1" if parts.hostname == "::1" else "127.0.0.1"
        try:
            self._server = ThreadingHTTPServer((host, self.port), Handler)
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host}:{self.port} for the redirect ({exc.strerror}): "
                "free the port or use --paste"
            ) from None
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackCatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait(self, timeout_s: float) -> str | None:
        """The landing URL, or ``None`` when nothing arrived in time."""
        return self._landing if self._got.wait(timeout_s) else None
