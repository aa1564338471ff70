"""Reading the user's local files (config, token, requirements, scenario, keymap) safely.

A path on the command line or in an environment variable is input like any other: it can name
``/dev/zero`` (an endless read), a FIFO (an open that blocks forever), a 2 GB log, a file
nested 3,000 levels deep (a RecursionError in the TOML parser) or ``~nosuchuser``. Every file
the tool reads for itself goes through here: opened without blocking, accepted only when it is
a regular file, read up to a size cap, TOML nesting bounded, and every problem one
:class:`~nmbrs_client.errors.ConfigError` (one line, exit 64), never a traceback or a hang.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from nmbrs_client.errors import ConfigError

MAX_LOCAL_FILE_BYTES = 1024 * 1024
MAX_TOML_DEPTH = 32  # tables and arrays inside each other; real files need 3 or 4


def one_line(text: object, limit: int = 200) -> str:
    """A value (a path, a profile name) shown inside a one-line message."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def expand_user(value: str | Path) -> Path:
    """``~`` and ``~user`` expanded; an unknown user is a ConfigError, not a RuntimeError."""
    try:
        return Path(value).expanduser()
    except RuntimeError:
        raise ConfigError(
            f"cannot expand {one_line(value)}: no such user's home folder",
            hint="Use an absolute path, or ~/ for your own home folder.",
        ) from None


def read_local_bytes(path: Path, what: str, *, limit: int = MAX_LOCAL_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path`` (at most ``limit``); ``what`` names it in errors.

    ``O_NONBLOCK`` makes opening a FIFO return at once, so it can be refused like a device.
    """
    shown = one_line(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ConfigError(f"{what} {shown} does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"{what} {shown} is a directory, not a file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {shown}: {_reason(exc)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ConfigError(f"{what} {shown} is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{what} {shown} is not a regular file (a device, FIFO or socket)")
        if info.st_size > limit:
            raise ConfigError(f"{what} {shown} is larger than {_size(limit)}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(64 * 1024, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew while being read
            raise ConfigError(f"{what} {shown} is larger than {_size(limit)}")
        return b"".join(chunks)
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {shown}: {_reason(exc)}") from None
    finally:
        os.close(fd)


def read_local_text(path: Path, what: str, *, limit: int = MAX_LOCAL_FILE_BYTES) -> str:
    """:func:`read_local_bytes` decoded as UTF-8 (a BOM is allowed)."""
    try:
        return read_local_bytes(path, what, limit=limit).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"cannot read {what} {one_line(path)}: not UTF-8 text") from None


def toml_depth_problem(text: str, max_depth: int = MAX_TOML_DEPTH) -> str | None:
    """Why ``text`` nests too deep for parsing, or None.

    Counts ``[``/``{`` against ``]``/``}`` outside strings and comments: a cheap scan that
    bounds the parser's recursion before it starts.
    """
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch in "\"'":
            triple = text.startswith(ch * 3, i)
            quote = ch * 3 if triple else ch
            j = i + len(quote)
            while j < n:
                if ch == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    break
                if not triple and text[j] == "\n":
                    break
                j += 1
            i = j + len(quote)
            continue
        if ch in "[{":
            depth += 1
            if depth > max_depth:
                return f"tables or arrays nested more than {max_depth} levels deep"
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


def parse_toml(text: str, what: str) -> dict[str, Any]:
    """Parse TOML with its nesting bounded; a syntax error goes up as ``TOMLDecodeError``."""
    problem = toml_depth_problem(text)
    if problem is not None:
        raise ConfigError(f"{what}: {problem}")
    try:
        return tomllib.loads(text)
    except RecursionError:  # the scan above should make this unreachable
        raise ConfigError(f"{what}: nested too deeply") from None


def read_toml_file(path: Path, what: str) -> dict[str, Any]:
    """A local TOML file, read safely; every problem is one ConfigError line."""
    text = read_local_text(path, what)
    try:
        return parse_toml(text, f"{what} {one_line(path)}")
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} {one_line(path)} is not valid TOML: {one_line(exc)}") from None


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"
