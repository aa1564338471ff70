"""What a demo server saw, shared by the SOAP and the REST demo: calls, statuses, fault codes.

Tests and benches read it to assert what reached the server (a probe really was sent, a throttle
really answered), so both demos count the same way in one class.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ServerStats:
    """What the server saw: calls per ``Service.Operation``, HTTP statuses, fault codes."""

    calls: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    faults: Counter[int] = field(default_factory=Counter)
    delayed_calls: int = 0
    max_calls_per_second: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def record(self, operation: str | None, status: int, code: int | None) -> None:
        with self._lock:
            if operation:
                self.calls[operation] += 1
            self.statuses[status] += 1
            if code is not None:
                self.faults[code] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "calls": dict(self.calls),
                "statuses": dict(self.statuses),
                "faults": dict(self.faults),
                "delayed_calls": self.delayed_calls,
                "max_calls_per_second": self.max_calls_per_second,
            }
