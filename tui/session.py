"""State the dashboard keeps for one connection: settings, client and data already loaded.

Kept free of Textual so panes, workers and tests can share it. Data fetched once is kept in
``cache`` for the whole session and only dropped on an explicit refresh (``invalidate``), so
switching panes never refetches. Workers write to the cache from threads, hence the lock.
"""

from __future__ import annotations

import contextlib
import datetime
import pathlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # heavy imports stay out of the first frame
    from nmbrs_client.client import NmbrsClient
    from nmbrs_client.config import ConnectionSettings

CacheKey = tuple[object, ...]


class Session:
    """State the app keeps for one connection: settings, client, and data already loaded.

    ``today`` is an injectable clock (frozen in tests and snapshots) and ``deterministic``
    asks panes to hide or round anything that varies between runs (durations, wall times).
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        client: NmbrsClient,
        *,
        today: datetime.date | None = None,
        download_dir: pathlib.Path | None = None,
        deterministic: bool = False,
        now: Callable[[], datetime.datetime] | None = None,
        config: Any | None = None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.today: datetime.date = today or datetime.date.today()
        self.deterministic = deterministic
        self.config = config  # the AppConfig it came from (requirement sets), if any
        self._now = now or datetime.datetime.now
        configured = getattr(settings, "download_dir", None)
        self.download_dir: pathlib.Path = pathlib.Path(
            download_dir or configured or pathlib.Path.cwd()
        )
        self.cache: dict[CacheKey, object] = {}
        self._lock = threading.RLock()

    @property
    def profile_name(self) -> str:
        return str(getattr(self.settings, "profile_name", "") or "")

    @property
    def environment(self) -> str:
        return str(getattr(self.settings, "environment", "") or "")

    def now(self) -> datetime.datetime:
        """Wall-clock time, replaceable for deterministic tests."""
        return self._now()

    def cached(self, key: CacheKey) -> Any | None:
        """The value stored under ``key``, or ``None`` when it was never loaded."""
        with self._lock:
            return self.cache.get(key)

    def has(self, key: CacheKey) -> bool:
        with self._lock:
            return key in self.cache

    def store(self, key: CacheKey, value: object) -> None:
        with self._lock:
            self.cache[key] = value

    def invalidate(self, prefix: CacheKey = ()) -> None:
        """Drop every key that starts with ``prefix`` (everything for ``()``)."""
        with self._lock:
            for key in [k for k in self.cache if k[: len(prefix)] == prefix]:
                del self.cache[key]

    def keys(self, prefix: CacheKey = ()) -> list[CacheKey]:
        with self._lock:
            return [k for k in self.cache if k[: len(prefix)] == prefix]

    def close(self) -> None:
        """Release the client's connections; safe to call twice."""
        close = getattr(self.client, "close", None)
        if close is not None:
            with contextlib.suppress(Exception):  # closing must never block exiting
                close()
