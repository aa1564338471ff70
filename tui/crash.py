"""What happens when the dashboard meets an unexpected exception or loses its terminal.

An unexpected exception must not print a traceback with local variables (customer data) on
the terminal, nor end with status 0: the traceback (without locals) goes to a log file of mode
0600 in a 0700 folder, the terminal gets one line naming the file, and the exit status is 70.

A hang-up (SSH dropped, terminal closed) must not leave the process behind: restoring a
terminal that is gone can block on a write, so the hang-up handler arms a timer that ends the
process after a short grace period whatever the normal shutdown is doing.
"""

from __future__ import annotations

import os
import signal
import threading
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from nmbrs_client import locations
from nmbrs_client.exit_codes import ExitCode

HANGUP_GRACE_S = 0.5


def write_crash_log(error: BaseException, *, directory: Path | None = None) -> Path | None:
    """Write ``error``'s traceback (no locals) to a new private file; ``None`` if impossible."""
    from nmbrs_client.private_file import ensure_private_dir, write_new_private_file

    folder = directory or locations.crash_log_dir()
    try:
        ensure_private_dir(folder, tighten=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        text = "".join(traceback.format_exception(error))
        return write_new_private_file(
            folder, f"crash-{stamp}", ".log", text.encode("utf-8", "replace")
        )
    except OSError:
        return None


def crash_line(error: BaseException, log: Path | None) -> str:
    """The one line shown on the terminal: the kind of error and where the details are."""
    where = f"; the traceback is in {log}" if log else " (no log file could be written)"
    return f"nmbrs-tui: unexpected error ({type(error).__name__}){where}"


def install_hangup_exit(on_hangup: Callable[[], object]) -> None:
    """On SIGHUP: ask for a normal exit, and force one after :data:`HANGUP_GRACE_S`.

    A plain ``signal.signal`` handler (not the event loop's) runs even when the loop is busy
    or a thread is blocked writing to the vanished terminal.
    """
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        return

    def handler(_signum: int, _frame: object) -> None:
        timer = threading.Timer(HANGUP_GRACE_S, os._exit, args=(ExitCode.HANGUP,))
        timer.daemon = True
        timer.start()
        try:
            on_hangup()
        except Exception:
            os._exit(ExitCode.HANGUP)

    signal.signal(signal.SIGHUP, handler)
