"""Shared by the config tests: no real user config, no NMBRS_* variables, no system keyring."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ENV_VARS = (
    "NMBRS_PROFILE",
    "NMBRS_USERNAME",
    "NMBRS_TOKEN",
    "NMBRS_DOMAIN",
    "NMBRS_BASE_URL",
    "NMBRS_TUI_CONFIG",
)


def isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setitem(sys.modules, "keyring", None)


def isolate_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """:func:`isolate`, and the state directory (check history, tokens) under ``tmp_path``."""
    isolate(tmp_path, monkeypatch)
    state = tmp_path / "xdg-state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state


def write_demo_profiles(path: Path, profiles: dict[str, tuple[str, str]]) -> Path:
    """A private config.toml of SOAP profiles on demo servers: name → (base URL, token line).

    The token line is ``token = "..."`` or ``token_file = "..."``; a token in the file is
    accepted only when the file is 0600, so it is written that way.
    """
    from nmbrs_demo.credentials import DEMO_DOMAIN, DEMO_USERNAME

    lines: list[str] = []
    for name, (base_url, token_line) in profiles.items():
        lines += [
            f"[profiles.{name}]",
            'environment = "custom"',
            f'base_url = "{base_url}"',
            f'username = "{DEMO_USERNAME}"',
            f'domain = "{DEMO_DOMAIN}"',
            token_line,
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    os.chmod(path, 0o600)
    return path
