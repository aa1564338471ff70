"""`nmbrs-tui auth login --paste`, `auth status`, `runs --api rest`, `auth logout` as separate
processes against the REST demo's identity service: the pasted-URL route, end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from nmbrs_client.config import load_config
from nmbrs_demo.credentials import (
    DEMO_REST_CLIENT_ID,
    DEMO_REST_CLIENT_SECRET,
    DEMO_REST_REDIRECT_URIS,
    DEMO_REST_SUBSCRIPTION_KEY,
)


def _env(server: Any, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "NMBRS_REST_CLIENT_ID": DEMO_REST_CLIENT_ID,
            "NMBRS_REST_CLIENT_SECRET": DEMO_REST_CLIENT_SECRET,
            "NMBRS_SUBSCRIPTION_KEY": DEMO_REST_SUBSCRIPTION_KEY,
            "NMBRS_REST_REDIRECT_URI": DEMO_REST_REDIRECT_URIS[0],
            "NMBRS_REST_BASE_URL": server.base_url,
            "NMBRS_REST_IDENTITY_URL": server.identity_url,
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        }
    )
    return env


def _cli(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_login_by_pasting_the_landing_url_then_use_and_revoke(
    rest_demo_factory: Callable[..., Any], tmp_path: Path
) -> None:
    server = rest_demo_factory("healthy", check_requests=True)
    env = _env(server, tmp_path)
    login = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "auth", "login", "-P", "e2e", "--paste"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert login.stdout is not None and login.stdin is not None
    url = ""
    for line in login.stdout:
        if line.strip().startswith("http"):
            url = line.strip()
            break
    assert url.startswith(server.identity_url + "/connect/authorize?")
    # The browser: consent (scripted in the demo), then the landing URL in the address bar.
    reply = httpx.get(url + "&demo_consent=approve", follow_redirects=False)
    landing = reply.headers["location"]
    assert landing.startswith(DEMO_REST_REDIRECT_URIS[0])
    out, err = login.communicate(landing + "\n", timeout=60)
    assert login.returncode == 0, err
    assert "Logged in" in out and "document.read" in out
    for secret in (DEMO_REST_CLIENT_SECRET, DEMO_REST_SUBSCRIPTION_KEY):
        assert secret not in out + err

    token_file = tmp_path / "state" / "nmbrs-tui" / "rest-tokens" / "e2e.json"
    assert token_file.stat().st_mode & 0o777 == 0o600

    status = _cli("auth", "status", "-P", "e2e", env=env)
    assert status.returncode == 0 and "granted scopes" in status.stdout
    assert (
        DEMO_REST_CLIENT_SECRET not in status.stdout
        and DEMO_REST_SUBSCRIPTION_KEY not in status.stdout
    )

    # The login created the profile from the exported variables (no terminal: no question).
    config = tmp_path / "config" / "nmbrs-tui" / "config.toml"
    assert config.stat().st_mode & 0o777 == 0o600
    assert load_config(config).profiles["e2e"].rest.base_url == server.base_url + "/"
    shown = _cli("config", "show", "-P", "e2e", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "/soap/v3/" not in shown.stdout and "username" not in shown.stdout
    assert f"rest.base_url               {server.base_url}/" in shown.stdout
    assert "(env NMBRS_REST_CLIENT_SECRET)" in shown.stdout and "«login stored»" in shown.stdout
    for secret in (DEMO_REST_CLIENT_SECRET, DEMO_REST_SUBSCRIPTION_KEY):
        assert secret not in shown.stdout + shown.stderr
    check = _cli("check", "-P", "e2e", "--api", "rest", "--fetch-documents", "-q", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    company = next(
        c for c in server.world.companies() if int(c.DebtorId or 0) in server.demo.consent_debtors
    )
    from nmbrs_demo.rest.ids import Kind

    company_uuid = server.demo.ids.rest(Kind.COMPANY, company.ID)
    runs = _cli("runs", "-P", "e2e", "--company", company_uuid, "--year", "2026", env=env)
    assert runs.returncode == 0, runs.stderr
    assert "run" in runs.stdout

    logout = _cli("auth", "logout", "-P", "e2e", env=env)
    assert logout.returncode == 0, logout.stderr + logout.stdout
    assert not token_file.exists()
    again = _cli("runs", "-P", "e2e", "--company", company_uuid, env=env)
    assert again.returncode == 64 and "auth login -P e2e" in again.stderr


def test_a_landing_url_from_another_login_is_refused(
    rest_demo_factory: Callable[..., Any], tmp_path: Path
) -> None:
    server = rest_demo_factory("healthy")
    env = _env(server, tmp_path)
    forged = f"{DEMO_REST_REDIRECT_URIS[0]}?code=abc&state=not-this-login"
    result = _cli("auth", "login", "-P", "e2e", "--paste", env=env, stdin=forged + "\n")
    assert result.returncode == 2
    assert "state" in result.stderr
    assert not (tmp_path / "state" / "nmbrs-tui" / "rest-tokens" / "e2e.json").exists()
