"""What the data panes (companies, employees, payroll) share: status line, errors, fan-out.

Every failure must say what it means and what to do (:mod:`tui.failures` says it in one line
for the status bar). :func:`run_bounded` is the
fan-out used for the one-call-per-row loads (current period per company, department/function
per employee): a fixed number of calls in flight, items in the caller's order (visible rows
first), stoppable by cancellation or by the callback (a right that is missing for one employee
is missing for all of them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

from textual.widgets import Static

from nmbrs_client.cancel import first_done, working_for_caller
from tui.failures import describe_error
from tui.panes import Pane

if TYPE_CHECKING:
    from tui.session import Session

T = TypeVar("T")
R = TypeVar("R")


LOAD_CANCELLED = "Loading cancelled (r loads again)."  # esc: the status (and an empty table)

# What a cell shows while it has no value: loading, stopped, none, failed (glyph first).
PLACEHOLDER_GLYPHS = ("…", "–", "✗", "!", "?", "○")


def plain_value(text: str) -> str:
    """A cell's data for an export file: empty for placeholders, the value otherwise."""
    return "" if text.startswith(PLACEHOLDER_GLYPHS) else text


def run_bounded(
    items: Iterable[T],
    call: Callable[[T], R],
    concurrency: int,
    on_done: Callable[[T, R | None, BaseException | None], bool],
    cancelled: Callable[[], bool],
) -> bool:
    """Run ``call`` over ``items`` with at most ``concurrency`` in flight, in order of ``items``.

    ``on_done(item, result, error)`` runs in this (worker) thread; returning False stops
    submitting. Returns True when every item was processed, False when stopped or cancelled.
    Calls already running finish in the background; their results are dropped.
    """
    iterator = iter(items)
    pending: dict[Future[R], T] = {}
    stopped = False
    exhausted = False
    # a call still waiting for its turn ends unsent once cancelled
    with working_for_caller(max(1, concurrency), "fanout", cancelled) as pool:
        while True:
            while not stopped and not exhausted and len(pending) < max(1, concurrency):
                if cancelled():
                    stopped = True
                    break
                try:
                    item = next(iterator)
                except StopIteration:
                    exhausted = True
                    break
                pending[pool.submit(call, item)] = item
            if not pending:
                break
            done = first_done(pending, cancelled)
            if cancelled():
                stopped = True
                break
            for future in done:
                item = pending.pop(future)
                error = future.exception()
                keep = on_done(item, None if error else future.result(), error)
                if not keep:
                    stopped = True
            if stopped:
                break
    return not stopped and exhausted


class DataPane(Pane):
    """Base of the data panes: a session, a status line and the pane protocol of the app."""

    DEFAULT_CSS = """
    DataPane {
        height: 1fr;
        layout: vertical;
    }
    DataPane .pane-status {
        height: auto;
        max-height: 4;
        padding: 0 1;
        color: $text-muted;
    }
    DataPane .pane-status.-error {
        color: $error;
    }
    """

    def __init__(
        self, session: Session, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(session, id=id, classes=classes)
        self.session: Session = session
        self.status = Static("", classes="pane-status", markup=False)

    def set_status(self, text: str, *, error: bool = False) -> None:
        """Show a status line; errors are marked by a ✗ glyph (and colour where available)."""
        self.status.set_class(error, "-error")
        self.status.update(f"✗ {text}" if error and not text.startswith("✗") else text)

    @property
    def status_text(self) -> str:
        return str(self.status.content)

    def show_error(self, error: BaseException, what: str) -> None:
        self.set_status(
            f"{what}: {describe_error(error)} (data shown is the last loaded; r retries)",
            error=True,
        )

    # Pane protocol (the app calls these; refresh_data and on_show_pane are each pane's) ---
    def _own_workers(self) -> list[Any]:
        return [w for w in self.workers if w.node is self and w.is_running]

    def cancel_load(self) -> None:
        """Cancel this pane's running loads (``esc``)."""
        running = self._own_workers()
        for worker in running:
            worker.cancel()
        if running:
            self.set_status(LOAD_CANCELLED)

    def is_loading(self) -> bool:
        return bool(self._own_workers())
