"""A failed call said on screen: one line of what happened and what to do, or a cell's marker.

Shared by the data panes and the screens that load data (employee detail), so a refused right
reads the same everywhere. The client's typed errors carry ``.hint``; a token never appears.
"""

from __future__ import annotations

from nmbrs_client.errors import FaultCategory, NmbrsError, NmbrsFault


def describe_error(error: BaseException) -> str:
    """``what happened — what to do`` for any error a worker can meet (never a token)."""
    if isinstance(error, NmbrsError):
        text = error.message
        return f"{text} — {error.hint}" if error.hint else text
    return f"Unexpected error: {type(error).__name__}: {error}"


def short_error(error: BaseException) -> str:
    """A cell-sized marker for a failed per-row call: glyph plus code or kind."""
    if isinstance(error, NmbrsFault):
        return f"✗ {error.code}" if error.code is not None else "✗ fault"
    kind = getattr(error, "kind", None)
    return f"✗ {kind}" if kind else "✗ error"


def is_denied(error: BaseException) -> bool:
    """A missing endpoint right (1002): retrying per row is pointless."""
    return isinstance(error, NmbrsFault) and error.category is FaultCategory.ENDPOINT_RIGHT_MISSING


def not_available(error: BaseException) -> str:
    """Section text for data the account may not read."""
    return f"not available: {describe_error(error)}"
