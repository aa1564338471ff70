"""What the SOAP rights engine and the REST prober both keep of a check's options.

Each option is declared once, in :class:`~nmbrs_client.rights.protocol.CheckOptions` (what the
commands and the pane choose) and :class:`~nmbrs_client.rights.protocol.ProbeTuning` (how hard
a prober tries); this base turns them into what a running check uses, the same on both APIs:
a cancel event, a clock, retry rounds with a first pause, one budget and deadline per run.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import ClassVar

from nmbrs_client.retry import CheckBudget
from nmbrs_client.rights.protocol import CheckOptions, ProbeTuning
from nmbrs_client.rights.results import RightsEvent, emit_to


class ProberBase:
    """A check's options made ready to run; ``timeouts`` (read, connect) set its deadline."""

    # the first pause before a retry round (it doubles each round), each API's own
    first_pause_s: ClassVar[float]

    def __init__(
        self, options: CheckOptions, tuning: ProbeTuning, timeouts: tuple[float, float]
    ) -> None:
        self.options = options
        self.thorough = options.thorough
        self.on_event = options.on_event
        self.cancel_event = options.cancel_event or threading.Event()
        self.clock = options.clock or datetime.now
        self.retries = max(0, tuning.retries)
        self.backoff_s = self.first_pause_s if tuning.backoff_s is None else tuning.backoff_s
        self.tuning = tuning
        self.timeouts = timeouts

    def new_budget(self) -> CheckBudget:
        """The check's one retry budget and deadline (nmbrs_client.retry), fresh for each run."""
        return self.tuning.budget(*self.timeouts)

    def cancel(self) -> None:
        self.cancel_event.set()

    def _emit(self, event: RightsEvent) -> None:
        emit_to(self.on_event, event)
