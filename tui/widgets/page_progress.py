"""How far the company-wide lists have paged in, read from the call log.

Opening an employee of a big REST company reads several company-wide lists of 50 pages each;
without a count the screen shows only "loading…" for seconds. The REST client logs every page
with its number and, from the second page on, the number of pages, so counting the answered
pages per list gives "page 23 of 50" without asking the backend anything new.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nmbrs_client.calllog import CallRecord


class PageProgress:
    """Answered pages per paged list (by operation), and the line that says so."""

    def __init__(self) -> None:
        self._lists: dict[str, tuple[int, int | None]] = {}

    def reset(self) -> None:
        self._lists.clear()

    def add(self, record: CallRecord) -> bool:
        """Count one call; True when it was a page of a list (the line changed)."""
        if record.page is None or record.outcome != "ok":
            return False
        done, total = self._lists.get(record.operation, (0, None))
        self._lists[record.operation] = (done + 1, record.pages or total)
        return True

    def text(self) -> str:
        """``company.employments page 23 of 50 · …``; empty before any page arrived."""
        parts = []
        for operation, (done, total) in self._lists.items():
            name = operation.removeprefix("REST ")
            if total and total > 1:
                parts.append(f"{name} page {min(done, total)} of {total}")
            elif total is None:
                parts.append(f"{name} page {done}")
        return " · ".join(parts)
