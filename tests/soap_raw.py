"""Hand-built SOAP requests for wire-level tests of the demo server (no zeep involved).

Building envelopes by hand keeps these tests independent of the zeep code the server uses to
render answers: what is asserted is the bytes on the wire.
"""

from __future__ import annotations

import http.client
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from lxml import etree

from nmbrs_demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USERNAME

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
NS_ROOT = "https://api.nmbrs.nl/soap/v3/"


@dataclass
class RawReply:
    status: int
    content_type: str
    body: bytes

    @property
    def xml(self) -> etree._Element:
        return etree.fromstring(self.body)

    def fault_string(self) -> str:
        """faultstring (1.1) or Reason/Text (1.2) of a fault reply."""
        root = self.xml
        node = root.find(f".//{{{SOAP11}}}Fault/faultstring")
        if node is None:
            node = root.find(f".//{{{SOAP12}}}Reason/{{{SOAP12}}}Text")
        assert node is not None, self.body[:500]
        return node.text or ""

    def fault_code(self) -> str:
        root = self.xml
        node = root.find(f".//{{{SOAP11}}}Fault/faultcode")
        if node is None:
            node = root.find(f".//{{{SOAP12}}}Code/{{{SOAP12}}}Value")
        assert node is not None, self.body[:500]
        return node.text or ""

    def result(self, service: str, operation: str) -> etree._Element | None:
        ns = NS_ROOT + service
        return self.xml.find(f".//{{{ns}}}{operation}Response/{{{ns}}}{operation}Result")


def header_xml(
    service: str,
    *,
    header: str | None = "AuthHeaderWithDomain",
    username: str = DEMO_USERNAME,
    token: str = DEMO_TOKEN,
    domain: str | None = DEMO_DOMAIN,
) -> str:
    if header is None:
        return ""
    inner = f"<Username>{escape(username)}</Username><Token>{escape(token)}</Token>"
    if domain is not None and header == "AuthHeaderWithDomain":
        inner += f"<Domain>{escape(domain)}</Domain>"
    return f'<{header} xmlns="{NS_ROOT}{service}">{inner}</{header}>'


def envelope(
    service: str,
    operation: str,
    params: Mapping[str, object] | None = None,
    *,
    version: str = "1.1",
    **header_kwargs: object,
) -> bytes:
    env_ns = SOAP12 if version == "1.2" else SOAP11
    children = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in (params or {}).items())
    head = header_xml(service, **header_kwargs)  # type: ignore[arg-type]
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{env_ns}">'
        f"<soap:Header>{head}</soap:Header>"
        f'<soap:Body><{operation} xmlns="{NS_ROOT}{service}">{children}</{operation}>'
        "</soap:Body></soap:Envelope>"
    ).encode()


def post(
    url: str,
    body: bytes,
    *,
    soap_action: str | None = None,
    content_type: str = "text/xml; charset=utf-8",
    timeout: float = 10.0,
) -> RawReply:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        headers = {"Content-Type": content_type}
        if soap_action is not None:
            headers["SOAPAction"] = soap_action
        conn.request("POST", parts.path + (f"?{parts.query}" if parts.query else ""), body, headers)
        response = conn.getresponse()
        return RawReply(response.status, response.getheader("Content-Type", ""), response.read())
    finally:
        conn.close()


def call(
    base_url: str,
    service: str,
    operation: str,
    params: Mapping[str, object] | None = None,
    *,
    action: bool | str = True,
    version: str = "1.1",
    timeout: float = 10.0,
    **header_kwargs: object,
) -> RawReply:
    """POST one operation as a real client would (quoted SOAPAction for 1.1)."""
    body = envelope(service, operation, params, version=version, **header_kwargs)
    url = f"{base_url}{service}.asmx"
    soap_action = f"{NS_ROOT}{service}/{operation}" if action is True else (action or None)
    if version == "1.2":
        ctype = "application/soap+xml; charset=utf-8"
        if soap_action:
            ctype += f'; action="{soap_action}"'
        return post(url, body, content_type=ctype, timeout=timeout)
    return post(url, body, soap_action=f'"{soap_action}"' if soap_action else None, timeout=timeout)


def get(url: str, timeout: float = 10.0) -> RawReply:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = conn.getresponse()
        return RawReply(response.status, response.getheader("Content-Type", ""), response.read())
    finally:
        conn.close()
