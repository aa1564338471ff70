"""State the dashboard keeps for one connection: settings, backend and the data store.

Kept free of Textual so panes, workers and tests can share it. Panes reach Nmbrs only through
``session.data`` (:class:`tui.data.store.DataStore`), which keeps what was fetched for the whole
session and drops it on an explicit refresh, so switching panes never refetches.
"""

from __future__ import annotations

import contextlib
import datetime
import pathlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.data.store import DataStore

if TYPE_CHECKING:  # heavy imports stay out of the first frame
    from nmbrs_client.backend import Backend
    from nmbrs_client.settings import ConnectionSettings


class Session:
    """State the app keeps for one connection: settings, backend, and data already loaded.

    ``today`` is an injectable clock (frozen in tests and snapshots) and ``deterministic``
    asks panes to hide or round anything that varies between runs (durations, wall times).
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        backend: Backend,
        *,
        today: datetime.date | None = None,
        download_dir: pathlib.Path | None = None,
        deterministic: bool = False,
        now: Callable[[], datetime.datetime] | None = None,
        config: Any | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.data = DataStore(backend)
        self.today: datetime.date = today or datetime.date.today()
        self.deterministic = deterministic
        self.config = config  # the AppConfig it came from (requirement sets), if any
        self._now = now or datetime.datetime.now
        configured = getattr(settings, "download_dir", None)
        self.download_dir: pathlib.Path = pathlib.Path(
            download_dir or configured or pathlib.Path.cwd()
        )

    @property
    def profile_name(self) -> str:
        return str(getattr(self.settings, "profile_name", "") or "")

    @property
    def environment(self) -> str:
        return str(getattr(self.settings, "environment", "") or "")

    def now(self) -> datetime.datetime:
        """Wall-clock time, replaceable for deterministic tests."""
        return self._now()

    def close(self) -> None:
        """Release the backend's connections; safe to call twice."""
        with contextlib.suppress(Exception):  # closing must never block exiting
            self.backend.close()
