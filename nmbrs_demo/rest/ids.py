"""REST ids of the demo world: UUIDs derived from the SOAP integer ids, and back.

Every REST id is ``uuid5(namespace, "<kind>:<soap id>")``: deterministic across runs and
servers, unrelated to the SOAP number as far as a client can tell (reading ``id-mapping=opaque``).
With ``id-mapping=embedded`` the SOAP id is readable in the last group instead, for tools that
want to line the two APIs up. The reverse direction is a dictionary filled as ids are made,
and each id is made once: an employee's id is in its list row and in every history row of it
(some 50,000 ids for the 5,000-employee company), and a UUID costs microseconds to derive.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable
from enum import StrEnum

NAMESPACE = uuid.UUID("6f1d2a5e-3c4b-5d6e-8f70-9a1b2c3d4e5f")
_NAMESPACE_BYTES = NAMESPACE.bytes


def uuid5_text(name: str) -> str:
    """``str(uuid.uuid5(NAMESPACE, name))``, without building a ``UUID`` on the way: the SHA-1
    name-based UUID of RFC 4122 section 4.3, its version and variant bits set as section
    4.1 says, in a third of the time (the big company's lists hand out ~20,000 ids)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class Kind(StrEnum):
    DEBTOR = "debtor"
    COMPANY = "company"
    EMPLOYEE = "employee"
    RUN = "run"
    DEPARTMENT = "department"
    FUNCTION = "function"
    EMPLOYMENT = "employment"
    SCHEDULE = "schedule"
    BANK_ACCOUNT = "bankaccount"
    CONTRACT = "contract"
    SALARY = "salary"
    ADDRESS = "address"
    PERSONAL_INFO = "personalinfo"
    USER = "user"


_EMBED_PREFIX = {kind: f"{index + 1:08x}" for index, kind in enumerate(Kind)}


class IdMap:
    """SOAP id ↔ REST UUID for one server; ``fill`` callbacks register a whole kind on a miss."""

    def __init__(self, embedded: bool = False) -> None:
        self.embedded = embedded
        self._reverse: dict[tuple[Kind, str], int] = {}
        self._forward: dict[tuple[Kind, int], str] = {}
        self._lock = threading.Lock()
        self._fillers: dict[Kind, Callable[[], Iterable[int]]] = {}
        self._filled: set[Kind] = set()

    def rest(self, kind: Kind, soap_id: int) -> str:
        made = self._forward.get((kind, soap_id))
        if made is not None:
            return made
        if self.embedded:
            text = f"{_EMBED_PREFIX[kind]}-0000-4000-8000-{soap_id:012d}"
        else:
            text = uuid5_text(f"{kind}:{soap_id}")
        self._reverse[(kind, text)] = soap_id
        self._forward[(kind, soap_id)] = text
        return text

    def on_miss(self, kind: Kind, fill: Callable[[], Iterable[int]]) -> None:
        """How to list every SOAP id of a kind, for ids asked for before they were handed out."""
        self._fillers[kind] = fill

    def soap(self, kind: Kind, rest_id: str) -> int | None:
        key = (kind, rest_id.strip().lower())
        found = self._reverse.get(key)
        if found is not None:
            return found
        fill = self._fillers.get(kind)
        if fill is None or kind in self._filled:
            return None
        with self._lock:
            if kind not in self._filled:
                for soap_id in fill():
                    self.rest(kind, soap_id)
                self._filled.add(kind)
        return self._reverse.get(key)
