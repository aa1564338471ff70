"""The small promises of the command line: version, help defaults, pipes, config lines, make."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nmbrs_client.exit_codes import ExitCode
from tui.cli import main
from tui.version import version

ROOT = Path(__file__).resolve().parent.parent


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version as installed

    assert main(["--version"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == f"nmbrs-tui {installed('nmbrs-tui')}" == f"nmbrs-tui {version()}"


def test_check_help_states_the_real_concurrency_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from nmbrs_client.config_schema import ProfileConfig
    from tui.headless.check_cmd import DEFAULT_CONCURRENCY

    assert ProfileConfig.model_fields["concurrency"].default == DEFAULT_CONCURRENCY
    assert main(["check", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"else {DEFAULT_CONCURRENCY})" in help_text and ", 8)" not in help_text


def test_closed_pipe_ends_quietly_and_not_with_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`nmbrs-tui runs … | head -1`: the reader is gone; no traceback, exit 141."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    closed = io.TextIOWrapper(io.FileIO(write_end, "w"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", closed)
    try:
        code = main(["runs", "--demo", "--company", "20001", "--year", "2026"])
    finally:
        monkeypatch.undo()
    assert code == ExitCode.BROKEN_PIPE
    assert "Traceback" not in capsys.readouterr().err


def test_broken_config_shows_the_line(tmp_path: Path) -> None:
    from nmbrs_client.config import read_config_dict
    from nmbrs_client.errors import ConfigError

    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.acme]\nusername = api@acme.nl\ntoken = "secret-token"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        read_config_dict(path)
    assert "line 2: username = api@acme.nl" in str(caught.value)
    path.write_text('[profiles.acme]\ntoken = secret-token"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_config_dict(path)
    assert "line 2: token = …" in str(caught.value)
    assert "secret-token" not in str(caught.value)  # a token is never echoed


def test_dashboard_scenario_typo_exits_64(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "--scenario", "helthy"]) == 64
    err = capsys.readouterr().err
    assert "helthy" in err and "Traceback" not in err


def test_dashboard_without_a_terminal_exits(capsys: pytest.CaptureFixture[str]) -> None:
    assert not sys.stdin.isatty() or not sys.stdout.isatty()  # pytest captures both
    assert main(["--demo"]) == 64
    assert "needs a terminal" in capsys.readouterr().err


def test_dashboard_without_a_terminal_exits_as_a_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--demo"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 64 and "needs a terminal" in done.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_picks_the_first_python_311_or_newer(tmp_path: Path) -> None:
    make = shutil.which("make")
    assert make is not None
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    old = bin_dir / "python3.13"  # a "python3.13" that is too old must be skipped
    old.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    old.chmod(0o755)
    (bin_dir / "python3").symlink_to(sys.executable)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}  # make's shell needs only builtins
    done = subprocess.run(
        [make, "-s", "-C", str(ROOT), "which-python"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "python3"
    (bin_dir / "python3").unlink()
    done = subprocess.run(
        [make, "-s", "-C", str(ROOT), "which-python"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and ">= 3.11" in done.stderr


@pytest.mark.parametrize("command", ["check", "runs", "tui", "demo-server"])
def test_help_of_every_command_with_scenario_lists_the_scenario_names(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from nmbrs_demo.scenarios import names_for

    assert main([command, "--help"]) == 0
    lines = capsys.readouterr().out.splitlines()
    words = {w.strip(",;.()") for line in lines for w in line.split()}
    assert set(names_for("soap")) | set(names_for("rest")) <= words


def test_runs_help_says_where_to_copy_a_company_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runs", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "the Copy id key y copies a company's whole id" in text
