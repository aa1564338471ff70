"""What is loaded when the dashboard draws its first frame: Textual and the shell, nothing heavy.

The real command (``nmbrs-tui --demo``, argument parsing included) runs headless in a fresh
interpreter; at the first frame it lists the modules loaded so far. The config (pydantic and
pydantic-settings), zeep, lxml, requests and the demo server belong to the connect worker,
which starts after that frame; the installed version (importlib.metadata) to ``--version``;
the backend's models, the data store and Textual's DataTable to the panes mounted once a
session exists.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

HEAVY_PACKAGES = (
    "pydantic",
    "pydantic_settings",
    "zeep",
    "lxml",
    "requests",
    "httpx",
    "authlib",
    "nmbrs_demo",
    "email",  # importlib.metadata's, for the version: only ``--version`` looks it up
    "tomllib",  # config and keymap files are read by the connect worker
)
HEAVY_MODULES = (
    "nmbrs_client.config",
    "nmbrs_client.client",
    "nmbrs_client.rights",
    "nmbrs_client.backend",  # the data models come with the session
    "tui.data",  # the session's store and the palette's jump targets
    "textual.widgets._data_table",  # no table is drawn before a session exists
    "importlib.metadata",
)

PROBE = r"""
import json, os, sys
os.environ["NMBRS_TUI_EXIT_AFTER_FIRST_FRAME"] = "1"
from tui import app as app_module

run = app_module.NmbrsApp.run
def headless_run(self, *args, **kwargs):
    kwargs.pop("mouse", None)
    return run(self, *args, headless=True, **kwargs)
app_module.NmbrsApp.run = headless_run

report = app_module.NmbrsApp._report_first_frame
def at_first_frame(self):
    print("LOADED " + json.dumps(sorted(sys.modules)), flush=True)
    children = []  # Linux: the processes this one started (the demo server runs in its own)
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children", encoding="ascii") as found:
            children += found.read().split()
    print("CHILDREN " + json.dumps(children), flush=True)
    report(self)
app_module.NmbrsApp._report_first_frame = at_first_frame

# The dashboard refuses to start without a terminal; this probe runs headless in a pipe, so
# the launcher is shown a terminal (only its isatty check; the app itself runs headless).
import types
from tui import dashboard_cmd

class _Terminal:
    def __init__(self, stream):
        self._stream = stream
    def isatty(self):
        return True
    def __getattr__(self, name):
        return getattr(self._stream, name)

class _Sys(types.ModuleType):
    def __getattr__(self, name):
        return getattr(sys, name)

fake_sys = _Sys("sys")
fake_sys.stdin = _Terminal(sys.stdin)
fake_sys.stdout = _Terminal(sys.stdout)
dashboard_cmd.sys = fake_sys

from tui.cli import main
main(["--demo"])
os._exit(0)
"""


def at_first_frame() -> subprocess.CompletedProcess[str]:
    """The probe's run: its output has the LOADED and CHILDREN lines of the first frame."""
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def loaded_at_first_frame() -> list[str]:
    done = at_first_frame()
    lines = [line for line in done.stdout.splitlines() if line.startswith("LOADED ")]
    assert lines, f"no first frame ({done.returncode}): {done.stderr[-500:]}"
    modules: list[str] = json.loads(lines[-1].removeprefix("LOADED "))
    return modules


def test_nothing_heavy_is_loaded_at_the_first_frame() -> None:
    modules = loaded_at_first_frame()
    assert "textual" in modules and "tui.app" in modules  # the probe saw a real start
    heavy = sorted(
        name
        for name in modules
        if name.split(".")[0] in HEAVY_PACKAGES
        or any(name == m or name.startswith(m + ".") for m in HEAVY_MODULES)
    )
    assert heavy == []


def test_no_process_is_started_before_the_first_frame() -> None:
    """``--demo`` runs its server in a child process: started by the connect worker, after
    the frame, so the first frame never waits for a second interpreter's start."""
    done = at_first_frame()
    lines = [line for line in done.stdout.splitlines() if line.startswith("CHILDREN ")]
    assert lines, f"no first frame ({done.returncode}): {done.stderr[-500:]}"
    assert json.loads(lines[-1].removeprefix("CHILDREN ")) == []
