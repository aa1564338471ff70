"""Exit codes live in one place: no command defines its own table or returns a bare number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nmbrs_client.exit_codes import ExitCode

ROOT = Path(__file__).resolve().parent.parent
# a constant named like an exit code, or a command returning/exiting with a bare status number
_DEFINITION = re.compile(r"^\s*EXIT_[A-Z_]+\s*=\s*\d", re.MULTILINE)
_BARE_RETURN = re.compile(r"^\s*return (?:1|2|3|64|70|129|130|141)\s*$", re.MULTILINE)
_BARE_EXIT = re.compile(r"(?:SystemExit|sys\.exit|os\._exit)\((?:1|2|3|64|70|129|130|141)\b")


def _sources() -> list[Path]:
    return sorted(p for pkg in ("nmbrs_client", "tui") for p in (ROOT / pkg).rglob("*.py"))


def test_no_module_defines_its_own_exit_code_table() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in _sources()
        if _DEFINITION.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("package", ["tui/headless", "tui/cli.py", "tui/dashboard_cmd.py"])
def test_commands_return_named_exit_codes(package: str) -> None:
    target = ROOT / package
    paths = [target] if target.is_file() else sorted(target.rglob("*.py"))
    offenders = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if _BARE_RETURN.search(text) or _BARE_EXIT.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_readme_documents_every_check_exit_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("Exit codes:") :][:2000]
    for code in (ExitCode.OK, ExitCode.FINDINGS, ExitCode.CONNECT, ExitCode.NOT_VERIFIED):
        assert f"`{int(code)}`" in section, code
    assert f"`{int(ExitCode.USAGE)}`" in section
