"""The support bundle: one zip a support engineer attaches to a ticket.

It holds what another engineer needs to read the case back without access to the customer's
environment: the rights report (Markdown in the chosen language, and JSON), the call log
(operation, ids, duration, outcome, fault code and text; never payloads, headers or the
token), the versions of nmbrs-tui and its libraries, the non-secret settings with where each
came from, the profile's last few recorded checks (verdict, counts, what changed; never cells,
so no company names) and on the demo the scenario and reading. Written mode 0600 in a 0700 folder and
never over an existing file. No Textual import: ``check --bundle`` uses it too.
"""

from __future__ import annotations

import csv
import io
import json
import platform
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from nmbrs_client import textsafe
from nmbrs_client.private_file import write_new_private_file

CALL_FIELDS = (
    "started_at",
    "operation",
    "company_id",
    "employee_id",
    "duration_ms",
    "outcome",
    "fault_code",
    "message",
    "size_bytes",
    "attempt",
)
LIBRARIES = ("textual", "zeep", "httpx", "lxml", "pydantic", "rich", "authlib")


@dataclass
class BundleInputs:
    """Everything a bundle is made of; ``report`` may be None when no check has finished."""

    report: Any | None
    lang: str
    calls: Sequence[Any]
    settings: Any | None
    elapsed_s: float | None = None
    created_at: datetime = field(default_factory=datetime.now)
    notes: Sequence[str] = ()
    # The profile's newest recorded checks (``history_cmd.recent_checks``), newest first.
    history: Sequence[dict[str, Any]] = ()


def versions_text() -> str:
    from importlib.metadata import PackageNotFoundError, version

    lines = []
    for name in ("nmbrs-tui", *LIBRARIES):
        try:
            lines.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            lines.append(f"{name} (not installed)")
    lines.append(f"python {platform.python_version()} ({sys.implementation.name})")
    lines.append(f"platform {platform.platform()}")
    return "\n".join(lines) + "\n"


def calls_csv(calls: Sequence[Any]) -> str:
    """The call log as CSV: the record's fields only (the client never keeps payloads)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CALL_FIELDS)
    for record in calls:
        row = []
        for name in CALL_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, datetime):
                row.append(value.isoformat(timespec="milliseconds"))
            elif isinstance(value, float):
                row.append(f"{value:.1f}")
            else:
                row.append("" if value is None else textsafe.line(value))
        writer.writerow(row)
    return buffer.getvalue()


def settings_json(settings: Any | None) -> str:
    """The settings as ``describe_settings`` shows them: the token only says where it came from."""
    if settings is None:
        return "{}\n"
    from nmbrs_client.config import describe_settings

    rows = [
        {"setting": name, "value": textsafe.line(value), "from": textsafe.line(source)}
        for name, value, source in describe_settings(settings)
    ]
    return textsafe.json_text(json.dumps(rows, indent=2, ensure_ascii=False)) + "\n"


def demo_text(settings: Any | None) -> str | None:
    """Scenario and reading of the demo server, or None when not on the demo."""
    if settings is None or getattr(settings, "environment", None) != "demo":
        return None
    lines = [f"scenario {getattr(settings, 'scenario', None) or 'healthy'}"]
    reading = getattr(settings, "reading", None)
    lines.append(f"reading {reading or '(the default, strictest)'}")
    return "\n".join(lines) + "\n"


def bundle_files(inputs: BundleInputs) -> dict[str, str]:
    """Name → text of every file in the bundle."""
    files: dict[str, str] = {}
    if inputs.report is not None:
        from nmbrs_client.rights.report import render

        files[f"rights-report.{inputs.lang}.md"] = render(inputs.report, "markdown", inputs.lang)
        files["rights-report.json"] = render(inputs.report, "json")
    files["calls.csv"] = calls_csv(inputs.calls)
    files["versions.txt"] = versions_text()
    files["settings.json"] = settings_json(inputs.settings)
    if inputs.history:
        files["history.json"] = (
            textsafe.json_text(
                json.dumps({"checks": list(inputs.history)}, indent=2, ensure_ascii=False)
            )
            + "\n"
        )
    demo = demo_text(inputs.settings)
    if demo is not None:
        files["demo.txt"] = demo
    readme = [
        "nmbrs-tui support bundle",
        f"created {inputs.created_at:%Y-%m-%d %H:%M:%S}",
        f"calls {len(inputs.calls)}",
        f"recorded checks of this profile {len(inputs.history)} (history.json)",
    ]
    if inputs.report is None:
        readme.append("no finished rights check in this session: the report is missing")
    readme.extend(textsafe.line(note) for note in inputs.notes)
    files["README.txt"] = "\n".join(readme) + "\n"
    return files


def bundle_zip(inputs: BundleInputs) -> bytes:
    """The bundle as zip bytes (every member mode 0600)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in bundle_files(inputs).items():
            info = zipfile.ZipInfo(name, date_time=inputs.created_at.timetuple()[:6])
            info.external_attr = 0o600 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def write_bundle(target: Path, inputs: BundleInputs) -> Path:
    """Write the zip at ``target`` (``-2``, ``-3``… when taken); returns the path written.

    For a name the app chose; a path the user named is written exactly (``check --bundle``).
    """
    target = target.expanduser()
    suffix = target.suffix or ".zip"
    stem = target.name[: -len(target.suffix)] if target.suffix else target.name
    return write_new_private_file(target.parent, stem, suffix, bundle_zip(inputs))
