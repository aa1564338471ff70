"""End to end over REST in tmux: `auth login --paste` typed into a real terminal against the
REST demo's identity service, then the dashboard on that stored login, and `--demo --api rest`."""

from __future__ import annotations

import os
import re
import shlex
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from nmbrs_demo.credentials import (
    DEMO_REST_CLIENT_ID,
    DEMO_REST_CLIENT_SECRET,
    DEMO_REST_SUBSCRIPTION_KEY,
)
from tests.e2e.test_tmux import _tmux, _wait_for, new_session

pytestmark = pytest.mark.slow


@pytest.fixture
def session(tmp_path: Path) -> Iterator[tuple[str, Callable[[], str]]]:
    name = f"nmbrs-e2e-rest-{uuid.uuid4().hex[:8]}"
    new_session(name, tmp_path, "-x", "160", "-y", "45", "-c", os.getcwd())

    def capture() -> str:
        # Joined lines (-J): the authorize URL is longer than the terminal is wide.
        return _tmux("capture-pane", "-p", "-J", "-t", name)

    try:
        yield name, capture
    finally:
        _tmux("kill-session", "-t", name)


def _type(name: str, line: str) -> None:
    _tmux("send-keys", "-t", name, "-l", line)
    _tmux("send-keys", "-t", name, "Enter")


def test_pasted_url_login_then_the_dashboard_on_rest(
    session: tuple[str, Callable[[], str]], rest_demo_factory: Callable[..., Any], tmp_path: Path
) -> None:
    name, capture = session
    server = rest_demo_factory("healthy")
    config = tmp_path / "config" / "nmbrs-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'[profiles.shop]\napi = "rest"\nenvironment = "custom"\nbase_url = "{server.base_url}"\n'
    )
    config.chmod(0o600)
    env = {
        "XDG_CONFIG_HOME": tmp_path / "config",
        "XDG_STATE_HOME": tmp_path / "state",
        "XDG_DATA_HOME": tmp_path / "data",
        "TERM": "xterm-256color",
        "NMBRS_REST_BASE_URL": server.base_url,
        "NMBRS_REST_IDENTITY_URL": server.identity_url,
        "NMBRS_REST_CLIENT_ID": DEMO_REST_CLIENT_ID,
        "NMBRS_REST_CLIENT_SECRET": DEMO_REST_CLIENT_SECRET,
        "NMBRS_SUBSCRIPTION_KEY": DEMO_REST_SUBSCRIPTION_KEY,
    }
    exports = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in env.items())
    _type(name, f"export {exports}; clear")
    _type(name, f"{shlex.quote(sys.executable)} -m tui.cli auth login -P shop --paste")
    screen = _wait_for(capture, "press Enter", 30)
    found = re.search(r"(http://\S+/connect/authorize\?\S+)", screen)
    assert found, screen
    # The user's browser: consent, then the address bar holds the landing URL.
    reply = httpx.get(found.group(1) + "&demo_consent=approve", follow_redirects=False)
    _type(name, reply.headers["location"])
    screen = _wait_for(capture, "Logged in", 30)
    assert "granted scopes" in screen and "document.read" in screen
    assert DEMO_REST_CLIENT_SECRET not in screen and DEMO_REST_SUBSCRIPTION_KEY not in screen

    _type(name, "clear")
    _type(name, f"{shlex.quote(sys.executable)} -m tui.cli -P shop")
    screen = _wait_for(capture, "✓ connected", 30)
    assert "REST API" in screen and "REST has no domain" in screen and "Token expires" in screen
    _tmux("send-keys", "-t", name, "3")
    screen = _wait_for(capture, "B.V.", 20)
    _tmux("send-keys", "-t", name, "Enter")
    _wait_for(capture, "Employees of", 30)
    _tmux("send-keys", "-t", name, "6")
    screen = _wait_for(capture, "no payloads or tokens are logged", 20)
    assert "REST company.employees" in screen
    assert DEMO_REST_SUBSCRIPTION_KEY not in screen
    _tmux("send-keys", "-t", name, "q")


def test_demo_dashboard_on_rest(session: tuple[str, Callable[[], str]], tmp_path: Path) -> None:
    name, capture = session
    _type(
        name,
        f"env XDG_CONFIG_HOME={tmp_path} XDG_STATE_HOME={tmp_path} TERM=xterm-256color "
        f"{shlex.quote(sys.executable)} -m tui.cli --demo --api rest",
    )
    screen = _wait_for(capture, "✓ connected", 40)
    assert "REST API" in screen and "DEMO" in screen
    _tmux("send-keys", "-t", name, "3")
    _wait_for(capture, "B.V.", 30)
    _tmux("send-keys", "-t", name, "q")
