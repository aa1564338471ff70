"""Giving the memory of a big reply back to the system once it has been read.

glibc keeps what a thread frees in that thread's arena, and a pool's next big reply, parsed on
another worker thread, takes fresh pages: a check that reads several multi-megabyte replies
on a pool of threads grows by each of them (a thorough check of a large account peaked near
200 MB). ``malloc_trim`` hands the free pages back. Where the C library has no
``malloc_trim`` (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache

# Replies from this size on are followed by a trim (a few per check; a trim costs milliseconds).
BIG_REPLY_BYTES = 1024 * 1024


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None
    return trim


def give_back_after(size_bytes: int | None) -> bool:
    """After a reply of ``size_bytes`` is read and dropped: return freed pages when it was big.

    True when a trim was made.
    """
    if not size_bytes or size_bytes < BIG_REPLY_BYTES:
        return False
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
