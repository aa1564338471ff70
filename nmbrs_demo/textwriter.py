"""A text writer for the demo's big list replies: zeep's bytes without zeep's tree.

zeep renders a reply by building an lxml tree through its generic schema machinery: 85 % of
the demo's time when it answers a 5,000-employee list. This writer writes the same records as
text, from a plan made once per operation from zeep's own schema:

- the envelope, response and result tags are cut from zeep's rendering of an empty result, so
  prefixes, namespaces and the XML declaration are zeep's;
- children come in schema order; a value is written with the schema type's own ``xmlvalue``
  and escaped as lxml escapes text; ``None`` is left out (optional), written as
  ``xsi:nil="true"`` with the local ``xmlns:xsi`` zeep writes (nillable), or refused;
- anything else (a required value missing, text XML cannot hold, a type outside the plan)
  returns ``None`` and the caller lets zeep render the reply, and fail, as before.

The output is byte-for-byte zeep's (``tests/test_demo_textwriter.py`` compares them), so the
wire style applied afterwards to zeep's bytes applies to these the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from lxml import etree

XSI = "http://www.w3.org/2001/XMLSchema-instance"
# Characters XML 1.0 cannot carry at all: lxml refuses them, so zeep's render fails.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEEDS_ESCAPE = re.compile("[&<>\r]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}


_PLAIN = (str, int, float, Decimal, datetime, date, time)


class _Refused(Exception):
    """This value is outside the writer's plan: zeep renders the reply."""


@dataclass(frozen=True)
class _Child:
    name: str
    open: str  # "<ns0:Name>"
    close: str  # "</ns0:Name>"
    empty: str  # "<ns0:Name/>"
    nil: str  # "<ns0:Name xmlns:xsi=… xsi:nil="true"/>"
    optional: bool
    nillable: bool
    repeated: bool
    min_occurs: int
    untyped: bool  # xs:anyType
    to_text: Any  # simple type: zeep's xmlvalue
    plan: tuple[_Child, ...] | None  # complex type


def _escape(text: str) -> str:
    if _NOT_XML.search(text):
        raise _Refused
    if _NEEDS_ESCAPE.search(text):
        return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group()], text)
    return text


class ListWriter:
    """Writes ``<Op>Response/<Op>Result/<Item>…`` for one operation and SOAP version."""

    def __init__(self, operation: Any, name: str, item: str) -> None:
        from zeep.xsd import ComplexType

        self.name = name
        response = operation.output.body
        result_type = response.type.elements[0][1].type
        item_element = dict(result_type.elements)[item]
        if not isinstance(item_element.type, ComplexType):
            raise TypeError("the list item is not a complex type")
        self._item = _child(item, item_element, prefix="ns0")
        empty = operation.output.serialize(**{f"{name}Result": {item: []}})
        framed = bytes(etree.tostring(empty.content, xml_declaration=True, encoding="utf-8"))
        marker = f"<ns0:{name}Result/>".encode()
        if framed.count(marker) != 1:
            raise ValueError("unexpected shape of zeep's empty result")
        head, tail = framed.split(marker)
        self._head = head + f"<ns0:{name}Result>".encode()
        self._tail = f"</ns0:{name}Result>".encode() + tail

    def write(self, records: list[Any]) -> bytes | None:
        """The reply for ``records`` (plain dicts), or None when zeep must render it."""
        parts: list[str] = []
        try:
            for record in records:
                _write(self._item, record, parts)
        except _Refused:
            return None
        return self._head + "".join(parts).encode("utf-8") + self._tail


def _child(name: str, element: Any, prefix: str) -> _Child:
    from zeep.xsd import AnySimpleType, AnyType, ComplexType
    from zeep.xsd.elements import Element, Sequence

    xsd_type = element.type
    untyped = False
    tag = f"{prefix}:{etree.QName(element.qname).localname}"
    plan: tuple[_Child, ...] | None = None
    to_text = None
    if isinstance(xsd_type, ComplexType):
        if xsd_type.attributes or len(xsd_type.elements_nested) != 1:
            raise TypeError(f"{name}: attributes or several indicators")
        indicator = xsd_type.elements_nested[0][1]
        if not isinstance(indicator, Sequence) or indicator.accepts_multiple:
            raise TypeError(f"{name}: not a plain sequence")
        children = []
        for child_name, child in indicator.elements:
            if not isinstance(child, Element):
                raise TypeError(f"{name}.{child_name}: not an element")
            children.append(_child(child_name, child, prefix))
        plan = tuple(children)
    elif isinstance(xsd_type, AnySimpleType):
        to_text = xsd_type.xmlvalue
    elif type(xsd_type) is AnyType:
        # xs:anyType: zeep writes a plain value's text without xsi:type (zeep objects with
        # their own type are refused below and left to zeep).
        to_text = xsd_type.xmlvalue
        untyped = True
    else:
        raise TypeError(f"{name}: {xsd_type!r}")
    return _Child(
        name=name,
        open=f"<{tag}>",
        close=f"</{tag}>",
        empty=f"<{tag}/>",
        nil=f'<{tag} xmlns:xsi="{XSI}" xsi:nil="true"/>',
        optional=bool(element.is_optional),
        nillable=bool(element.nillable),
        repeated=bool(element.accepts_multiple),
        min_occurs=int(element.min_occurs),
        untyped=untyped,
        to_text=to_text,
        plan=plan,
    )


def _write(child: _Child, value: Any, parts: list[str]) -> None:
    if value is None:
        if child.optional:
            return
        if not child.nillable:
            raise _Refused  # zeep: "Missing element"
        parts.append(child.nil)
        return
    if child.plan is not None:
        if not isinstance(value, dict):
            raise _Refused
        inner: list[str] = []
        for sub in child.plan:
            sub_value = value.get(sub.name)
            if sub.repeated:
                if sub_value is None:
                    if not sub.optional:
                        raise _Refused
                    continue
                if not isinstance(sub_value, list) or len(sub_value) < sub.min_occurs:
                    raise _Refused
                for item in sub_value:
                    _write(sub, item, inner)
            else:
                _write(sub, sub_value, inner)
        if inner:
            parts.append(child.open)
            parts.extend(inner)
            parts.append(child.close)
        else:
            parts.append(child.empty)
        return
    if isinstance(value, (list, dict, tuple, set)) or (
        child.untyped and not isinstance(value, _PLAIN)
    ):
        raise _Refused
    try:
        text = child.to_text(value)
    except Exception:
        raise _Refused from None
    if not isinstance(text, str):
        raise _Refused
    parts.append(child.open + _escape(text) + child.close)
