"""NMBRS_TOKEN and friends belong to one connection, never to every profile of a run.

With another customer's token exported, a profile whose own token is wrong must come out as
"cannot connect", in ``--all-profiles`` and after a profile switch in the app; where the
variable does replace a profile's own token (the profile named with --profile) the
Connection pane, ``config show`` and the report say so.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nmbrs_client.config import load_config, resolve_settings
from nmbrs_demo import RunningDemo
from nmbrs_demo.credentials import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USERNAME
from tests.config_isolation import isolate, write_demo_profiles
from tests.ui.app_helpers import screen_text, wait_connected, wait_for
from tui.app import NmbrsApp
from tui.cli import main
from tui.connect import LaunchOptions

WRONG = "not-this-customers-token"


@pytest.fixture()
def good_and_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, soap_demo: RunningDemo) -> Path:
    """Profiles ``good`` (right token in its file) and ``wrong`` (wrong token) on one demo."""
    isolate(tmp_path, monkeypatch)
    profiles: dict[str, tuple[str, str]] = {}
    for name, token in (("good", DEMO_TOKEN), ("wrong", WRONG)):
        token_file = tmp_path / f"{name}.token"
        token_file.write_text(token + "\n", encoding="utf-8")
        os.chmod(token_file, 0o600)
        profiles[name] = (soap_demo.base_url, f'token_file = "{token_file}"')
    path = write_demo_profiles(tmp_path / "config.toml", profiles)
    monkeypatch.setenv("NMBRS_TOKEN", DEMO_TOKEN)  # the good customer's token, exported
    return path


def test_all_profiles_never_lends_the_exported_token(
    good_and_wrong: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "--all-profiles", "--config", str(good_and_wrong), "--company", "20001"]
    code = main([*argv, "--format", "json", "-q"])
    out, err = capsys.readouterr()
    rows = {row["profile"]: row for row in json.loads(out)["profiles"]}
    assert rows["good"]["exit_code"] == 0
    assert rows["wrong"]["exit_code"] == 2, "a wrong token was hidden behind NMBRS_TOKEN"
    assert code == 2
    assert "NMBRS_TOKEN left out" in err  # said even with -q


def test_resolving_without_environment_credentials_ignores_every_connection_variable(
    good_and_wrong: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NMBRS_USERNAME", "someone-else@example.com")
    monkeypatch.setenv("NMBRS_DOMAIN", "elsewhere")
    config = load_config(good_and_wrong)
    own = resolve_settings(config, profile="wrong", environment_credentials=False)
    assert own.soap.token.get_secret_value() == WRONG
    assert own.soap.username == DEMO_USERNAME and own.soap.domain == DEMO_DOMAIN
    assert own.soap.token_source.startswith("token file")
    lent = resolve_settings(config, profile="wrong")  # the profile named for this connection
    assert lent.soap.token.get_secret_value() == DEMO_TOKEN
    assert lent.soap.username == "someone-else@example.com"


def test_config_show_and_report_say_the_variable_replaces_the_profiles_token(
    good_and_wrong: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "show", "--config", str(good_and_wrong), "--profile", "wrong"]) == 0
    shown = capsys.readouterr().out
    assert "env NMBRS_TOKEN, instead of the token file of profile wrong" in shown
    for fmt in ("text", "markdown", "json"):
        code = main(
            [
                *("check", "--config", str(good_and_wrong), "--profile", "wrong"),
                *("--company", "20001", "-q", "--format", fmt),
            ]
        )
        out = capsys.readouterr().out
        assert code == 0
        assert "is used instead of the token file of profile wrong" in out
        assert DEMO_TOKEN not in out and WRONG not in out


def test_no_note_when_the_profile_has_no_token_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate(tmp_path, monkeypatch)
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.p]\nenvironment = "custom"\nbase_url = "http://127.0.0.1:9"\n'
        'username = "u@example.com"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("NMBRS_TOKEN", "t")
    settings = resolve_settings(load_config(path), profile="p")
    assert settings.soap.token_source == "env NMBRS_TOKEN"


async def test_a_profile_switched_to_in_the_app_uses_its_own_token(good_and_wrong: Path) -> None:
    app = NmbrsApp(LaunchOptions(profile="good", config_path=str(good_and_wrong)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        assert app.connection_info.credentials_ok is True
        assert "NMBRS_TOKEN is used instead of the token file of profile good" in screen_text(app)
        app.switch_profile("wrong")
        await wait_for(
            pilot,
            lambda: (
                app.connection_info.profile == "wrong"
                and app.connection_info.stage in ("connected", "failed")
            ),
            what="the switch to settle",
        )
        assert app.connection_info.credentials_ok is False
        assert app.connection_info.token_override is None
        assert "✓ accepted" not in screen_text(app)


def test_a_rest_profile_among_many_never_takes_the_exported_rest_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nmbrs_client.errors import ConfigError
    from nmbrs_client.rest.connect import backend_from_settings

    isolate(tmp_path, monkeypatch)
    path = write_rest_profile(tmp_path)
    monkeypatch.setenv("NMBRS_REST_TOKEN", "another-customers-access-token")
    monkeypatch.setenv("NMBRS_SUBSCRIPTION_KEY", "k" * 32)
    config = load_config(path)
    lent = resolve_settings(config, profile="rest-acme")
    assert lent.environment_credentials
    backend = backend_from_settings(lent)  # the one connection: the variables apply
    backend.close()
    own = resolve_settings(config, profile="rest-acme", environment_credentials=False)
    assert not own.environment_credentials
    with pytest.raises(ConfigError, match="subscription key"):
        backend_from_settings(own)  # its own secrets only: it has none


def write_rest_profile(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.rest-acme]\napi = "rest"\nenvironment = "custom"\n[profiles.rest-acme.rest]\n'
        'base_url = "http://127.0.0.1:9/"\nidentity_url = "http://127.0.0.1:9/identity"\n',
        encoding="utf-8",
    )
    return path
