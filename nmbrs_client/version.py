"""Which nmbrs-tui this is: the one place its version is written.

The package metadata takes it from here (``pyproject.toml``: ``dynamic = ["version"]``), and
every request to Nmbrs names it in its User-Agent, so a server's log says which release asked.
"""

from __future__ import annotations

from typing import Final

VERSION: Final = "0.1.0"
USER_AGENT: Final = f"nmbrs-tui/{VERSION}"
