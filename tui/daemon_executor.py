"""The event loop's default executor for the dashboard: one daemon thread per task.

Textual runs thread workers through the loop's default executor, and ``asyncio.run`` joins that
executor's threads when the app ends. A call waiting on a server that never answers would then
hold ``q`` for the whole read timeout (30 s by default). Daemon threads are not joined: quitting
is immediate, and the abandoned call dies with the process. Workers never write shared state
after they are cancelled, so nothing is lost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class DaemonExecutor(ThreadPoolExecutor):
    """Runs each submitted callable in its own daemon thread; ``shutdown`` never waits.

    A ThreadPoolExecutor only by type (asyncio insists on one); its pool is never used.
    """

    def __init__(self, name: str = "nmbrs-tui-worker") -> None:
        super().__init__(max_workers=1, thread_name_prefix=name)
        self._name = name
        self._closed = False

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        if self._closed:
            raise RuntimeError("cannot schedule new work after shutdown")
        future: Future[T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # handed to the awaiting coroutine
                future.set_exception(exc)
            else:
                future.set_result(result)

        threading.Thread(target=run, name=self._name, daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._closed = True


def install(loop: Any) -> None:
    """Make ``loop`` run executor work (thread workers) in daemon threads."""
    loop.set_default_executor(DaemonExecutor())
