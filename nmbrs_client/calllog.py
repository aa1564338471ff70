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

from nmbrs_client.backend import EntityId


@dataclass(frozen=True)
class CallRecord:
    started_at: datetime
    operation: str
    company_id: EntityId | None  # opaque: SOAP int or REST UUID
    employee_id: EntityId | None
    duration_ms: float
    outcome: str  # "ok" | "fault" | "transport" | "refused"
    fault_code: int | None = None
    message: str = ""
    size_bytes: int | None = None
    attempt: int = 1
    http_status: int | None = None  # of the reply, when one came
    error_kind: str | None = None  # transport kind (timeout, http, malformed…) or fault category


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

    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)
