"""The client against replies real proxies and broken servers send: each ends in a typed error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.errors import FaultCategory, NmbrsFault, NmbrsTransportError
from nmbrs_client.retry import NO_RETRIES
from tests.hostile_server import (
    HostileServer,
    drip,
    drip_headers,
    hostile_server,
    huge,
    reply,
    reset,
    settings_for,
    silent,
    soap12_fault,
    soap_fault,
)

TOKEN = "SECRET-TOKEN-123456"
NS = "https://api.nmbrs.nl/soap/v3/CompanyService"


def envelope(inner: str, ns: str = NS) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>'
        f'<List_GetAllResponse xmlns="{ns}"><List_GetAllResult>{inner}</List_GetAllResult>'
        "</List_GetAllResponse></soap:Body></soap:Envelope>"
    ).encode()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b"<x>&lol4;</x></soap:Body></soap:Envelope>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b'<List_GetAllResponse xmlns="' + NS.encode() + b'"><List_GetAllResult><Company><ID>1</ID>'
    b"<Number>1</Number><Name>&xxe;</Name><LoonaangifteTijdvak>Month</LoonaangifteTijdvak>"
    b"</Company></List_GetAllResult></List_GetAllResponse></soap:Body></soap:Envelope>"
)
DEEP = (
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    + b"<a>" * 50000
    + b"</a>" * 50000
    + b"</soap:Body></soap:Envelope>"
)

CASES = {
    "html502": reply(
        502,
        b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        "text/html",
    ),
    "login": reply(
        200,
        b"<!DOCTYPE html><html><head><title>Proxy login</title></head></html>",
        "text/html; charset=utf-8",
    ),
    "html503": reply(503, b"<html><body>Service Unavailable</body></html>", "text/html"),
    "empty500": reply(500, b""),
    "empty200": reply(200, b""),
    "plain": reply(200, b"OK", "text/plain"),
    "truncated": reply(200, envelope("<Company><ID>1</ID><Number>1</Number>")[:-60]),
    "badutf8": reply(
        200,
        envelope(
            "<Company><ID>1</ID><Number>1</Number><Name>NAME</Name>"
            "<LoonaangifteTijdvak>Month</LoonaangifteTijdvak></Company>"
        ).replace(b"NAME", b"\xff\xfe\xfd"),
    ),
    "unknowncode": soap_fault("Server was unable to process request. ---&gt; 4242: Brand new"),
    "stacktrace": soap_fault(
        "System.Web.Services.Protocols.SoapException: Server was unable to process request. "
        "---&gt; 1002: Unauthorized access\n   at Nmbrs.Api.Check(String op)\n"
        "   at System.Web.Services.Protocols.LogicalMethodInfo.Invoke()"
    ),
    "nocode": soap_fault("Server was unable to process request. ---&gt; Object reference not set"),
    "soap12": soap12_fault("Server was unable to process request. ---&gt; 1002: Unauthorized"),
    "redirect": reply(302, b"", headers={"Location": "https://evil.example.com/steal"}),
    "xxe": reply(200, XXE),
    "laughs": reply(200, BILLION_LAUGHS),
    "deep": reply(200, DEEP),
    "huge_declared": huge(5_000_000, declare_length=True),
    "huge_chunked": huge(5_000_000, declare_length=False),
    "drip": drip(total_s=30, byte_every_s=0.05),
    "drip_headers": drip_headers(total_s=30, byte_every_s=0.05),
    "silent": silent(6),
    "reset": reset(),
    "tolerant": reply(
        200,
        envelope(
            "<Company><ID>7</ID><Number>3</Number><Brand>new element</Brand>"
            "<LoonaangifteTijdvak>Quarter</LoonaangifteTijdvak><KvkNr>12345678</KvkNr>"
            '<AddedIn2026 xsi:nil="true" /></Company>'
        ),
    ),
    "missing_id": reply(
        200,
        envelope(
            "<Company><Number>3</Number><Name>x</Name>"
            "<LoonaangifteTijdvak>Month</LoonaangifteTijdvak>"
            "</Company>"
        ),
    ),
    "empty_list": reply(200, envelope("")),
    "relabelled": reply(
        200,
        envelope(
            "<Company><ID>9</ID><Number>1</Number>"
            "<LoonaangifteTijdvak>Month</LoonaangifteTijdvak>"
            "</Company>"
        ),
        "text/html; charset=utf-8",
    ),
    "html_as_xml": reply(502, b"<html><head><title>Bad gateway</title></head></html>", "text/xml"),
}


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with hostile_server(CASES) as state:
        yield state


def client_for(server: HostileServer, case: str, **overrides: object) -> NmbrsClient:
    """A client that makes one attempt: these tests are about what one reply becomes."""
    return NmbrsClient(settings_for(server.url(case), **overrides), retry_policy=NO_RETRIES)


def transport_error(server: HostileServer, case: str, **overrides: object) -> NmbrsTransportError:
    client = client_for(server, case, **overrides)
    with pytest.raises(NmbrsTransportError) as info:
        client.companies()
    error = info.value
    for text in (str(error), error.hint, *(r.message for r in client.call_log.records())):
        assert TOKEN not in text
    return error


@pytest.mark.parametrize(
    ("case", "kind", "words"),
    [
        ("html502", "http", "502 Bad Gateway"),
        ("login", "http", "Proxy login"),
        ("html503", "http", "HTML"),
        ("html_as_xml", "http", "Bad gateway"),
        ("empty500", "http", "empty body"),
        ("empty200", "malformed", "empty body"),
        ("plain", "malformed", "not well-formed"),
        ("truncated", "malformed", "not well-formed"),
        ("badutf8", "malformed", "not well-formed"),
        ("redirect", "redirect", "evil.example.com"),
        ("xxe", "malformed", "DTD"),
        ("laughs", "malformed", "DTD"),
        ("deep", "malformed", "not well-formed"),
        ("huge_declared", "too_large", "limit"),
        ("huge_chunked", "too_large", "limit"),
        ("reset", "connection", ""),
        ("missing_id", "malformed", "ID"),
    ],
)
def test_hostile_reply_becomes_typed_transport_error(
    server: HostileServer, case: str, kind: str, words: str
) -> None:
    error = transport_error(server, case)
    assert error.kind == kind, str(error)
    assert words in str(error)
    assert error.hint


def test_redirect_is_not_followed(server: HostileServer) -> None:
    before = len(server.requests)
    transport_error(server, "redirect")
    assert len(server.requests) == before + 1


def test_xxe_never_reads_local_files(server: HostileServer) -> None:
    error = transport_error(server, "xxe")
    assert "root:" not in str(error)


def test_silent_server_times_out_within_the_limit(server: HostileServer) -> None:
    error = transport_error(server, "silent", timeout_s=1.0)
    assert error.kind == "timeout"
    assert "127.0.0.1" in error.hint


def with_deadline(client: NmbrsClient, deadline_s: float) -> NmbrsClient:
    """A read time-out no drip can hit (20 s between bytes) and a short whole-call deadline:
    the test does not bet on the machine keeping a byte interval below a read time-out."""
    transport = client._get_transport()
    transport._timeouts_now = lambda: (20.0, deadline_s)
    return client


def test_dripping_server_hits_the_total_deadline(server: HostileServer) -> None:
    # The server drips a byte every 50 ms for 30 s: only a whole-call deadline ends it (the
    # per-read time-out never fires).
    client = with_deadline(client_for(server, "drip"), 1.5)
    with pytest.raises(NmbrsTransportError) as info:
        client.companies()
    assert info.value.kind == "timeout"
    assert "1.5 s" in info.value.problem and "no answer" not in info.value.problem


def test_headers_one_byte_at_a_time_hit_the_total_deadline(server: HostileServer) -> None:
    """The status line arrives, then a header byte at a time: never idle for a read time-out,
    so only the whole-call deadline ends it."""
    client = with_deadline(client_for(server, "drip_headers"), 1.5)
    with pytest.raises(NmbrsTransportError) as info:
        client.companies()
    assert info.value.kind == "timeout"
    assert "no complete reply within 1.5 s" in info.value.problem


def test_the_whole_reply_must_arrive_within_the_read_timeout() -> None:
    """One bound for "the server does not answer usefully": a reply that drips in is cut when
    a server that never answers would be, on the first try and on the short retry alike."""
    from nmbrs_client.transport import GuardedTransport

    transport = GuardedTransport(
        connect_timeout=0.5,
        read_timeout=1.5,
        max_bytes=1000,
        verify_tls=True,
        pool_size=1,
        user_agent="t",
    )
    assert transport._timeouts_now() == (1.5, 1.5)
    transport.next_read_timeout.value = 0.5  # the short retry after a time-out
    assert transport._timeouts_now() == (0.5, 0.5)


class _RecordingKeeper:
    """Stands in for the transport's deadline keeper: records what is scheduled, runs nothing."""

    def __init__(self) -> None:
        self.added: list[float] = []
        self.cancelled: list[int] = []

    def add(self, delay_s: float, action: object) -> int:
        self.added.append(delay_s)
        return len(self.added)

    def cancel(self, token: int) -> None:
        self.cancelled.append(token)


class _Connection:
    def __init__(self, sock: object) -> None:
        self.sock = sock


def test_the_deadline_starts_when_the_connection_is_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    """The connect has its own time-out: until it is done, no deadline runs, so a slow
    connect is not taken from the reply's time; then the deadline starts once."""
    from nmbrs_client import transport as module

    keeper = _RecordingKeeper()
    monkeypatch.setattr(module, "_DEADLINES", keeper)
    with module._Watchdog(1.5) as fresh:
        fresh.attach(_Connection(sock=None))  # the request goes out on a new connection
        assert keeper.added == [] and fresh.ends_at is None
        fresh.connected()  # it is made
        fresh.connected()  # the request has gone out: still the one deadline
        assert keeper.added == [1.5] and fresh.ends_at is not None
    assert keeper.cancelled == [1]
    with module._Watchdog(0.5) as reused:
        reused.attach(_Connection(sock=object()))  # an open connection from the pool
        assert keeper.added == [1.5, 0.5]


def test_tls_failure_is_reported_as_tls(server: HostileServer) -> None:
    url = server.url("tolerant").replace("http://", "https://")
    client = NmbrsClient(settings_for(url))
    with pytest.raises(NmbrsTransportError) as info:
        client.companies()
    assert info.value.kind == "tls"


@pytest.mark.parametrize(
    ("case", "code", "category", "text"),
    [
        ("unknowncode", 4242, FaultCategory.UNKNOWN, "Brand new"),
        ("stacktrace", 1002, FaultCategory.ENDPOINT_RIGHT_MISSING, "Unauthorized access"),
        ("nocode", None, FaultCategory.UNKNOWN, "Object reference not set"),
        ("soap12", 1002, FaultCategory.ENDPOINT_RIGHT_MISSING, "Unauthorized"),
    ],
)
def test_faults_are_parsed(
    server: HostileServer, case: str, code: int | None, category: FaultCategory, text: str
) -> None:
    client = client_for(server, case)
    with pytest.raises(NmbrsFault) as info:
        client.companies()
    fault = info.value
    assert fault.code == code
    assert fault.category is category
    assert text in fault.text
    assert "   at " not in fault.text  # the stack trace is not carried along
    record = client.call_log.records()[-1]
    assert record.outcome == "fault" and record.fault_code == code


def test_unknown_elements_and_enum_values_are_tolerated(server: HostileServer) -> None:
    companies = client_for(server, "tolerant").companies()
    assert [(c.ID, c.Number, c.KvkNr, c.LoonaangifteTijdvak) for c in companies] == [
        (7, 3, "12345678", "Quarter")
    ]


def test_a_soap_reply_labelled_as_html_is_still_read(server: HostileServer) -> None:
    assert [c.ID for c in client_for(server, "relabelled").companies()] == [9]


def test_empty_list_is_an_empty_python_list(server: HostileServer) -> None:
    assert client_for(server, "empty_list").companies() == []


def test_token_is_sent_but_never_logged(server: HostileServer) -> None:
    client = client_for(server, "tolerant")
    client.companies()
    _path, body = server.requests[-1]
    assert TOKEN.encode() in body  # it does travel in the SOAP header...
    assert b"Domain>acme</" in body
    assert TOKEN not in repr(client)  # ...and nowhere else
    assert all(TOKEN not in repr(record) for record in client.call_log.records())


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-le"])
def test_a_dtd_in_a_utf16_or_utf32_reply_is_refused_unread_and_not_retried(encoding: str) -> None:
    """libxml2 reads UTF-16 and UTF-32 from their first bytes, where a search for the UTF-8
    bytes of <!DOCTYPE finds nothing: an expansion big enough for libxml2 to stop then failed
    the parse as a retryable 'not well-formed XML' instead of being refused unread."""
    from nmbrs_client.transport import TransportProblem, check_soap_body

    entities = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    body = (
        f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE s:Envelope [{entities}]>'
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        "<x>&a9;</x></s:Body></s:Envelope>"
    ).encode(encoding)
    with pytest.raises(TransportProblem) as refused:
        check_soap_body(body, 200, "text/xml")
    assert "declares a DTD" in str(refused.value)
    assert refused.value.retryable is False
