"""The SOAP side of the demo server: bundled WSDLs, request envelopes, results and faults.

Requests are parsed by hand (safely) and responses are rendered by zeep from the *same*
WSDL the client loads, so schema order, ``xsi:nil``, dates and decimals come out right by
construction and the server can never drift from the contract it serves. The bytes are then
written in the ASP.NET style of :mod:`nmbrs_demo.wirestyle`; faults too, because clients
(and the rights engine) read the code out of the faultstring.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import zeep
from lxml import etree

from nmbrs_client.operations import Service
from nmbrs_client.wsdl import wsdl_path
from nmbrs_demo import wirestyle
from nmbrs_demo.readings import (
    STRICT,
    EmptyListReading,
    EnvironmentReplyReading,
    FaultTextReading,
    Readings,
)
from nmbrs_demo.wirestyle import SOAP11_ENV, SOAP12_ENV

# Stands in for the part of a .NET stack trace ASMX appends when custom errors are off.
STACK_TRACE = (
    "\n   at Nmbrs.Api.Services.ServiceBase.Authorize(AuthHeaderWithDomain header)"
    "\n   at Nmbrs.Api.Services.ServiceBase.Invoke(String method)"
    "\n   --- End of inner exception stack trace ---"
)
SOAP11_CONTENT_TYPE = "text/xml; charset=utf-8"
SOAP12_CONTENT_TYPE = "application/soap+xml; charset=utf-8"

# Nmbrs' own fault titles (spelling included: "Unkown").
FAULT_TEXTS: dict[int, str] = {
    1001: "Invalid Authentication",
    1002: "Unauthorized access",
    1003: "Unauthorized access",
    1004: "Disabled, no valid subscription",
    2003: "Unauthorized access",
    2004: "Unauthorized access",
    2009: "Unauthorized access",
    2046: "Not found",
    9999: "Unkown",
}

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    huge_tree=False,
    remove_blank_text=False,
    load_dtd=False,
)
# Lists from this many records on are written by the text writer instead of zeep's serialiser
# (same bytes; zeep's tree costs ~85 % of answering a 5,000-employee list).
TEXT_WRITER_MIN_ITEMS = 50
_ADDRESS = re.compile(r'(<(?:[\w.-]+:)?address\b[^>]*?\blocation=")[^"]*(")')
# The Environment type of the bundled WSDL (DebtorService), to be rewritten per reading.
_ENVIRONMENT_TYPE = re.compile(
    r'(<(?P<ns>[\w.-]+:)?complexType name="Environment">\s*<(?P=ns)?sequence>).*?'
    r"(</(?P=ns)?sequence>)",
    re.DOTALL,
)
# environment-reply=extended: the order and the extra fields of the reply, with the value the
# demo writes. The served WSDL declares exactly these, as a real ASMX service's own WSDL does.
EXTENDED_ENVIRONMENT: tuple[tuple[str, str, str | None], ...] = (
    ("SubDomain", "string", None),
    ("Domain", "string", None),
    ("Culture", "string", "nl-NL"),
    ("IsSandbox", "boolean", "false"),
)


class SoapRequestError(Exception):
    """The request cannot be read or routed: answered with a ``soap:Client`` fault."""


@dataclass(frozen=True)
class Envelope:
    version: str  # "1.1" | "1.2"
    headers: tuple[etree._Element, ...]
    body: etree._Element  # first child element of soap:Body


def parse_envelope(data: bytes) -> Envelope:
    """Parse a request without resolving entities, loading DTDs or touching the network.

    A DOCTYPE is refused outright, like .NET's XmlReader does by default, so entity tricks
    (billion laughs, external entities) never reach the parser's expansion logic.
    """
    if not data.strip():
        raise SoapRequestError("Root element is missing.")
    if b"<!DOCTYPE" in data or b"<!doctype" in data or b"<!ENTITY" in data:
        raise SoapRequestError(
            "For security reasons DTD is prohibited in this XML document. To enable DTD "
            "processing set the DtdProcessing property on XmlReaderSettings to Parse and pass "
            "the settings to XmlReader.Create method."
        )
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (1, 1)
        raise SoapRequestError(f"There is an error in XML document ({line}, {column}).") from None
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise SoapRequestError("For security reasons DTD is prohibited in this XML document.")
    if root.tag == f"{{{SOAP11_ENV}}}Envelope":
        ns, version = SOAP11_ENV, "1.1"
    elif root.tag == f"{{{SOAP12_ENV}}}Envelope":
        ns, version = SOAP12_ENV, "1.2"
    else:
        raise SoapRequestError("Root element is not an Envelope of SOAP 1.1 or 1.2.")
    header = root.find(f"{{{ns}}}Header")
    headers = tuple(c for c in header if isinstance(c.tag, str)) if header is not None else ()
    body = root.find(f"{{{ns}}}Body")
    if body is None:
        raise SoapRequestError("The SOAP envelope has no Body.")
    children = [c for c in body if isinstance(c.tag, str)]
    if not children:
        raise SoapRequestError("The SOAP Body is empty.")
    return Envelope(version=version, headers=headers, body=children[0])


def fault_xml(version: str, sender_fault: bool, text: str) -> bytes:
    """A SOAP fault as ASMX writes it (``soap:Server``/``soap:Client``, empty detail)."""
    return wirestyle.fault(version, sender_fault, escape(text))


def nmbrs_fault_text(code: int, readings: Readings = STRICT) -> str:
    """The faultstring of an Nmbrs business error, e.g. ``… ---> 1002: Unauthorized access``."""
    text = f"Server was unable to process request. ---> {code}: {FAULT_TEXTS.get(code, 'Unkown')}"
    if readings.fault_text is FaultTextReading.STACK_TRACE:
        text += STACK_TRACE
    return text


def content_type(version: str) -> str:
    return SOAP12_CONTENT_TYPE if version == "1.2" else SOAP11_CONTENT_TYPE


@dataclass
class LoadedService:
    """One bundled WSDL, parsed once: its text and its operations by name per SOAP version."""

    service: Service
    wsdl_text: str
    soap11: dict[str, Any]
    soap12: dict[str, Any]
    # Per operation: the name of the repeating child if its result is an ArrayOfX.
    array_items: dict[str, str | None] = field(default_factory=dict)
    # Text writers for big lists, per (operation, SOAP version); None where zeep must write.
    writers: dict[tuple[str, str], Any] = field(default_factory=dict)
    # Elements the WSDL leaves untyped (.NET ``object``): written with xsi:type="xsd:string".
    untyped: frozenset[str] = frozenset()

    def operation(self, name: str, version: str) -> Any | None:
        ops = self.soap12 if version == "1.2" and self.soap12 else self.soap11
        return ops.get(name)

    def render(
        self,
        name: str,
        version: str,
        value: Any,
        readings: Readings = STRICT,
        *,
        text_writer: bool = True,
    ) -> bytes:
        """``<Op>Response/<Op>Result`` (lists wrapped as ArrayOfX), written in the ASMX wire
        style of :mod:`nmbrs_demo.wirestyle` under the given readings.

        Big lists are written by :mod:`nmbrs_demo.textwriter` (zeep's bytes, without zeep's
        tree); ``text_writer=False`` makes zeep write them, for the tests that compare both.
        Either way the bytes then take the one wire style.
        """
        op = self.operation(name, version)
        if op is None:  # pragma: no cover - callers route only known operations
            raise KeyError(name)
        if (
            name == "Environment_Get"
            and readings.environment_reply is EnvironmentReplyReading.EXTENDED
            and isinstance(value, dict)
        ):
            return self._environment_extended(version, value)
        empty = isinstance(value, list) and not value
        raw = None
        if text_writer and isinstance(value, list) and len(value) >= TEXT_WRITER_MIN_ITEMS:
            writer = self._text_writer(name, version, op)
            raw = writer.write(value) if writer is not None else None
        if raw is None:
            if isinstance(value, list):
                item = self.array_items.get(name)
                if item is not None:
                    value = {item: value}
            message = op.output.serialize(**{f"{name}Result": value})
            raw = bytes(etree.tostring(message.content, xml_declaration=True, encoding="utf-8"))
        data = wirestyle.from_zeep(raw, version, self.untyped)
        if empty and readings.empty_list is EmptyListReading.OMITTED:
            data = wirestyle.omit_empty_result(data, name)
        return data

    def _text_writer(self, name: str, version: str, op: Any) -> Any:
        """The text writer of one list operation, built on first use (None: zeep writes)."""
        key = (name, version)
        if key not in self.writers:
            from nmbrs_demo.textwriter import ListWriter

            item = self.array_items.get(name)
            try:
                self.writers[key] = ListWriter(op, name, item) if item else None
            except (TypeError, ValueError, KeyError):
                self.writers[key] = None
        return self.writers[key]

    def _environment_extended(self, version: str, value: dict[str, Any]) -> bytes:
        """SubDomain before Domain, then fields the published WSDL does not list."""
        parts = []
        for tag, _kind, fixed in EXTENDED_ENVIRONMENT:
            shown = fixed if fixed is not None else value.get(tag)
            if shown is not None:
                parts.append(f"<{tag}>{escape(str(shown))}</{tag}>")
        body = (
            wirestyle.response_open("Environment_Get", self.service.namespace)
            + "<Environment_GetResult>"
            + "".join(parts)
            + "</Environment_GetResult>"
            + wirestyle.response_close("Environment_Get")
        )
        return (wirestyle.envelope_open(version) + body + wirestyle.ENVELOPE_CLOSE).encode()

    def served_wsdl(self, base_url: str, readings: Readings = STRICT) -> str:
        """The WSDL this demo serves at ``?WSDL``: its endpoints at ``base_url`` and its types
        as the chosen readings answer, so a client that reads the server's own WSDL (the PyPI
        SDK, strict zeep) always meets replies that fit it; only a client that brings its own
        WSDL meets the difference."""
        text = self.location_rewritten(base_url)
        if readings.environment_reply is EnvironmentReplyReading.EXTENDED:

            def extended(match: re.Match[str]) -> str:
                ns = match.group("ns") or ""
                elements = "".join(
                    f'<{ns}element minOccurs="{0 if kind == "string" else 1}" maxOccurs="1" '
                    f'name="{tag}" type="{ns}{kind}"/>'
                    for tag, kind, _fixed in EXTENDED_ENVIRONMENT
                )
                return match.group(1) + elements + match.group(3)

            text = _ENVIRONMENT_TYPE.sub(extended, text)
        return text

    def location_rewritten(self, base_url: str) -> str:
        """The WSDL with only the soap/soap12 address locations pointing at ``base_url``."""
        endpoint = base_url + self.service.path
        return _ADDRESS.sub(lambda m: m.group(1) + escape(endpoint) + m.group(2), self.wsdl_text)


def _array_item(op: Any) -> str | None:
    body = op.output.body
    if body is None:
        return None
    elements = body.type.elements
    if len(elements) != 1:
        return None
    result_type = elements[0][1].type
    children = getattr(result_type, "elements", None) or []
    if len(children) == 1 and children[0][1].max_occurs == "unbounded":
        return str(children[0][0])
    return None


def _untyped_elements(wsdl: bytes) -> frozenset[str]:
    """Names of schema elements with neither a type nor an inline type (``object`` in .NET)."""
    root = etree.fromstring(wsdl, _PARSER)
    xs = "http://www.w3.org/2001/XMLSchema"
    return frozenset(
        str(node.get("name"))
        for node in root.iter(f"{{{xs}}}element")
        if node.get("name")
        and node.get("type") is None
        and node.get("ref") is None
        and len(node) == 0
    )


_CACHE: dict[Service, LoadedService] = {}
_CACHE_LOCK = threading.Lock()


def load_service(service: Service) -> LoadedService:
    """Load a bundled WSDL with zeep once per process (thread-safe): ~tens of ms each."""
    with _CACHE_LOCK:
        cached = _CACHE.get(service)
        if cached is not None:
            return cached
        path = wsdl_path(service)
        client = zeep.Client(str(path))
        ports = client.wsdl.services[service.value].ports
        soap11 = dict(ports[f"{service.value}Soap"].binding.all())
        port12 = ports.get(f"{service.value}Soap12")
        soap12 = dict(port12.binding.all()) if port12 is not None else {}
        loaded = LoadedService(
            service=service,
            wsdl_text=path.read_text(encoding="utf-8"),
            soap11=soap11,
            soap12=soap12,
            array_items={name: _array_item(op) for name, op in soap11.items()},
            untyped=_untyped_elements(path.read_bytes()),
        )
        _CACHE[service] = loaded
        return loaded
