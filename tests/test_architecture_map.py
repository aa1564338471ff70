"""The map in ARCHITECTURE.md names modules that exist: a file moved without the map fails here."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _demo_block() -> list[str]:
    """The map's lines from ``nmbrs_demo/`` up to the next top-level folder."""
    lines = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("nmbrs_demo/ "))
    end = next(i for i in range(start + 1, len(lines)) if re.match(r"\S", lines[i]))
    return lines[start:end]


def test_every_demo_module_the_map_names_exists() -> None:
    named = {name for line in _demo_block() for name in re.findall(r"[\w/]+\.py\b", line)}
    assert len(named) >= 10  # the block was found and read
    missing = sorted(
        name
        for name in named
        if not (REPO / "nmbrs_demo" / name).is_file()
        and not (REPO / "nmbrs_demo" / "rest" / name).is_file()
    )
    assert missing == []


def test_the_map_says_which_server_the_demo_runs_on() -> None:
    text = " ".join(" ".join(_demo_block()).split())
    assert "uvicorn" in text
    assert "threading HTTP server" not in text
    assert "uvicorn" in (REPO / "nmbrs_demo" / "host.py").read_text(encoding="utf-8")
