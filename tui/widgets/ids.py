"""Ids in tables: REST ids are UUIDs, too wide for a column beside the operation.

A table shows the first eight characters and an ellipsis; the detail views show the id whole
and the tables' copy-id key copies it whole, so nothing is lost by shortening.
"""

from __future__ import annotations

SHORT_ID_CHARS = 8


def short_id(value: object) -> str:
    """``cd3cffbf…`` for a UUID; a SOAP id (a short number) stays as it is."""
    text = "" if value is None else str(value)
    return text if len(text) <= SHORT_ID_CHARS + 2 else text[:SHORT_ID_CHARS] + "…"
