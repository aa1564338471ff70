"""What the Rights pane's check worker tells the pane, in order: the requirement set, the
previous check to compare with, the engine's events (in batches), and the end (or why it
failed).

Posted from the worker thread; the pane's handlers own every change to what is shown.
"""

from __future__ import annotations

import threading
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


class RightsEventsArrived(Message):
    """Engine events wait in the pane's :class:`EventInbox`: take them all (one per batch)."""


class EventInbox:
    """Engine events from the check's worker, handed to the pane in batches.

    A big check ends with thousands of cell results at once; one message each would have the
    pane redraw its header thousands of times, and keep Textual from painting until the last
    is handled. The worker puts events here and posts :class:`RightsEventsArrived` only when
    the inbox was empty; the pane takes everything that arrived since, in order, at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[tuple[int, object]] = []

    def put(self, event: object, run: int) -> bool:
        """Keep ``event`` of check ``run``; True when the pane must be told (it was empty)."""
        with self._lock:
            self._events.append((run, event))
            return len(self._events) == 1

    def take(self) -> list[tuple[int, object]]:
        """Every event kept since the last take, oldest first, as (run, event)."""
        with self._lock:
            events, self._events = self._events, []
        return events


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
