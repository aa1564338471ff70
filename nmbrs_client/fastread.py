"""A fast reader for big SOAP replies: records straight from the parsed tree, zeep's rules.

zeep spends most of a 5,000-row reply in its generic XML machinery (and the transport has
already parsed the same bytes once to check them). This reader walks the tree the transport
built, using a plan made once per operation from zeep's own parsed schema, and gives the same
plain data ``zeep.helpers.serialize_object`` gives for zeep's answer:

- values are converted by the schema type's own ``pythonvalue`` (a value zeep cannot convert
  becomes ``None``, as in zeep), so dates, decimals and booleans are zeep's by construction;
- children are matched by local name and in any order, unknown ones are ignored, a missing
  one is ``None`` (``[]`` when repeated), an element without children or attributes is
  ``None`` — zeep's non-strict, order-ignoring reading that the client configures;
- an element carrying ``xsi:type``, or typed ``xs:anyType``, is handed to zeep's own parser.

Anything the plan does not cover (a type with attributes, choices, wildcards, a reply that is
not one ``<Op>Response`` in a SOAP 1.1 Body) makes :meth:`ReplyReader.read` return
:data:`UNREAD`, and the caller lets zeep read the reply as before. Which reader ran never
changes the result; the property tests in ``tests/test_fastread.py`` hold both to that.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal as _Decimal
from typing import Any, Final

from lxml import etree

SOAP11_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
XSI_TYPE: Final = "{http://www.w3.org/2001/XMLSchema-instance}type"
XSD_NS: Final = "http://www.w3.org/2001/XMLSchema"
_BODY: Final = f"{{{SOAP11_ENV}}}Body"


class _Unread:
    """Marker: the reply has a shape the plan does not cover; let zeep read it."""

    def __repr__(self) -> str:
        return "UNREAD"


UNREAD: Final = _Unread()


class UnsupportedSchema(Exception):
    """The operation's output type uses XSD features this reader does not imitate."""


@dataclass(frozen=True)
class _Field:
    """One child element of a complex type, with how to read its value."""

    name: str  # attribute name in zeep's result (the element's local name)
    localname: str
    repeated: bool
    convert: Any  # simple type: text -> value (may raise ValueError/TypeError)
    plan: _Plan | None  # complex type
    zeep_element: Any  # for anyType and xsi:type: zeep parses that node itself
    any_type: bool = False  # typed xs:anyType (or untyped)


@dataclass(frozen=True)
class _Plan:
    """How to read one complex type: its element children by local name."""

    fields: tuple[_Field, ...]
    by_localname: dict[str, int]
    single_child: str | None  # zeep unwraps a top-level result with one child and no attrs
    # Full tag ({namespace}local) -> the index of its field, or None for a child no field
    # reads: learnt from the replies (a reply repeats a handful of tags thousands of times).
    by_tag: dict[Any, int | None] = dataclasses.field(default_factory=dict)

    def index_of(self, tag: Any) -> int | None:
        """The field that reads a child with this tag (None: ignored, as zeep ignores it)."""
        if tag.__class__ is not str:
            raise _Fallback  # a processing instruction or entity among the children
        i = self.by_localname.get(tag[tag.rfind("}") + 1 :])
        self.by_tag[tag] = i
        return i


def _plan_for(xsd_type: Any, seen: dict[int, _Plan | None]) -> _Plan:
    from zeep.xsd import ComplexType
    from zeep.xsd.elements import All, Element, Sequence

    key = id(xsd_type)
    if key in seen:
        cached = seen[key]
        if cached is None:
            raise UnsupportedSchema("recursive type")
        return cached
    seen[key] = None
    if not isinstance(xsd_type, ComplexType):
        raise UnsupportedSchema(f"{xsd_type!r} is not a complex type")
    if xsd_type.attributes:
        raise UnsupportedSchema("attributes")
    nested = xsd_type.elements_nested
    if len(nested) > 1:
        raise UnsupportedSchema("more than one indicator")
    fields: list[_Field] = []
    if nested:
        _name, indicator = nested[0]
        if not isinstance(indicator, (Sequence, All)) or indicator.accepts_multiple:
            raise UnsupportedSchema(f"indicator {type(indicator).__name__}")
        for name, element in indicator.elements:
            if not isinstance(element, Element):
                raise UnsupportedSchema(f"{type(element).__name__} inside a sequence")
            fields.append(_field(name, element, seen))
    plan = _Plan(
        fields=tuple(fields),
        by_localname={f.localname: i for i, f in enumerate(fields)},
        single_child=fields[0].name if len(fields) == 1 else None,
    )
    if len(plan.by_localname) != len(fields):
        raise UnsupportedSchema("two children with one local name")
    seen[key] = plan
    return plan


def _field(name: str, element: Any, seen: dict[int, _Plan | None]) -> _Field:
    from zeep.xsd import AnySimpleType, AnyType, ComplexType

    xsd_type = element.type
    convert = plan = None
    direct = None
    if isinstance(xsd_type, AnySimpleType):
        convert = fast_converter(xsd_type)
    elif isinstance(xsd_type, ComplexType):
        plan = _plan_for(xsd_type, seen)
    elif isinstance(xsd_type, AnyType):
        direct = element  # xs:anyType: zeep decides from xsi:type and content
    else:
        raise UnsupportedSchema(f"{name}: {xsd_type!r}")
    return _Field(
        name=name,
        localname=etree.QName(element.qname).localname,
        repeated=bool(element.accepts_multiple),
        convert=convert,
        plan=plan,
        zeep_element=direct if direct is not None else element,
        any_type=direct is not None,
    )


class ReplyReader:
    """Reads one operation's reply from a parsed envelope; built once per operation."""

    def __init__(self, operation: Any, schema: Any) -> None:
        """``operation`` is zeep's bound operation (``binding.get(name)``); may raise
        :class:`UnsupportedSchema`."""
        self.name = operation.name
        self._schema = schema
        response = operation.output.body  # the <Op>Response element inside soap:Body
        if response is None:
            raise UnsupportedSchema("no body")
        self._response = _field(str(response.name), response, {})
        response_plan = self._response.plan
        if response_plan is None or len(response_plan.fields) != 1:
            raise UnsupportedSchema("the response does not hold exactly one result")
        self._result = response_plan.fields[0]

    def read(self, envelope: etree._Element) -> Any:
        """zeep's answer as plain data, or :data:`UNREAD` when zeep must read this reply."""
        if envelope.tag != f"{{{SOAP11_ENV}}}Envelope":
            return UNREAD
        body = envelope.find(_BODY)
        if body is None:
            return UNREAD
        children = [c for c in body if isinstance(c.tag, str)]
        if len(children) != 1 or len(body) != 1 or body.attrib:
            return UNREAD
        response = children[0]
        if etree.QName(response).localname != self._response.localname:
            return UNREAD
        if XSI_TYPE in response.attrib:
            return UNREAD
        try:
            nodes = [c for c in response if _localname(c) == self._result.localname]
            if len(nodes) != len(response) or len(nodes) > 1 or _has_odd_nodes(response):
                return UNREAD  # unknown siblings or duplicates: zeep's own rules decide
            if not nodes:
                return None
            value = self._value(self._result, nodes[0])
        except _Fallback:
            return UNREAD
        plan = self._result.plan
        if isinstance(value, dict) and plan is not None and plan.single_child is not None:
            return value[plan.single_child]
        return value

    # ------------------------------------------------------------------ reading
    def _value(self, field: _Field, node: etree._Element) -> Any:
        if node.get(XSI_TYPE) is not None or (field.convert is None and field.plan is None):
            return self._by_zeep(field, node)
        if field.plan is not None:
            return self._complex(field.plan, node)
        text = node.text
        if text is None:
            return None
        try:
            return field.convert(text)
        except (TypeError, ValueError):
            return None  # zeep logs the conversion error and gives None

    def _complex(self, plan: _Plan, node: etree._Element) -> dict[str, Any] | None:
        if len(node) == 0 and not node.attrib:
            return None
        fields = plan.fields
        # Each field's element (the first, as zeep takes it), or its list when repeated; then
        # the values in the schema's order, as zeep reads them (so the same error comes first).
        found: list[Any] = [None] * len(fields)
        known = plan.by_tag
        for child in node:
            tag = child.tag
            try:
                i = known[tag]
            except KeyError:
                i = plan.index_of(tag)
            if i is None:
                continue  # an element Nmbrs added after our WSDL: ignored, as zeep does
            if fields[i].repeated:
                if found[i] is None:
                    found[i] = [child]
                else:
                    found[i].append(child)
            elif found[i] is None:
                found[i] = child
        result: dict[str, Any] = {}
        value = self._value
        for field, nodes in zip(fields, found, strict=True):
            if field.repeated:
                result[field.name] = [value(field, n) for n in nodes] if nodes else []
                continue
            if nodes is None:
                result[field.name] = None
                continue
            convert = field.convert
            if convert is None or nodes.get(XSI_TYPE) is not None:
                result[field.name] = value(field, nodes)
                continue
            text = nodes.text
            if text is None:
                result[field.name] = None
                continue
            try:
                result[field.name] = convert(text)
            except (TypeError, ValueError):
                result[field.name] = None  # zeep logs the conversion error, gives None
        return result

    def _by_zeep(self, field: _Field, node: etree._Element) -> Any:
        if len(node) == 0 and _text_as_is(field, node):
            return node.text
        from zeep.helpers import serialize_object

        try:
            value = field.zeep_element.parse(node, self._schema, allow_none=True)
        except Exception:
            raise _Fallback from None  # zeep refuses this node: let it refuse the reply
        return serialize_object(value, target_cls=dict)


class _Fallback(Exception):
    """Raised deep in the walk when zeep's own reading must decide."""


_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")
_PLAIN_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")


def fast_converter(xsd_type: Any) -> Any:
    """``xsd_type.pythonvalue``, short-cut for the lexical forms the lists are made of.

    zeep's built-in conversions first collapse whitespace with a regular expression, which is
    half of their cost. For text in the plain forms below (no whitespace at all) the short cut
    computes what zeep computes; any other text goes to zeep's own ``pythonvalue``.
    """
    from zeep.xsd.types import builtins

    convert = xsd_type.pythonvalue
    method = type(xsd_type).pythonvalue
    if method in (builtins.Integer.pythonvalue, builtins.Long.pythonvalue):

        def to_int(text: str) -> Any:
            if text.isdigit() and text.isascii():
                return int(text)
            return convert(text)

        return to_int
    if method is builtins.Decimal.pythonvalue:

        def to_decimal(text: str) -> Any:
            if _PLAIN_DECIMAL.fullmatch(text):
                return _Decimal(text)
            return convert(text)

        return to_decimal
    if method is builtins.DateTime.pythonvalue:

        def to_datetime(text: str) -> Any:
            if _DATETIME.fullmatch(text):
                return datetime.fromisoformat(text)  # naive, as isodate gives it
            return convert(text)

        return to_datetime
    if method is builtins.Boolean.pythonvalue:

        def to_bool(text: str) -> Any:
            if text in ("true", "false", "1", "0"):
                return text in ("true", "1")
            return convert(text)

        return to_bool
    return convert


def _text_as_is(field: _Field, node: etree._Element) -> bool:
    """Whether zeep reads this childless element as its text, unconverted: an ``xs:anyType``
    one with no attributes, or any one whose only attribute is ``xsi:type="xsd:string"``
    (how ASP.NET writes an anyType value), which zeep reads as that type says."""
    attrib = node.attrib
    if not attrib:
        return field.any_type
    if len(attrib) != 1:
        return False
    prefix, colon, local = (attrib.get(XSI_TYPE) or "").partition(":")
    return bool(colon) and local == "string" and node.nsmap.get(prefix) == XSD_NS


def _localname(node: etree._Element) -> str:
    tag = node.tag
    if not isinstance(tag, str):
        raise _Fallback
    return tag.rpartition("}")[2]


def _has_odd_nodes(node: etree._Element) -> bool:
    """Processing instructions or entities among the children (comments are stripped)."""
    return any(c.tag.__class__ is not str for c in node)


def build_reader(operation: Any, schema: Any) -> ReplyReader | None:
    """A reader for ``operation``, or None when its output type is outside the plan."""
    try:
        return ReplyReader(operation, schema)
    except UnsupportedSchema:
        return None
