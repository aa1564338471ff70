"""Bad local input ends in one line and exit 64: never a traceback, a MemoryError or a hang.

Each case is a file or value a user (or a broken script) can hand the tool: TOML nested
3,000 levels deep, ``~nosuchuser``, devices, a FIFO, a negative latency, a newline in a
profile name. Each must be refused on one line of stderr with exit 64.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from nmbrs_client.errors import ConfigError
from nmbrs_client.local_files import (
    MAX_LOCAL_FILE_BYTES,
    parse_toml,
    read_local_bytes,
    toml_depth_problem,
)
from tests.config_isolation import isolate
from tui.cli import main
from tui.keymap import read_keymap

DEEP = 3000
DEEP_TABLES = "a = " + "{b = " * DEEP + "1" + "}" * DEEP + "\n"
DEEP_ARRAYS = "a = " + "[" * DEEP + "1" + "]" * DEEP + "\n"
PROFILE = (
    '[profiles.acme]\nenvironment = "custom"\nbase_url = "http://127.0.0.1:9/soap/v3/"\n'
    'username = "api@acme.nl"\n'
)


def run_bounded(argv: list[str], timeout_s: float = 60.0) -> int:
    """``main(argv)`` in a thread; a hang fails the test instead of holding the suite."""
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(main(argv)), daemon=True)
    worker.start()
    worker.join(timeout_s)
    assert result, f"nmbrs-tui {' '.join(argv)} did not finish (it blocks)"
    return result[0]


def assert_one_line_64(
    capsys: pytest.CaptureFixture[str], run: Callable[[], int], *words: str
) -> str:
    code = run()
    out, err = capsys.readouterr()
    assert code == 64, err
    assert "Traceback" not in err and out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    for word in words:
        assert word in lines[0]
    return lines[0]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


@pytest.mark.parametrize("text", [DEEP_TABLES, DEEP_ARRAYS], ids=["inline-tables", "arrays"])
def test_deep_toml_config(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path / "config.toml", text)
    assert_one_line_64(capsys, lambda: main(["check", "--config", str(config)]), "nested")
    assert_one_line_64(capsys, lambda: main(["config", "show", "--config", str(config)]), "nested")


@pytest.mark.parametrize("text", [DEEP_TABLES, DEEP_ARRAYS], ids=["inline-tables", "arrays"])
def test_deep_toml_requirements_and_scenario(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = write(tmp_path / "deep.toml", text)
    assert_one_line_64(
        capsys, lambda: main(["check", "--demo", "--requirements", str(deep)]), "nested"
    )
    assert_one_line_64(capsys, lambda: main(["check", "--demo", "--scenario", str(deep)]), "nested")


def test_token_file_of_an_unknown_user(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path / "config.toml", PROFILE + 'token_file = "~nosuchuser/tok"\n')
    assert_one_line_64(capsys, lambda: main(["check", "--config", str(config)]), "~nosuchuser")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_config_on_a_device(device: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_line_64(
        capsys, lambda: run_bounded(["check", "--config", device]), "not a regular file"
    )
    assert_one_line_64(
        capsys, lambda: run_bounded(["--config", device]), "not a regular file"
    )  # the dashboard refuses it before its first frame


def test_config_from_the_environment_on_a_device(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NMBRS_TUI_CONFIG", "/dev/zero")
    assert_one_line_64(capsys, lambda: run_bounded(["check"]), "not a regular file")
    assert_one_line_64(capsys, lambda: run_bounded(["config", "show"]), "not a regular file")


def test_requirements_and_scenario_on_a_device(capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_line_64(
        capsys,
        lambda: run_bounded(["check", "--demo", "--requirements", "/dev/zero"]),
        "not a regular file",
    )
    assert_one_line_64(
        capsys,
        lambda: run_bounded(["check", "--demo", "--scenario", "/dev/zero"]),
        "not a regular file",
    )


def test_token_file_on_a_device(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path / "config.toml", PROFILE + 'token_file = "/dev/zero"\n')
    assert_one_line_64(capsys, lambda: run_bounded(["check", "--config", str(config)]), "token")


def test_negative_latency(capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_line_64(
        capsys, lambda: main(["check", "--demo", "--latency-ms", "-5"]), "--latency-ms"
    )
    assert_one_line_64(capsys, lambda: main(["--demo", "--latency-ms", "-5"]), "--latency-ms")


def test_a_fifo_as_config_never_blocks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    assert_one_line_64(
        capsys, lambda: run_bounded(["check", "--config", str(fifo)]), "not a regular file"
    )
    assert_one_line_64(capsys, lambda: run_bounded(["--config", str(fifo)]), "not a regular file")


def test_a_newline_in_the_profile_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path / "config.toml", PROFILE + 'token = "t"\n')
    monkeypatch.setenv("NMBRS_PROFILE", "acme\nfake line\r\x1b[31mred")
    line = assert_one_line_64(capsys, lambda: main(["check", "--config", str(config)]), "profile")
    assert "\x1b" not in line and "\r" not in line


def test_an_oversized_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (MAX_LOCAL_FILE_BYTES + 1))
    with pytest.raises(ConfigError, match="larger than 1 MiB"):
        read_local_bytes(big, "config file")
    small = tmp_path / "ok.toml"
    small.write_bytes(b"a = 1\n")
    assert read_local_bytes(small, "config file") == b"a = 1\n"


def test_depth_scan_ignores_brackets_in_strings_and_comments() -> None:
    text = 'a = "[[[[{{{{"\nb = \'[[[[\'\n# [[[[[[[[\nc = """\n[[[[[[\n"""\n[t]\nd = [[1], [2]]\n'
    assert toml_depth_problem(text, max_depth=3) is None
    assert parse_toml(text, "x")["t"]["d"] == [[1], [2]]
    assert toml_depth_problem("a = [[[[1]]]]", max_depth=3) is not None


def test_a_keymap_on_a_device_or_nested_deep_falls_back_to_default_keys(tmp_path: Path) -> None:
    for target in (Path("/dev/zero"), write(tmp_path / "keymap.toml", DEEP_TABLES)):
        keymap = read_keymap(target)
        assert keymap.problems and "default keys" in keymap.problems[0]


def test_a_fix_already_in_the_message_is_not_repeated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = write(tmp_path / "config.toml", "")
    line = assert_one_line_64(capsys, lambda: main(["check", "--config", str(empty)]))
    assert line.count("nmbrs-tui config add") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--demo", "--reading", "x"],
        ["runs", "--demo", "--company", "x"],
        ["check", "--latency-ms", "abc"],
        ["check", "--format", "yaml"],
        ["no-such-command-option", "--bogus"],
    ],
)
def test_usage_errors_are_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_one_line_64(capsys, lambda: main(argv), "--help")
    assert "error" in line


@pytest.mark.parametrize(
    "company",
    ["x\x1b[31m\u202eevil\nforged line", "9" * 100_000],
    ids=["controls-and-newline", "huge"],
)
def test_a_company_argument_that_is_not_one_short_line_is_refused(
    capsys: pytest.CaptureFixture[str], company: str
) -> None:
    line = assert_one_line_64(
        capsys, lambda: main(["check", "--demo", "--company", company]), "--company"
    )
    assert "\x1b" not in line and "\u202e" not in line and len(line) < 400
