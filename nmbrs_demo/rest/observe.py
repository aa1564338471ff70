"""What the REST demo's observers see: each request and its answer, copied on the way through.

This is how the contract tests validate every answer against the OpenAPI document without the
app depending on a validator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class Exchange:
    """One request and its answer, as observers see them."""

    method: str
    path: str
    query: str
    host: str
    scheme: str
    request_headers: dict[str, str]
    request_body: bytes = b""
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    # Set by the app when a reading deliberately answers outside the OpenAPI document.
    off_spec: str | None = None

    @property
    def content_type(self) -> str:
        return self.response_headers.get("content-type", "")


Observer = Callable[[Exchange], None]


class ObserveMiddleware:
    """Pure ASGI: copies each request and response for the demo's observers."""

    def __init__(self, app: ASGIApp, observers: list[Observer]) -> None:
        self.app = app
        self.observers = observers  # the demo's own list: observers come and go while it runs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.observers:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        exchange = Exchange(
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            host=headers.get("host", ""),
            scheme=scope.get("scheme", "http"),
            request_headers=headers,
        )
        scope["nmbrs.exchange"] = exchange
        body_parts: list[bytes] = []

        async def receive_copy() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                body_parts.append(message.get("body", b""))
            return message

        response_parts: list[bytes] = []

        async def send_copy(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                exchange.response_headers = {
                    k.decode("latin-1").lower(): v.decode("latin-1")
                    for k, v in message.get("headers", [])
                }
            elif message["type"] == "http.response.body":
                response_parts.append(message.get("body", b""))
                if not message.get("more_body", False):
                    exchange.request_body = b"".join(body_parts)
                    exchange.response_body = b"".join(response_parts)
                    for observer in list(self.observers):
                        observer(exchange)
            await send(message)

        await self.app(scope, receive_copy, send_copy)
