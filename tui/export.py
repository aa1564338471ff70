"""Writing files the user asked for: exports of the current view and downloaded PDFs.

Everything written here can hold personal or payroll data, so files are created with mode
0600 from the start (``os.open`` with ``0o600``, never a umask-dependent ``open``) and the
full path is returned for the UI to show. Exports contain exactly what the user sees: masked
columns stay masked unless the user revealed them. No Textual import: usable from the CLI.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def safe_name(text: str) -> str:
    """A file-name fragment without path separators or shell-unfriendly characters."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")
    return cleaned[:80] or "export"


def write_private_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` readable by the owner only; returns the absolute path."""
    path = path.expanduser().absolute()
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)  # an older file with wider rights is tightened too
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)
    return path


def unique_path(directory: Path, stem: str, suffix: str) -> Path:
    """``directory/stem.suffix``, with ``-2``, ``-3``… added when the name is taken."""
    candidate = directory / f"{stem}{suffix}"
    counter = 2
    while candidate.exists():
        candidate = directory / f"{stem}-{counter}{suffix}"
        counter += 1
    return candidate


def rows_to_csv(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def rows_to_json(keys: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return (
        json.dumps(
            [dict(zip(keys, row, strict=False)) for row in rows], ensure_ascii=False, indent=2
        )
        + "\n"
    )


def rows_to_tsv(rows: Sequence[Sequence[str]]) -> str:
    """Tab-separated lines (what spreadsheets accept from the clipboard)."""
    return "\n".join(
        "\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row) for row in rows
    )


def export_view(
    directory: Path,
    name: str,
    fmt: str,
    keys: Sequence[str],
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    now: datetime | None = None,
) -> Path:
    """Write the rows of a view as ``csv`` or ``json``; returns the absolute path written."""
    if fmt not in ("csv", "json"):
        raise ValueError(f"unknown export format {fmt!r}")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    text = rows_to_csv(headers, rows) if fmt == "csv" else rows_to_json(keys, rows)
    path = unique_path(directory.expanduser().absolute(), f"{safe_name(name)}-{stamp}", f".{fmt}")
    return write_private_file(path, text.encode("utf-8"))
