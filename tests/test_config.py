"""config.toml schema, precedence (flag > env > profile > default), provenance and token sources."""

from __future__ import annotations

import os
import sys
import tomllib
import types
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from nmbrs_client.config import (
    describe_settings,
    load_config,
    resolve_config_path,
    resolve_settings,
)
from nmbrs_client.config_schema import AppConfig
from nmbrs_client.config_writer import dump_toml
from nmbrs_client.errors import ConfigError
from nmbrs_client.operations import PRODUCTION_URL, SANDBOX_URL
from nmbrs_client.settings import ConnectionSettings
from nmbrs_demo.reach import DEMO_ACCESS, demo_access, demo_settings
from tests.config_isolation import isolate

TOKEN = "s3cr3t-T0KEN-9f8e7d6c5b4a"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def token_file(tmp_path: Path, value: str = TOKEN, mode: int = 0o600) -> Path:
    return write(tmp_path / "acme.token", value + "\n", mode)


def acme_config(tmp_path: Path, extra: str = "", mode: int = 0o600) -> Path:
    tf = token_file(tmp_path)
    return write(
        tmp_path / "config.toml",
        f"""
default_profile = "acme"
[profiles.acme]
username = "api@acme.nl"
domain = "acme"
token_file = "{tf}"
{extra}
""",
        mode,
    )


def resolve(path: Path, profile: str | None = None, **overrides: object) -> ConnectionSettings:
    return resolve_settings(
        load_config(path), profile=profile, overrides=overrides, demo_access=demo_access
    )


# --------------------------------------------------------------------------- basics


def test_profile_values_and_defaults_with_provenance(tmp_path: Path) -> None:
    s = resolve(acme_config(tmp_path, "timeout_s = 12\nconcurrency = 4"))
    assert s.profile_name == "acme"
    assert s.environment == "production" and s.is_production
    assert s.base_url == PRODUCTION_URL
    assert (s.soap.username, s.soap.domain, s.timeout_s, s.concurrency) == (
        "api@acme.nl",
        "acme",
        12.0,
        4,
    )
    assert s.soap.token.get_secret_value() == TOKEN
    assert s.soap.token_source == f"token file {tmp_path / 'acme.token'}"
    assert s.provenance["soap.username"] == "profile acme"
    assert s.provenance["timeout_s"] == "profile acme"
    assert s.provenance["connect_timeout_s"] == "default"
    assert s.provenance["profile_name"] == "config file default_profile"
    assert s.provenance["soap.token"] == s.soap.token_source
    shared = set(ConnectionSettings.model_fields) - {
        "provenance",
        "api_settings",
        "environment_credentials",  # how it was resolved, not a setting
    }
    soap = {f"soap.{f}" for f in ("base_url", "username", "token", "domain", "wsdl")}
    assert set(s.provenance) == shared | soap | {"api"}
    assert (
        s.connect_timeout_s,
        s.rate_limit_per_s,
        s.soap.wsdl,
        s.verify_tls,
        s.max_response_mb,
        s.scenario,
    ) == (10.0, 120.0, "bundled", True, 80, None)


def test_settings_are_frozen(tmp_path: Path) -> None:
    s = resolve(acme_config(tmp_path))
    with pytest.raises(ValueError):
        s.soap.username = "other"


def test_sandbox_profile_gets_sandbox_url(tmp_path: Path) -> None:
    s = resolve(acme_config(tmp_path, 'environment = "sandbox"'))
    assert s.base_url == SANDBOX_URL and not s.is_production
    assert s.provenance["soap.base_url"] == "profile acme"


LAYERS = ("profile", "env", "flag")


@pytest.mark.parametrize(
    "present",
    [
        (),
        ("profile",),
        ("env",),
        ("flag",),
        ("profile", "env"),
        ("profile", "flag"),
        ("env", "flag"),
        ("profile", "env", "flag"),
    ],
)
@pytest.mark.parametrize("field", ["username", "domain"])
def test_precedence_matrix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, present: tuple[str, ...], field: str
) -> None:
    tf = token_file(tmp_path)
    lines = [f'token_file = "{tf}"']
    if "profile" in present:
        lines.append(f'{field} = "from-profile"')
    if field == "domain":
        lines.append('username = "base@acme.nl"')
    cfg = write(tmp_path / "config.toml", "[profiles.acme]\n" + "\n".join(lines) + "\n")
    if (
        field == "username"
        and "profile" not in present
        and "env" not in present
        and "flag" not in present
    ):
        with pytest.raises(ConfigError, match="no username"):
            resolve(cfg)
        return
    if "env" in present:
        monkeypatch.setenv(f"NMBRS_{field.upper()}", "from-env")
    overrides = {field: "from-flag"} if "flag" in present else {}
    s = resolve(cfg, **overrides)
    winner = next((layer for layer in reversed(LAYERS) if layer in present), None)
    expected_value = {
        "profile": "from-profile",
        "env": "from-env",
        "flag": "from-flag",
        None: None,
    }[winner]
    expected_source = {
        "profile": "profile acme",
        "env": f"env NMBRS_{field.upper()}",
        "flag": "flag",
        None: "default",
    }[winner]
    assert getattr(s.soap, field) == expected_value
    assert s.provenance[f"soap.{field}"] == expected_source


def test_none_override_counts_as_not_given(tmp_path: Path) -> None:
    s = resolve(acme_config(tmp_path), domain=None, username=None)
    assert s.soap.domain == "acme" and s.provenance["soap.domain"] == "profile acme"


def test_profile_selection_flag_beats_env_beats_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = acme_config(
        tmp_path,
        '[profiles.beta]\nusername = "b@b.nl"\n'
        f'token_file = "{tmp_path / "acme.token"}"\n'
        '[profiles.gamma]\nusername = "g@g.nl"\n'
        f'token_file = "{tmp_path / "acme.token"}"',
    )
    assert resolve(cfg).profile_name == "acme"
    monkeypatch.setenv("NMBRS_PROFILE", "beta")
    s = resolve(cfg)
    assert (s.profile_name, s.soap.username) == ("beta", "b@b.nl")
    assert s.provenance["profile_name"] == "env NMBRS_PROFILE"
    s = resolve(cfg, profile="gamma")
    assert (s.profile_name, s.provenance["profile_name"]) == ("gamma", "flag")


def test_only_profile_is_used_without_default(tmp_path: Path) -> None:
    tf = token_file(tmp_path)
    cfg = write(tmp_path / "c.toml", f'[profiles.solo]\nusername = "s@s.nl"\ntoken_file = "{tf}"\n')
    s = resolve(cfg)
    assert s.profile_name == "solo"
    assert s.provenance["profile_name"] == "only profile in config file"


def test_several_profiles_without_default_is_an_error(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml", '[profiles.a]\nusername = "a@a"\n[profiles.b]\nusername = "b@b"\n'
    )
    with pytest.raises(ConfigError, match=r"several profiles \(a, b\)"):
        resolve(cfg)


def test_missing_profile_names_defined_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = acme_config(tmp_path)
    with pytest.raises(ConfigError) as info:
        resolve(cfg, profile="nope")
    assert "profile 'nope'" in str(info.value) and "defined: acme" in str(info.value)
    assert str(cfg) in str(info.value)
    monkeypatch.setenv("NMBRS_PROFILE", "ghost")
    with pytest.raises(ConfigError, match=r"'ghost' \(env NMBRS_PROFILE\)"):
        resolve(cfg)


def test_default_profile_pointing_nowhere(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", 'default_profile = "x"\n[profiles.a]\nusername = "a@a"\n')
    with pytest.raises(ConfigError, match="profile 'x'"):
        resolve(cfg)


def test_no_config_no_profile_no_username_explains(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        resolve(tmp_path / "missing.toml")
    message = str(info.value)
    assert "nmbrs-tui config add" in message and "--demo" in message
    assert str(tmp_path / "missing.toml") in message and "does not exist" in message


def test_environment_only_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMBRS_USERNAME", "env@x.nl")
    monkeypatch.setenv("NMBRS_TOKEN", TOKEN)
    monkeypatch.setenv("NMBRS_DOMAIN", "envdomain")
    s = resolve(tmp_path / "missing.toml")
    assert s.profile_name is None
    assert (s.soap.username, s.soap.domain) == ("env@x.nl", "envdomain")
    assert s.provenance["soap.username"] == "env NMBRS_USERNAME"
    assert s.provenance["soap.domain"] == "env NMBRS_DOMAIN"
    assert s.soap.token_source == "env NMBRS_TOKEN"


# --------------------------------------------------------------------------- base URL / environment


def test_env_base_url_implies_custom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMBRS_BASE_URL", "https://proxy.example.test/soap/v3")
    s = resolve(acme_config(tmp_path))
    assert s.environment == "custom" and s.base_url == "https://proxy.example.test/soap/v3/"
    assert s.provenance["environment"] == "env NMBRS_BASE_URL"
    assert s.provenance["soap.base_url"] == "env NMBRS_BASE_URL"


def test_env_base_url_equal_to_sandbox_implies_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NMBRS_BASE_URL", SANDBOX_URL.rstrip("/"))
    s = resolve(acme_config(tmp_path))
    assert (s.environment, s.base_url) == ("sandbox", SANDBOX_URL)


def test_flag_base_url_beats_env_base_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMBRS_BASE_URL", "https://proxy.example.test/soap/v3/")
    s = resolve(acme_config(tmp_path), base_url=PRODUCTION_URL)
    assert (s.environment, s.base_url) == ("production", PRODUCTION_URL)
    assert s.provenance["environment"] == "flag"


def test_flag_environment_replaces_lower_custom_url(tmp_path: Path) -> None:
    cfg = acme_config(tmp_path, 'environment = "custom"\nbase_url = "https://p.example.test/"')
    s = resolve(cfg, environment="sandbox")
    assert (s.environment, s.base_url, s.provenance["soap.base_url"]) == (
        "sandbox",
        SANDBOX_URL,
        "flag",
    )


def test_flag_environment_and_conflicting_flag_url(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not match environment 'production'"):
        resolve(acme_config(tmp_path), environment="production", base_url="https://p.example.test/")


def test_custom_requires_base_url(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        resolve(acme_config(tmp_path, 'environment = "custom"'))
    assert "profiles.acme: environment 'custom' requires base_url" in str(info.value)


def test_base_url_refused_for_production_unless_equal(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="base_url is only allowed with environment 'custom'"):
        load_config(acme_config(tmp_path, 'base_url = "https://elsewhere.test/"'))
    s = resolve(acme_config(tmp_path, f'base_url = "{PRODUCTION_URL}"'))
    assert s.base_url == PRODUCTION_URL


def test_base_url_must_be_http(tmp_path: Path) -> None:
    cfg = acme_config(tmp_path, 'environment = "custom"\nbase_url = "ftp://x.test/"')
    with pytest.raises(
        ConfigError, match=r"profiles\.acme\.soap\.base_url: base_url must be an http"
    ):
        load_config(cfg)


def test_verify_tls_false_refused_for_production(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(acme_config(tmp_path, "verify_tls = false"))
    assert "verify_tls = false is allowed only for environment 'custom'" in str(info.value)
    cfg = acme_config(
        tmp_path, 'environment = "custom"\nbase_url = "https://p.test/"\nverify_tls = false'
    )
    assert resolve(cfg).verify_tls is False


def test_verify_tls_false_refused_when_env_switches_to_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = acme_config(
        tmp_path, 'environment = "custom"\nbase_url = "https://p.test/"\nverify_tls = false'
    )
    monkeypatch.setenv("NMBRS_BASE_URL", PRODUCTION_URL)
    with pytest.raises(
        ConfigError,
        match=r"verify_tls = false \(profile acme\).*'production' "
        r"\(env NMBRS_BASE_URL\)",
    ):
        resolve(cfg)


def test_scenario_only_for_demo(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="scenario is allowed only for environment 'demo'"):
        load_config(acme_config(tmp_path, 'scenario = "healthy"'))


def test_demo_profile_uses_demo_credentials(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        '[profiles.d]\nenvironment = "demo"\nbase_url = "http://127.0.0.1:8123"\n',
    )
    s = resolve(cfg)
    assert (s.environment, s.soap.username, s.soap.token_source, s.scenario) == (
        "demo",
        "demo@example.com",
        "demo",
        "healthy",
    )
    assert s.soap.token.get_secret_value() == "demo-token"
    assert s.base_url == "http://127.0.0.1:8123/"


def test_a_demo_profile_gets_the_demo_logins_only_from_whoever_hands_them_over(
    tmp_path: Path,
) -> None:
    cfg = write(
        tmp_path / "c.toml",
        '[profiles.d]\nenvironment = "demo"\nbase_url = "http://127.0.0.1:8123"\n',
    )
    with pytest.raises(ConfigError, match="no username for profile d"):
        resolve_settings(load_config(cfg))
    settings = resolve(cfg)
    assert settings.demo_access is DEMO_ACCESS
    rest = write(
        tmp_path / "r.toml",
        '[profiles.r]\napi = "rest"\nenvironment = "demo"\n'
        '[profiles.r.rest]\nbase_url = "http://127.0.0.1:8123"\n',
    )
    assert resolve(rest).rest.identity_url == "http://127.0.0.1:8123/identity/"
    with pytest.raises(ConfigError, match="identity"):
        resolve_settings(load_config(rest))
    named = write(
        tmp_path / "n.toml",
        '[profiles.n]\napi = "rest"\nenvironment = "demo"\n[profiles.n.rest]\n'
        'base_url = "http://127.0.0.1:8123"\nidentity_url = "http://127.0.0.1:8123/identity"\n',
    )
    with pytest.raises(ConfigError, match="reached only from nmbrs-tui"):
        resolve_settings(load_config(named)).demo_access  # noqa: B018


def test_demo_profile_without_base_url(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", '[profiles.d]\nenvironment = "demo"\n')
    with pytest.raises(ConfigError, match="--demo"):
        resolve(cfg)


def test_demo_settings() -> None:
    s = demo_settings("http://127.0.0.1:5000", scenario="slow")
    assert (s.profile_name, s.environment, s.base_url) == ("demo", "demo", "http://127.0.0.1:5000/")
    assert (s.soap.username, s.soap.domain, s.soap.token_source, s.scenario) == (
        "demo@example.com",
        "demo",
        "demo",
        "slow",
    )
    assert s.soap.token.get_secret_value() == "demo-token"
    assert not s.is_production
    assert s.provenance["soap.base_url"] == "demo"


# --------------------------------------------------------------------------- file errors


def test_invalid_toml_reports_file_and_line(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", '[profiles.acme]\nusername = "a@b"\ntimeout_s = = 3\n')
    with pytest.raises(ConfigError) as info:
        load_config(cfg)
    assert str(cfg) in str(info.value) and "line 3" in str(info.value)
    assert "invalid TOML" in str(info.value)


def test_unknown_key_lists_allowed_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(acme_config(tmp_path, "timeout = 5"))
    message = str(info.value)
    assert "unknown key 'profiles.acme.timeout'" in message
    assert "timeout_s" in message and "connect_timeout_s" in message and "verify_tls" in message


def test_unknown_top_level_key(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", 'colour = "red"\n')
    with pytest.raises(
        ConfigError,
        match=r"unknown key 'colour' \(allowed: default_profile, "
        r"download_dir, history_keep, profiles, requirements\)",
    ):
        load_config(cfg)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('timeout_s = "30"', "profiles.acme.timeout_s: Input should be a valid number"),
        ("concurrency = 2.5", "profiles.acme.concurrency: Input should be a valid integer"),
        ('verify_tls = "no"', "profiles.acme.verify_tls: Input should be a valid boolean"),
        (
            "concurrency = 0",
            "profiles.acme.concurrency: Input should be greater than or equal to 1",
        ),
        ("concurrency = 33", "profiles.acme.concurrency: Input should be less than or equal to 32"),
        ('wsdl = "remote"', "profiles.acme.soap.wsdl: Input should be 'bundled' or 'live'"),
        ('environment = "prod"', "profiles.acme.environment: Input should be 'production'"),
        ("rate_limit_per_s = 500", "profiles.acme.rate_limit_per_s: Input should be less than"),
    ],
)
def test_wrong_types_and_ranges(tmp_path: Path, line: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(acme_config(tmp_path, line))
    assert expected in str(info.value)
    assert str(tmp_path / "config.toml") in str(info.value)


def test_requirements_section_is_validated(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        '[requirements.my-integration]\ntitle = "Mine"\n'
        'operations = ["EmployeeService.List_GetByCompany", 3]\n',
    )
    with pytest.raises(
        ConfigError,
        match=r"requirements\.my-integration\.operations\.1: "
        "Input should be a valid string",
    ):
        load_config(cfg)
    ok = write(
        tmp_path / "ok.toml",
        '[requirements.mine]\ntitle = "Mine"\noperations = ["CompanyService.Run_GetList"]\n',
    )
    assert load_config(ok).requirements["mine"].operations == ["CompanyService.Run_GetList"]


def test_missing_file_is_empty_config(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nope.toml")
    assert isinstance(config, AppConfig) and not config.exists and config.profiles == {}
    assert config.path == tmp_path / "nope.toml"


def test_config_path_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_config_path() == tmp_path / "xdg-config" / "nmbrs-tui" / "config.toml"
    monkeypatch.setenv("NMBRS_TUI_CONFIG", str(tmp_path / "env.toml"))
    assert resolve_config_path() == tmp_path / "env.toml"
    assert resolve_config_path(tmp_path / "flag.toml") == tmp_path / "flag.toml"
    write(tmp_path / "env.toml", '[profiles.fromenv]\nusername = "e@e"\n')
    assert list(load_config().profiles) == ["fromenv"]


def test_download_dir_from_config_expands_home(tmp_path: Path) -> None:
    cfg = acme_config(tmp_path)
    text = cfg.read_text()
    write(cfg, 'download_dir = "~/payslips"\n' + text)
    s = resolve(cfg)
    assert s.download_dir == tmp_path / "home" / "payslips"
    assert s.provenance["download_dir"] == "config file"
    s = resolve(cfg, download_dir=str(tmp_path / "x"))
    assert s.download_dir == tmp_path / "x" and s.provenance["download_dir"] == "flag"


def test_unknown_override_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown setting"):
        resolve(acme_config(tmp_path), token="abc")


def test_bad_override_value_names_field_and_source(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"concurrency \(flag\)"):
        resolve(acme_config(tmp_path), concurrency=99)


# --------------------------------------------------------------------------- tokens


def test_token_file_missing(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        f'[profiles.a]\nusername = "a@a"\ntoken_file = "{tmp_path / "gone.token"}"\n',
    )
    with pytest.raises(ConfigError, match=f"token file {tmp_path / 'gone.token'} does not exist"):
        resolve(cfg)


def test_token_file_unreadable(tmp_path: Path) -> None:
    (tmp_path / "dir.token").mkdir(mode=0o700)
    cfg = write(tmp_path / "c.toml", '[profiles.a]\nusername = "a@a"\ntoken_file = "dir.token"\n')
    with pytest.raises(ConfigError, match="is not a regular file"):
        resolve(cfg)
    write(tmp_path / "bin.token", "")
    (tmp_path / "bin.token").write_bytes(b"\xff\xfe\x00")
    cfg = write(tmp_path / "c.toml", '[profiles.a]\nusername = "a@a"\ntoken_file = "bin.token"\n')
    with pytest.raises(ConfigError, match="cannot read token file"):
        resolve(cfg)


def test_empty_token_file(tmp_path: Path) -> None:
    token_file(tmp_path, value="  ")
    cfg = write(tmp_path / "c.toml", '[profiles.a]\nusername = "a@a"\ntoken_file = "acme.token"\n')
    with pytest.raises(ConfigError, match="is empty"):
        resolve(cfg)


def test_world_readable_token_file(tmp_path: Path) -> None:
    cfg = acme_config(tmp_path)
    os.chmod(tmp_path / "acme.token", 0o644)
    with pytest.raises(ConfigError) as info:
        resolve(cfg)
    assert f"chmod 600 {tmp_path / 'acme.token'}" in str(info.value)
    assert TOKEN not in str(info.value) + info.value.hint


def test_relative_token_file_is_relative_to_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_file(tmp_path)
    sub = tmp_path / "elsewhere"
    sub.mkdir()
    monkeypatch.chdir(sub)
    cfg = write(tmp_path / "c.toml", '[profiles.a]\nusername = "a@a"\ntoken_file = "acme.token"\n')
    assert resolve(cfg).soap.token.get_secret_value() == TOKEN


def test_token_in_config_needs_private_file(tmp_path: Path) -> None:
    text = f'[profiles.a]\nusername = "a@a"\ntoken = "{TOKEN}"\n'
    cfg = write(tmp_path / "c.toml", text, 0o644)
    with pytest.raises(ConfigError) as info:
        resolve(cfg)
    assert f"chmod 600 {cfg}" in str(info.value)
    assert TOKEN not in str(info.value)
    os.chmod(cfg, 0o600)
    s = resolve(cfg)
    assert s.soap.token.get_secret_value() == TOKEN and s.soap.token_source == "config file"


def test_missing_token_says_where_to_put_it(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", '[profiles.a]\nusername = "a@a"\n')
    with pytest.raises(ConfigError) as info:
        resolve(cfg)
    assert "NMBRS_TOKEN" in str(info.value) and "token_file" in str(info.value)
    assert "profile 'a'" in str(info.value)


def _fake_keyring(monkeypatch: pytest.MonkeyPatch, store: dict[tuple[str, str], str]) -> None:
    module = types.ModuleType("keyring")
    module.get_password = lambda service, key: store.get((service, key))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", module)


def test_token_source_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "file.token", "from-file\n")
    cfg = write(
        tmp_path / "c.toml",
        '[profiles.a]\nusername = "a@a"\ntoken_file = "file.token"\ntoken = "from-config"\n',
    )
    no_file = write(tmp_path / "d.toml", '[profiles.a]\nusername = "a@a"\ntoken = "from-config"\n')
    _fake_keyring(monkeypatch, {("nmbrs-tui", "a"): "from-keyring"})
    monkeypatch.setenv("NMBRS_TOKEN", "from-env")
    assert resolve(cfg).soap.token.get_secret_value() == "from-env"
    monkeypatch.delenv("NMBRS_TOKEN")
    assert resolve(cfg).soap.token.get_secret_value() == "from-file"
    s = resolve(no_file)
    assert (s.soap.token.get_secret_value(), s.soap.token_source) == (
        "from-keyring",
        "keyring nmbrs-tui/a",
    )
    _fake_keyring(monkeypatch, {})
    assert resolve(no_file).soap.token.get_secret_value() == "from-config"


def test_broken_keyring_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("keyring")

    def explode(service: str, key: str) -> str:
        raise RuntimeError("no backend")

    module.get_password = explode  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", module)
    assert resolve(acme_config(tmp_path)).soap.token.get_secret_value() == TOKEN


def test_token_never_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMBRS_TOKEN", TOKEN)
    s = resolve(acme_config(tmp_path))
    assert s.soap.token.get_secret_value() == TOKEN
    for text in (
        repr(s),
        str(s),
        s.model_dump_json(),
        str(s.model_dump()),
        str(describe_settings(s)),
        repr(s.soap.token),
        str(s.soap.token),
    ):
        assert TOKEN not in text
    rows = {name: (value, source) for name, value, source in describe_settings(s)}
    source = "env NMBRS_TOKEN, instead of the token file of profile acme"
    assert rows["token"] == (f"«set, from {source}»", source)


# --------------------------------------------------------------------------- TOML writer


def test_dump_toml_round_trips_schema(tmp_path: Path) -> None:
    data = {
        "profiles": {
            "acme": {
                "username": 'a"b\\c@x',
                "timeout_s": 12.5,
                "concurrency": 4,
                "verify_tls": True,
                "environment": "production",
            },
            "with space": {"username": "tab\there\nnewline\x01"},
        },
        "default_profile": "acme",
        "requirements": {"mine": {"title": "T", "operations": ["A.b", "C.d"]}},
    }
    text = dump_toml(data)
    assert text.startswith('default_profile = "acme"')
    assert tomllib.loads(text) == data


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=8),
        st.one_of(
            st.text(max_size=20),
            st.integers(-(10**9), 10**9),
            st.booleans(),
            st.floats(allow_nan=False),
            st.lists(st.text(max_size=5), max_size=3),
        ),
        max_size=5,
    )
)
def test_dump_toml_round_trips_any_profile(profile: dict[str, object]) -> None:
    data = {"profiles": {"p": profile}}
    assert tomllib.loads(dump_toml(data)) == data


def test_secretstr_input_is_accepted_from_toml(tmp_path: Path) -> None:
    config = load_config(acme_config(tmp_path, f'token = "{TOKEN}"'))
    token = config.profiles["acme"].soap.token
    assert isinstance(token, SecretStr) and token.get_secret_value() == TOKEN
    assert TOKEN not in repr(config)


@pytest.mark.parametrize("field", ["USERNAME", "TOKEN", "DOMAIN"])
@pytest.mark.parametrize("bad", ["\x01", "\x00", "\x1b[31m", "\ufffe", "\ud800"])
def test_a_soap_value_xml_cannot_carry_is_refused_as_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str, bad: str
) -> None:
    """No SOAP request can carry it, so no call could be sent: it is the configuration that
    is wrong (a stray character pasted with the token), not a reply (as every call said)."""
    values = {"USERNAME": "env@x.nl", "TOKEN": TOKEN, "DOMAIN": "envdomain"}
    values[field] = f"{values[field][:6]}{bad}{values[field][6:]}"
    monkeypatch.setattr(
        os, "environ", {**os.environ, **{f"NMBRS_{k}": v for k, v in values.items()}}
    )
    with pytest.raises(ConfigError) as info:
        resolve(tmp_path / "missing.toml")
    message = str(info.value)
    assert f"{field.lower()} (env NMBRS_{field})" in message and "cannot be sent" in message
    assert TOKEN[6:] not in message and bad not in message


def test_text_xml_can_carry_stays_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMBRS_USERNAME", "née<&>\t😀@x.nl")
    monkeypatch.setenv("NMBRS_TOKEN", TOKEN + "\r\n")
    s = resolve(tmp_path / "missing.toml")
    assert s.soap.username == "née<&>\t😀@x.nl"
