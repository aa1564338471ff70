"""Command palette providers: pane jumps, profile switch, and jump to a company or employee.

The jump provider searches only what the session already loaded (no API call from a key
press) with a case-insensitive substring match on name or number: Textual's fuzzy matcher
costs ≈ 250 ms over 10k rows, a substring test ≈ 2 ms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.panes import PANES

if TYPE_CHECKING:
    from tui.app import NmbrsApp

MAX_JUMP_HITS = 40


@dataclass(frozen=True)
class Target:
    """Something the palette can jump to, with the text it is found by."""

    kind: str  # "company" | "employee"
    label: str
    haystack: str
    company_id: int
    employee_id: int | None
    item: Any


def _employee_label(row: Any) -> tuple[int | None, str, int]:
    """(employee id, display name, number) for the employee shapes the panes cache."""
    emp_id = getattr(row, "Id", None)
    if emp_id is None:
        emp_id = getattr(row, "EmployeeID", None) or getattr(row, "EmployeeId", None)
    name = getattr(row, "DisplayName", None)
    if not name:
        parts = [getattr(row, a, None) for a in ("FirstName", "Prefix", "LastName")]
        name = " ".join(p for p in parts if p)
    number = getattr(row, "Number", None) or getattr(row, "EmployeeNumber", None) or 0
    return emp_id, name or "", int(number)


def jump_targets(cache: dict[tuple[object, ...], object]) -> Iterator[Target]:
    """Companies and employees present in the session cache (any pane may have filled it)."""
    companies: dict[int, str] = {}
    for key, value in list(cache.items()):
        if key[:1] == ("companies",) and isinstance(value, list):
            for company in value:
                cid = getattr(company, "ID", None)
                if cid is None:
                    continue
                name = getattr(company, "Name", None) or ""
                number = getattr(company, "Number", 0)
                companies[cid] = name
                yield Target(
                    "company",
                    f"{name} (company {number}, id {cid})",
                    f"{name} {number} {cid}".lower(),
                    cid,
                    None,
                    company,
                )
    seen: set[tuple[int, int]] = set()
    for key, value in list(cache.items()):
        if key[:1] not in (("employees",), ("pcsa",)) or len(key) < 2:
            continue
        if not isinstance(value, list) or not isinstance(key[1], int):
            continue
        cid = key[1]
        for row in value:
            emp_id, name, number = _employee_label(row)
            if emp_id is None or (cid, emp_id) in seen:
                continue
            seen.add((cid, emp_id))
            where = companies.get(cid, f"company {cid}")
            yield Target(
                "employee",
                f"{name} (employee {number}, {where})",
                f"{name} {number} {emp_id}".lower(),
                cid,
                emp_id,
                row,
            )


def search_targets(
    targets: Iterator[Target], query: str, limit: int = MAX_JUMP_HITS
) -> list[tuple[float, Target]]:
    """Substring search; earlier matches and exact numbers score higher."""
    needle = query.strip().lower()
    if not needle:
        return []
    found: list[tuple[float, Target]] = []
    for target in targets:
        pos = target.haystack.find(needle)
        if pos < 0:
            continue
        exact = needle in target.haystack.split()
        score = (0.9 if exact else 0.6) - min(pos, 50) / 200
        found.append((score, target))
    found.sort(key=lambda pair: -pair[0])
    return found[:limit]


def _highlight(label: str, query: str) -> Text:
    text = Text(label)
    text.highlight_words([query.strip()], style="bold underline", case_sensitive=False)
    return text


class _ListedCommands(Provider):
    """A provider over a fixed list of (name, help, command): shown on open, fuzzy-searched."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, help_text, command in self._commands():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)


class PaneCommands(_ListedCommands):
    """``Go to <pane>`` for every pane, also shown before anything is typed."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = cast("NmbrsApp", self.app)
        for spec in PANES:
            yield (
                f"Go to {spec.title} ({spec.key})",
                spec.description,
                partial(app.show_pane, spec.id),
            )
        yield ("Help: keys", "every key and its binding id", app.action_help)
        yield ("Info: versions and config", "what to quote in a ticket", app.action_info)
        yield ("Reconnect", "connect again and reload", app.action_reconnect)
        yield (
            "Support bundle (B): report in English",
            "zip for a ticket: report, call log, versions, settings",
            partial(app.action_support_bundle, "en"),
        )
        yield (
            "Support bundle: report in Dutch",
            "zip for a ticket, with the Nederlands report",
            partial(app.action_support_bundle, "nl"),
        )


class ProfileCommands(_ListedCommands):
    """``Switch profile: NAME`` for each configured profile, and the demo environment."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = cast("NmbrsApp", self.app)
        for name in app.connection_info.profiles:
            yield (
                f"Switch profile: {name}",
                "reconnect with this profile",
                partial(app.switch_profile, name),
            )
        yield (
            "Switch profile: demo environment",
            "the embedded demo server",
            app.action_start_demo,
        )


class JumpCommands(Provider):
    """Jump to a company or an employee the session has loaded, by name or number."""

    async def search(self, query: str) -> Hits:
        app = cast("NmbrsApp", self.app)
        if app.session is None:
            return
        for score, target in search_targets(jump_targets(app.session.cache), query):
            yield Hit(
                score,
                _highlight(f"{target.kind.title()}: {target.label}", query),
                partial(app.jump_to, target),
                text=target.label,
                help=f"open this {target.kind}",
            )
        # Companies of a finished rights check: jump to their results in pane 2.
        seen: set[int] = set()
        needle = query.lower().strip()
        for key in app.session.keys(("rights",)):
            report = app.session.cached(key)
            for company in getattr(report, "companies", []) or []:
                if company.id in seen:
                    continue
                seen.add(company.id)
                label = f"Rights: company {company.id} {company.name or ''}".strip()
                if needle and needle not in label.lower():
                    continue
                yield Hit(
                    0.9 if needle else 0.5,
                    _highlight(label, query),
                    partial(app.jump_rights_company, company.id),
                    text=label,
                    help="show this company's rights (pane 2)",
                )
