"""The words every layer shares: which API, and what an id is.

Kept apart from :mod:`nmbrs_client.backend` (the protocol and models) and from
:mod:`nmbrs_client.connect` (the factory that knows both backends), so that a module which only
needs to say "REST" or hold an id imports nothing else.

Ids are opaque (:data:`EntityId`): SOAP gives ints, REST gives UUID strings, and there is no
published mapping between them. Compare, hash and pass them back; never parse or do arithmetic
on them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeAlias

EntityId: TypeAlias = int | str
"""An opaque id: a SOAP int or a REST UUID string. Only compared, hashed and passed back."""


class ApiKind(StrEnum):
    """Which Nmbrs API is spoken (the ``api`` of a profile, ``--api`` on the CLI, a demo's)."""

    SOAP = "soap"
    REST = "rest"
