"""REST profiles: grouped settings (a SOAP part and a REST part), `config add --api rest`,
`config show` with the true source of every REST value, and the secrets' places."""

from __future__ import annotations

import io
import sys
import tomllib
from pathlib import Path

import pytest

from nmbrs_client.config import load_config, resolve_settings
from nmbrs_client.errors import ConfigError
from nmbrs_client.ids import ApiKind
from nmbrs_client.rest.auth.credentials import credentials_path, load_credentials
from tui.cli import main

KEY = "subscription-key-never-shown"
SECRET = "client-secret-never-shown"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.config_isolation import isolate

    isolate(tmp_path, monkeypatch)
    for name in (
        "NMBRS_API",
        "NMBRS_REST_BASE_URL",
        "NMBRS_REST_IDENTITY_URL",
        "NMBRS_REST_CLIENT_ID",
        "NMBRS_REST_CLIENT_SECRET",
        "NMBRS_SUBSCRIPTION_KEY",
        "NMBRS_REST_TOKEN",
        "NMBRS_REST_TOKEN_STORE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def _add(capsys: pytest.CaptureFixture[str], cfg: Path, *flags: str) -> tuple[int, str, str]:
    code = main(["config", "add", "--config", str(cfg), "--api", "rest", *flags])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_rest_writes_only_a_rest_part_and_show_prints_no_soap_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "config.toml"
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n" + KEY + "\n"))
    code, out, err = _add(
        capsys,
        cfg,
        "--name",
        "acme",
        "--base-url",
        "http://127.0.0.1:8999",
        "--identity-url",
        "http://127.0.0.1:8999/identity",
        "--client-id",
        "PartnerApp_acme",
        "--client-secret-from",
        "env",
        "--subscription-key-from",
        "file",
        "--secrets-stdin",
    )
    assert code == 0, err
    assert "auth login -P acme" in out and KEY not in out + err
    data = tomllib.loads(cfg.read_text())["profiles"]["acme"]
    assert data == {
        "environment": "custom",
        "api": "rest",
        "rest": {
            "base_url": "http://127.0.0.1:8999",
            "identity_url": "http://127.0.0.1:8999/identity",
            "client_id": "PartnerApp_acme",
            "client_secret_from": "env",
            "subscription_key_from": "file",
        },
    }
    stored = credentials_path("acme")
    assert stored.stat().st_mode & 0o777 == 0o600 and KEY in stored.read_text()

    monkeypatch.setenv("NMBRS_REST_CLIENT_SECRET", SECRET)
    assert main(["config", "show", "--config", str(cfg), "-P", "acme"]) == 0
    shown, err = capsys.readouterr()
    assert "/soap/v3/" not in shown and "username" not in shown and "wsdl" not in shown
    assert SECRET not in shown and KEY not in shown
    rows = {line.split()[0]: line for line in shown.splitlines()[1:]}
    assert "(profile acme)" in rows["rest.client_id"]
    assert f"(file {stored})" in rows["subscription_key"]
    assert "(env NMBRS_REST_CLIENT_SECRET)" in rows["client_secret"]
    assert "auth login -P acme" in rows["access_token"]
    assert "PRODUCTION" not in shown and "production" not in rows["environment"]


def test_an_environment_variable_over_a_stored_secret_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "config.toml"
    monkeypatch.setattr(sys, "stdin", io.StringIO(SECRET + "\n" + KEY + "\n"))
    code, _, err = _add(
        capsys,
        cfg,
        "--name",
        "acme",
        "--client-secret-from",
        "file",
        "--subscription-key-from",
        "file",
        "--secrets-stdin",
    )
    assert code == 0, err
    settings = resolve_settings(load_config(cfg), profile="acme")
    assert settings.api is ApiKind.REST and settings.is_production
    assert [e.host for e in settings.endpoints()] == [
        "api.nmbrsapp.com",
        "identityservice.nmbrs.com",
    ]
    monkeypatch.setenv("NMBRS_SUBSCRIPTION_KEY", "another-key")
    found = load_credentials("acme", settings=settings)
    assert found.sources["subscription_key"] == (
        "env NMBRS_SUBSCRIPTION_KEY (overrides the profile's file)"
    )
    assert found.sources["client_secret"].startswith("file ")


def test_a_secret_kept_in_env_is_not_read_from_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "config.toml"
    monkeypatch.setattr(sys, "stdin", io.StringIO(SECRET + "\n\n"))
    assert (
        _add(capsys, cfg, "--name", "acme", "--client-secret-from", "file", "--secrets-stdin")[0]
        == 0
    )
    assert _add(capsys, cfg, "--name", "acme", "--client-secret-from", "env")[0] == 0
    settings = resolve_settings(load_config(cfg), profile="acme")
    assert load_credentials("acme", settings=settings).client_secret is None


def test_rest_settings_have_no_soap_part_and_say_so(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('[profiles.acme]\napi = "rest"\n')
    settings = resolve_settings(load_config(cfg), profile="acme")
    assert settings.soap_part is None and settings.rest.base_url == "https://api.nmbrsapp.com/"
    with pytest.raises(ConfigError, match="REST API, not SOAP"):
        settings.soap  # noqa: B018 - the property raises


def test_a_custom_rest_host_without_identity_service_is_one_clear_error(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[profiles.acme]\napi = "rest"\n[profiles.acme.rest]\nbase_url = "http://x.test"\n'
    )
    with pytest.raises(ConfigError, match="identity service"):
        resolve_settings(load_config(cfg), profile="acme")


def test_an_older_flat_soap_profile_still_reads(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    token = tmp_path / "t"
    token.write_text("tok\n")
    token.chmod(0o600)
    cfg.write_text(
        f'[profiles.old]\nusername = "a@b.nl"\ntoken_file = "{token}"\nenvironment = "custom"\n'
        'base_url = "https://proxy.test/soap/v3/"\n'
    )
    settings = resolve_settings(load_config(cfg), profile="old")
    assert settings.soap.username == "a@b.nl" and settings.soap.base_url.endswith("/soap/v3/")
    assert settings.provenance["soap.base_url"] == "profile old"
    assert [e.kind for e in settings.endpoints()] == ["custom"]


def test_add_rest_interactively_asks_every_value_and_stores_the_secret_privately(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "config.toml"
    answers = iter(
        [
            "acme",  # profile name
            "rest",  # API
            "http://127.0.0.1:8999",  # REST API base URL (not Nmbrs' own: custom)
            "http://127.0.0.1:8999/identity",  # identity service
            "PartnerApp_acme",  # client id
            "",  # redirect URI: the default
            "file",  # client secret kept in the profile's file
            "env",  # subscription key in the environment
            "keyring",  # tokens in the keyring
        ]
    )
    prompts: list[str] = []

    def fake_input(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": SECRET)
    assert main(["config", "add", "--config", str(cfg)]) == 0
    out, err = capsys.readouterr()
    assert SECRET not in out + err and len(prompts) == 9
    rest = load_config(cfg).profiles["acme"].rest
    assert (rest.base_url, rest.identity_url, rest.client_id) == (
        "http://127.0.0.1:8999/",
        "http://127.0.0.1:8999/identity/",
        "PartnerApp_acme",
    )
    assert (rest.client_secret_from, rest.subscription_key_from, rest.token_store) == (
        "file",
        "env",
        "keyring",
    )
    assert rest.redirect_uri == "http://localhost:8765/callback"
    stored = credentials_path("acme")
    assert stored.stat().st_mode & 0o777 == 0o600 and SECRET in stored.read_text()
    assert SECRET not in cfg.read_text()


def test_auth_without_a_profile_never_binds_rest_to_the_default_soap_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('default_profile = "acme"\n[profiles.acme.soap]\nusername = "a@b.nl"\n')
    before = cfg.read_text()
    code = main(["auth", "status", "--config", str(cfg)])
    out = capsys.readouterr().out
    assert code == 1 and out.startswith("profile rest:")  # not logged in, and not acme
    assert cfg.read_text() == before
