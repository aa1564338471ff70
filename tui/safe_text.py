"""Data on screen as plain text: never parsed as markup, never carrying control characters.

Textual parses a ``str`` as markup in many places (DataTable labels and cells, toasts, Static
by default); a company named ``Bakkerij [/b] B.V.`` must show as exactly that. Everything shown
from data goes through :func:`plain_text` (a ``rich.text.Text``, which is never parsed) after
:mod:`nmbrs_client.textsafe` has made control characters visible.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.text import Text

from nmbrs_client import textsafe


def plain_text(value: Any, *, multiline: bool = False) -> Any:
    """A ``str`` (or a ``Text`` holding unsafe characters) as a cleaned ``Text``; else as is."""
    if isinstance(value, Text):
        if textsafe.is_clean(value.plain, multiline=multiline):
            return value
        return Text(textsafe.clean(value.plain, multiline=multiline), style=value.style)
    if isinstance(value, str):
        return Text(textsafe.clean(value, multiline=multiline))
    return value


def markup_literal(value: Any) -> str:
    """Data for a place that only takes markup: cleaned, with every ``[`` escaped."""
    return escape(textsafe.line(value))
