"""The Nmbrs client: pure (no Textual, no Rich, no demo server), read-only by construction.

One side effect on import, on purpose: httpx imports its own command line (click, Rich and
Pygments, about 0.3 s) whenever those happen to be installed, and zeep imports httpx. Nothing
here runs the httpx command line, so that one module is refused; headless commands then start
without Rich (tests/test_import_hygiene.py proves it).
"""

from __future__ import annotations

import sys
from typing import Any


class _NoHttpxCommandLine:
    """A meta-path finder that refuses only ``httpx._main`` (httpx falls back to a stub)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "httpx._main":
            raise ImportError("the httpx command line is not used by nmbrs-tui")


if not any(isinstance(finder, _NoHttpxCommandLine) for finder in sys.meta_path):
    sys.meta_path.insert(0, _NoHttpxCommandLine())
