"""A test run never writes to the user's real nmbrs-tui folders, and a write that tries fails.

The session (tests/conftest.py) moves every folder of ``nmbrs_client.locations`` under a
temporary root and installs the home guard in its own process and in every Python it starts.
These tests check both halves: the folders really moved, and the guard really refuses.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

from nmbrs_client import locations
from tests.home_guard import sitecustomize as home_guard

REPO = Path(__file__).resolve().parent.parent


def test_every_folder_of_the_app_is_under_the_test_root(_isolated_environment: Path) -> None:
    for folder in locations.own_folders():
        assert _isolated_environment in folder.parents, folder
    for name in locations.FOLDER_VARIABLES:
        assert _isolated_environment in Path(os.environ[name]).parents, name


def test_the_real_folders_of_the_account_are_guarded() -> None:
    """Where a process that lost HOME and the XDG variables would write: the account's home."""
    guarded = os.environ[home_guard.FOLDERS_VARIABLE].split(os.pathsep)
    home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    assert str(home / ".local" / "state" / locations.APP_NAME) in guarded
    assert str(home / ".config" / locations.APP_NAME) in guarded
    assert str(home / "Downloads" / locations.APP_NAME) in guarded


def _guarded_child(tmp_path: Path, code: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run ``code`` in a child Python that guards ``tmp_path/real`` and reports to its own file."""
    report = tmp_path / "report.log"
    env = {
        **os.environ,
        home_guard.FOLDERS_VARIABLE: str(tmp_path / "real"),
        home_guard.REPORT_VARIABLE: str(report),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True
    )
    return done, report.read_text(encoding="utf-8") if report.exists() else ""


def test_a_child_process_is_refused_a_write_into_a_guarded_folder(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    code = (
        "import sqlite3, sys\n"
        "from pathlib import Path\n"
        f"real = Path({str(tmp_path / 'real')!r})\n"
        "refused = 0\n"
        "for attempt in (lambda: (real / 'config.toml').write_text('x'),\n"
        "                lambda: (real / 'history').mkdir(),\n"
        "                lambda: sqlite3.connect(real / 'history.sqlite3')):\n"
        "    try:\n"
        "        attempt()\n"
        "    except PermissionError:\n"
        "        refused += 1\n"
        "(real.parent / 'beside.txt').write_text('allowed')\n"
        "sys.exit(refused)\n"
    )
    done, report = _guarded_child(tmp_path, code)
    assert done.returncode == 3, done.stderr
    assert list((tmp_path / "real").iterdir()) == []
    assert (tmp_path / "beside.txt").read_text() == "allowed"
    assert "config.toml" in report and "os.mkdir" in report and "sqlite3.connect" in report


def test_reading_a_guarded_folder_is_not_refused(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "config.toml").write_text("read me", encoding="utf-8")
    code = f"print(open({str(tmp_path / 'real' / 'config.toml')!r}).read())"
    done, report = _guarded_child(tmp_path, code)
    assert done.returncode == 0 and done.stdout.strip() == "read me", done.stderr
    assert report == ""


def test_every_tmux_session_of_the_tests_is_opened_by_the_one_helper() -> None:
    """A tmux shell has the tmux server's environment, not the test's: only
    ``tests.e2e.test_tmux.new_session`` gives it the test's folders and the guard."""
    needle = '"new-' + 'session"'  # spelled apart so this file does not name it
    opened = {
        str(path.relative_to(REPO)): path.read_text(encoding="utf-8").count(needle)
        for path in (REPO / "tests").rglob("*.py")
        if needle in path.read_text(encoding="utf-8")
    }
    assert opened == {"tests/e2e/test_tmux.py": 1}
