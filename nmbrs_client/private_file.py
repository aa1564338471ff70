"""The one writer of private files: 0600 in a 0700 folder, atomic, never overwriting by surprise.

Every file nmbrs-tui writes for the user or for itself goes through here: reports, bundles,
exports, PDFs, crash logs, config.toml, token files and the REST token store.

A report or support bundle can hold payroll data and goes to a ticket, so the file the user
named must be the file written: not a renamed neighbour, not a half-written file, not a file
another user can read, and never silently over an older one (the previous customer's bundle).
The data goes to a 0600 temporary file in the target's folder first; it then appears under the
target name in one step: ``link`` refuses an existing name (so "never overwrite" holds even
when two runs race), ``replace`` is used only when the caller was told to overwrite (``--force``).
A folder that has to be created is created 0700.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


class TargetExists(FileExistsError):
    """The named file exists and overwriting was not asked for."""


def ensure_private_dir(directory: Path, *, tighten: bool = False) -> Path:
    """``directory`` (absolute); created with mode 0700 when missing.

    An existing folder is left as it is (the user's own Downloads), unless ``tighten``: the
    app's own folders (token store, crash logs, history) are made 0700 whatever they were.
    """
    directory = directory.expanduser().absolute()
    if tighten or not directory.exists():
        directory.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        os.chmod(directory, PRIVATE_DIR_MODE)  # mkdir's mode is reduced by the umask
    return directory


def write_private_file_exactly(path: Path, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` at ``path`` (mode 0600) and return the absolute path written.

    Raises :class:`TargetExists` when ``path`` exists (a symlink counts) and ``overwrite`` is
    false, ``OSError`` for anything else; on any failure no file is left behind.
    """
    target = path.expanduser().absolute()
    if target.is_dir():
        raise IsADirectoryError(21, "is a directory", str(target))
    if not overwrite and os.path.lexists(target):
        raise TargetExists(17, "file exists", str(target))
    folder = ensure_private_dir(target.parent)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temporary, target)
        else:
            try:
                os.link(temporary, target)
            except FileExistsError:
                raise TargetExists(17, "file exists", str(target)) from None
            finally:
                os.unlink(temporary)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def write_new_private_file(directory: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write ``data`` as a NEW file ``stem[-N]suffix`` in ``directory``; the absolute path.

    For files the app names itself (a saved PDF, an export, a crash log): a taken name moves
    on to ``-2``, ``-3``…, and since each try is the exclusive write above, that holds even
    when two saves race.
    """
    counter = 1
    while True:
        name = f"{stem}{suffix}" if counter == 1 else f"{stem}-{counter}{suffix}"
        try:
            return write_private_file_exactly(directory / name, data)
        except TargetExists:
            counter += 1
