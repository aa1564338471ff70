"""Run an ASGI application on uvicorn in a background thread, on a port bound up front.

The demo servers (SOAP, and the REST demo mounted beside it) are ASGI apps; this is the one
place that starts and stops the web server for them. uvicorn gives HTTP/1.1 keep-alive,
chunked request bodies and ``Expect: 100-continue`` the way IIS does, without hand-written
HTTP plumbing. The socket is bound before the thread starts, so the port (and base URL) is
known as soon as the constructor returns, and a port in use fails there with ``OSError``.

Two things a test server needs that ASGI does not offer are here too: an interruptible
pause (latency, throttling, a hung call) that ends at once on :meth:`AsgiHost.stop`, and a
TCP reset of the connection a request came on (the ``reset``/``timeout`` misbehaviours).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

# IIS keeps an idle connection two minutes; clients pool connections across a whole check.
KEEP_ALIVE_S = 120
BACKLOG = 1024


def tcp_listener(host: str, port: int, backlog: int = BACKLOG) -> socket.socket:
    """A bound, listening TCP socket for a demo server.

    Created with ``IPPROTO_TCP`` named explicitly: asyncio turns Nagle's algorithm off
    (``TCP_NODELAY``) only on sockets whose protocol says TCP, and the connections accepted
    here inherit it. With protocol 0, every reply whose headers and body go out in two writes
    waits for the client's delayed ACK, about 40 ms a call on Linux, on top of any latency
    a scenario asks for.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


class AsgiHost:
    """One uvicorn server for ``app`` on ``host:port`` (0 = a free port), in a daemon thread."""

    def __init__(self, app: Any, host: str, port: int, *, name: str = "nmbrs-demo") -> None:
        sock = tcp_listener(host, port)
        sock.setblocking(False)
        self.host = host
        self.port = int(sock.getsockname()[1])
        self._sock = sock
        self._connections: dict[tuple[str, int], asyncio.Transport] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._stopped = threading.Event()
        config = uvicorn.Config(
            app,
            http=self._protocol_class(),
            ws="none",
            lifespan="off",
            interface="asgi3",
            proxy_headers=False,
            loop="asyncio",
            log_config=None,
            log_level="critical",
            access_log=False,
            server_header=False,
            headers=[("Server", "nmbrs-tui-demo/1")],
            timeout_keep_alive=KEEP_ALIVE_S,
            timeout_graceful_shutdown=2,
            backlog=BACKLOG,
        )
        self._server = uvicorn.Server(config)
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{name}:{self.port}", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout=30):  # pragma: no cover - a broken installation
            raise OSError(f"the demo server on port {self.port} did not start")

    def _protocol_class(self) -> type[H11Protocol]:
        connections = self._connections

        class _TrackedH11(H11Protocol):
            """Remembers each connection's transport by peer, so a request can reset it."""

            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                super().connection_made(transport)  # type: ignore[arg-type]
                peer = transport.get_extra_info("peername")
                if peer is not None:
                    connections[(str(peer[0]), int(peer[1]))] = transport  # type: ignore[assignment]
                sock = transport.get_extra_info("socket")
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def connection_lost(self, exc: Exception | None) -> None:
                peer = self.transport.get_extra_info("peername") if self.transport else None
                if peer is not None:
                    connections.pop((str(peer[0]), int(peer[1])), None)
                super().connection_lost(exc)

        return _TrackedH11

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)

        async def serve() -> None:
            self._stop_event = asyncio.Event()
            task = loop.create_task(self._server.serve(sockets=[self._sock]))
            while not self._server.started and not task.done():
                await asyncio.sleep(0.005)
            self._ready.set()
            await task

        try:
            loop.run_until_complete(serve())
        finally:
            self._ready.set()
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._stopped.set()

    # ------------------------------------------------------------------ for the apps
    async def pause(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; returns early (True) when the server is stopping."""
        if seconds <= 0:
            return False
        event = self._stop_event
        if event is None:
            await asyncio.sleep(seconds)
            return False
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)
            return True
        return False

    async def reset(self, scope: dict[str, Any]) -> None:
        """Drop the request's connection with a TCP reset (SO_LINGER 0), sending nothing."""
        client = scope.get("client")
        transport = self._connections.get((str(client[0]), int(client[1]))) if client else None
        if transport is None:
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
        # Let uvicorn see the connection gone before the app returns without an answer.
        for _ in range(3):
            await asyncio.sleep(0)

    # ------------------------------------------------------------------ lifecycle
    @property
    def running(self) -> bool:
        return not self._stopped.is_set() and not self._server.should_exit

    def stop(self) -> None:
        """Stop serving and free the port; idempotent."""
        if self._server.should_exit and self._stopped.is_set():
            return
        loop = self._loop
        if loop is not None and not loop.is_closed() and self._stop_event is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._stop_event.set)
        self._server.should_exit = True
        self._thread.join(timeout=10)
        with contextlib.suppress(OSError):
            self._sock.close()
