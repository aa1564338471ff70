"""Values made once per key, even when several threads ask for one at the same moment.

The demo's world is read-only, so its whole-company records and replies are made on first use
and kept. Two threads asking together (a call, and the demo preparing its big company ahead)
must not both spend a second making the same 5,000 records: the second one waits for the first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class MadeOnce(Generic[K, V]):
    """``get(key, make)``: the value kept for ``key``, made by ``make()`` the first time."""

    def __init__(self) -> None:
        self._values: dict[K, V] = {}
        self._locks: dict[K, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        try:
            return self._values[key]
        except KeyError:
            pass
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = make()
            return self._values[key]

    def __contains__(self, key: object) -> bool:
        return key in self._values
