"""Run-time proof of the import contracts: each entry point, in a fresh interpreter.

The import-linter contracts in ``pyproject.toml`` read the static graph and cannot tell an
import at module level from one deferred into a function. Only a subprocess that runs the
entry point and then looks at ``sys.modules`` proves that a deferral defers.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

FORBIDDEN = ("textual", "rich")
"""Nothing headless renders. ``rich`` is listed on its own: it can arrive through a dependency
(a pretty traceback, a progress bar) without any import of ours naming it."""

WALK = (
    "import importlib, pkgutil, {package}\n"
    "for found in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
    "    importlib.import_module(found.name)\n"
)
MAIN = (
    "from tui.cli import main\n"
    "try:\n"
    "    code = main({argv!r})\n"
    "except SystemExit as stop:\n"
    "    code = stop.code\n"
    "print('exit', code, file=sys.stderr)\n"
)

ENTRY_POINTS: dict[str, str] = {
    "every module of nmbrs_client": WALK.format(package="nmbrs_client"),
    "every module of nmbrs_demo": WALK.format(package="nmbrs_demo"),
    "every module of tui.headless": WALK.format(package="tui.headless"),
    "nmbrs-tui --help": MAIN.format(argv=["--help"]),
    **{
        f"nmbrs-tui {command} --help": MAIN.format(argv=[command, "--help"])
        for command in ("check", "config", "demo-server", "history", "requirements", "runs")
    },
    "nmbrs-tui history prune": MAIN.format(argv=["history", "prune"]),
    "nmbrs-tui requirements list": MAIN.format(argv=["requirements", "list"]),
    "nmbrs-tui check --demo (a whole check)": MAIN.format(
        argv=["check", "--demo", "--company", "20001", "--format", "json", "--quiet"]
    ),
}


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    probe = (
        f"import sys\n{code}\n"
        f"print('loaded:' + ','.join(m for m in {FORBIDDEN!r} if m in sys.modules))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )


def loaded(proc: subprocess.CompletedProcess[str]) -> list[str]:
    """The forbidden modules the probe found, from its last line of output."""
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("loaded:"), proc.stdout
    return [m for m in last.removeprefix("loaded:").split(",") if m]


@pytest.mark.parametrize("code", ENTRY_POINTS.values(), ids=ENTRY_POINTS.keys())
def test_headless_entry_point_loads_no_ui_library(code: str) -> None:
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr
    if "from tui.cli import main" in code:
        assert "exit 0" in proc.stderr, proc.stderr  # the command really ran, and succeeded
    assert loaded(proc) == [], f"imported {loaded(proc)}"


def test_the_probe_sees_a_ui_import() -> None:
    """The check above can fail: importing the dashboard does load Textual (and Rich)."""
    proc = run_python("import tui.app")
    assert proc.returncode == 0, proc.stderr
    assert loaded(proc) == list(FORBIDDEN)
