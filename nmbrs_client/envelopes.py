"""Request envelopes of the allowlisted operations, written without zeep's serializer.

zeep builds every request as a tree of value objects, checks it against the schema and then
serializes it: a few tenths of a millisecond of CPU per call, taken while the other workers of
a rights check wait for the GIL. Between two calls of one operation the envelope differs only in
the header's values (username, token, domain) and the integer arguments. So the template of an
operation is zeep's own envelope for it, made once with marker values in those places and cut at
them; a call fills the gaps with its values, escaped as lxml escapes text, and the bytes are the
ones zeep would send.

Anything else is left to zeep (``render`` returns None): an argument that is not a plain
``int``, a value with a character XML 1.0 cannot carry, an operation whose envelope did not
show each marker exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from nmbrs_client.operations import Operation
from nmbrs_client.textsafe import NOT_XML

# Marker values: text and numbers no real call sends, each found once in zeep's envelope.
_TEXT_MARKER: Final = "nmbrs-tui-envelope-slot-{}-end"
_INT_MARKER: Final = 7_304_918_265_000


@dataclass(frozen=True)
class _Slot:
    """One gap of a template: a header field (by name) or an argument (by parameter name)."""

    name: str
    header: bool


@dataclass(frozen=True, repr=False)
class EnvelopeTemplate:
    """zeep's envelope of one operation (with or without a domain), cut at its values."""

    operation: str
    address: str
    http_headers: Mapping[str, str]
    pieces: tuple[bytes, ...]  # one more than slots: text before, between and after them
    slots: tuple[_Slot, ...]

    def render(
        self, header: Mapping[str, str | None], arguments: Mapping[str, Any]
    ) -> bytes | None:
        """The request body for these values, or None when zeep must build it."""
        parts = [self.pieces[0]]
        for slot, after in zip(self.slots, self.pieces[1:], strict=True):
            if slot.header:
                text = header.get(slot.name)
                if text is None or text.__class__ is not str or NOT_XML.search(text):
                    return None
                parts.append(_escaped(text))
            else:
                value = arguments.get(slot.name)
                if value.__class__ is not int:
                    return None
                parts.append(str(value).encode("ascii"))
            parts.append(after)
        return b"".join(parts)

    def __repr__(self) -> str:  # the pieces are markers and names only, but say less
        return f"EnvelopeTemplate({self.operation}, {len(self.slots)} slots)"


def _escaped(text: str) -> bytes:
    """Text content as lxml writes it: ``&``, ``<``, ``>`` escaped, and a carriage return as a
    character reference (a literal one would reach the server as a line feed)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", "&#13;")
        .encode("utf-8")
    )


def build_template(
    proxy: Any, op: Operation, header_name: str, header_fields: Mapping[str, str | None]
) -> EnvelopeTemplate | None:
    """The template of ``op`` for a header with these fields (a None field is left out).

    ``proxy`` is the zeep service proxy of the operation's service; zeep makes the envelope
    once with markers, so the template follows whichever WSDL the client loaded.
    """
    from zeep.wsdl.utils import etree_to_string

    markers: dict[bytes, _Slot] = {}
    fields: dict[str, str | None] = {}
    for i, (name, value) in enumerate(header_fields.items()):
        if value is None:
            fields[name] = None
            continue
        text = _TEXT_MARKER.format(i)
        fields[name] = text
        markers[text.encode("ascii")] = _Slot(name, header=True)
    arguments: dict[str, int] = {}
    for i, param in enumerate(op.params):
        if param.kind != "int":
            return None
        arguments[param.name] = _INT_MARKER + i
        markers[str(_INT_MARKER + i).encode("ascii")] = _Slot(param.name, header=False)
    try:
        envelope, http_headers = proxy._binding._create(
            op.name,
            (),
            {**arguments, "_soapheaders": {header_name: fields}},
            client=proxy._client,
            options=proxy._binding_options,
        )
        body: bytes = etree_to_string(envelope)
    except Exception:  # a WSDL whose operation zeep cannot fill so: zeep's call will say why
        return None
    found: list[tuple[int, bytes]] = []
    for marker in markers:
        if body.count(marker) != 1:
            return None
        found.append((body.index(marker), marker))
    found.sort()
    pieces: list[bytes] = []
    start = 0
    for at, marker in found:
        pieces.append(body[start:at])
        start = at + len(marker)
    pieces.append(body[start:])
    return EnvelopeTemplate(
        operation=op.qualified_name,
        address=str(proxy._binding_options["address"]),
        http_headers=dict(http_headers),
        pieces=tuple(pieces),
        slots=tuple(markers[marker] for _at, marker in found),
    )
