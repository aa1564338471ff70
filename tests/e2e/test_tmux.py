"""End to end: the real `nmbrs-tui --demo` in a tmux session at 120x40, driven by keys."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nmbrs_client import locations
from tests.home_guard import sitecustomize as home_guard

pytestmark = pytest.mark.slow

TMUX = shutil.which("tmux")


def _tmux(*args: str) -> str:
    assert TMUX is not None, "tmux is required for the end-to-end test"
    done = subprocess.run([TMUX, *args], capture_output=True, text=True, timeout=10)
    return done.stdout


def new_session(name: str, home: Path, *args: str) -> None:
    """A detached tmux session whose shell has its folders under ``home`` and the home guard.

    The shell's environment is the tmux server's, not this process's: a server started from
    another shell would hand the user's real folders to every command typed here.
    """
    guard = (home_guard.FOLDERS_VARIABLE, home_guard.REPORT_VARIABLE, "PYTHONPATH")
    env = {**locations.environment_under(home), **{n: os.environ[n] for n in guard}}
    _tmux("new-session", "-d", "-s", name, *(f"-e{k}={v}" for k, v in env.items()), *args)


@pytest.fixture
def tui_session(tmp_path: Path) -> Iterator[tuple[str, Callable[[], str]]]:
    name = f"nmbrs-e2e-{uuid.uuid4().hex[:8]}"
    env = f"NMBRS_TUI_CONFIG={tmp_path / 'config.toml'} TERM=xterm-256color"
    command = f"env {env} {sys.executable} -m tui.cli --demo"
    new_session(name, tmp_path, "-x", "120", "-y", "40", "-c", os.getcwd(), command)

    def capture() -> str:
        return _tmux("capture-pane", "-p", "-t", name)

    try:
        yield name, capture
    finally:
        _tmux("kill-session", "-t", name)


def _wait_for(capture: Callable[[], str], text: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture()
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} did not appear; the screen shows:\n{screen}")


def test_demo_dashboard_in_a_real_terminal(tui_session) -> None:  # type: ignore[no-untyped-def]
    name, capture = tui_session
    assert (
        _tmux("display-message", "-p", "-t", name, "#{window_width}x#{window_height}").strip()
        == "120x40"
    )
    screen = _wait_for(capture, "✓ connected", 15)
    assert "DEMO" in screen and "READ-ONLY" in screen
    assert "6 visible" in screen or "visible" in screen

    _tmux("send-keys", "-t", name, "2")
    # the Connection pane may name a recorded check ("✓ all allowed"): wait for the pane first
    _wait_for(capture, "[2 Rights]", 20)
    screen = _wait_for(capture, "✓ allowed", 20)
    assert "[2 Rights]" in screen
    _wait_for(capture, "done", 20)

    _tmux("send-keys", "-t", name, "3")
    # the Rights pane names the companies too (as rows): wait for the Companies pane itself
    screen = _wait_for(capture, "[3 Companies]", 10)
    screen = _wait_for(capture, "B.V.", 10)
    assert "[3 Companies]" in screen

    _tmux("send-keys", "-t", name, "6")
    _wait_for(capture, "no payloads or tokens are logged", 10)
    screen = _wait_for(capture, "✓ ok", 10)  # the right-hand columns may be drawn a moment later
    assert "[6 Call log]" in screen and "CompanyService." in screen
    assert "demo-token" not in screen

    _tmux("send-keys", "-t", name, "?")
    # help is per context: the focused call-log table's keys come first, with their ids
    screen = _wait_for(capture, "Keys here", 5)
    assert "table.cursor_down" in screen and "Call log" in screen
    _tmux("send-keys", "-t", name, "Escape")
    # q typed while help is still up would go to help: wait until it has gone
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "Keys here" in capture():
        time.sleep(0.1)
    assert "Keys here" not in capture(), "esc did not close help"

    _tmux("send-keys", "-t", name, "q")
    # a cap, not a timing: the app stops its demo process on the way out
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and name in _tmux("list-sessions", "-F", "#S"):
        time.sleep(0.1)
    assert name not in _tmux("list-sessions", "-F", "#S"), "q did not quit the app"
