"""Shared by the config tests: no real user config, no NMBRS_* variables, no system keyring."""

from __future__ import annotations

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
