"""`check --output FILE` and `--bundle FILE` write exactly FILE, 0600, never over an old one.

An engineer attaches the file they named to a ticket: a renamed neighbour (``ticket-2.zip``)
or an overwritten report would send the previous customer's data, or the wrong verdict.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from nmbrs_client.private_file import TargetExists, write_private_file_exactly
from tui.cli import main

DEMO = ["check", "--demo", "--company", "20001"]


def test_writer_creates_0600_in_a_new_0700_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "report.txt"
    written = write_private_file_exactly(target, b"one")
    assert written == target and target.read_bytes() == b"one"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["report.txt"]  # no temporary left


def test_writer_refuses_an_existing_file_or_symlink_unless_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    with pytest.raises(TargetExists):
        write_private_file_exactly(target, b"new")
    assert target.read_bytes() == b"old"
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "elsewhere.txt")
    with pytest.raises(TargetExists):
        write_private_file_exactly(link, b"new")
    assert not (tmp_path / "elsewhere.txt").exists()
    write_private_file_exactly(target, b"new", overwrite=True)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # the old 0644 does not survive
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "report.txt"]


def test_output_is_exact_0600_and_printed_even_when_quiet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.txt"
    assert main([*DEMO, "-q", "--output", str(target)]) == 0
    err = capsys.readouterr().err
    assert f"report written to {target}" in err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Matrix" in target.read_text(encoding="utf-8")


def test_existing_output_is_refused_with_64_before_any_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.txt"
    target.write_text("the previous customer's report", encoding="utf-8")
    assert main([*DEMO, "-q", "--output", str(target)]) == 64
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--force" in err
    assert target.read_text(encoding="utf-8") == "the previous customer's report"
    assert main([*DEMO, "-q", "--output", str(target), "--force"]) == 0
    assert "Matrix" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_bundle_is_written_exactly_or_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "ticket.zip"
    assert main([*DEMO, "-q", "--bundle", str(target)]) == 0
    assert f"support bundle written to {target}" in capsys.readouterr().err
    assert zipfile.is_zipfile(target) and stat.S_IMODE(target.stat().st_mode) == 0o600
    first = target.read_bytes()
    assert main([*DEMO, "-q", "--bundle", str(target)]) == 64
    assert target.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ticket.zip"]  # no ticket-2.zip
    assert main([*DEMO, "-q", "--bundle", str(target), "--force"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ticket.zip"]


def test_output_and_bundle_cannot_be_the_same_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    same = str(tmp_path / "x.zip")
    assert main([*DEMO, "-q", "--output", same, "--bundle", same]) == 64
    assert not Path(same).exists()
