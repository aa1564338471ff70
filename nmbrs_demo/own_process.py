"""The demo in a process of its own, for the dashboard's ``--demo``.

In the dashboard's process the demo's work (building a 5,000-employee company, writing its
4 MB replies) took turns with the dashboard on one GIL and held the demo world in the
dashboard's memory: opening the big company took twice as long as against a demo elsewhere.
Here the demo runs as ``python -m nmbrs_demo.own_process_main``: it prints one JSON line
(where it listens, or why it could not start), makes the replies of its big companies ahead of
the first call, and serves until its standard input closes — which also happens when the
dashboard dies, so a demo never outlives it.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from nmbrs_client.errors import ConfigError
from nmbrs_client.ids import ApiKind

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 3.0
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class DemoProcess:
    """A demo server running in a child process: where it listens, and how to stop it."""

    def __init__(self, process: subprocess.Popen[bytes], base_url: str, scenario: str) -> None:
        self._process = process
        self.base_url = base_url
        self.scenario_name = scenario

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._process.poll() is None

    def stop(self) -> None:
        """Close its input (it stops serving and exits); kill it if it does not. Idempotent."""
        process = self._process
        if process.stdin is not None and not process.stdin.closed:
            with contextlib.suppress(OSError):
                process.stdin.close()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __repr__(self) -> str:
        return f"DemoProcess({self.base_url!r}, pid={self._process.pid})"


def start_in_own_process(api: ApiKind, scenario: str, latency_ms: int | None) -> DemoProcess:
    """Start the demo of ``api`` in a child process; return once it accepts calls.

    A scenario the demo cannot play is refused with the ``ConfigError`` the demo gave.
    """
    env = dict(os.environ)
    # The child runs this very code, whatever the current directory or installation says.
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(_PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p
    )
    command = [sys.executable, "-m", "nmbrs_demo.own_process_main", api.value, scenario]
    command.append("-" if latency_ms is None else str(latency_ms))
    # Its errors go to a file: a chatty child never blocks on a full pipe.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
            start_new_session=True,  # the terminal's ^C is the dashboard's, not the demo's
        )
        assert process.stdout is not None
        try:
            line = _first_line(process.stdout, READY_TIMEOUT_S)
            answer: dict[str, Any] = json.loads(line) if line else {}
        except (ValueError, OSError):
            answer = {}
        process.stdout.close()
        if "base_url" in answer:
            return DemoProcess(process, str(answer["base_url"]), scenario)
        _end(process)
        if "error" in answer:
            raise ConfigError(str(answer["error"]), hint=str(answer.get("hint", "")))
        errors.seek(0)
        tail = errors.read()[-300:].decode("utf-8", "replace").strip().splitlines()
    reason = tail[-1] if tail else f"exit status {process.returncode}"
    raise RuntimeError(f"the demo process did not start: {reason}")


def _first_line(stream: IO[bytes], timeout_s: float) -> bytes:
    """The child's first line, or what it wrote before it ended or the time ran out."""
    deadline = time.monotonic() + timeout_s
    chunks: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(max(0.0, deadline - time.monotonic())):
                break
            chunk = os.read(stream.fileno(), 4096)
            if not chunk:
                break
            chunks.append(chunk)
            if b"\n" in chunk:
                break
    return b"".join(chunks).split(b"\n", 1)[0]


def _end(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.wait()
