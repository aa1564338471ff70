"""Exit after SIGHUP: how long `nmbrs-tui --demo` takes to leave once its terminal is gone.

The app runs in a 120×40 pty. Once its first screen has arrived, the terminal stops being read
(as when an SSH connection freezes or drops, so the app's writes may block) and SIGHUP is sent;
the clock runs from the signal to the process's exit. Target: within 2 s, non-zero status.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time

from bench.records import Record, median, metric, miss_note
from bench.startup import COLS, REPO, ROWS, _command

EXIT_TARGET_S = 2.0
PR_SET_CHILD_SUBREAPER = 36  # prctl(2)


def adopt_orphans(adopt: bool = True) -> None:
    """Make this process the reaper of its children's orphans, or no longer (Linux; elsewhere
    nothing).

    `nmbrs-tui --demo` runs its demo server in a child of its own, which ends after the app
    has. Reparented to init, its CPU would count as another process's and mark the figure
    unreliable; adopted and reaped here, it counts as the bench's own, which it is. Only
    while this group runs: the other groups reap what they start themselves.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, int(adopt), 0, 0, 0)


def reap_adopted(timeout_s: float) -> None:
    """Wait (at most ``timeout_s``) for every child left to end, so its CPU is counted.

    Runs once the app has been reaped: what is left are its orphans, adopted here (the
    bench starts nothing else while this group runs).
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:  # no child left
            return
        if pid == 0:
            time.sleep(0.05)


def one_hangup(timeout_s: float = 30.0) -> dict[str, float | int | None]:
    """Start the app, wait for its first frame, stop reading, SIGHUP; seconds to exit."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
    env.pop("NMBRS_TUI_EXIT_AFTER_FIRST_FRAME", None)
    process = subprocess.Popen(
        _command(),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=REPO,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    bottom = f"\x1b[{ROWS};1H".encode()
    output = b""
    deadline = time.monotonic() + timeout_s
    try:
        while bottom not in output and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    output += os.read(master, 65536)
                except OSError:
                    break
            elif process.poll() is not None:
                break
        time.sleep(0.3)  # let the connect worker start its calls
        started = time.monotonic()
        process.send_signal(signal.SIGHUP)
        try:
            code = process.wait(timeout=timeout_s)
            exit_s: float | None = time.monotonic() - started
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            code = process.wait()
            exit_s = None
        reap_adopted(timeout_s)
    finally:
        os.close(master)
    return {"exit_s": exit_s, "returncode": code, "first_frame_seen": int(bottom in output)}


def run(quick: bool = False) -> list[Record]:
    reps = 3 if quick else 20
    adopt_orphans()
    try:
        runs = [one_hangup() for _ in range(reps)]
    finally:
        adopt_orphans(False)
    times = [r["exit_s"] for r in runs if r["exit_s"] is not None]
    hung = reps - len(times)
    zero = sum(1 for r in runs if r["returncode"] == 0)
    value = median(times) if times else float("inf")
    note = miss_note(value, EXIT_TARGET_S, "s", "look for blocking writes or non-daemon threads")
    if hung:
        note = f"{hung} of {reps} runs did not exit within 30 s"
    return [
        metric(
            "hangup.exit_after_sighup_s",
            value,
            "s",
            target=EXIT_TARGET_S,
            note=note,
            runs=reps,
            max_s=max(times) if times else None,
            exited_zero=zero,
        )
    ]
