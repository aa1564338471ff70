"""Refuse, in every Python process of a test run, a write into the user's real nmbrs-tui folders.

The test session points HOME and every XDG variable at a temporary folder, so nothing should
reach the real folders; a process that lost those variables (a tmux server started from
another shell, an environment built from scratch) would fall back to them. The session installs
this audit hook in its own process and, as ``sitecustomize`` on ``PYTHONPATH``, in every
Python it starts: a write into a guarded folder is refused and appended to the report file,
which the session reads after each test and fails that test on.

Only ``os`` and ``sys`` are imported: a child's startup must not load anything the import
tests would notice.
"""

from __future__ import annotations

import os
import sys
from typing import Any

FOLDERS_VARIABLE = "TESTS_HOME_GUARD_FOLDERS"  # the guarded folders, os.pathsep-separated
REPORT_VARIABLE = "TESTS_HOME_GUARD_REPORT"  # the file refused writes are appended to

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
# Audit events that change the file system, with the positions of their path arguments.
_PATH_EVENTS = {
    "os.mkdir": (0,),
    "os.rename": (0, 1),  # os.replace raises it too
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.link": (0, 1),
    "os.symlink": (1,),
    "os.truncate": (0,),
    "os.utime": (0,),
    "sqlite3.connect": (0,),  # SQLite opens its files itself, past the "open" event
}


def _as_path(value: object) -> str | None:
    if isinstance(value, (str, bytes, os.PathLike)):
        return os.path.abspath(os.fsdecode(value))
    return None  # a file descriptor: its path was checked when it was opened


def install(folders: list[str], report: str) -> None:
    """Refuse writes inside ``folders`` from now on in this process, appending each to ``report``."""
    guarded = [os.path.realpath(folder) for folder in folders if folder]
    busy = False

    def refuse(event: str, path: str) -> None:
        nonlocal busy
        if busy:
            return
        busy = True
        try:
            with open(report, "a", encoding="utf-8") as out:
                out.write(f"{event} {path} (pid {os.getpid()}: {' '.join(sys.argv)[:200]})\n")
        finally:
            busy = False
        raise PermissionError(f"the test run must not write to the real {path}")

    def inside(path: str | None) -> bool:
        return path is not None and any(
            path == folder or path.startswith(folder + os.sep) for folder in guarded
        )

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            mode = args[1] if isinstance(args[1], str) else ""
            writes = flags & _WRITE_FLAGS or any(c in mode for c in "wax+")
            if writes and inside(path := _as_path(args[0])):
                refuse(event, str(path))
            return
        positions = _PATH_EVENTS.get(event)
        if positions is None:
            return
        for position in positions:
            if position < len(args) and inside(path := _as_path(args[position])):
                refuse(event, str(path))

    sys.addaudithook(hook)


def _install_from_environment() -> None:
    folders = os.environ.get(FOLDERS_VARIABLE)
    report = os.environ.get(REPORT_VARIABLE)
    if folders and report:
        install(folders.split(os.pathsep), report)


if __name__ == "sitecustomize":  # started as a child's site customisation, not imported by tests
    _install_from_environment()
