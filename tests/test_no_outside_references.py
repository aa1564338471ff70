"""Code cites what a reader of the repository can open: a public source, or nothing.

A comment that says "see issue 16" or "facts §4.4" points at a document the reader does not
have; the fact itself (and, where there is one, its public source: an Nmbrs support article,
the OpenAPI document, a WSDL) belongs in the sentence instead.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE_FOLDERS = ("nmbrs_client", "nmbrs_demo", "tui", "tests", "bench", "tools")
SOURCE_SUFFIXES = (".py", ".toml", ".tcss", ".md")
TOP_LEVEL_FILES = ("README.md", "ARCHITECTURE.md", "pyproject.toml", "Makefile")

# Written in pieces so that this file does not match itself.
OUTSIDE_REFERENCE = re.compile(
    "|".join(
        (
            r"\bissue" + r" [0-9]+",
            r"nmbrs-(?:soap|rest)-v[0-9]\." + "md",
            r"\bfacts" + r" (?:file|§)",
            "ENGINEERING" + "-NOTES",
            r"\bSTYLE\." + "md",
        )
    ),
    re.IGNORECASE,
)


def _source_files() -> list[Path]:
    found = [REPO / name for name in TOP_LEVEL_FILES if (REPO / name).is_file()]
    for folder in SOURCE_FOLDERS:
        found.extend(
            path
            for path in sorted((REPO / folder).rglob("*"))
            if path.is_file() and path.suffix in SOURCE_SUFFIXES
        )
    return found


def _checked(path: Path) -> bool:
    relative = path.relative_to(REPO).as_posix()
    return relative != "tests/test_no_outside_references.py"


def test_the_pattern_finds_each_kind_of_outside_reference() -> None:
    for text in (
        "see Issue 16",
        "(nmbrs-soap-v3.md §4.4)",
        "nmbrs-rest-v1.md",
        "an open question (facts file §8.11)",
        "(facts §3.3)",
        "ENGINEERING-NOTES says",
        "(STYLE.md)",
    ):
        assert OUTSIDE_REFERENCE.search(text), text
    for text in ("RFC 6749 §2.3.1", "the OpenAPI document", "tissue 3", "Nmbrs support article"):
        assert not OUTSIDE_REFERENCE.search(text), text


def test_no_tracked_source_cites_a_document_outside_the_repository() -> None:
    files = [path for path in _source_files() if _checked(path)]
    assert len(files) > 100  # the walk found the project, not an empty folder
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        )
        if OUTSIDE_REFERENCE.search(line)
    ]
    assert found == [], "\n".join(found)
