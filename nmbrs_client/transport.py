"""HTTP transport for zeep that refuses to guess.

zeep's own transport follows redirects, reads bodies of any size and, in non-strict mode,
"recovers" broken XML. For a support tool those are the wrong defaults: a proxy's login page,
a truncated reply or a 100 MB body must become a clear transport error, not partial data. This
transport therefore checks every reply before zeep sees it:

- no redirects are followed (a 3xx is reported with its target host);
- once connected, the whole reply (status line, headers, body) must arrive within the read
  time-out: a watchdog shuts the socket down when it passes, so a server that drips its
  headers or body a byte at a time is cut when a server that never answers would be (the read
  time-out alone only bounds each wait);
- the body is read in chunks under a size limit;
- a reply must be well-formed XML with a SOAP envelope (parsed with a hardened parser: no DTD,
  no entities, no network) unless it is an HTTP error, which is reported as such.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from lxml import etree
from requests.adapters import HTTPAdapter
from requests.cookies import extract_cookies_to_jar
from requests.utils import check_header_validity
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from zeep.transports import Transport

from nmbrs_client import textsafe
from nmbrs_client.errors import redact_bytes, tls_failure
from nmbrs_client.retry import parse_retry_after

_SOAP_ENVELOPES = (
    "http://schemas.xmlsoap.org/soap/envelope/",
    "http://www.w3.org/2003/05/soap-envelope",
)
_CHUNK = 64 * 1024


class FaultReply(Exception):
    """The server answered with a SOAP fault (1.1 ``faultstring`` or 1.2 ``Reason/Text``)."""

    def __init__(self, text: str, faultcode: str | None) -> None:
        super().__init__(text)
        self.text = text
        self.faultcode = faultcode


class TransportProblem(Exception):
    """Raised inside the transport; the client turns it into ``NmbrsTransportError``."""

    def __init__(
        self,
        kind: str,
        problem: str,
        *,
        status: int | None = None,
        retryable: bool = True,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(problem)
        self.kind = kind
        self.problem = problem
        self.status = status
        self.retryable = retryable
        self.retry_after_s = retry_after_s


# ----------------------------------------------------------------- whole-call deadline
_watched = threading.local()


class _Watchdog:
    """Shuts the connection of one call down when the call's deadline passes.

    The deadline counts from the moment the connection is ready (made, or taken from the pool
    already open), so the time the connect took, bounded by its own time-out, is not taken from
    the reply's. The connection registers itself when the request goes out (same thread); the
    keeper thread then only calls ``shutdown`` on its socket, which makes the blocked read
    return at once.
    """

    def __init__(self, deadline_s: float) -> None:
        self.deadline_s = deadline_s
        self.expired = False
        self.connection: Any = None
        self.ends_at: float | None = None  # time.monotonic() when the deadline passes
        self._lock = threading.Lock()
        self._token: int | None = None

    def __enter__(self) -> _Watchdog:
        _watched.watchdog = self
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _DEADLINES.cancel(self._token)
        _watched.watchdog = None

    def attach(self, connection: Any) -> None:
        with self._lock:
            self.connection = connection
            if self.expired:
                self._shutdown()
        if getattr(connection, "sock", None) is not None:  # an open connection from the pool
            self.connected()

    def connected(self) -> None:
        """The connection is ready: the deadline starts now (once per call)."""
        if self.ends_at is None:
            self.ends_at = time.monotonic() + self.deadline_s
            self._token = _DEADLINES.add(self.deadline_s, self._expire)

    def passed(self) -> bool:
        return self.expired or (self.ends_at is not None and time.monotonic() > self.ends_at)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shutdown()

    def _shutdown(self) -> None:
        sock = getattr(self.connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Deadlines:
    """One thread keeps the deadlines of every call in flight and runs each one's action
    when it passes (a timer thread per call put a thread start, about a millisecond and more
    on a busy machine, on the path of every call)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._live: set[int] = set()  # in the heap and not cancelled
        self._cancelled: set[int] = set()
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, delay_s: float, action: Callable[[], None]) -> int:
        with self._condition:
            token = next(self._tokens)
            due = time.monotonic() + delay_s
            # The keeper sleeps until the earliest deadline; it needs waking only when this
            # one comes sooner. Calls share one time-out, so that is rare: waking it for
            # every call put a thread switch (GIL hand-off) on the path of every call.
            sooner = not self._due or due < self._due[0][0]
            heapq.heappush(self._due, (due, token, action))
            self._live.add(token)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="nmbrs-deadlines", daemon=True
                )
                self._thread.start()
            if sooner:
                self._condition.notify()
            return token

    def cancel(self, token: int) -> None:
        with self._condition:
            if token in self._live:  # dropped when it comes due (no heap search now)
                self._live.discard(token)
                self._cancelled.add(token)

    def _next_action(self) -> Callable[[], None]:
        with self._condition:
            while True:
                while self._due and self._due[0][1] in self._cancelled:
                    self._cancelled.discard(heapq.heappop(self._due)[1])
                if not self._due:
                    self._condition.wait()
                    continue
                due, _token, action = self._due[0]
                wait = due - time.monotonic()
                if wait <= 0:
                    heapq.heappop(self._due)
                    self._live.discard(_token)
                    return action
                self._condition.wait(wait)

    def _run(self) -> None:
        while True:
            action = self._next_action()
            with contextlib.suppress(Exception):  # an action must not end the keeper
                action()


_DEADLINES = _Deadlines()


def _attach_current(connection: Any) -> None:
    watchdog = getattr(_watched, "watchdog", None)
    if watchdog is not None:
        watchdog.attach(connection)


def _connected_current() -> None:
    watchdog = getattr(_watched, "watchdog", None)
    if watchdog is not None:
        watchdog.connected()


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach_current(self)
        super().request(*args, **kwargs)
        _connected_current()  # the clock runs by now, however the connection was made

    def connect(self) -> None:
        super().connect()
        _connected_current()


class _WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach_current(self)
        super().request(*args, **kwargs)
        _connected_current()  # the clock runs by now, however the connection was made

    def connect(self) -> None:
        super().connect()  # the TLS handshake included
        _connected_current()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    """An adapter whose pools make connections the watchdog can shut down."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }


class _EnvironmentReadOnce(requests.Session):
    """A session that reads the environment once per host, not at every call.

    With ``trust_env`` requests looks at the proxy variables (``HTTPS_PROXY``, ``NO_PROXY`` …),
    ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` and ``~/.netrc`` again for every request: about
    0.6 ms of CPU per call, taken while other workers wait for the GIL. A client talks to one
    host, and a running command's environment does not change, so this session reads them
    at its first call to a host and applies them to every call the way requests does.
    """

    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False  # requests' own per-call reading; done here instead
        self._environments: dict[tuple[str, str, str | None], tuple[Any, Any, Any]] = {}

    def _environment(self, url: str, no_proxy: str | None = None) -> tuple[Any, Any, Any]:
        """(proxies, CA bundle, netrc credentials) the environment gives for ``url``'s host."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, no_proxy)
        found = self._environments.get(key)
        if found is None:
            found = (
                requests.utils.get_environ_proxies(url, no_proxy=no_proxy),
                os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE"),
                requests.utils.get_netrc_auth(url),
            )
            self._environments[key] = found  # a race computes the same value twice
        return found

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:
        no_proxy = proxies.get("no_proxy") if proxies is not None else None
        env_proxies, bundle, _netrc = self._environment(url, no_proxy)
        if proxies is not None:
            for scheme, proxy in env_proxies.items():
                proxies.setdefault(scheme, proxy)
        if verify is True or verify is None:
            verify = bundle or verify
        return super().merge_environment_settings(url, proxies, stream, verify, cert)

    def prepare_request(self, request: Any) -> Any:
        if not request.auth and not self.auth:
            netrc = self._environment(request.url)[2]
            if netrc:
                request.auth = netrc
        return super().prepare_request(request)


def hardened_parser() -> etree.XMLParser:
    """An lxml parser that never resolves entities, loads DTDs or touches the network.

    ``huge_tree`` lifts libxml2's 10 MB text-node limit (a payslip PDF arrives as one base64
    text node); its other safeguard, against entity expansion, is replaced by refusing any
    document with a DTD before parsing (:func:`check_soap_body`). Depth stays bounded.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
    )


def check_soap_body(content: bytes, status: int, content_type: str) -> etree._Element:
    """The parsed envelope; :class:`TransportProblem` unless it is a well-formed SOAP envelope.

    A well-formed envelope that carries a fault raises :class:`FaultReply` instead, for SOAP
    1.1 and 1.2 alike (zeep's SOAP 1.1 binding cannot read a 1.2 fault).
    """
    media = content_type.split(";")[0].strip().lower()
    if not content.strip():
        raise TransportProblem(
            "http" if status >= 400 else "malformed",
            f"HTTP {status} with an empty body",
            status=status,
        )
    # Judge by the body, not only the label: some proxies relabel a good SOAP reply as
    # text/html, and an HTML error page may come as text/xml.
    head = content.lstrip()[:512]
    looks_html = head[:15].lower().startswith((b"<!doctype html", b"<html")) or (
        media == "text/html" and b"Envelope" not in head
    )
    if looks_html:
        raise TransportProblem(
            "http",
            f"HTTP {status} with an HTML page instead of SOAP{_html_title(content)}",
            status=status,
        )
    if _declares_dtd(content):
        # SOAP forbids DTDs; refusing them unread rules out XXE and entity expansion.
        raise TransportProblem(
            "malformed",
            "the reply declares a DTD, which SOAP forbids; refused without reading it",
            status=status,
            retryable=False,
        )
    try:
        root = etree.fromstring(content, parser=hardened_parser())
    except etree.XMLSyntaxError as exc:
        kind = "http" if status >= 400 and status != 500 else "malformed"
        raise TransportProblem(
            kind,
            f"HTTP {status} with a reply that is not well-formed XML ({_short(str(exc))})",
            status=status,
        ) from None
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise TransportProblem(
            "malformed",
            "the reply declares a DTD, which SOAP forbids; refused without reading it",
            status=status,
            retryable=False,
        )
    qname = etree.QName(root)
    if qname.localname != "Envelope" or qname.namespace not in _SOAP_ENVELOPES:
        raise TransportProblem(
            "http" if status >= 400 else "malformed",
            f"HTTP {status} with XML that is not a SOAP envelope (root element {qname.localname})",
            status=status,
        )
    fault = root.find(f"{{{qname.namespace}}}Body/{{{qname.namespace}}}Fault")
    if fault is not None:
        raise FaultReply(*_fault_text(fault, qname.namespace))
    if status not in (200, 500):
        raise TransportProblem("http", f"HTTP {status} with a SOAP body", status=status)
    return root


_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")
# The same marks as UTF-16 and UTF-32 write them (libxml2 detects those from the first bytes).
_WIDE_DTD_MARKS = tuple(
    mark.decode().encode(encoding)
    for mark in _DTD_MARKS
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def _declares_dtd(content: bytes) -> bool:
    """Whether ``content`` holds a DTD or entity declaration, in UTF-8 or in a UTF-16/32 reply
    (which holds NUL bytes): such a reply is refused unread, never retried."""
    # "!" first: one memchr over a multi-megabyte reply instead of two substring searches.
    if b"!" in content and any(mark in content for mark in _DTD_MARKS):
        return True
    return b"\x00" in content[:4] and any(mark in content for mark in _WIDE_DTD_MARKS)


def _fault_text(fault: etree._Element, envelope_ns: str) -> tuple[str, str | None]:
    if envelope_ns == _SOAP_ENVELOPES[0]:
        text = fault.findtext("faultstring") or fault.findtext("{*}faultstring") or ""
        code = fault.findtext("faultcode") or fault.findtext("{*}faultcode")
        return text, code
    reason = fault.find(f"{{{envelope_ns}}}Reason/{{{envelope_ns}}}Text")
    code_value = fault.find(f"{{{envelope_ns}}}Code/{{{envelope_ns}}}Value")
    return (
        reason.text or "" if reason is not None else "",
        code_value.text if code_value is not None else None,
    )


def _html_title(content: bytes) -> str:
    lower = content[:4096].lower()
    start = lower.find(b"<title>")
    end = lower.find(b"</title>")
    if start >= 0 and end > start:
        title = content[start + 7 : end].decode("utf-8", "replace").strip()
        return f" (page title: {_short(title, 80)})"
    return ""


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(textsafe.line(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class _PreparedPost:
    """What ``session.post`` works out for one address and set of headers, before the body:
    the prepared request, the adapter it goes to and the settings it is sent with."""

    request: requests.PreparedRequest
    adapter: Any
    settings: dict[str, Any]

    @classmethod
    def of(cls, session: requests.Session, address: str, headers: dict[str, str]) -> _PreparedPost:
        request = session.prepare_request(
            requests.Request("POST", address, headers=headers, data=b"")
        )
        # As Session.request does: stream on, no per-call proxies, verify or certificate.
        settings = session.merge_environment_settings(request.url, {}, True, None, None)
        return cls(request, session.get_adapter(str(request.url)), dict(settings))


class GuardedTransport(Transport):
    """A zeep transport with bounded reads, no redirects and reply checking."""

    def __init__(
        self,
        *,
        connect_timeout: float,
        read_timeout: float,
        max_bytes: int,
        verify_tls: bool,
        pool_size: int,
        user_agent: str,
        secrets: tuple[str, ...] = (),
    ) -> None:
        session = _EnvironmentReadOnce()
        adapter = _WatchedAdapter(pool_connections=4, pool_maxsize=max(pool_size, 4), max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.verify = verify_tls
        if not verify_tls:
            # The UI and the CLI show their own warning; urllib3's per-request one would
            # write into the terminal the dashboard is drawing on.
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        super().__init__(  # type: ignore[no-untyped-call]  # zeep is not annotated
            session=session, timeout=read_timeout, operation_timeout=read_timeout
        )
        # After zeep's __init__, which writes its own ("Zeep/x.y.z") into the session's headers.
        session.headers["User-Agent"] = user_agent
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_bytes = max_bytes
        # Taken out of every reply before anything reads it (the token, as a server that
        # echoes the request would send it back).
        self.secrets = secrets
        self.last_size = threading.local()
        self.last_status = threading.local()  # HTTP status of this thread's last reply
        # The envelope the last call of this thread parsed, so the client's fast reader can
        # read it without parsing the bytes again; the client takes it out after each call.
        self.last_tree = threading.local()
        # True when the last reply's bytes hold nothing textsafe would rewrite.
        self.last_plain = threading.local()
        # A shorter read time-out for this thread's next call (the retry after a time-out).
        self.next_read_timeout = threading.local()
        self._prepared: dict[tuple[str, tuple[str, ...]], _PreparedPost] = {}

    def _timeouts_now(self) -> tuple[float, float]:
        """(read time-out, deadline of the whole reply once connected) of this thread's next
        call: the same, so a dripping reply ends when a silent one would."""
        read = getattr(self.next_read_timeout, "value", None) or self.read_timeout
        return read, read

    # zeep calls post() for every operation; load() for WSDL/XSD documents.
    def post(self, address: str, message: Any, headers: dict[str, str]) -> requests.Response:
        """One POST under the total deadline; past it, whatever broke is a time-out."""
        read, deadline = self._timeouts_now()
        with _Watchdog(deadline) as watchdog:
            try:
                response = self._post_once(address, message, headers, read, watchdog)
            except TransportProblem as problem:
                if watchdog.expired:
                    raise self._deadline_passed(deadline) from None
                raise problem from None
            if watchdog.expired:  # a body cut short by the watchdog can still look complete
                raise self._deadline_passed(deadline)
            return response

    @staticmethod
    def _deadline_passed(deadline: float) -> TransportProblem:
        return TransportProblem("timeout", f"no complete reply within {deadline:g} s")

    def _post_once(
        self, address: str, message: Any, headers: dict[str, str], read: float, watchdog: _Watchdog
    ) -> requests.Response:
        try:
            response = self._send_post(address, message, headers, read)
        except requests.exceptions.SSLError as exc:
            raise _tls_problem(exc) from None
        except requests.exceptions.ConnectTimeout:
            raise TransportProblem(
                "timeout", f"no connection within {self.connect_timeout:g} s"
            ) from None
        except requests.exceptions.ReadTimeout:
            raise TransportProblem("timeout", f"no answer within {read:g} s") from None
        except requests.exceptions.ConnectionError as exc:
            raise TransportProblem("connection", _connection_problem(exc)) from None
        except requests.exceptions.RequestException as exc:
            raise TransportProblem("connection", _short(str(exc))) from None
        with response:
            if 300 <= response.status_code < 400:
                target = urlsplit(response.headers.get("Location", "")).netloc or "elsewhere"
                raise TransportProblem(
                    "redirect",
                    f"HTTP {response.status_code} redirect to {target}, not followed",
                    status=response.status_code,
                    retryable=False,
                )
            self.last_status.value = response.status_code
            body = self._read_bounded(response, read, watchdog)
            self.last_size.value = len(body)
            body = redact_bytes(body, *self.secrets)
            self.last_plain.value = textsafe.utf8_bytes_are_plain(body)
            try:
                self.last_tree.value = check_soap_body(
                    body, response.status_code, response.headers.get("Content-Type", "")
                )
            except TransportProblem as problem:
                if response.status_code in (429, 503):
                    problem.retry_after_s = parse_retry_after(response.headers.get("Retry-After"))
                raise
            response._content = body
            response._content_consumed = True  # type: ignore[attr-defined]  # not in the stubs
        return response

    def prepare_post(self, address: str, headers: dict[str, str]) -> _PreparedPost:
        """The request a post to ``address`` with headers of these names starts from (made
        once; connecting may make it ahead of the first call)."""
        key = (address, tuple(headers))
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = _PreparedPost.of(self.session, address, headers)
            self._prepared[key] = prepared  # a race prepares the same request twice
        return prepared

    def _send_post(
        self, address: str, message: Any, headers: dict[str, str], read: float
    ) -> requests.Response:
        """``session.post(address, data=message, headers=headers, stream=True, ...)``, with the
        part that is the same for every call made once.

        requests prepares each call from scratch (the session's headers and auth merged in,
        the URL parsed and quoted, the environment's settings merged) and then runs its
        session bookkeeping around the adapter: about 0.4 ms of CPU per call, most of what a
        small call costs the client, taken while the other workers wait for the GIL. Here the
        session prepares the request once per address and header names; each call copies it,
        sets its header values where ``prepare_headers`` puts them (checked as it checks them)
        and its body with requests' own ``prepare_body``, and goes to the same adapter with
        the same settings, so the bytes sent are the same. A server that sets cookies gets them
        back: they are kept in the session's jar as requests keeps them, and while the jar
        holds any the session itself makes every call.
        """
        session = self.session
        timeout = (self.connect_timeout, read)
        if session.cookies or not all(value.__class__ is str for value in headers.values()):
            return session.post(
                address,
                data=message,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
                stream=True,
            )
        prepared = self.prepare_post(address, headers)
        request = prepared.request.copy()
        for header in headers.items():  # same names, so each keeps its place
            check_header_validity(header)
            request.headers[header[0]] = header[1]
        request.prepare_body(message, None)
        response: requests.Response = prepared.adapter.send(
            request, timeout=timeout, **prepared.settings
        )
        if response.raw is not None and response.raw.headers.get("Set-Cookie") is not None:
            extract_cookies_to_jar(session.cookies, request, response.raw)  # type: ignore[no-untyped-call]  # requests
        return response

    def _read_bounded(self, response: requests.Response, read: float, watchdog: _Watchdog) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise TransportProblem(
                "too_large",
                f"reply of {int(declared) / 1e6:.1f} MB exceeds "
                f"the limit of {self.max_bytes / 1e6:.0f} MB",
                retryable=False,
            )
        parts: list[bytes] = []
        total = 0
        raw = response.raw
        try:
            while True:
                # read1 returns what one socket read brings, so the deadline is checked even
                # when a server drips a byte at a time (read() would wait for a full chunk).
                chunk = raw.read1(_CHUNK, decode_content=True)
                if not chunk:
                    break
                total += len(chunk)
                if total > self.max_bytes:
                    raise TransportProblem(
                        "too_large",
                        f"reply exceeds the limit of {self.max_bytes / 1e6:.0f} MB",
                        retryable=False,
                    )
                if watchdog.passed():
                    raise TransportProblem(
                        "timeout", f"reply still incomplete after {watchdog.deadline_s:g} s"
                    )
                parts.append(chunk)
        except urllib3.exceptions.ReadTimeoutError:
            raise TransportProblem(
                "timeout", f"no data for {read:g} s while reading the reply"
            ) from None
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError, OSError) as exc:
            raise TransportProblem(
                "connection", f"connection broken while reading the reply ({_short(str(exc), 80)})"
            ) from None
        return b"".join(parts)

    def load(self, url: str) -> bytes:
        """Fetch a WSDL (``wsdl = "live"``) with the same limits; local paths read directly."""
        if "://" not in url or url.startswith("file://"):
            return bytes(super().load(url))  # type: ignore[no-untyped-call]  # zeep
        try:
            response = self.session.get(
                url, timeout=(self.connect_timeout, self.read_timeout), allow_redirects=False
            )
        except requests.exceptions.SSLError as exc:
            raise _tls_problem(exc) from None
        except requests.exceptions.RequestException as exc:
            raise TransportProblem("connection", f"cannot load WSDL ({_short(str(exc))})") from None
        if response.status_code != 200:
            raise TransportProblem(
                "http", f"HTTP {response.status_code} loading the WSDL", status=response.status_code
            )
        return response.content


def _tls_problem(exc: Exception) -> TransportProblem:
    """A failed handshake, with the reason the ssl module gives (the same as REST says it)."""
    return TransportProblem("tls", tls_failure(exc), retryable=False)


def _connection_problem(exc: Exception) -> str:
    text = str(exc)
    for marker, meaning in (
        ("Connection refused", "connection refused"),
        ("Name or service not known", "host name not found"),
        ("Temporary failure in name resolution", "host name not found"),
        ("Connection reset", "connection reset by the server"),
        ("RemoteDisconnected", "the server closed the connection without answering"),
        ("Network is unreachable", "network unreachable"),
    ):
        if marker in text:
            return meaning
    return _short(text)
