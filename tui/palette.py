"""Command palette providers: pane jumps, profile switch, and jump to a company or employee.

A chosen command posts a message of :mod:`tui.commands` to the app; the providers read only
what :class:`PaletteSource` says an app offers, so this module never imports the app.

The jump provider searches only what the data store already holds (no API call from a key
press, see :mod:`tui.data.targets`) with a case-insensitive substring match on name or number: Textual's fuzzy matcher
costs ≈ 250 ms over 10k rows, a substring test ≈ 2 ms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Protocol, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.commands import (
    Command,
    JumpTo,
    JumpToRights,
    Reconnect,
    ShowHelp,
    ShowInfo,
    ShowPane,
    StartDemo,
    SwitchProfile,
    WriteSupportBundle,
)
from tui.keys import PANES

if TYPE_CHECKING:
    from tui.connect import ConnectionInfo
    from tui.data.targets import Target
    from tui.session import Session


class PaletteSource(Protocol):
    """What the providers read of the app: the profiles it knows and the open session."""

    connection_info: ConnectionInfo
    session: Session | None

    def post_message(self, message: Command) -> bool: ...


MAX_JUMP_HITS = 40


def search_targets(
    targets: Iterable[Target], query: str, limit: int = MAX_JUMP_HITS
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


class _AppCommands(Provider):
    """A provider whose hits post a :class:`~tui.commands.Command` to the app."""

    @property
    def source(self) -> PaletteSource:
        return cast("PaletteSource", self.app)

    def post(self, command: Command) -> Callable[[], object]:
        """The callback of a hit: hand ``command`` to the app."""
        return lambda: self.source.post_message(command)


class _ListedCommands(_AppCommands):
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
        for spec in PANES:
            yield (
                f"Go to {spec.title} ({spec.key})",
                spec.description,
                self.post(ShowPane(spec.id)),
            )
        yield ("Help: keys", "every key and its binding id", self.post(ShowHelp()))
        yield ("Info: versions and config", "what to quote in a ticket", self.post(ShowInfo()))
        yield ("Reconnect", "connect again and reload", self.post(Reconnect()))
        yield (
            "Support bundle (B): report in English",
            "zip for a ticket: report, call log, versions, settings",
            self.post(WriteSupportBundle("en")),
        )
        yield (
            "Support bundle: report in Dutch",
            "zip for a ticket, with the Nederlands report",
            self.post(WriteSupportBundle("nl")),
        )


class ProfileCommands(_ListedCommands):
    """``Switch profile: NAME`` for each configured profile, and the demo environment."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        for name in self.source.connection_info.profiles:
            yield (
                f"Switch profile: {name}",
                "reconnect with this profile",
                self.post(SwitchProfile(name)),
            )
        yield (
            "Switch profile: demo environment",
            "the embedded demo server",
            self.post(StartDemo()),
        )


class JumpCommands(_AppCommands):
    """Jump to a company or an employee the session has loaded, by name or number."""

    async def search(self, query: str) -> Hits:
        from tui.data.kinds import RIGHTS
        from tui.data.targets import jump_targets

        session = self.source.session
        if session is None:
            return
        for score, target in search_targets(jump_targets(session.data), query):
            yield Hit(
                score,
                _highlight(f"{target.kind.title()}: {target.label}", query),
                self.post(JumpTo(target)),
                text=target.label,
                help=f"open this {target.kind}",
            )
        # Companies of a finished rights check: jump to their results in pane 2.
        seen: set[int] = set()
        needle = query.lower().strip()
        for _name, report in session.data.items(RIGHTS):
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
                    self.post(JumpToRights(company.id)),
                    text=label,
                    help="show this company's rights (pane 2)",
                )
