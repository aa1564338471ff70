"""The embedded demo Nmbrs SOAP v3 server: three ASMX-style endpoints on a local port.

It speaks the wire protocol of the real services closely enough that the project's own
client, a strict zeep client built from Nmbrs' published WSDLs, and third-party SDKs cannot
tell the difference: same paths, WSDLs at ``?WSDL``, SOAPAction checks, ``AuthHeaderWithDomain``
in the service namespace, replies and faults written as ASP.NET writes them
(:mod:`nmbrs_demo.wirestyle`), Nmbrs' 150-calls-per-second throttle. Where the facts leave a
question open the server answers by a named reading (:mod:`nmbrs_demo.readings`). It is an
ASGI app served by uvicorn (:mod:`nmbrs_demo.host`): keep-alive and chunked request bodies
work as they do against IIS, and other demo apps (REST) can be mounted on the same port.

Usage::

    with start_demo_server("missing-rights") as server:
        print(server.base_url)   # http://127.0.0.1:PORT/soap/v3/
"""

from __future__ import annotations

import asyncio
import random
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import parse_qs

from lxml import etree

from nmbrs_client.operations import Header, Operation, Service, get_operation
from nmbrs_demo.credentials import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USERNAME
from nmbrs_demo.handlers import DemoFault, Handlers
from nmbrs_demo.host import AsgiHost
from nmbrs_demo.once import MadeOnce
from nmbrs_demo.readings import EnvironmentHeaderReading, Readings
from nmbrs_demo.records import DEMO_SEED, DEMO_TODAY
from nmbrs_demo.scenarios import Scenario, scenario_for
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
from nmbrs_demo.stats import ServerStats
from nmbrs_demo.worlds import shared_world

BASE_PATH = "/soap/v3/"
MAX_REQUEST_BYTES = 1024 * 1024
RATE_LIMIT_PER_SECOND = 150
RATE_LIMIT_DELAY_S = 0.5
# Flaky draws answered without the operation's reply (the others spoil a real one).
_MISBEHAVIOURS = frozenset({"reset", "timeout", "html500", "empty"})


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


_SERVICES_BY_PATH = {f"{BASE_PATH}{s.value}.asmx".lower(): s for s in Service}


@dataclass(frozen=True)
class _Reply:
    """A response to send: status, content type, body and extra headers."""

    status: int
    ctype: str
    body: bytes
    close: bool = False  # answer with ``Connection: close``
    headers: tuple[tuple[str, str], ...] = ()


class _Request:
    """What the SOAP logic needs of an HTTP request (headers are case-insensitive)."""

    def __init__(self, path: str, query: str, headers: Mapping[str, str]) -> None:
        self.path = path
        self.query = query
        self.headers = headers


AppFactory = Callable[["DemoServer"], Any]


class DemoServer:
    """A running demo server. Stop it with :meth:`stop` or use it as a context manager.

    ``mounts`` are ``(path, factory)`` pairs: each factory gets this server (its world,
    scenario, readings) and returns an ASGI app served under ``path`` on the same port, next
    to the SOAP services, e.g. the REST demo.
    """

    def __init__(
        self,
        scenario: Scenario,
        world: Any,
        today: date,
        *,
        host: str,
        port: int,
        log_calls: bool,
        mounts: Sequence[tuple[str, AppFactory]] = (),
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
        # Replies rendered from the handlers' read-only whole-company lists, rendered once:
        # (operation, version, readings, id of the list) -> (that list, the reply's bytes).
        self._rendered: MadeOnce[tuple[str, str, Readings, int], tuple[Any, bytes]] = MadeOnce()
        self.rate_limiter = RateLimiter(enabled=scenario.rate_limit)
        self._random = random.Random(scenario.seed if scenario.seed is not None else DEMO_SEED)
        self._random_lock = threading.Lock()
        self._held = threading.Event()  # set: every SOAP call waits until released
        from starlette.routing import Mount, Router

        routes = [Mount(path, app=factory(self)) for path, factory in mounts]
        app = (
            Router(routes=routes, redirect_slashes=False, default=self._asgi)  # type: ignore[arg-type]
            if routes
            else self._asgi
        )
        self._host = AsgiHost(app, host, port)
        self.host = host
        self.port = self._host.port
        url_host = f"[{host}]" if ":" in host else host
        if host in ("0.0.0.0", "", "::"):
            url_host = "127.0.0.1"
        self.root_url = f"http://{url_host}:{self.port}"
        self.base_url = f"{self.root_url}{BASE_PATH}"

    # -- public API -----------------------------------------------------------------------
    @property
    def readings(self) -> Readings:
        """The readings of the open questions this server answers by (from its scenario)."""
        return self.scenario.readings

    def url_for(self, service: Service | str) -> str:
        """Endpoint URL of one service, e.g. ``…/soap/v3/EmployeeService.asmx``."""
        return self.base_url + Service(service).path

    def hold_calls(self) -> None:
        """Every SOAP call from now on waits (unanswered) until :meth:`release_calls`.

        For tests that must see the client while a call is in flight, without betting on a
        latency being longer than a loaded machine's pauses.
        """
        self._held.set()

    def release_calls(self) -> None:
        self._held.clear()

    def stop(self) -> None:
        """Stop serving and free the port; idempotent."""
        self._host.stop()

    def prepare_big_companies(self, min_employees: int) -> None:
        """Make and render, before they are asked for, the whole-company replies of every
        company with at least ``min_employees``: what the dashboard asks when it opens one.

        The world is read-only, so these are the bytes the calls will get; a first 5,000-row
        reply otherwise costs the demo about a second. Rights and scope are checked per call
        as ever (a list this server refuses is simply not prepared).
        """
        world = self.world
        for company in world.companies():
            if world.company_size(company.ID) >= min_employees:
                self.prepare_company(company.ID)

    def prepare_company(self, company_id: int) -> None:
        """Make and render the whole-company replies of one company (see above)."""
        loaded = self.services[Service.EMPLOYEE]
        calls: list[tuple[str, dict[str, int]]] = [
            ("List_GetByCompany", {"CompanyId": company_id, "EmployeeType": kind.Id})
            for kind in self.world.employee_types()
        ]
        calls += [
            (name, {"CompanyID": company_id})
            for name in (
                "Employment_GetAll_AllEmployeesByCompany",
                "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany",
            )
        ]
        for name, params in calls:
            qualified = f"{Service.EMPLOYEE.value}.{name}"
            try:
                value = self.handlers.call(qualified, params)
            except DemoFault:
                continue
            self._render(loaded, qualified, "1.1", value, self.readings)

    @property
    def running(self) -> bool:
        return self._host.running

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"DemoServer({self.base_url!r}, scenario={self.scenario.name!r})"

    # -- ASGI -----------------------------------------------------------------------------
    async def _asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        try:
            await self._http(scope, receive, send)
        except Exception:  # a bug in the demo server: say so loudly (uvicorn answers 500)
            traceback.print_exc(file=sys.stderr)
            raise

    async def _http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        from starlette.datastructures import Headers

        request = _Request(
            scope.get("path", ""),
            scope.get("query_string", b"").decode("latin-1"),
            Headers(scope=scope),
        )
        method = scope.get("method", "GET")
        if method in ("GET", "HEAD"):
            await self._send(send, self._serve_get(request))
            return
        if method != "POST":
            await self._drain(receive)
            await self._send(
                send,
                _Reply(
                    405, "text/html; charset=utf-8", b"<html><body>Method Not Allowed</body></html>"
                ),
            )
            return
        await self._serve_post(scope, receive, send, request)

    @staticmethod
    async def _send(send: Any, reply: _Reply) -> None:
        headers = [
            (b"content-type", reply.ctype.encode("latin-1")),
            (b"content-length", str(len(reply.body)).encode()),
            (b"cache-control", b"private"),
        ]
        if reply.close:
            headers.append((b"connection", b"close"))
        headers.extend((k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers)
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})

    @staticmethod
    async def _read_body(receive: Any) -> bytes | None:
        """The whole request body (chunked or not); None when it exceeds the limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_REQUEST_BYTES:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    @staticmethod
    async def _drain(receive: Any) -> None:
        size = 0
        while size <= MAX_REQUEST_BYTES:
            message = await receive()
            size += len(message.get("body", b""))
            if message["type"] == "http.disconnect" or not message.get("more_body", False):
                return

    # -- GET: WSDL and help pages ---------------------------------------------------------
    def _serve_get(self, request: _Request) -> _Reply:
        service = _SERVICES_BY_PATH.get(request.path.lower())
        if service is None:
            return _not_found()
        query = {k.lower(): v for k, v in parse_qs(request.query, keep_blank_values=True).items()}
        loaded = self.services[service]
        if "wsdl" in query:
            host = request.headers.get("Host")
            base = f"http://{host}{BASE_PATH}" if host else self.base_url
            body = loaded.served_wsdl(base, self.scenario.readings).encode("utf-8")
            return _Reply(200, "text/xml; charset=utf-8", body)
        items = "".join(f"<li>{name}</li>" for name in sorted(loaded.soap11))
        page = (
            f"<html><head><title>{service.value} Web Service</title></head><body>"
            f"<h1>{service.value}</h1><p>Demo Nmbrs SOAP v3 service. "
            f'The WSDL is at <a href="?WSDL">?WSDL</a>.</p><ul>{items}</ul></body></html>'
        )
        return _Reply(200, "text/html; charset=utf-8", page.encode())

    # -- POST: SOAP calls -----------------------------------------------------------------
    async def _serve_post(
        self, scope: dict[str, Any], receive: Any, send: Any, request: _Request
    ) -> None:
        started = time.perf_counter()
        service = _SERVICES_BY_PATH.get(request.path.lower())
        if service is None:
            await self._drain(receive)
            await self._send(send, _not_found())
            return
        data = await self._read_body(receive)
        if data is None:
            reply = _Reply(
                500,
                "text/xml; charset=utf-8",
                fault_xml(
                    "1.1",
                    True,
                    "Server was unable to read request. ---> Maximum request length exceeded.",
                ),
                close=True,
            )
            self._finish(None, reply.status, None, started)
            await self._send(send, reply)
            return

        while self._held.is_set():
            if await self._host.pause(0.01):
                return
        scenario = self.scenario
        delay = self.rate_limiter.arrive()
        with self.stats._lock:
            self.stats.max_calls_per_second = self.rate_limiter.max_in_window
            if delay:
                self.stats.delayed_calls += 1
        if delay and await self._host.pause(delay):
            return
        throttle = self._draw_throttle()
        flaky = None if throttle is not None else self._draw_flaky()
        answering: asyncio.Future[tuple[str | None, _Reply, int | None]] | None = None
        if throttle is None and flaky not in _MISBEHAVIOURS:
            from starlette.concurrency import run_in_threadpool

            # Parsing and rendering are CPU work (a 5,000-row list takes a second): off the
            # loop, so small calls and latency sleeps of other connections are not held up by
            # it. Started with the latency, not after it: the latency stands for the whole
            # wait of a call on another machine, whose own work is part of it, so this
            # process's rendering (one GIL for every call) must not queue the replies behind
            # each other once the sleeps end.
            answering = asyncio.ensure_future(
                run_in_threadpool(self._answer, service, request, data)
            )
        if scenario.latency_ms > 0 and await self._host.pause(scenario.latency_ms / 1000):
            if answering is not None:
                answering.cancel()
            return

        if throttle is not None:
            reply = self._throttle_reply(throttle, request)
            self._finish(None, reply.status, None, started, note=f"throttled {throttle}")
            await self._send(send, reply)
            return

        if flaky in _MISBEHAVIOURS:
            # Statistics are recorded before answering, so a client that has its answer
            # can rely on them.
            self._finish(
                None,
                0 if flaky in ("reset", "timeout") else (500 if flaky == "html500" else 200),
                None,
                started,
                note=flaky,
            )
            await self._misbehave(scope, send, flaky)
            return

        assert answering is not None
        operation, reply, code = await answering
        if operation in scenario.hang_operations:
            # Accepted and never answered: the connection stays open until the server stops.
            self._finish(operation, 0, None, started, note="hang")
            await self._host.pause(24 * 3600)
            return
        if flaky == "truncated":
            # A complete HTTP answer whose XML stops half-way: a proxy or a cut stream.
            reply = replace(reply, body=reply.body[: max(1, len(reply.body) // 2)])
        self._finish(operation, reply.status, code, started, note=flaky)
        await self._send(send, reply)

    def _answer(
        self, service: Service, request: _Request, data: bytes
    ) -> tuple[str | None, _Reply, int | None]:
        readings = self.scenario.readings
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
        handlers = self.handlers
        try:
            self._authenticate(operation, envelope)
            value = handlers.call(operation.qualified_name, params)
        except DemoFault as fault:
            return (
                qualified,
                _Reply(
                    500,
                    content_type(version),
                    fault_xml(version, False, nmbrs_fault_text(fault.code, readings)),
                ),
                fault.code,
            )
        try:
            body_bytes = self._render(loaded, qualified, version, value, readings)
        except Exception:  # a bug in the demo data or server: say so loudly, answer 9999
            traceback.print_exc(file=sys.stderr)
            return (
                qualified,
                _Reply(
                    500,
                    content_type(version),
                    fault_xml(version, False, nmbrs_fault_text(9999, readings)),
                ),
                9999,
            )
        return qualified, _Reply(200, content_type(version), body_bytes), None

    def _render(
        self, loaded: LoadedService, qualified: str, version: str, value: Any, readings: Readings
    ) -> bytes:
        """The reply's bytes; a whole-company list's are rendered once (the world is read-only,
        and a 5,000-row list takes the demo a third of a second to write)."""
        name = qualified.rpartition(".")[2]
        if not self.handlers.is_shared(value):
            return loaded.render(name, version, value, readings)
        kept, body = self._rendered.get(
            (qualified, version, readings, id(value)),
            lambda: (value, loaded.render(name, version, value, readings)),
        )
        # The entry holds its list, so no other list can have that id while it is kept.
        assert kept is value
        return body

    def _authenticate(self, operation: Operation, envelope: Envelope) -> None:
        """1001 for a missing header, a wrong user/token, or a Domain that is not this one.

        ``Environment_Get`` is declared with the plain ``AuthHeader``; under the strict
        reading an ``AuthHeaderWithDomain`` there is not its header, so Nmbrs sees none.
        """
        if self.scenario.auth_fail:
            raise DemoFault(1001)
        if operation.header is Header.AUTH:
            accepted = {Header.AUTH.value}
            if self.scenario.readings.environment_header is EnvironmentHeaderReading.EITHER:
                accepted.add(Header.AUTH_WITH_DOMAIN.value)
        else:
            accepted = {Header.AUTH_WITH_DOMAIN.value}
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
        scenario = self.scenario
        rate = scenario.flaky_rate
        if rate <= 0:
            return None
        kinds = sorted(scenario.flaky_kinds)
        with self._random_lock:
            if self._random.random() >= rate:
                return None
            return self._random.choice(kinds)

    def _draw_throttle(self) -> str | None:
        scenario = self.scenario
        if scenario.throttle_rate <= 0:
            return None
        kinds = sorted(scenario.throttle_kinds)
        with self._random_lock:
            if self._random.random() >= scenario.throttle_rate:
                return None
            return self._random.choice(kinds)

    def _throttle_reply(self, kind: str, request: _Request) -> _Reply:
        """A slow-down answer: 429/503 with Retry-After, or a SOAP fault that asks for it."""
        after = (("Retry-After", str(self.scenario.throttle_retry_after_s)),)
        if kind == "slow-down":
            ctype = request.headers.get("Content-Type", "")
            version = "1.2" if "application/soap+xml" in ctype.lower() else "1.1"
            text = "Server was unable to process request. ---> Too many calls, slow down."
            return _Reply(500, content_type(version), fault_xml(version, False, text))
        status = int(kind)
        title = "Too Many Requests" if status == 429 else "Service Unavailable"
        page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
        return _Reply(status, "text/html; charset=utf-8", page.encode(), headers=after)

    async def _misbehave(self, scope: dict[str, Any], send: Any, kind: str) -> None:
        if kind == "html500":
            page = (
                b"<!DOCTYPE html><html><head><title>500 - Internal server error.</title>"
                b"</head><body><h1>Server Error</h1><h2>500 - Internal server error."
                b"</h2></body></html>"
            )
            await self._send(send, _Reply(500, "text/html", page))
        elif kind == "empty":
            await self._send(send, _Reply(200, "text/xml; charset=utf-8", b""))
        else:
            # Hold the call longer than a client waits, then hang up without answering.
            if kind == "timeout" and await self._host.pause(self.scenario.flaky_timeout_s):
                return
            await self._host.reset(scope)

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


def _requested_action(request: _Request, ctype: str, version: str) -> str:
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
    readings: Readings | Mapping[str, str] | None = None,
    mounts: Sequence[tuple[str, AppFactory]] = (),
) -> DemoServer:
    """Start a demo server in a background daemon thread and return once it accepts calls.

    ``scenario`` is a :class:`Scenario`, a built-in name or a TOML path; ``latency_ms``
    overrides the scenario's latency; ``readings`` (a :class:`Readings` or
    ``{"employee-type": "zero-is-all"}``) overrides the scenario's readings; ``port=0`` picks
    a free port; ``mounts`` serves more ASGI apps on the same port (see :class:`DemoServer`).
    This is the one launcher of the demo: the CLI, the TUI, the tests and the benches use it.
    """
    chosen = scenario_for(scenario, "soap")
    if latency_ms is not None:
        if latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        chosen = replace(chosen, latency_ms=latency_ms)
    if readings is not None:
        chosen = replace(
            chosen,
            readings=readings
            if isinstance(readings, Readings)
            else chosen.readings.changed(readings),
        )
    day = today or DEMO_TODAY
    seed = chosen.seed if chosen.seed is not None else DEMO_SEED
    world = shared_world(seed, day, chosen.size)
    return DemoServer(chosen, world, day, host=host, port=port, log_calls=log_calls, mounts=mounts)
