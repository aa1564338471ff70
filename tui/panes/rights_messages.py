"""What the Rights pane's check worker tells the pane, in order: the requirement set, the
previous check to compare with, each engine event, and the end (or why it failed).

Posted from the worker thread; the pane's handlers own every change to what is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from nmbrs_client.history import CheckRecord
    from nmbrs_client.rights.requirements import RequirementProfile
    from nmbrs_client.rights.results import RightsReport


class RightsRequirements(Message):
    """The requirement set the check of ``run`` probes (its rows), before any event."""

    def __init__(self, requirements: RequirementProfile, run: int) -> None:
        super().__init__()
        self.requirements = requirements
        self.run = run


class HistoryNotKept(Message):
    """The finished check could not be recorded in the history: say so, once."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class RightsEventArrived(Message):
    """One engine event (posted from the check's worker thread)."""

    def __init__(self, event: object, run: int) -> None:
        super().__init__()
        self.event = event
        self.run = run


class RightsBaseline(Message):
    """The previous recorded check the new one is compared with (``None``: there is none)."""

    def __init__(self, record: CheckRecord | None, run: int, note: str = "") -> None:
        super().__init__()
        self.record = record
        self.run = run
        self.note = note


class RightsFinished(Message):
    def __init__(self, report: RightsReport | None, run: int, error: str = "") -> None:
        super().__init__()
        self.report = report
        self.run = run
        self.error = error
