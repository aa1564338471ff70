"""The embedded demo Nmbrs SOAP v3 server: three ASMX-style endpoints on a local port.

It speaks the wire protocol of the real services closely enough that the project's own
client, a strict zeep client built from Nmbrs' published WSDLs, and third-party SDKs cannot
tell the difference: same paths, WSDLs at ``?WSDL``, SOAPAction checks, ``AuthHeaderWithDomain``
in the service namespace, ASP.NET-style faults, Nmbrs' 150-calls-per-second throttle. The
standard library's threading HTTP server is enough (and adds no dependency); one thread per
connection serves hundreds of simultaneous calls.

Usage::

    with start_demo_server("missing-rights") as server:
        print(server.base_url)   # http://127.0.0.1:PORT/soap/v3/
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import sys
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from nmbrs_client.operations import Header, Operation, Service, get_operation
from nmbrs_demo import DEMO_DOMAIN, DEMO_SEED, DEMO_TODAY, DEMO_TOKEN, DEMO_USERNAME
from nmbrs_demo.handlers import DemoFault, Handlers
from nmbrs_demo.scenarios import Scenario, load_scenario
from nmbrs_demo.soapwire import (
    Envelope,
    LoadedService,
    SoapRequestError,
    content_type,
    fault_xml,
    load_service,
    nmbrs_fault_text,
    parse_envelope,
)

BASE_PATH = "/soap/v3/"
MAX_REQUEST_BYTES = 1024 * 1024
RATE_LIMIT_PER_SECOND = 150
RATE_LIMIT_DELAY_S = 0.5


class RateLimiter:
    """Nmbrs' fair-use throttle: above 150 calls in a sliding second, a call waits 0.5 s.

    It never rejects; it only delays, as Nmbrs documents. ``clock``/``sleep`` are injectable
    so the rule can be tested without waiting.
    """

    def __init__(
        self,
        limit: int = RATE_LIMIT_PER_SECOND,
        window_s: float = 1.0,
        delay_s: float = RATE_LIMIT_DELAY_S,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self.delay_s = delay_s
        self.enabled = enabled
        self._clock = clock
        self._arrivals: deque[float] = deque()
        self._lock = threading.Lock()
        self.max_in_window = 0

    def arrive(self) -> float:
        """Record one call; return how long it must wait (0.0 or ``delay_s``)."""
        with self._lock:
            now = self._clock()
            while self._arrivals and self._arrivals[0] <= now - self.window_s:
                self._arrivals.popleft()
            self._arrivals.append(now)
            count = len(self._arrivals)
            self.max_in_window = max(self.max_in_window, count)
        return self.delay_s if self.enabled and count > self.limit else 0.0


@dataclass
class ServerStats:
    """What the server saw: calls per ``Service.Operation``, HTTP statuses, fault codes."""

    calls: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    faults: Counter[int] = field(default_factory=Counter)
    delayed_calls: int = 0
    max_calls_per_second: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def record(self, operation: str | None, status: int, code: int | None) -> None:
        with self._lock:
            if operation:
                self.calls[operation] += 1
            self.statuses[status] += 1
            if code is not None:
                self.faults[code] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "calls": dict(self.calls),
                "statuses": dict(self.statuses),
                "faults": dict(self.faults),
                "delayed_calls": self.delayed_calls,
                "max_calls_per_second": self.max_calls_per_second,
            }


@lru_cache(maxsize=8)
def _build_world(seed: int, today: date, size: str) -> Any:
    """Worlds are read-only and deterministic, so servers with the same inputs share one."""
    from nmbrs_demo.data import DemoWorld

    return DemoWorld(seed, today, size=size)


_SERVICES_BY_PATH = {f"{BASE_PATH}{s.value}.asmx".lower(): s for s in Service}


class _Reply:
    """A response to send: status, content type and body (or a transport misbehaviour)."""

    def __init__(self, status: int, ctype: str, body: bytes) -> None:
        self.status = status
        self.ctype = ctype
        self.body = body


class _DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512
    allow_reuse_address = True
    demo: DemoServer


class _Handler(BaseHTTPRequestHandler):
    server: _DemoHTTPServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self) -> str:
        return "nmbrs-tui-demo/1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request access log; ``log_calls`` writes its own line."""

    def do_GET(self) -> None:
        self.server.demo._serve_get(self)

    def do_POST(self) -> None:
        self.server.demo._serve_post(self)

    def send_reply(self, reply: _Reply, extra: dict[str, str] | None = None) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.ctype)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "private")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        # Headers and body leave in one write: two small writes on a keep-alive connection
        # meet Nagle's algorithm and delayed ACKs and cost ~40 ms per call.
        buffer: list[bytes] = self._headers_buffer  # type: ignore[attr-defined]
        buffer.append(b"\r\n")
        buffer.append(reply.body)
        with contextlib.suppress(OSError):
            self.flush_headers()


class DemoServer:
    """A running demo server. Stop it with :meth:`stop` or use it as a context manager."""

    def __init__(
        self, scenario: Scenario, world: Any, today: date, *, host: str, port: int, log_calls: bool
    ) -> None:
        self.scenario = scenario
        self.world = world
        self.today = today
        self.log_calls = log_calls
        self.stats = ServerStats()
        self.username = DEMO_USERNAME
        self.domain = DEMO_DOMAIN
        self._token = DEMO_TOKEN
        self.services: dict[Service, LoadedService] = {s: load_service(s) for s in Service}
        self.handlers = Handlers(world, scenario, today)
        self.rate_limiter = RateLimiter(enabled=scenario.rate_limit)
        self._random = random.Random(scenario.seed if scenario.seed is not None else DEMO_SEED)
        self._random_lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _DemoHTTPServer((host, port), _Handler)
        self._httpd.demo = self
        self.host = host
        self.port = int(self._httpd.server_address[1])
        url_host = f"[{host}]" if ":" in host else host
        if host in ("0.0.0.0", "", "::"):
            url_host = "127.0.0.1"
        self.base_url = f"http://{url_host}:{self.port}{BASE_PATH}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"nmbrs-demo-server:{self.port}",
            daemon=True,
        )
        self._thread.start()

    # -- public API -----------------------------------------------------------------------
    def url_for(self, service: Service | str) -> str:
        """Endpoint URL of one service, e.g. ``…/soap/v3/EmployeeService.asmx``."""
        return self.base_url + Service(service).path

    def stop(self) -> None:
        """Stop serving and free the port; idempotent. Open keep-alive threads are daemons."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    @property
    def running(self) -> bool:
        return not self._stopping.is_set()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"DemoServer({self.base_url!r}, scenario={self.scenario.name!r})"

    # -- GET: WSDL and help pages ---------------------------------------------------------
    def _serve_get(self, request: _Handler) -> None:
        parts = urlsplit(request.path)
        service = _SERVICES_BY_PATH.get(parts.path.lower())
        if service is None:
            request.send_reply(_not_found())
            return
        query = {k.lower(): v for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        loaded = self.services[service]
        if "wsdl" in query:
            host = request.headers.get("Host")
            base = f"http://{host}{BASE_PATH}" if host else self.base_url
            body = loaded.location_rewritten(base).encode("utf-8")
            request.send_reply(_Reply(200, "text/xml; charset=utf-8", body))
            return
        items = "".join(f"<li>{name}</li>" for name in sorted(loaded.soap11))
        page = (
            f"<html><head><title>{service.value} Web Service</title></head><body>"
            f"<h1>{service.value}</h1><p>Demo Nmbrs SOAP v3 service. "
            f'The WSDL is at <a href="?WSDL">?WSDL</a>.</p><ul>{items}</ul></body></html>'
        )
        request.send_reply(_Reply(200, "text/html; charset=utf-8", page.encode()))

    # -- POST: SOAP calls -----------------------------------------------------------------
    def _serve_post(self, request: _Handler) -> None:
        started = time.perf_counter()
        parts = urlsplit(request.path)
        service = _SERVICES_BY_PATH.get(parts.path.lower())
        length_text = request.headers.get("Content-Length")
        if service is None:
            self._discard_body(request, length_text)
            request.send_reply(_not_found())
            return
        try:
            length = int(length_text or "")
        except ValueError:
            request.close_connection = True
            request.send_reply(
                _Reply(
                    411, "text/html; charset=utf-8", b"<html><body>Length Required</body></html>"
                )
            )
            return
        if length < 0 or length > MAX_REQUEST_BYTES:
            request.close_connection = True
            reply = _Reply(
                500,
                "text/xml; charset=utf-8",
                fault_xml(
                    "1.1",
                    True,
                    "Server was unable to read request. ---> Maximum request length exceeded.",
                ),
            )
            self._finish(None, reply.status, None, started)
            request.send_reply(reply)
            return
        data = request.rfile.read(length)

        delay = self.rate_limiter.arrive()
        with self.stats._lock:
            self.stats.max_calls_per_second = self.rate_limiter.max_in_window
            if delay:
                self.stats.delayed_calls += 1
        if delay:
            self._stopping.wait(delay)
        if self.scenario.latency_ms > 0:
            self._stopping.wait(self.scenario.latency_ms / 1000)

        flaky = self._draw_flaky()
        if flaky in ("reset", "timeout", "html500", "empty"):
            # Statistics are recorded before answering, so a client that has its answer
            # can rely on them.
            self._finish(
                None,
                0 if flaky in ("reset", "timeout") else (500 if flaky == "html500" else 200),
                None,
                started,
                note=flaky,
            )
            self._misbehave(request, flaky)
            return

        operation, reply, code = self._answer(service, request, data)
        if flaky == "truncated":
            # A complete HTTP answer whose XML stops half-way: a proxy or a cut stream.
            reply = _Reply(reply.status, reply.ctype, reply.body[: max(1, len(reply.body) // 2)])
        self._finish(operation, reply.status, code, started, note=flaky)
        request.send_reply(reply)

    def _answer(
        self, service: Service, request: _Handler, data: bytes
    ) -> tuple[str | None, _Reply, int | None]:
        ctype = request.headers.get("Content-Type", "")
        version_hint = "1.2" if "application/soap+xml" in ctype.lower() else "1.1"
        try:
            envelope = parse_envelope(data)
        except SoapRequestError as exc:
            return (
                None,
                _client_fault(version_hint, f"Server was unable to read request. ---> {exc}"),
                None,
            )
        version = envelope.version
        loaded = self.services[service]
        body = envelope.body
        namespace = service.namespace
        name = etree.QName(body).localname if etree.QName(body).namespace == namespace else None
        action = _requested_action(request, ctype, version)
        known = loaded.operation(name, version) if name else None
        if action:
            if known is None or action != known.soapaction:
                return (
                    None,
                    _client_fault(
                        version,
                        f"Server did not recognize the value of HTTP Header SOAPAction: {action}.",
                    ),
                    None,
                )
        elif known is None:
            return (
                None,
                _client_fault(
                    version,
                    "Unable to handle request without a valid action parameter. Please "
                    "supply a valid soap action.",
                ),
                None,
            )
        assert name is not None
        qualified = f"{service.value}.{name}"
        try:
            operation = get_operation(service, name)
        except LookupError:
            return (
                qualified,
                _client_fault(
                    version,
                    "Server did not recognize the value of HTTP Header SOAPAction: "
                    f"{known.soapaction}.",
                ),
                None,
            )
        try:
            params = _read_params(operation, body)
        except SoapRequestError as exc:
            return (
                qualified,
                _client_fault(version, f"Server was unable to read request. ---> {exc}"),
                None,
            )
        try:
            self._authenticate(operation, envelope)
            value = self.handlers.call(operation.qualified_name, params)
        except DemoFault as fault:
            return (
                qualified,
                _Reply(
                    500,
                    content_type(version),
                    fault_xml(version, False, nmbrs_fault_text(fault.code)),
                ),
                fault.code,
            )
        try:
            body_bytes = loaded.render(name, version, value)
        except Exception:  # a bug in the demo data or server: say so loudly, answer 9999
            traceback.print_exc(file=sys.stderr)
            return (
                qualified,
                _Reply(
                    500, content_type(version), fault_xml(version, False, nmbrs_fault_text(9999))
                ),
                9999,
            )
        return qualified, _Reply(200, content_type(version), body_bytes), None

    def _authenticate(self, operation: Operation, envelope: Envelope) -> None:
        """1001 for a missing header, a wrong user/token, or a Domain that is not this one."""
        if self.scenario.auth_fail:
            raise DemoFault(1001)
        accepted = {Header.AUTH_WITH_DOMAIN.value}
        if operation.header is Header.AUTH:
            accepted.add(Header.AUTH.value)
        namespace = operation.service.namespace
        for element in envelope.headers:
            qname = etree.QName(element)
            if qname.namespace != namespace or qname.localname not in accepted:
                continue
            fields = {
                etree.QName(c).localname: (c.text or "")
                for c in element
                if isinstance(c.tag, str) and etree.QName(c).namespace == namespace
            }
            if (
                fields.get("Username", "").strip().lower() != self.username.lower()
                or fields.get("Token", "") != self._token
            ):
                raise DemoFault(1001)
            domain = fields.get("Domain")
            if (
                qname.localname == Header.AUTH_WITH_DOMAIN.value
                and domain is not None
                and domain.strip()
                and domain.strip().lower() != self.domain.lower()
            ):
                raise DemoFault(1001)
            return
        raise DemoFault(1001)

    # -- transport trouble ----------------------------------------------------------------
    def _draw_flaky(self) -> str | None:
        rate = self.scenario.flaky_rate
        if rate <= 0:
            return None
        kinds = sorted(self.scenario.flaky_kinds)
        with self._random_lock:
            if self._random.random() >= rate:
                return None
            return self._random.choice(kinds)

    def _misbehave(self, request: _Handler, kind: str) -> None:
        if kind == "html500":
            page = (
                b"<!DOCTYPE html><html><head><title>500 - Internal server error.</title>"
                b"</head><body><h1>Server Error</h1><h2>500 - Internal server error."
                b"</h2></body></html>"
            )
            request.send_reply(_Reply(500, "text/html", page))
        elif kind == "empty":
            request.send_reply(_Reply(200, "text/xml; charset=utf-8", b""))
        else:
            if kind == "timeout":
                # Hold the call longer than a client waits, then hang up without answering.
                self._stopping.wait(self.scenario.flaky_timeout_s)
            request.close_connection = True
            with contextlib.suppress(OSError):
                # SO_LINGER 0: closing sends a TCP reset instead of a clean FIN.
                request.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                request.connection.close()

    def _discard_body(self, request: _Handler, length_text: str | None) -> None:
        with contextlib.suppress(ValueError, OSError):
            length = int(length_text or "0")
            if 0 < length <= MAX_REQUEST_BYTES:
                request.rfile.read(length)
            elif length:
                request.close_connection = True

    def _finish(
        self,
        operation: str | None,
        status: int,
        code: int | None,
        started: float,
        note: str | None = None,
    ) -> None:
        self.stats.record(operation, status, code)
        if self.log_calls:
            elapsed = (time.perf_counter() - started) * 1000
            what = operation or "-"
            extra = f" fault {code}" if code is not None else ""
            extra += f" ({note})" if note else ""
            print(
                f"demo-server {what} {status}{extra} {elapsed:.1f} ms", file=sys.stderr, flush=True
            )


def _requested_action(request: _Handler, ctype: str, version: str) -> str:
    """The SOAPAction (1.1 header) or the ``action`` content-type parameter (1.2), unquoted."""
    action = request.headers.get("SOAPAction")
    if action is None and version == "1.2":
        for part in ctype.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.strip().lower() == "action":
                action = value
    return (action or "").strip().strip('"').strip()


def _read_params(operation: Operation, body: etree._Element) -> dict[str, int]:
    """The operation's int parameters; a missing one is 0, as .NET's XmlSerializer leaves it."""
    namespace = operation.service.namespace
    params: dict[str, int] = {}
    for param in operation.params:
        child = body.find(f"{{{namespace}}}{param.name}")
        if child is None or child.text is None or not child.text.strip():
            params[param.name] = 0
            continue
        try:
            params[param.name] = int(child.text.strip())
        except ValueError:
            raise SoapRequestError(
                "There is an error in XML document. ---> Input string was not in a correct format."
            ) from None
    return params


def _client_fault(version: str, text: str) -> _Reply:
    return _Reply(500, content_type(version), fault_xml(version, True, text))


def _not_found() -> _Reply:
    page = (
        b"<html><head><title>The resource cannot be found.</title></head><body>"
        b"<h1>Server Error in '/' Application.</h1><h2>The resource cannot be found.</h2>"
        b"HTTP 404</body></html>"
    )
    return _Reply(404, "text/html; charset=utf-8", page)


def start_demo_server(
    scenario: Scenario | str = "healthy",
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    latency_ms: int | None = None,
    log_calls: bool = False,
    today: date | None = None,
) -> DemoServer:
    """Start a demo server in a background daemon thread and return once it accepts calls.

    ``scenario`` is a :class:`Scenario`, a built-in name or a TOML path; ``latency_ms``
    overrides the scenario's latency; ``port=0`` picks a free port.
    """
    chosen = load_scenario(scenario) if isinstance(scenario, str) else scenario
    if latency_ms is not None:
        if latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        chosen = replace(chosen, latency_ms=latency_ms)
    day = today or DEMO_TODAY
    seed = chosen.seed if chosen.seed is not None else DEMO_SEED
    world = _build_world(seed, day, chosen.size)
    return DemoServer(chosen, world, day, host=host, port=port, log_calls=log_calls)
