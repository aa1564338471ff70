"""The call log: one record per API call, pushed to whoever subscribes.

Records hold what a support engineer needs to read a session back (operation, ids, duration,
outcome, fault code) and deliberately nothing else: no request or response payloads, no
headers and so never a token. Subscribers are called on the calling thread; a UI must marshal
to its own thread.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from nmbrs_client.ids import EntityId


@dataclass(frozen=True)
class CallRecord:
    started_at: datetime
    operation: str
    company_id: EntityId | None  # opaque: SOAP int or REST UUID
    employee_id: EntityId | None
    duration_ms: float
    outcome: str  # "ok" | "fault" | "transport" | "refused" | "note" (not a call)
    fault_code: int | None = None
    message: str = ""
    size_bytes: int | None = None
    attempt: int = 1
    http_status: int | None = None  # of the reply, when one came
    error_kind: str | None = None  # transport kind (timeout, http, malformed…) or fault category
    method: str | None = None  # HTTP method (SOAP: POST)
    path: str | None = None  # path template with the page asked for; ids stay in their fields
    page: int | None = None  # of a paged list: this page's number …
    pages: int | None = None  # … and how many there are, once the first page said so

    @property
    def is_call(self) -> bool:
        """False for a note (e.g. which route found the employees), which made no call."""
        return self.outcome != NOTE


NOTE = "note"


Subscriber = Callable[[CallRecord], None]


class CallLog:
    """Thread-safe ring buffer of :class:`CallRecord` with subscribers."""

    def __init__(self, capacity: int = 5000) -> None:
        self._records: deque[CallRecord] = deque(maxlen=capacity)
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def add(self, record: CallRecord) -> None:
        with self._lock:
            self._records.append(record)
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(record)
            except Exception:  # a broken subscriber must not break API calls
                continue

    def note(self, operation: str, message: str, *, company_id: int | None = None) -> None:
        """A line that is not a call (``outcome="note"``), e.g. the employee-discovery route."""
        self.add(
            CallRecord(
                started_at=datetime.now(),
                operation=operation,
                company_id=company_id,
                employee_id=None,
                duration_ms=0.0,
                outcome=NOTE,
                message=message[:300],
            )
        )

    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def calls(self) -> list[CallRecord]:
        """The records that are calls (notes left out)."""
        return [r for r in self.records() if r.is_call]

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)
