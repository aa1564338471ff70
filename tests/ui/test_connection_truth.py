"""The Connection pane, the header and the status bar name the hosts actually called, each with
its source; PRODUCTION only for Nmbrs' own production hosts, on both APIs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nmbrs_client.rest.auth.tokens import TokenSet, TokenStore
from nmbrs_client.rest_operations import DEFAULT_SCOPES
from nmbrs_demo.reach import DEMO_ACCESS, demo_settings
from tests.ui.app_helpers import screen_text, wait_connected
from tui.app import NmbrsApp
from tui.connect import ConnectionInfo, HostShown, LaunchOptions


def test_production_badge_only_for_nmbrs_own_hosts() -> None:
    own = HostShown("REST API", "https://api.nmbrsapp.com/", "default", "production")
    elsewhere = HostShown("REST API", "http://127.0.0.1:9/", "env NMBRS_REST_BASE_URL", "custom")
    assert ConnectionInfo(endpoints=(own,)).place == "production"
    assert ConnectionInfo(endpoints=(elsewhere,)).place == "custom"
    assert ConnectionInfo(environment="production", endpoints=(elsewhere,)).place == "custom"
    soap = demo_settings("http://127.0.0.1:9/soap/v3/")
    assert [e.kind for e in soap.endpoints()] == ["demo"]


async def test_rest_pointed_elsewhere_by_a_variable_is_shown_as_custom_with_its_source(
    rest_demo_factory: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = rest_demo_factory("healthy")
    # A profile that says nothing about hosts (Nmbrs' production) ...
    config = tmp_path / "config.toml"
    config.write_text('[profiles.shop]\napi = "rest"\n')
    config.chmod(0o600)
    # ... and the variables the REST demo prints, pointing REST at the local demo.
    demo = DEMO_ACCESS.rest_app(server.base_url)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for key, variable in (
        ("base_url", "NMBRS_REST_BASE_URL"),
        ("identity_url", "NMBRS_REST_IDENTITY_URL"),
        ("client_id", "NMBRS_REST_CLIENT_ID"),
        ("client_secret", "NMBRS_REST_CLIENT_SECRET"),
        ("subscription_key", "NMBRS_SUBSCRIPTION_KEY"),
    ):
        monkeypatch.setenv(variable, demo[key])
    monkeypatch.delenv("NMBRS_REST_TOKEN", raising=False)
    login = DEMO_ACCESS.rest_login(server.base_url, DEFAULT_SCOPES)
    TokenStore("shop").save(TokenSet.from_response(login))

    app = NmbrsApp(LaunchOptions(profile="shop", config_path=str(config)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app, timeout=30)
        info = app.connection_info
        assert info.stage == "connected", info.last_error
        text = screen_text(app)
        assert "PRODUCTION" not in text and "CUSTOM" in text
        header = text.splitlines()[0]
        assert "CUSTOM" in header and header.rstrip().endswith("127.0.0.1")  # the host called
        host = "127.0.0.1"
        rows = {line.split("  ")[0].strip(): line for line in text.splitlines() if "  " in line}
        assert (
            server.base_url in rows["REST API"] and "(env NMBRS_REST_BASE_URL)" in rows["REST API"]
        )
        assert server.identity_url in rows["Identity service"]
        assert "(env NMBRS_REST_IDENTITY_URL)" in rows["Identity service"]
        assert "api.nmbrs.nl" not in text and "/soap/v3/" not in text
        assert f"Connected to REST API {host}, identity service {host}" in app.status_text
