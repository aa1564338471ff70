"""What changed between two checks of one profile: the answer to "it worked last week".

Pure: two :class:`~nmbrs_client.history.CheckRecord` in, one :class:`Changes` out, rendered in
text, Markdown or JSON, English or Dutch. Cells are matched on (operation, company id); a cell
whose status moved is a flip, grouped by where it went (to denied, to allowed, to error, other).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from nmbrs_client.history import CheckRecord, StoredCell, record_of
from nmbrs_client.rights.classify import MISSING_STATUSES, Status
from nmbrs_client.textsafe import line

_MISSING = {s.value for s in MISSING_STATUSES}


class FlipKind(StrEnum):
    """Where a flipped cell went; the order of the report."""

    DENIED = "to_denied"
    ERROR = "to_error"
    ALLOWED = "to_allowed"
    OTHER = "other"


def flip_kind(before: str, after: str) -> FlipKind:
    if after in _MISSING:
        return FlipKind.DENIED
    if after == Status.ERROR.value:
        return FlipKind.ERROR
    if after == Status.ALLOWED.value:
        return FlipKind.ALLOWED
    return FlipKind.OTHER


@dataclass(frozen=True)
class Flip:
    operation: str
    company_id: str
    company: str
    before: str
    after: str

    @property
    def kind(self) -> FlipKind:
        return flip_kind(self.before, self.after)

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "company_id": self.company_id,
            "company": self.company,
            "from": self.before,
            "to": self.after,
            "kind": self.kind.value,
        }


@dataclass(frozen=True)
class Changes:
    """The differences from ``before`` (the older check) to ``after``."""

    before: CheckRecord
    after: CheckRecord
    flips: tuple[Flip, ...] = ()
    companies_appeared: tuple[str, ...] = ()
    companies_left: tuple[str, ...] = ()
    scopes_granted: tuple[str, ...] = ()
    scopes_lost: tuple[str, ...] = ()
    new_fault_codes: tuple[int, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (
            self.flips
            or self.companies_appeared
            or self.companies_left
            or self.scopes_granted
            or self.scopes_lost
            or self.new_fault_codes
        )

    def flips_of(self, kind: FlipKind) -> list[Flip]:
        return [f for f in self.flips if f.kind is kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "compared_to": {
                "id": self.before.id,
                "checked_at": self.before.checked_at.isoformat(timespec="seconds"),
                "exit_code": self.before.exit_code,
            },
            "flipped": [f.to_dict() for f in self.flips],
            "companies_appeared": list(self.companies_appeared),
            "companies_left": list(self.companies_left),
            "scopes_granted": list(self.scopes_granted),
            "scopes_lost": list(self.scopes_lost),
            "new_fault_codes": list(self.new_fault_codes),
        }


def _key(cell: StoredCell) -> tuple[str, str]:
    return cell.qualified_name, cell.company_id


def statuses(record: CheckRecord) -> dict[tuple[str, str], str]:
    """Each cell's status by (operation, company id): what a newer check is compared with."""
    return {_key(c): c.status for c in record.cells}


def flipped_from(
    old: dict[tuple[str, str], str], operation: str, company_id: str, now: str
) -> str | None:
    """The status a cell had in ``old`` when it differs from ``now`` (a flip), else ``None``."""
    was = old.get((operation, company_id))
    return was if was is not None and was != now else None


def compare(before: CheckRecord, after: CheckRecord) -> Changes:
    """The changes from ``before`` to ``after`` (both with their cells and companies)."""
    labels = {c.company_id: c.label() for c in (*before.companies, *after.companies)}
    old = statuses(before)
    flips = tuple(
        Flip(
            operation=cell.qualified_name,
            company_id=cell.company_id,
            company=labels.get(cell.company_id, cell.company_number or cell.company_id),
            before=was,
            after=cell.status,
        )
        for cell in after.cells
        if (was := flipped_from(old, cell.qualified_name, cell.company_id, cell.status))
    )
    old_ids = {c.company_id for c in before.companies if c.visible is not False}
    new_ids = {c.company_id for c in after.companies if c.visible is not False}
    old_scopes = set(before.granted_scopes or ())
    new_scopes = set(after.granted_scopes or ())
    both_know_scopes = before.granted_scopes is not None and after.granted_scopes is not None
    old_faults = {c.fault_code for c in before.cells if c.fault_code is not None}
    new_faults = {c.fault_code for c in after.cells if c.fault_code is not None}
    return Changes(
        before=before,
        after=after,
        flips=tuple(sorted(flips, key=lambda f: (list(FlipKind).index(f.kind), f.operation))),
        companies_appeared=tuple(labels[i] for i in sorted(new_ids - old_ids)),
        companies_left=tuple(labels[i] for i in sorted(old_ids - new_ids)),
        scopes_granted=tuple(sorted(new_scopes - old_scopes)) if both_know_scopes else (),
        scopes_lost=tuple(sorted(old_scopes - new_scopes)) if both_know_scopes else (),
        new_fault_codes=tuple(sorted(new_faults - old_faults)),
    )


def since(before: CheckRecord, report: Any) -> Changes:
    """The changes from a recorded check to a just finished report."""
    return compare(before, record_of(report, before.profile, ""))


def short_summary(changes: Changes, lang: str = "en") -> str:
    """One cell of a table: ``+2 denied, 1 company left`` (``no change`` when nothing did)."""
    parts: list[str] = []
    for kind in FlipKind:
        n = len(changes.flips_of(kind))
        if n:
            parts.append(f"+{n} {_t(lang, 'short_' + kind.value)}")
    for key, items in (
        ("short_appeared", changes.companies_appeared),
        ("short_left", changes.companies_left),
        ("short_granted", changes.scopes_granted),
        ("short_lost", changes.scopes_lost),
    ):
        if items:
            parts.append(_t(lang, key if len(items) == 1 else key + "_many", n=len(items)))
    return ", ".join(parts) or _t(lang, "short_none")


# ----------------------------------------------------------------------------- wording

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Changes since check #{id} of {when} (exit {code})",
        "nothing": "Nothing changed since check #{id} of {when}.",
        "to_denied": "Now denied",
        "to_error": "Now an error",
        "to_allowed": "Now allowed",
        "other": "Otherwise changed",
        "appeared": "Companies that appeared",
        "left": "Companies that left the scope",
        "granted": "Scopes granted",
        "lost": "Scopes lost",
        "faults": "New fault codes",
        "flip": "{operation}: {before} → {after} for {company}",
        "all_companies": "all {n} companies",
        "short_to_denied": "denied",
        "short_to_error": "error",
        "short_to_allowed": "allowed",
        "short_other": "changed",
        "short_none": "no change",
        "short_appeared": "{n} company appeared",
        "short_left": "{n} company left",
        "short_granted": "{n} scope granted",
        "short_lost": "{n} scope lost",
        "short_appeared_many": "{n} companies appeared",
        "short_left_many": "{n} companies left",
        "short_granted_many": "{n} scopes granted",
        "short_lost_many": "{n} scopes lost",
    },
    "nl": {
        "title": "Wijzigingen sinds controle #{id} van {when} (exitcode {code})",
        "nothing": "Niets gewijzigd sinds controle #{id} van {when}.",
        "to_denied": "Nu geweigerd",
        "to_error": "Nu een fout",
        "to_allowed": "Nu toegestaan",
        "other": "Anders gewijzigd",
        "appeared": "Bedrijven die erbij kwamen",
        "left": "Bedrijven die uit beeld verdwenen",
        "granted": "Scopes erbij",
        "lost": "Scopes kwijt",
        "faults": "Nieuwe foutcodes",
        "flip": "{operation}: {before} → {after} voor {company}",
        "all_companies": "alle {n} bedrijven",
        "short_to_denied": "geweigerd",
        "short_to_error": "fout",
        "short_to_allowed": "toegestaan",
        "short_other": "gewijzigd",
        "short_none": "niets gewijzigd",
        "short_appeared": "{n} bedrijf erbij",
        "short_left": "{n} bedrijf weg",
        "short_granted": "{n} scope erbij",
        "short_lost": "{n} scope kwijt",
        "short_appeared_many": "{n} bedrijven erbij",
        "short_left_many": "{n} bedrijven weg",
        "short_granted_many": "{n} scopes erbij",
        "short_lost_many": "{n} scopes kwijt",
    },
}


def _t(lang: str, key: str, **values: Any) -> str:
    words = _WORDS.get(lang, _WORDS["en"])
    return words[key].format(**values)


def _sections(changes: Changes, lang: str) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = []
    for kind in FlipKind:
        flips = changes.flips_of(kind)
        if flips:
            sections.append(
                (
                    _t(lang, kind.value),
                    [
                        _t(
                            lang,
                            "flip",
                            operation=line(operation),
                            company=_companies(names, len(changes.after.companies), lang),
                            before=status_word(before, lang),
                            after=status_word(after, lang),
                        )
                        for (operation, before, after), names in _grouped(flips).items()
                    ],
                )
            )
    for key, items in (
        ("appeared", changes.companies_appeared),
        ("left", changes.companies_left),
        ("granted", changes.scopes_granted),
        ("lost", changes.scopes_lost),
        ("faults", tuple(str(c) for c in changes.new_fault_codes)),
    ):
        if items:
            sections.append((_t(lang, key), [line(i) for i in items]))
    return sections


def status_word(value: str, lang: str) -> str:
    """The report's own glyph and word; a status this version does not know, as stored."""
    from nmbrs_client.rights.report_words import badge

    try:
        return badge(Status(value), lang)
    except ValueError:
        return line(value)


def _grouped(flips: list[Flip]) -> dict[tuple[str, str, str], list[str]]:
    """One line per operation and move, with the companies it happened for."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for f in flips:
        groups.setdefault((f.operation, f.before, f.after), []).append(f.company)
    return groups


def _companies(names: list[str], total: int, lang: str) -> str:
    if len(names) > 1 and len(names) == total:
        return _t(lang, "all_companies", n=total)
    return ", ".join(line(n) for n in names)


def _when(changes: Changes) -> str:
    return changes.before.local_when


def render_text(changes: Changes, lang: str = "en") -> str:
    ref = {"id": changes.before.id, "when": _when(changes), "code": changes.before.exit_code}
    if changes.empty:
        return _t(lang, "nothing", **ref) + "\n\n"
    out = [_t(lang, "title", **ref)]
    for heading, items in _sections(changes, lang):
        out.append(f"  {heading}:")
        out.extend(f"    - {item}" for item in items)
    return "\n".join(out) + "\n\n"


def _md(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>|#" else ch for ch in text)


def render_markdown(changes: Changes, lang: str = "en") -> str:
    ref = {"id": changes.before.id, "when": _when(changes), "code": changes.before.exit_code}
    if changes.empty:
        return _md(_t(lang, "nothing", **ref)) + "\n\n"
    out = [f"## {_md(_t(lang, 'title', **ref))}", ""]
    for heading, items in _sections(changes, lang):
        out.append(f"**{_md(heading)}**")
        out.append("")
        out.extend(f"- {_md(item)}" for item in items)
        out.append("")
    return "\n".join(out) + "\n"


def render(changes: Changes, fmt: str, lang: str = "en") -> str:
    if fmt == "markdown":
        return render_markdown(changes, lang)
    if fmt == "json":
        return json.dumps(changes.to_dict(), indent=2, ensure_ascii=False) + "\n"
    return render_text(changes, lang)
