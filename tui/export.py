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

from nmbrs_client import textsafe

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def safe_name(text: str, *, limit: int = 80) -> str:
    """A file-name fragment from network text (company/employee names): the one sanitiser's
    rule (ASCII letters, digits, ``._-``; never hidden, never a path), runs of ``_`` folded."""
    return re.sub(r"_+", "_", textsafe.file_name_part(text, limit=limit))


def document_stem(
    kind: str,
    *,
    company_id: int | str,
    company_number: int | str | None,
    company_name: str | None,
    employee_id: int | str,
    employee_number: int | None,
    year: int,
    run_number: int | None = None,
) -> str:
    """The file stem of a saved payroll document, unique per company *id*.

    Company numbers repeat in every debtor (each debtor's first company is number 1), so the
    id comes first; number and a readable name follow for people looking at the folder.
    """
    parts = [
        safe_name(kind),
        f"c{company_id}",
        f"nr{company_number}" if company_number is not None else "",
        safe_name(company_name or "", limit=40) if company_name else "",
        f"e{employee_id}",
        f"nr{employee_number}" if employee_number is not None else "",
        str(year),
        f"run{run_number}" if run_number is not None else "",
    ]
    return "-".join(p for p in parts if p)


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


def private_dir(directory: Path) -> Path:
    """``directory`` (absolute), created with mode 0700 when it does not exist yet."""
    directory = directory.expanduser().absolute()
    if not directory.exists():
        directory.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        os.chmod(directory, PRIVATE_DIR_MODE)  # mkdir's mode is reduced by the umask
    return directory


def write_new_private_file(directory: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write ``data`` as a NEW file ``stem[-N]suffix`` in ``directory``, mode 0600.

    ``O_EXCL`` makes "never overwrite" hold even when two saves race: a taken name moves on
    to ``-2``, ``-3``… Returns the absolute path written.
    """
    folder = private_dir(directory)
    counter = 1
    while True:
        name = f"{stem}{suffix}" if counter == 1 else f"{stem}-{counter}{suffix}"
        path = folder / name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        except FileExistsError:
            counter += 1
            continue
        try:
            os.fchmod(fd, PRIVATE_FILE_MODE)
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
    return write_new_private_file(
        directory, f"{safe_name(name)}-{stamp}", f".{fmt}", text.encode("utf-8")
    )
