"""The one private writer: new files never replace older ones, folders it makes are 0700."""

from __future__ import annotations

import stat
from pathlib import Path

from nmbrs_client.private_file import ensure_private_dir, write_new_private_file


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_takes_the_next_free_name_and_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "made" / "here"
    first = write_new_private_file(folder, "payslip", ".pdf", b"one")
    second = write_new_private_file(folder, "payslip", ".pdf", b"two")
    assert (first.name, second.name) == ("payslip.pdf", "payslip-2.pdf")
    assert first.read_bytes() == b"one" and second.read_bytes() == b"two"
    assert _mode(first) == _mode(second) == 0o600
    assert _mode(folder) == 0o700
    assert sorted(p.name for p in folder.iterdir()) == ["payslip-2.pdf", "payslip.pdf"]


def test_the_apps_own_folder_is_tightened_a_users_folder_is_not(tmp_path: Path) -> None:
    own, users = tmp_path / "state", tmp_path / "Downloads"
    own.mkdir(mode=0o755)
    users.mkdir(mode=0o755)
    own.chmod(0o755)
    users.chmod(0o755)
    ensure_private_dir(own, tighten=True)
    ensure_private_dir(users)
    assert (_mode(own), _mode(users)) == (0o700, 0o755)
