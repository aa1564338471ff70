"""The REST transport: one hardened GET on httpx, giving a checked reply or a typed error.

The same rules as the SOAP transport (:mod:`nmbrs_client.transport`), for JSON:

- redirects are never followed to another host or scheme (the bearer token and the
  subscription key must not travel elsewhere); a same-host redirect is followed at most twice;
- the body is read in chunks under a size limit, and once connected the whole reply (status
  line, headers, body) must arrive within the read time-out: every socket read waits at most
  what is left of it, so headers or a body dripping a byte at a time are cut when a server
  that never answers would be (one bound for both);
- an HTML page (a gateway's 502/503, a proxy's login page) is a transport error, never data;
- a JSON reply that does not parse is a transport error that says so.

Secrets are added to the request here and nowhere else, and no error text contains them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from nmbrs_client.errors import (
    NmbrsTransportError,
    redact,
    redact_bytes,
    tls_failure,
    tls_reason,
)
from nmbrs_client.rest.errors import clean_text
from nmbrs_client.version import USER_AGENT

_MAX_REDIRECTS = 2


@dataclass(frozen=True)
class RestReply:
    """A reply that passed the transport checks (any status; the client judges it)."""

    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str]

    @property
    def is_json(self) -> bool:
        return "json" in self.content_type or self.body.lstrip()[:1] in (b"{", b"[", b'"')

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class TransportLimits:
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    # The whole reply once connected, redirects included: the read time-out unless set shorter.
    deadline_s: float | None = None

    def deadline_for(self, read_timeout_s: float) -> float:
        """How long a call whose read time-out is ``read_timeout_s`` may take once connected."""
        return min(self.deadline_s or read_timeout_s, read_timeout_s)

    max_bytes: int = 80 * 1024 * 1024


def looks_like_html(body: bytes, content_type: str) -> bool:
    head = body.lstrip()[:64].lower()
    return head.startswith((b"<!doctype html", b"<html")) or (
        "text/html" in content_type and not head.startswith((b"{", b"["))
    )


def html_title(body: bytes) -> str:
    lower = body[:4096].lower()
    start, end = lower.find(b"<title>"), lower.find(b"</title>")
    if start >= 0 and end > start:
        return clean_text(body[start + 7 : end].decode("utf-8", "replace"), 80)
    return ""


class _CallClock:
    """The time one call has spent since its connection was ready: the connect (bounded by
    its own time-out) is not taken from the reply's deadline, as on SOAP."""

    _CONNECTED = ("connection.connect_tcp.complete", "connection.start_tls.complete")

    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self.started = monotonic()

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's trace hook: a new connection (or its TLS) just became ready."""
        if event in self._CONNECTED:
            self.started = self._monotonic()

    def elapsed_s(self) -> float:
        return self._monotonic() - self.started


# The call this thread is making: its clock and how long its reply may take once connected.
_current = threading.local()


def _read_timeout_left(timeout: float | None) -> float | None:
    """A socket read's time-out, shortened to what is left of this thread's call deadline."""
    call: tuple[_CallClock, float] | None = getattr(_current, "call", None)
    if call is None:
        return timeout
    clock, deadline = call
    left = deadline - clock.elapsed_s()
    if left <= 0:
        raise httpcore.ReadTimeout("the reply's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read waits at most what is left of the call's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _read_timeout_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend with :class:`_DeadlineStream` connections."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _bound_reads(transport: Any) -> None:
    """Give an httpx transport's connection pool (direct or through a proxy) deadline-bound
    connections; httpx names no option for a pool's network backend, so it is set here."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is not None and not isinstance(backend, _DeadlineBackend):
        pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]


class RestTransport:
    """GETs against one base URL with the bearer token and the subscription key attached."""

    def __init__(
        self,
        base_url: str,
        *,
        subscription_key: Callable[[], str | None],
        limits: TransportLimits | None = None,
        verify_tls: bool = True,
        user_agent: str = USER_AGENT,
        http_transport: httpx.BaseTransport | None = None,
        pool_size: int = 8,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("REST base URL must be an http(s) URL with a host")
        self.base_url = base_url.rstrip("/") + "/"
        self.host = parts.netloc
        self._origin = (parts.scheme, parts.netloc)
        self.limits = limits or TransportLimits()
        self.monotonic = time.monotonic  # the clock of the reply's deadline (a test seam)
        self._subscription_key = subscription_key
        pool_limits = httpx.Limits(max_connections=pool_size, max_keepalive_connections=pool_size)
        self._client = httpx.Client(
            transport=http_transport
            or httpx.HTTPTransport(verify=verify_tls, limits=pool_limits, trust_env=True),
            verify=verify_tls,
            follow_redirects=False,
            timeout=httpx.Timeout(
                self.limits.read_timeout_s, connect=self.limits.connect_timeout_s
            ),
            limits=pool_limits,
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            trust_env=True,
        )
        if http_transport is None:  # a given transport (a test's) has no sockets to bound
            for transport in [self._client._transport, *self._client._mounts.values()]:
                _bound_reads(transport)

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        operation: str,
        path: str,
        params: Mapping[str, str],
        *,
        access_token: str,
        read_timeout_s: float | None = None,
    ) -> RestReply:
        """One GET of ``path`` (relative to the base URL) under the total deadline.

        ``read_timeout_s`` shortens this call's read time-out (and its deadline with it): the
        one short retry after a time-out.
        """
        clock = _CallClock(self.monotonic)
        url = urljoin(self.base_url, path.lstrip("/"))
        headers = {"Authorization": f"Bearer {access_token}"}
        key = self._subscription_key()
        if key:
            headers["X-Subscription-Key"] = key
        query: Mapping[str, str] | None = params
        secrets = (access_token, key)
        for _ in range(_MAX_REDIRECTS + 1):
            reply = self._get_once(operation, url, query, headers, clock, read_timeout_s, secrets)
            if not 300 <= reply.status < 400:
                return reply
            target = urljoin(url, reply.headers.get("location", ""))
            tparts = urlsplit(target)
            if (tparts.scheme, tparts.netloc) != self._origin:
                raise NmbrsTransportError(
                    operation,
                    self.host,
                    f"HTTP {reply.status} redirect to {clean_text(tparts.netloc, 80) or 'elsewhere'}"
                    ", not followed (the token must not leave this host)",
                    kind="redirect",
                    status=reply.status,
                    retryable=False,
                )
            url, query = target, None
        raise NmbrsTransportError(
            operation, self.host, "too many redirects", kind="redirect", retryable=False
        )

    def _get_once(
        self,
        operation: str,
        url: str,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str],
        clock: _CallClock,
        read_timeout_s: float | None = None,
        secrets: tuple[str | None, ...] = (),
    ) -> RestReply:
        """One GET; the reply with ``secrets`` (the call's bearer token and subscription key)
        taken out of its body and headers, before any text is read from it: a gateway that
        echoes the request's headers in its error page must not put them in a report."""
        limits = self.limits
        read = read_timeout_s or limits.read_timeout_s
        deadline = limits.deadline_for(read)
        timeout = httpx.Timeout(read, connect=limits.connect_timeout_s)
        _current.call = (clock, deadline)
        try:
            with self._client.stream(
                "GET",
                url,
                params=params,
                headers=headers,
                timeout=timeout,
                extensions={"trace": clock.trace},
            ) as response:
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.limits.max_bytes:
                    raise self._too_large(operation)
                parts: list[bytes] = []
                total = 0
                for chunk in response.iter_bytes():
                    total += len(chunk)
                    if total > self.limits.max_bytes:
                        raise self._too_large(operation)
                    if clock.elapsed_s() >= deadline:
                        raise NmbrsTransportError(
                            operation,
                            self.host,
                            f"reply still incomplete after {deadline:g} s",
                            kind="timeout",
                        )
                    parts.append(chunk)
                body = b"".join(parts)
                status = response.status_code
                content_type = response.headers.get("content-type", "").lower()
                reply_headers = {k.lower(): v for k, v in response.headers.items()}
        except httpx.ConnectTimeout:
            raise NmbrsTransportError(
                operation,
                self.host,
                f"no connection within {self.limits.connect_timeout_s:g} s",
                kind="timeout",
            ) from None
        except httpx.TimeoutException:
            late = clock.elapsed_s() >= deadline  # dripped in, or nothing came at all
            raise NmbrsTransportError(
                operation,
                self.host,
                f"no complete reply within {deadline:g} s"
                if late
                else f"no answer within {read:g} s",
                kind="timeout",
            ) from None
        except httpx.ConnectError as exc:
            reason = tls_reason(exc)
            tls = reason is not None or "SSL" in str(exc) or "certificate" in str(exc).lower()
            raise NmbrsTransportError(
                operation,
                self.host,
                tls_failure(exc) if tls else "connection refused or host not found",
                kind="tls" if tls else "connection",
                retryable=not tls,
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            raise NmbrsTransportError(
                operation,
                self.host,
                "the connection broke while reading the reply",
                kind="connection",
            ) from None
        except httpx.HTTPError as exc:
            raise NmbrsTransportError(
                operation, self.host, clean_text(type(exc).__name__), kind="connection"
            ) from None
        finally:
            _current.call = None
        body = redact_bytes(body, *secrets)
        reply_headers = {name: redact(value, *secrets) for name, value in reply_headers.items()}
        if looks_like_html(body, content_type):
            title = html_title(body)
            raise NmbrsTransportError(
                operation,
                self.host,
                f"HTTP {status} with an HTML page instead of JSON"
                + (f" (page title: {title})" if title else ""),
                kind="http",
                status=status,
                retryable=status in (502, 503, 504),
            )
        return RestReply(status, content_type, body, reply_headers)

    def _too_large(self, operation: str) -> NmbrsTransportError:
        return NmbrsTransportError(
            operation,
            self.host,
            f"reply exceeds the limit of {self.limits.max_bytes / 1e6:.0f} MB",
            kind="too_large",
            retryable=False,
        )
