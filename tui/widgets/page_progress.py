"""How far the company-wide lists have paged in, read from the call log.

Opening an employee of a big REST company reads several company-wide lists of 50 pages each;
without a count the screen shows only "loading…" for seconds. The REST client logs every page
with its number and, from the second page on, the number of pages, so counting the answered
pages per list gives "page 23 of 50" without asking the backend anything new. The line is
redrawn a few times a second, not once per page: every redraw of a status line lays out the
whole screen, and the big company's open answers some 350 pages in about a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from nmbrs_client.calllog import CallLog, CallRecord


SHOW_EVERY_S = 0.1  # how often the line is worth redrawing while pages arrive


class PageProgress:
    """Answered pages per paged list (by operation), and the line that says so."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lists: dict[str, tuple[int, int | None]] = {}
        self._clock = clock
        self._shown_at: float | None = None

    def reset(self) -> None:
        self._lists.clear()
        self._shown_at = None

    def due(self) -> bool:
        """Whether to redraw the line now: the first time, then at most every
        :data:`SHOW_EVERY_S` (the pages in between are counted all the same)."""
        now = self._clock()
        if self._shown_at is not None and now - self._shown_at < SHOW_EVERY_S:
            return False
        self._shown_at = now
        return True

    def add(self, record: CallRecord, company: object = None) -> bool:
        """Count one call; True when it was a page of a list (of ``company``, when given)."""
        if record.page is None or record.outcome != "ok":
            return False
        if company is not None and record.company_id != company:
            return False
        done, total = self._lists.get(record.operation, (0, None))
        self._lists[record.operation] = (done + 1, record.pages or total)
        return True

    def text(self) -> str:
        """``employments page 23 of 50`` for one list; with several, the one furthest behind
        (``…, slowest of 4 lists``). Lists of one page, and lists whose size is not known yet,
        are left out; empty before any page of a longer list arrived."""
        known = [
            (done / total, name.rsplit(".", 1)[-1], min(done, total), total)
            for name, (done, total) in self._lists.items()
            if total and total > 1
        ]
        if not known:
            return ""
        _share, name, done, total = min(known)
        text = f"{name} page {done} of {total}"
        return text if len(known) == 1 else f"{text}, slowest of {len(known)} lists"


class PageRead(Message):
    """A page of a list was answered (posted from the thread that made the call)."""

    def __init__(self, record: CallRecord) -> None:
        super().__init__()
        self.record = record


def watch_pages(
    owner: MessagePump, log: CallLog | None, active: Callable[[], bool]
) -> Callable[[], None]:
    """Post each answered page of a list to ``owner`` as :class:`PageRead` while ``active()``;
    returns the unsubscribe. The call log calls back on the calling thread, so only a message
    crosses to the UI thread."""
    if log is None:
        return lambda: None

    def on_call(record: CallRecord) -> None:
        if record.page is not None and active():
            owner.post_message(PageRead(record))

    return log.subscribe(on_call)
