"""Writing files the user asked for: exports of the current view and downloaded PDFs.

Everything written here can hold personal or payroll data, so it is written by the one private
writer (:mod:`nmbrs_client.private_file`: 0600 in a 0700 folder, atomic, never over an older
file) and the full path is returned for the UI to show. Exports contain exactly what the user sees: masked
columns stay masked unless the user revealed them. No Textual import: usable from the CLI.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from nmbrs_client import textsafe
from nmbrs_client.private_file import write_new_private_file


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
