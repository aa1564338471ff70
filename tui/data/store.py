"""The dashboard's data store: one typed place between the panes and the backend.

Panes, screens and the palette ask the store, never the backend or each other. An entry is
fetched once per session and shared by every pane (switching panes never refetches); ``r``
drops what the pane shows (:meth:`DataStore.invalidate`, or a whole company with
:meth:`DataStore.invalidate_company`) and the next request fetches again. Dropping a company's
data (or every company's) also has the backend forget what it keeps of it between calls
(:meth:`~nmbrs_client.backend.Backend.forget`: the REST backend's history lists), so the
fetch after ``r`` asks Nmbrs, on every API.

Threads: :meth:`DataStore.fetch` blocks and is called from worker threads only; two workers
asking for the same entry at once share one call. An entry invalidated while its fetch is in
flight is not written back when that fetch ends, so a refresh never resurrects old data.
Textual-free, like the session around it.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar, cast

from nmbrs_client.cancel import stop_requested, was_stopped
from tui.data.kinds import Kind

if TYPE_CHECKING:
    from nmbrs_client.backend import Backend
    from nmbrs_client.ids import EntityId

K = TypeVar("K")
V = TypeVar("V")

_Slot = tuple[Kind[Any, Any], Any]


class DataStore:
    """Typed get-or-fetch cache over one :class:`~nmbrs_client.backend.Backend`."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._values: dict[_Slot, object] = {}
        self._pending: dict[_Slot, Future[Any]] = {}
        self._lock = threading.RLock()

    # -- reading ---------------------------------------------------------------------------
    def get(self, kind: Kind[K, V], key: K) -> V | None:
        """The kept value, or ``None`` when it was never loaded (never calls the backend)."""
        with self._lock:
            return cast("V | None", self._values.get((kind, key)))

    def has(self, kind: Kind[K, Any], key: K) -> bool:
        with self._lock:
            return (kind, key) in self._values

    def keys(self, kind: Kind[K, Any]) -> list[K]:
        with self._lock:
            return [cast("K", key) for k, key in self._values if k is kind]

    def items(self, kind: Kind[K, V]) -> list[tuple[K, V]]:
        with self._lock:
            return [
                (cast("K", slot[1]), cast("V", value))
                for slot, value in self._values.items()
                if slot[0] is kind
            ]

    # -- fetching --------------------------------------------------------------------------
    def fetch(self, kind: Kind[K, V], key: K, *, force: bool = False) -> V:
        """The value for ``key``: kept, being fetched by another thread, or fetched now.

        Blocks (worker threads only). ``force`` fetches again even when a value is kept.
        Errors from the backend propagate (to every thread waiting on that fetch) and are
        not kept, so the next request tries again.
        """
        if kind.fetch is None:
            raise TypeError(f"{kind.name} is computed by a pane, not fetched")
        if not kind.keep:
            return kind.fetch(self.backend, key)
        slot: _Slot = (kind, key)
        with self._lock:
            if not force and slot in self._values:
                return cast("V", self._values[slot])
            pending = self._pending.get(slot)
            owner = pending is None or force
            if owner:
                pending = Future()
                self._pending[slot] = pending
        assert pending is not None
        if not owner:
            try:
                return cast("V", pending.result())
            except Exception as error:
                if not was_stopped(error) or stop_requested():
                    raise
            # the thread that was fetching it was cancelled, this one was not: fetch it here
            return self.fetch(kind, key, force=force)
        try:
            value = kind.fetch(self.backend, key)
        except BaseException as error:
            with self._lock:
                if self._pending.get(slot) is pending:
                    del self._pending[slot]
            pending.set_exception(error)
            raise
        with self._lock:
            if self._pending.get(slot) is pending:  # not invalidated meanwhile
                del self._pending[slot]
                self._values[slot] = value
        pending.set_result(value)
        return value

    def put(self, kind: Kind[K, V], key: K, value: V) -> None:
        """Keep a value a pane computed or obtained otherwise (a rights report)."""
        with self._lock:
            self._values[(kind, key)] = value

    # -- invalidation ----------------------------------------------------------------------
    def invalidate(self, kind: Kind[K, Any], key: K | None = None) -> None:
        """Drop one entry, or every entry of ``kind`` when no key is given."""
        with self._lock:
            for slot in [s for s in (*self._values, *self._pending) if s[0] is kind]:
                if key is None or slot[1] == key:
                    self._values.pop(slot, None)
                    self._pending.pop(slot, None)

    def invalidate_kinds(self, *kinds: Kind[Any, Any]) -> None:
        """Drop every entry of each of ``kinds``, and what the backend keeps of every company."""
        with self._lock:
            for slot in [s for s in (*self._values, *self._pending) if s[0] in kinds]:
                self._values.pop(slot, None)
                self._pending.pop(slot, None)
        self.forget_kept()

    def invalidate_company(
        self, company_id: EntityId, kinds: tuple[Kind[Any, Any], ...] | None = None
    ) -> None:
        """Drop what belongs to one company (of ``kinds`` only, when given), and what the
        backend keeps of it."""
        with self._lock:
            for slot in [*self._values, *self._pending]:
                kind, key = slot
                if kinds is not None and kind not in kinds:
                    continue
                if kind.company_of(key) == company_id:
                    self._values.pop(slot, None)
                    self._pending.pop(slot, None)
        self.forget_kept(company_id)

    def forget_kept(self, company_id: EntityId | None = None) -> None:
        """Have the backend drop what it keeps of one company (of all when ``None``) between
        calls: before a forced fetch (a screen's ``r``), so it reaches Nmbrs too."""
        self.backend.forget(company_id)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._pending.clear()
