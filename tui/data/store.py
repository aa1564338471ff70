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

from typing import TYPE_CHECKING, Any, TypeVar, cast

from nmbrs_client.kept import Kept
from tui.data.kinds import Kind

if TYPE_CHECKING:
    from nmbrs_client.backend import Backend
    from nmbrs_client.ids import EntityId

K = TypeVar("K")
V = TypeVar("V")

_Slot = tuple[Kind[Any, Any], Any]


class DataStore:
    """Typed get-or-fetch cache over one :class:`~nmbrs_client.backend.Backend`.

    The entries are kept by :class:`~nmbrs_client.kept.Kept`, under ``(kind, key)``: one
    fetch however many workers ask, a failure never kept, an entry dropped while its fetch
    is on its way not written back.
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._kept: Kept[_Slot, Any] = Kept()

    # -- reading ---------------------------------------------------------------------------
    def get(self, kind: Kind[K, V], key: K) -> V | None:
        """The kept value, or ``None`` when it was never loaded (never calls the backend)."""
        return cast("V | None", self._kept.value((kind, key)))

    def has(self, kind: Kind[K, Any], key: K) -> bool:
        return self._kept.holds((kind, key))

    def keys(self, kind: Kind[K, Any]) -> list[K]:
        return [cast("K", slot[1]) for slot, _value in self._kept.items() if slot[0] is kind]

    def items(self, kind: Kind[K, V]) -> list[tuple[K, V]]:
        return [
            (cast("K", slot[1]), cast("V", value))
            for slot, value in self._kept.items()
            if slot[0] is kind
        ]

    # -- fetching --------------------------------------------------------------------------
    def fetch(self, kind: Kind[K, V], key: K, *, force: bool = False) -> V:
        """The value for ``key``: kept, being fetched by another thread, or fetched now.

        Blocks (worker threads only). ``force`` fetches again even when a value is kept.
        Errors from the backend propagate (to every thread waiting on that fetch) and are
        not kept, so the next request tries again.
        """
        fetch = kind.fetch
        if fetch is None:
            raise TypeError(f"{kind.name} is computed by a pane, not fetched")
        if not kind.keep:
            return fetch(self.backend, key)
        value = self._kept.get((kind, key), lambda: fetch(self.backend, key), again=force)
        return cast("V", value)

    def put(self, kind: Kind[K, V], key: K, value: V) -> None:
        """Keep a value a pane computed or obtained otherwise (a rights report)."""
        self._kept.put((kind, key), value)

    # -- invalidation ----------------------------------------------------------------------
    def invalidate(self, kind: Kind[K, Any], key: K | None = None) -> None:
        """Drop one entry, or every entry of ``kind`` when no key is given."""
        self._kept.forget(lambda slot: slot[0] is kind and (key is None or slot[1] == key))

    def invalidate_kinds(self, *kinds: Kind[Any, Any]) -> None:
        """Drop every entry of each of ``kinds``, and what the backend keeps of every company."""
        self._kept.forget(lambda slot: slot[0] in kinds)
        self.forget_kept()

    def invalidate_company(
        self, company_id: EntityId, kinds: tuple[Kind[Any, Any], ...] | None = None
    ) -> None:
        """Drop what belongs to one company (of ``kinds`` only, when given), and what the
        backend keeps of it."""
        self._kept.forget(
            lambda slot: (
                (kinds is None or slot[0] in kinds) and slot[0].company_of(slot[1]) == company_id
            )
        )
        self.forget_kept(company_id)

    def forget_kept(self, company_id: EntityId | None = None) -> None:
        """Have the backend drop what it keeps of one company (of all when ``None``) between
        calls: before a forced fetch (a screen's ``r``), so it reaches Nmbrs too."""
        self.backend.forget(company_id)

    def clear(self) -> None:
        self._kept.forget()
