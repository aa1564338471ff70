"""The README's REST route, typed into a real terminal as a new user would, in README order:
`demo-server --api rest` in one window; in another, export what it printed, `config add --api
rest`, `auth login --paste`, `config show`, `check -P demo --api rest`, then the dashboard,
whose Connection pane must name the demo's host (custom, not production) and whose Companies
pane must list the demo's companies."""

from __future__ import annotations

import os
import re
import shlex
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_tmux import _tmux, _wait_for, new_session

pytestmark = pytest.mark.slow

EXPORTED = (
    "NMBRS_REST_BASE_URL",
    "NMBRS_REST_IDENTITY_URL",
    "NMBRS_REST_CLIENT_ID",
    "NMBRS_REST_CLIENT_SECRET",
    "NMBRS_SUBSCRIPTION_KEY",
)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[str, Callable[[str], str]]]:
    """A tmux session with a `server` window and a `shell` window, both with a fresh home."""
    name = f"nmbrs-readme-{uuid.uuid4().hex[:8]}"
    new_session(name, tmp_path, "-n", "server", "-x", "160", "-y", "45")
    _tmux("new-window", "-t", name, "-n", "shell")

    def capture(window: str) -> str:
        return _tmux("capture-pane", "-p", "-J", "-t", f"{name}:{window}")

    # `nmbrs-tui` as installed, whichever way this checkout runs it.
    command = f"{shlex.quote(sys.executable)} -m tui.cli"
    for window in ("server", "shell"):
        _type(
            f"{name}:{window}",
            f"cd {shlex.quote(os.getcwd())}; export XDG_CONFIG_HOME={tmp_path}/config "
            f"XDG_STATE_HOME={tmp_path}/state XDG_DATA_HOME={tmp_path}/data TERM=xterm-256color; "
            f'nmbrs-tui() {{ {command} "$@"; }}; clear',
        )
    try:
        yield name, capture
    finally:
        _tmux("kill-session", "-t", name)


def _start_demo(name: str, capture: Callable[[str], str]) -> dict[str, str]:
    """`nmbrs-tui demo-server --api rest` in the server window; the variables it printed."""
    _type(f"{name}:server", "nmbrs-tui demo-server --api rest")
    printed = _wait_for(lambda: capture("server"), "Press Ctrl-C", 40)
    values = dict(re.findall(r"^(NMBRS_[A-Z_]+)=(.*)$", printed, flags=re.MULTILINE))
    assert set(EXPORTED) <= set(values), printed
    # The README: export the printed variables (not NMBRS_REST_TOKEN: the login is used).
    _type(f"{name}:shell", "export " + " ".join(f"{k}={values[k]}" for k in EXPORTED) + "; clear")
    return values


def _paste_login(name: str, capture: Callable[[str], str]) -> None:
    """The user's browser: open the printed URL, consent, paste the address bar back."""
    screen = _wait_for(lambda: capture("shell"), "press Enter", 30)
    found = re.search(r"(http://\S+/connect/authorize\?\S+)", screen)
    assert found, screen
    reply = httpx.get(found.group(1) + "&demo_consent=approve", follow_redirects=False)
    _type(f"{name}:shell", reply.headers["location"])
    _wait_for(lambda: capture("shell"), "Logged in", 30)


def _wait_for_exit(capture: Callable[[], str], marker: str, timeout: float) -> str:
    """Wait for ``marker=<digits>`` (the typed command shows ``marker=$?``, not a number)."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture()
        if re.search(rf"{marker}=\d+", screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{marker} did not appear; the screen shows:\n{screen}")


def _type(target: str, line: str) -> None:
    _tmux("send-keys", "-t", target, "-l", line)
    _tmux("send-keys", "-t", target, "Enter")


def test_the_readme_rest_route_ends_in_a_working_check_and_dashboard(
    terminal: tuple[str, Callable[[str], str]],
) -> None:
    name, capture = terminal
    shell = f"{name}:shell"
    values = _start_demo(name, capture)
    host = values["NMBRS_REST_BASE_URL"].removeprefix("http://")

    _type(
        shell,
        'nmbrs-tui config add --api rest --name demo --base-url "$NMBRS_REST_BASE_URL" '
        '--identity-url "$NMBRS_REST_IDENTITY_URL" --client-id "$NMBRS_REST_CLIENT_ID" '
        "--client-secret-from env --subscription-key-from env",
    )
    _wait_for(lambda: capture("shell"), "Check it with", 30)
    _type(shell, "clear; nmbrs-tui auth login -P demo --paste")
    _paste_login(name, capture)

    _type(shell, "clear; nmbrs-tui config show -P demo; echo config-show-exit=$?")
    shown = _wait_for_exit(lambda: capture("shell"), "config-show-exit", 30)
    assert "config-show-exit=0" in shown, shown
    assert "/soap/v3/" not in shown and "username" not in shown
    assert f"http://{host}/" in shown and "«login stored»" in shown

    _type(shell, "clear; nmbrs-tui check -P demo --api rest -q > /dev/null; echo check-exit=$?")
    checked = _wait_for_exit(lambda: capture("shell"), "check-exit", 90)
    assert "check-exit=0" in checked, checked

    _type(shell, "clear; nmbrs-tui -P demo")
    screen = _wait_for(lambda: capture("shell"), "✓ connected", 40)
    rows = {line.split("  ")[0].strip(): line for line in screen.splitlines()}
    assert "PRODUCTION" not in screen and "CUSTOM" in screen
    assert host in rows["REST API"]
    # the exported variable and the profile name the same host; the variable is in effect
    assert "(env NMBRS_REST_BASE_URL)" in rows["REST API"]
    assert host in rows["Identity service"]
    assert values["NMBRS_REST_CLIENT_SECRET"].strip("'") not in screen
    _tmux("send-keys", "-t", shell, "3")
    _wait_for(lambda: capture("shell"), "B.V.", 30)
    _tmux("send-keys", "-t", shell, "q")


def test_auth_login_asks_then_creates_the_profile_on_a_terminal(
    terminal: tuple[str, Callable[[str], str]],
) -> None:
    name, capture = terminal
    shell = f"{name}:shell"
    _start_demo(name, capture)
    _type(shell, "nmbrs-tui auth login -P shop --paste")
    asked = _wait_for(lambda: capture("shell"), "[Y/n]", 30)
    assert "Profile 'shop' has no REST settings" in asked and "create it as a REST profile" in asked
    _type(shell, "y")
    _paste_login(name, capture)
    _type(shell, "clear; nmbrs-tui check -P shop --api rest -q > /dev/null; echo check-exit=$?")
    checked = _wait_for_exit(lambda: capture("shell"), "check-exit", 90)
    assert "check-exit=0" in checked, checked
