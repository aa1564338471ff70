"""How the Rights pane words what the check found: a cell's label and advice, why a check
stopped and what to do, the operation names that fit the matrix.

Pure functions over the check's own results (no widget), so the pane, its cell screen and the
tests read the same words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from datetime import datetime

    from nmbrs_client.history import CheckRecord
    from nmbrs_client.rights.results import CellResult, RightsReport

PENDING = "… probing"
# A cell whose status differs from the previous recorded check of this profile and API.
CHANGED_MARK = " Δ changed"
# Column widths of the matrix with operations as rows; fixed, so the layout never depends on
# which cells arrived first.
OPERATION_WIDTH = 38
COMPANY_WIDTH = 20
# With companies as rows, each operation is a column this wide (its name cut to fit).
OPERATION_HEADER_WIDTH = 22
STATUS_STYLES = {
    "allowed": "green",
    "endpoint_denied": "bold red",
    "scope_missing": "bold red",
    "not_visible": "yellow",
    "no_data_access": "yellow",
    "auth_failed": "bold red",
    "no_subscription": "bold red",
    "not_applicable": "dim",
    "not_verified": "bold yellow",
    "error": "magenta",
}
# JSON is language-neutral (keys and status values), so it is offered once.
EXPORTS = (
    ("md", "en", "Markdown, English"),
    ("md", "nl", "Markdown, Nederlands"),
    ("json", "en", "JSON"),
)


def short_operation(qualified: str, width: int = 38) -> str:
    """``EmployeeService.List_GetByCompany`` → ``Employee.List_GetByCompany``; long names get
    an ellipsis in the middle so the matrix fits 80 columns (the hint line shows it whole)."""
    service, _, name = qualified.partition(".")
    short = f"{service.removesuffix('Service')}.{name}" if name else qualified
    if len(short) <= width:
        return short
    tail = width // 3
    return f"{short[: width - tail - 1]}…{short[-tail:]}"


# Where an operation's name may be cut: after a dot or an underscore, before a capital that
# follows a small letter or digit, and before the last capital of an acronym that starts a word
# (``SalaryDocuments_GetPDFByRun``: Salary Documents_ Get PDF By Run).
_WORD = re.compile(r"[^._]*?(?:[._]|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|$)")


def _words(name: str) -> list[str]:
    return [word for word in _WORD.findall(name) if word]


def _cuts(name: str, width: int, *, first_word: bool = False) -> list[str]:
    """Every way to show ``name`` in ``width`` from whole words, best first: its first words,
    ``…``, its last words, keeping as much of the name as fits (a dot-separated REST name
    keeps its last word, the resource, before its first). Never a word cut in two, unless a
    single word is wider than the column. ``first_word``: always keep the first word (a SOAP
    name's subject), and between cuts that keep as much prefer more of the end."""
    if len(name) <= width:
        return [name]
    words = _words(name)
    found: list[tuple[int, int, str]] = []
    for head in range(len(words)):
        for tail in range(len(words) - head):
            if head == tail == 0:
                continue
            text = (
                "".join(words[:head]).rstrip("._")
                + "…"
                + "".join(words[len(words) - tail :]).lstrip("._")
            )
            if len(text) <= width and (head or not first_word):
                found.append((len(text) - 1, tail if "." in name or first_word else head, text))
    found.sort(key=lambda cut: (-cut[0], -cut[1]))
    return [text for _, _, text in found] or [name[: width - 1] + "…"]


def column_headers(operations: Sequence[str], width: int) -> dict[str, str]:
    """Each operation's name in a matrix column ``width`` wide, unique among ``operations``.

    The API's own prefix goes (every REST cell's ``REST.``, a SOAP service), unless two
    operations share a name without it; a name still too wide is cut at word boundaries
    (:func:`_cuts`). The hint line and the cell detail show the full name.
    """
    bare = {op: op.partition(".")[2] or op for op in operations}
    shared = Counter(bare.values())
    named = {
        op: bare[op] if shared[bare[op]] == 1 else short_operation(op, 999) for op in operations
    }
    return _distinct({op: _cuts(named[op], width) for op in operations})


def row_labels(operations: Sequence[str], width: int = OPERATION_WIDTH) -> dict[str, str]:
    """Each operation's name as a matrix row label ``width`` wide, unique among ``operations``.

    A row keeps the API's own prefix (``Employee.``, ``REST.``: rows are read down the
    service, and two services share names); a name too wide keeps it and its first word and
    has the rest cut at word boundaries as a column header is (:func:`_cuts`). The hint line
    and the cell detail show the full name.
    """
    choices: dict[str, list[str]] = {}
    for op in operations:
        short = short_operation(op, 999)
        prefix, dot, name = short.partition(".")
        room = width - len(prefix) - len(dot)
        if len(short) <= width or not dot or room < 8:
            choices[op] = [short if len(short) <= width else short_operation(op, width)]
        else:
            choices[op] = [f"{prefix}.{cut}" for cut in _cuts(name, room, first_word=True)]
    return _distinct(choices)


def _distinct(choices: dict[str, list[str]]) -> dict[str, str]:
    """Each operation's best label (``choices`` best first) that no other operation shows or
    would rather show."""
    labels: dict[str, str] = {}
    for op, mine in choices.items():
        taken = set(labels.values()) | {c[0] for o, c in choices.items() if o != op}
        labels[op] = next((cut for cut in mine if cut not in taken), mine[0])
    return labels


def cell_label(status: str, lang: str = "en") -> Text:
    from nmbrs_client.rights.classify import GLYPHS, WORDS, Status

    state = Status(status)
    return Text(f"{GLYPHS[state]} {WORDS[lang][state]}", style=STATUS_STYLES.get(status, ""))


def status_words(status: str) -> str:
    from nmbrs_client.rights.changes import status_word

    return status_word(status, "en")


def cell_advice(cell: CellResult) -> str:
    """What the engineer should do about one cell, from the client's own fault hints."""
    from nmbrs_client.errors import FaultCategory, category_for, hint_for
    from nmbrs_client.rights.basis import Basis, BasisKind

    status = str(cell.status)
    if status == "allowed":
        if isinstance(cell.basis, Basis) and cell.basis.kind is not BasisKind.PROBED:
            # no call was made for this cell: say what the verdict rests on instead
            return "Nothing to do: inferred allowed from the probe named under Basis."
        return "Nothing to do: the call succeeded."
    if status == "not_applicable":
        return cell.message or "Not applicable for this company (nothing to call it with)."
    if status == "not_verified":
        return (
            f"Not verified: {cell.message or 'there was nothing to call it with'}. "
            "This is neither allowed nor missing; the check exits 3 until it is verified."
        )
    if status == "error":
        from nmbrs_client.rights.findings import next_steps
        from nmbrs_client.rights.report_words import NEXT_STEP

        what = f"The probe did not get an answer that proves anything: {cell.message}. "
        step = next_steps({cell.error_kind or "other"}, "en")  # as the report says it
        if step == NEXT_STEP["en"]["again"]:
            return what + "Press r to run the check again; if it repeats, look at the call log (6)."
        return what + f"{step[0].upper()}{step[1:]}. The call log (6) shows every call."
    if status == "scope_missing":
        return (
            f"{cell.message}. The customer consents again with every scope the integration "
            "needs (e exports the report that lists them); a consent cannot be widened."
        )
    if status == "not_visible":
        return (
            f"{cell.message}. Check the id first; only if it is right, give the login access "
            "to the company."
        )
    category = category_for(cell.fault_code)
    if category is FaultCategory.UNKNOWN:
        category = {
            "endpoint_denied": FaultCategory.ENDPOINT_RIGHT_MISSING,
            "no_data_access": FaultCategory.NO_DATA_ACCESS,
            "auth_failed": FaultCategory.AUTHENTICATION,
            "no_subscription": FaultCategory.NO_SUBSCRIPTION,
        }.get(status, category)
    return hint_for(category, cell.qualified_name, cell.fault_code)


def render_report(report: RightsReport, fmt: str, lang: str) -> str:
    """The engine's Markdown or JSON rendering of a finished check."""
    from nmbrs_client.rights.report import render

    return render(report, "json" if fmt == "json" else "markdown", lang)


def stop_key(report: RightsReport) -> str | None:
    """Why the check judged nothing: its stop reason (a cancelled check is no stop to explain:
    the pane says "cancelled"), or no subscription (1004), or a login this run may not refresh."""
    if report.stopped:
        return None if report.stopped == "cancelled" else str(report.stopped)
    if not report.cells and any(a.finding and a.check == "subscription" for a in report.account):
        return "no_subscription"
    if not report.cells and any(a.finding and a.status == "not_verified" for a in report.account):
        return "refresh_withheld"  # the login fell due before any company was read
    return None


def stop_reason(report: RightsReport) -> str:
    """``what happened — what to do`` for a check that stopped at the account step: the
    account rows that say why, then what the check's report says to do (its headline, shown
    above this on the pane, carries the rest), in the report's own words."""
    from nmbrs_client.rights.findings import stop_steps

    findings = [a.message for a in report.account if a.finding]
    what = "; ".join(findings) or f"the check stopped ({stop_key(report)})"
    steps = stop_steps(report, "en")
    return f"{what} — {' '.join(steps)}" if steps else what


def cell_lines(cell: CellResult, company_name: str | None, since: str) -> list[tuple[str, str]]:
    """One cell in full, as label and value lines: the call, its verdict and basis, what
    changed since the last check, the fault, and what to do."""
    from nmbrs_client.errors import FAULT_TITLES
    from nmbrs_client.rights.classify import GLYPHS, WORDS, Status
    from nmbrs_client.rights.report_words import basis_text

    status = Status(cell.status)
    fault = "none"
    if cell.fault_code is not None:
        fault = f"{cell.fault_code} {FAULT_TITLES.get(cell.fault_code, '')}".strip()
    return [
        (
            "Call",
            f"{cell.qualified_name} for company {cell.company_id}"
            + (f" ({company_name})" if company_name else ""),
        ),
        ("Result", f"{GLYPHS[status]} {WORDS['en'][status]}"),
        ("Basis", basis_text(cell.basis, "en")),
        ("Since last check", since),
        ("Fault", fault),
        ("Message", cell.message or "—"),
        ("What to do", cell_advice(cell)),
    ]


def since_text(baseline: CheckRecord | None, note: str, was: str | None) -> str:
    """A cell against the previous recorded check: unchanged, what it was, or why not compared."""
    if baseline is None:
        return note or "not compared"
    when = f"check #{baseline.id} of {baseline.local_when}"
    if was is None:
        return f"unchanged since {when}"
    return f"Δ changed: was {status_words(was)} in {when}"


def write_report_file(
    report: RightsReport, fmt: str, lang: str, folder: Path, profile: str | None, now: datetime
) -> Path:
    """The finished report as a new private file in ``folder``, named by profile, requirement
    set and time (mode 0600 in a 0700 folder, never over an older file)."""
    from nmbrs_client.private_file import write_new_private_file
    from tui.export import safe_name

    suffix = fmt if fmt == "json" else f"{lang}.{fmt}"
    stamp = now.strftime("%Y%m%d-%H%M%S")
    stem = safe_name(f"rights-{profile or 'session'}-{report.requirements.name}-{stamp}")
    data = render_report(report, fmt, lang).encode("utf-8")
    return write_new_private_file(folder, stem, f".{suffix}", data)
