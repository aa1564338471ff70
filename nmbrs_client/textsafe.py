"""One sanitiser for every text that came from the network or from a file.

Company names, fault strings, HTML titles of proxy pages, PDF text and the names in a
requirements or scenario file are data, and data must never drive the terminal or forge a line
in a report. Everything such a text may carry that a terminal, a Markdown renderer or a file
system would act on is made visible instead:

- C0 controls, DEL, ESC and C1 controls become escapes such as ``\\x1b`` (so an OSC title
  sequence or a colour code shows as text rather than acting);
- bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) become ``\\u202e``, so
  they cannot reorder what the reader sees;
- in single-line fields (names, titles, messages) CR, LF and the Unicode line and paragraph
  separators become ``\\r`` / ``\\n`` / ``\\u2028``, so data cannot start a new line; multi-line
  text (a PDF's text) keeps its line feeds and turns CR or CRLF into a line feed.

Markup is the display layer's business: the TUI shows data through ``rich.text.Text`` objects
(never parsed as markup), and reports escape Markdown with :func:`markdown_inline`. This module
imports nothing outside the standard library, so the client, the REST client, the headless
commands and the TUI all use the same rules.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_LINE_BREAKS = frozenset("\n\r\u2028\u2029")
# Everything that may need rewriting; a text without any of these is returned as it is.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# A character XML 1.0 cannot carry (https://www.w3.org/TR/xml/#charsets): no SOAP request can
# hold it (lxml refuses to write it), so such a username, token or domain is never sent. Listed
# as the characters outside XML's allowed ranges (a test checks every code point): the negated
# class of those ranges, with its astral one, took ~7 ms to compile at every start.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _visible(char: str) -> str:
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def clean(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control, bidi override and (single-line) line break made visible.

    A tab becomes a space in single-line text and stays a tab in multi-line text.
    """
    if not isinstance(text, str):
        text = str(text)
    if not _UNSAFE.search(text):
        return text
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # One regular-expression pass, not a Python loop per character: a reply may carry a name
    # of many megabytes, and the whole report goes through here as its last guard.
    return _UNSAFE.sub(_replacement_multiline if multiline else _replacement_line, text)


def _replacement_line(match: re.Match[str]) -> str:
    char = match.group()
    return " " if char == "\t" else _visible(char)


def _replacement_multiline(match: re.Match[str]) -> str:
    char = match.group()
    return char if char in ("\t", "\n") else _visible(char)


def line(text: Any) -> str:
    """A single-line field: a name, a title, a message."""
    return clean(text if isinstance(text, str) else str(text))


def block(text: Any) -> str:
    """Multi-line text (a PDF's text, a whole report): keeps line feeds, nothing else."""
    return clean(text if isinstance(text, str) else str(text), multiline=True)


def clean_tree(value: Any) -> Any:
    """Every string inside a reply (nested dicts, lists, tuples) cleaned as a single line.

    Bytes (PDFs) and other scalars are returned untouched. Used on every SOAP result, so the
    rest of the program only ever holds cleaned text.
    """
    if isinstance(value, str):
        return clean(value) if _UNSAFE.search(value) else value
    if isinstance(value, dict):
        return {key: clean_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_tree(item) for item in value]
    if isinstance(value, tuple):
        return tuple(clean_tree(item) for item in value)
    return value


# In UTF-8 bytes: C0 controls (also CR/LF, which XML text may carry), DEL, C1 (U+0080-U+009F),
# bidi controls and the line/paragraph separators; ``&#`` for characters written as references.
_UNSAFE_UTF8 = re.compile(
    rb"[\x00-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|&#"
)
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b >= 0x20 and b != 0x7F)
# (first byte, lead) of each.
_UNSAFE_LEADS = ((b"\xc2", b"\xc2"), (b"\xe2", b"\xe2\x80"), (b"\xe2", b"\xe2\x81"), (b"&", b"&#"))
# An XML declaration, where a parser looks for it: after an optional UTF-8 byte order mark.
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*<\?xml")
_EBCDIC_START = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC, which libxml2 detects
# The declaration's encoding, written as XML allows it (white space around "=", either quote).
_ENCODING = re.compile(rb"""encoding[ \t\r\n]*=[ \t\r\n]*["']?([^"'?\s]*)""")


def utf8_bytes_are_plain(body: bytes) -> bool:
    """True when a UTF-8 XML document cannot hold any text :func:`clean` would rewrite.

    A cheap test over the raw bytes, so most replies skip walking their parsed tree. Anything
    not declared as UTF-8 is treated as possibly unsafe.
    """
    if not _read_as_utf8(body):
        return False
    if body.translate(None, _NOT_CONTROL_BYTES):  # a C0 control or DEL is left
        return False
    # The multi-byte ones all begin with one of these: the search runs only when one is there
    # (a byte search is many times faster than the regular expression over a 4 MB reply, and
    # one for a single byte, which is a memchr, many times faster again than one for two).
    if any(first in body and lead in body for first, lead in _UNSAFE_LEADS):
        return _UNSAFE_UTF8.search(body) is None
    return True


def _read_as_utf8(body: bytes) -> bool:
    """Whether a parser reads ``body`` as UTF-8: no XML declaration names another encoding,
    wherever in the declaration it stands and however it is spaced, and the first bytes are
    not EBCDIC's (UTF-16 and UTF-32 hold NUL bytes, which the control test finds)."""
    start = _DECLARATION.match(body)
    if start is None:
        return not body.startswith(_EBCDIC_START)
    end = body.find(b"?>", start.end())
    if end < 0:
        return False
    declared = _ENCODING.search(body, start.end(), end)
    return declared is None or declared.group(1).lower().replace(b"_", b"-") in (
        b"utf-8",
        b"utf8",
    )


def is_clean(text: str, *, multiline: bool = False) -> bool:
    """True when ``text`` holds nothing :func:`clean` would rewrite."""
    found = _UNSAFE.findall(text)
    if not multiline:
        return not found
    return all(char in ("\n", "\t") for char in found)


# Characters CommonMark (and GitHub's tables) give a meaning inline; escaped with a backslash.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def markdown_inline(text: Any) -> str:
    """A data value for use inside a Markdown line or table cell, shown literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", line(text))


_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_text(dumped: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with no raw C1 or bidi control.

    ``json.dumps`` escapes only C0 controls; these characters can only occur inside strings,
    so writing them as ``\\uXXXX`` keeps the document valid and equal when parsed.
    """
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)


def file_name_part(text: Any, *, limit: int = 80, fallback: str = "export") -> str:
    """A file-name fragment: letters, digits, ``.``, ``_`` and ``-`` only, never hidden."""
    normal = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", normal).strip("._-")
    return cleaned[:limit].rstrip("._-") or fallback


def single_line_ok(text: str) -> bool:
    """True when ``text`` has no line break of any kind (for values echoed in one line)."""
    return not any(char in _LINE_BREAKS for char in text)


__all__ = [
    "block",
    "clean",
    "clean_tree",
    "file_name_part",
    "is_clean",
    "json_text",
    "line",
    "markdown_inline",
    "single_line_ok",
    "utf8_bytes_are_plain",
]
