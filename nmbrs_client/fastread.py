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
- an element carrying ``xsi:type``, or typed ``xs:anyType``, is handed to zeep's own parser;
- values are read in the schema's order, as zeep reads them, so the same bad value decides
  a broken reply. How each field is read is settled once per plan; a record whose children
  come in the schema's order, each once (how Nmbrs writes them), is walked once, any other
  is first sorted into that order.

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
from enum import Enum
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


class _How(Enum):
    """How a field's element becomes its value (decided once per plan, not per element)."""

    TEXT = "text"  # xs:string and its restrictions: the text as it is (zeep's pythonvalue)
    CONVERT = "convert"  # another simple type: its converter
    COMPLEX = "complex"  # a complex type: its plan
    ZEEP = "zeep"  # xs:anyType: zeep decides from xsi:type and content
    LIST = "list"  # a repeated element: each one as _value reads it


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
    as_text: bool = False  # the simple type's pythonvalue gives the text back unchanged

    @property
    def how(self) -> _How:
        if self.repeated:
            return _How.LIST
        if self.plan is not None:
            return _How.COMPLEX
        if self.convert is None:
            return _How.ZEEP
        return _How.TEXT if self.as_text else _How.CONVERT


# One field as the walk uses it: (result key, how, converter or plan, the field).
_Step = tuple[str, _How, Any, _Field]


@dataclass(frozen=True)
class _Plan:
    """How to read one complex type: its element children by local name."""

    fields: tuple[_Field, ...]
    by_localname: dict[str, int]
    single_child: str | None  # zeep unwraps a top-level result with one child and no attrs
    # Full tag ({namespace}local) -> the index of its field, or _IGNORED for a child no field
    # reads: learnt from the replies (a reply repeats a handful of tags thousands of times).
    by_tag: dict[Any, int] = dataclasses.field(default_factory=dict)
    steps: tuple[_Step, ...] = ()
    repeated: tuple[bool, ...] = ()
    blank: dict[str, None] = dataclasses.field(default_factory=dict)  # every field None
    lists: tuple[str, ...] = ()  # the repeated fields: [] when missing

    @classmethod
    def of(cls, fields: tuple[_Field, ...]) -> _Plan:
        return cls(
            fields=fields,
            by_localname={f.localname: i for i, f in enumerate(fields)},
            single_child=fields[0].name if len(fields) == 1 else None,
            steps=tuple((f.name, f.how, f.plan or f.convert, f) for f in fields),
            repeated=tuple(f.repeated for f in fields),
            blank=dict.fromkeys(f.name for f in fields),
            lists=tuple(f.name for f in fields if f.repeated),
        )

    def index_of(self, tag: Any) -> int:
        """The field that reads a child with this tag (_IGNORED: as zeep ignores it)."""
        if tag.__class__ is not str:
            raise _Fallback  # a processing instruction or entity among the children
        i = self.by_localname.get(tag[tag.rfind("}") + 1 :], _IGNORED)
        self.by_tag[tag] = i
        return i


_IGNORED: Final = -1  # by_tag: a child no field reads
_UNSEEN: Final = -2  # by_tag.get default: a tag not learnt yet
# The members as plain names: looking a member up on its enum class costs a call per field.
_TEXT, _CONVERT, _COMPLEX, _LIST = _How.TEXT, _How.CONVERT, _How.COMPLEX, _How.LIST


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
    plan = _Plan.of(tuple(fields))
    if len(plan.by_localname) != len(fields):
        raise UnsupportedSchema("two children with one local name")
    seen[key] = plan
    return plan


def _field(name: str, element: Any, seen: dict[int, _Plan | None]) -> _Field:
    from zeep.xsd import AnySimpleType, AnyType, ComplexType
    from zeep.xsd.types import builtins

    xsd_type = element.type
    convert = plan = None
    direct = None
    as_text = False
    if isinstance(xsd_type, AnySimpleType):
        convert = fast_converter(xsd_type)
        as_text = type(xsd_type).pythonvalue is builtins.String.pythonvalue
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
        as_text=as_text,
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
        if (node.attrib and node.get(XSI_TYPE) is not None) or (
            field.convert is None and field.plan is None
        ):
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
        present = None if plan.lists else _in_schema_order(plan, node)
        if present is None:
            present = _by_schema_order(plan, node)
        # The values in the schema's order, as zeep reads them (so the same error comes
        # first); a field with no element keeps None.
        result: dict[str, Any] = plan.blank.copy()
        for (name, how, arg, field), child in present:
            if how is _TEXT:
                # xsi:type on any element makes zeep read it by that type
                if child.attrib and child.get(XSI_TYPE) is not None:
                    result[name] = self._by_zeep(field, child)
                else:
                    result[name] = child.text
            elif how is _CONVERT:
                if child.attrib and child.get(XSI_TYPE) is not None:
                    result[name] = self._by_zeep(field, child)
                    continue
                text = child.text
                if text is not None:
                    try:
                        result[name] = arg(text)
                    except (TypeError, ValueError):
                        result[name] = None  # zeep logs the conversion error, gives None
            elif how is _COMPLEX:
                if child.attrib and child.get(XSI_TYPE) is not None:
                    result[name] = self._by_zeep(field, child)
                else:
                    result[name] = self._complex(arg, child)
            elif how is _LIST:
                result[name] = [self._value(field, n) for n in child]
            else:
                result[name] = self._by_zeep(field, child)
        for name in plan.lists:
            if result[name] is None:
                result[name] = []
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


def _in_schema_order(plan: _Plan, node: etree._Element) -> list[tuple[_Step, Any]] | None:
    """The fields present and their elements when the children come in the schema's order,
    each at most once (how Nmbrs writes a record); None otherwise."""
    known = plan.by_tag
    steps = plan.steps
    present = []
    last = -1
    for child in node:
        i = known.get(child.tag, _UNSEEN)
        if i <= last:
            if i == _IGNORED:
                continue  # an element Nmbrs added after our WSDL: ignored, as zeep does
            if i != _UNSEEN:
                return None  # doubled or out of order
            i = plan.index_of(child.tag)
            if i == _IGNORED:
                continue
            if i <= last:
                return None
        last = i
        present.append((steps[i], child))
    return present


def _by_schema_order(plan: _Plan, node: etree._Element) -> list[tuple[_Step, Any]]:
    """The fields present in the schema's order, each with its first element as zeep takes
    it (its list of elements when repeated), whatever the order of the children."""
    found: list[Any] = [None] * len(plan.steps)
    known = plan.by_tag
    repeated = plan.repeated
    for child in node:
        i = known.get(child.tag, _UNSEEN)
        if i == _UNSEEN:
            i = plan.index_of(child.tag)
        if i == _IGNORED:
            continue
        if repeated[i]:
            if found[i] is None:
                found[i] = [child]
            else:
                found[i].append(child)
        elif found[i] is None:
            found[i] = child
    return [
        (step, child) for step, child in zip(plan.steps, found, strict=True) if child is not None
    ]


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
