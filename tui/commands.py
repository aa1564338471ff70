"""What the command palette can ask of the app, as messages: the palette never names the app.

Each command is a :class:`~textual.message.Message` the palette posts to the app; the app's
``on_<command>`` handler does it, on the UI thread, with the state it owns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from nmbrs_client.ids import EntityId
    from tui.data.targets import Target


class Command(Message):
    """A palette command, handled by the app."""


class ShowPane(Command):
    def __init__(self, pane_id: str) -> None:
        super().__init__()
        self.pane_id = pane_id


class ShowHelp(Command):
    """The keys of the focused chain (``?``)."""


class ShowInfo(Command):
    """Versions and config, for a ticket."""


class Reconnect(Command):
    """Connect again with the same options and reload."""


class WriteSupportBundle(Command):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang


class SwitchProfile(Command):
    def __init__(self, profile: str) -> None:
        super().__init__()
        self.profile = profile


class StartDemo(Command):
    """Connect to the embedded demo environment instead."""


class JumpTo(Command):
    """Open a company or employee the session has loaded."""

    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target


class JumpToRights(Command):
    """Show one company's results of the finished rights check (pane 2)."""

    def __init__(self, company_id: EntityId) -> None:
        super().__init__()
        self.company_id = company_id
