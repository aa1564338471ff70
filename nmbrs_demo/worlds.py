"""The one cache of demo worlds, shared by the SOAP and the REST demo servers.

A world is read-only and follows from (seed, day, size) alone, so every server started with the
same inputs answers from the same one, built once. It is built as the SOAP projection
(:class:`~nmbrs_demo.soap.views.DemoWorld`, a :class:`~nmbrs_demo.world.World` with the answers
only SOAP gives); the REST demo uses only what :class:`~nmbrs_demo.world.World` offers.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from nmbrs_demo.soap.views import DemoWorld


@lru_cache(maxsize=8)
def shared_world(seed: int, today: date, size: str) -> DemoWorld:
    """The world of these inputs, built on first use and then shared."""
    return DemoWorld(seed, today, size=size)
