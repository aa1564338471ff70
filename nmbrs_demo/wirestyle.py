"""How an ASP.NET (ASMX) web service writes its replies: the one definition the demo uses.

A captured Nmbrs reply looks like::

    <?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="…" xmlns:xsi="…"
    xmlns:xsd="…"><soap:Body><List_GetAllResponse xmlns="https://api.nmbrs.nl/soap/v3/…">
    <List_GetAllResult>…

the ``soap`` prefix with ``xsi``/``xsd`` declared on the envelope, the service namespace as the
*default* namespace of the response wrapper and unprefixed children, ``xsi:type="xsd:string"``
on elements the WSDL leaves untyped, and ``<x />`` with a space for empty elements. Simple
connectors depend on exactly that (they strip ``xmlns="…"`` and find elements by bare name).

Everything that writes a reply — the zeep-rendered answers, faults, and any faster text writer
for big lists — takes its pieces from here, so the style cannot drift between writers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
XSI_STRING = ' xsi:type="xsd:string"'
XSI_NIL = ' xsi:nil="true"'


def envelope_namespace(version: str) -> str:
    return SOAP12_ENV if version == "1.2" else SOAP11_ENV


def envelope_open(version: str) -> str:
    """Declaration, ``soap:Envelope`` with xsi/xsd declared, and ``soap:Body`` opened."""
    return (
        f'{XML_DECLARATION}<soap:Envelope xmlns:soap="{envelope_namespace(version)}" '
        f'xmlns:xsi="{XSI}" xmlns:xsd="{XSD}"><soap:Body>'
    )


ENVELOPE_CLOSE = "</soap:Body></soap:Envelope>"


def response_open(operation: str, namespace: str) -> str:
    """``<OpResponse xmlns="…">``: the service namespace becomes the default namespace."""
    return f'<{operation}Response xmlns="{namespace}">'


def response_close(operation: str) -> str:
    return f"</{operation}Response>"


def empty_response(operation: str, namespace: str) -> str:
    """A response without a result element (void operations, or an omitted empty list)."""
    return f'<{operation}Response xmlns="{namespace}" />'


def untyped_open(name: str) -> str:
    """Start tag of an element the WSDL leaves untyped (.NET ``object``): typed as a string."""
    return f"<{name}{XSI_STRING}>"


# --------------------------------------------------------------------------- zeep's output
# zeep (through lxml) writes ``soap-env:`` for the envelope, ``ns0:`` for the one service
# namespace, a local ``xmlns:xsi`` on every nil element and ``<x/>`` without a space. Text and
# attribute values never hold a raw ``<`` or ``>`` (lxml escapes both), so rewriting the tags
# as text is exact and ~50 times faster than rebuilding a 5,000-row tree with lxml.
_ZEEP_ENVELOPE = re.compile(rb"^.*?<soap-env:Envelope [^>]*><soap-env:Body>", re.S)
_ZEEP_CLOSE = b"</soap-env:Body></soap-env:Envelope>"
_WRAPPER_NS = re.compile(rb'^<ns0:(\w+) xmlns:ns0="([^"]+)"')
_LOCAL_XSI = f' xmlns:xsi="{XSI}"'.encode()
_PREFIX_OPEN = re.compile(rb"<ns0:")
_PREFIX_CLOSE = re.compile(rb"</ns0:")
_SELF_CLOSING = re.compile(rb"(?<! )/>")


def from_zeep(data: bytes, version: str, untyped: Iterable[str] = ()) -> bytes:
    """An envelope rendered by zeep, rewritten in the ASMX style described above."""
    head = _ZEEP_ENVELOPE.match(data)
    if head is None or not data.endswith(_ZEEP_CLOSE):
        raise ValueError("not a zeep-rendered SOAP envelope")
    body = data[head.end() : -len(_ZEEP_CLOSE)]
    body = _WRAPPER_NS.sub(rb'<\1 xmlns="\2"', body, count=1)
    if b"ns1:" in body and re.search(rb"</?ns[1-9]\d*:", body):
        raise ValueError("the reply uses more than one namespace")
    body = _PREFIX_CLOSE.sub(b"</", _PREFIX_OPEN.sub(b"<", body))
    body = body.replace(_LOCAL_XSI, b"")
    for name in untyped:
        body = body.replace(f"<{name}>".encode(), untyped_open(name).encode())
    body = _SELF_CLOSING.sub(b" />", body)
    return envelope_open(version).encode() + body + ENVELOPE_CLOSE.encode()


def omit_empty_result(data: bytes, operation: str) -> bytes:
    """``<OpResponse xmlns="…"><OpResult /></OpResponse>`` → ``<OpResponse xmlns="…" />``."""
    pattern = re.compile(
        rb'<(%s)Response xmlns="([^"]+)"><%sResult />(</%sResponse>)'
        % (
            re.escape(operation.encode()),
            re.escape(operation.encode()),
            re.escape(operation.encode()),
        )
    )
    return pattern.sub(rb'<\1Response xmlns="\2" />', data, count=1)


def fault(version: str, sender_fault: bool, text_escaped: str) -> bytes:
    """A SOAP fault as ASMX writes it (``soap:Server``/``soap:Client``, empty detail).

    ``text_escaped`` is the faultstring, already XML-escaped.
    """
    if version == "1.2":
        code = "soap:Sender" if sender_fault else "soap:Receiver"
        inner = (
            f"<soap:Fault><soap:Code><soap:Value>{code}</soap:Value></soap:Code>"
            f'<soap:Reason><soap:Text xml:lang="en">{text_escaped}</soap:Text></soap:Reason>'
            "<soap:Detail /></soap:Fault>"
        )
    else:
        code = "soap:Client" if sender_fault else "soap:Server"
        inner = (
            f"<soap:Fault><faultcode>{code}</faultcode>"
            f"<faultstring>{text_escaped}</faultstring><detail /></soap:Fault>"
        )
    return (envelope_open(version) + inner + ENVELOPE_CLOSE).encode()
