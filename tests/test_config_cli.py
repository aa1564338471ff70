"""`nmbrs-tui config path|show|add` through the real CLI entry point (exit codes 0 / 64)."""

from __future__ import annotations

import io
import os
import stat
import sys
import tomllib
from pathlib import Path

import pytest

from nmbrs_client.config import load_config, resolve_settings
from tests.config_isolation import isolate
from tests.conftest import DemoServerFactory
from tui.cli import main

TOKEN = "cli-T0KEN-abcdef0123456789"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    return tmp_path / "conf" / "config.toml"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_path_reports_missing_then_existing(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "config", "path", "--config", str(cfg))
    assert code == 0
    assert out.splitlines()[0] == str(cfg) and "does not exist" in out
    assert (
        run(
            capsys,
            "config",
            "add",
            "--config",
            str(cfg),
            "--name",
            "acme",
            "--username",
            "a@acme.nl",
        )[0]
        == 0
    )
    code, out, _ = run(capsys, "config", "--config", str(cfg), "path")
    assert code == 0 and "exists" in out and "profiles: acme" in out and "mode 600" in out


def test_path_honours_env_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NMBRS_TUI_CONFIG", str(tmp_path / "env.toml"))
    code, out, _ = run(capsys, "config", "path")
    assert code == 0 and out.splitlines()[0] == str(tmp_path / "env.toml")


def test_add_writes_private_file_and_round_trips(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "config",
        "add",
        "--config",
        str(cfg),
        "--name",
        "acme",
        "--environment",
        "sandbox",
        "--username",
        "api@acme.nl",
        "--domain",
        "acme",
    )
    assert code == 0 and "Added profile 'acme'" in out and "NMBRS_TOKEN" in out
    assert mode(cfg) == 0o600
    config = load_config(cfg)
    assert config.default_profile == "acme"
    profile = config.profiles["acme"]
    assert (profile.environment, profile.soap.username, profile.soap.domain) == (
        "sandbox",
        "api@acme.nl",
        "acme",
    )
    assert profile.soap.token is None and profile.soap.token_file is None


def test_add_preserves_other_profiles_and_sections(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg.parent.mkdir()
    cfg.write_text(
        'default_profile = "old"\ndownload_dir = "~/dl"\n'
        '[profiles.old]\nusername = "o@o.nl"\ntimeout_s = 5.5\nconcurrency = 3\n'
        '[requirements.mine]\ntitle = "Mine"\noperations = ["A.b"]\n'
    )
    os.chmod(cfg, 0o644)
    code, _, _ = run(
        capsys,
        "config",
        "add",
        "--config",
        str(cfg),
        "--name",
        "new",
        "--environment",
        "custom",
        "--username",
        "n@n.nl",
        "--base-url",
        "https://proxy.example.test/soap/v3/",
    )
    assert code == 0 and mode(cfg) == 0o600
    data = tomllib.loads(cfg.read_text())
    assert data["default_profile"] == "old" and data["download_dir"] == "~/dl"
    assert data["profiles"]["old"] == {"username": "o@o.nl", "timeout_s": 5.5, "concurrency": 3}
    assert data["profiles"]["new"] == {
        "environment": "custom",
        "api": "soap",
        "soap": {"username": "n@n.nl", "base_url": "https://proxy.example.test/soap/v3/"},
    }
    assert data["requirements"]["mine"] == {"title": "Mine", "operations": ["A.b"]}
    # Updating an existing profile keeps its other keys; --default moves the default.
    code, out, _ = run(
        capsys,
        "config",
        "add",
        "--config",
        str(cfg),
        "--name",
        "old",
        "--domain",
        "olddomain",
        "--default",
    )
    assert code == 0 and "Updated profile 'old'" in out
    data = tomllib.loads(cfg.read_text())
    assert data["default_profile"] == "old"
    assert data["profiles"]["old"]["timeout_s"] == 5.5
    assert data["profiles"]["old"]["soap"] == {"username": "o@o.nl", "domain": "olddomain"}


def test_add_token_stdin_writes_private_token_file(
    cfg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(TOKEN + "\n"))
    code, out, err = run(
        capsys,
        "config",
        "add",
        "--config",
        str(cfg),
        "--name",
        "acme",
        "--username",
        "a@acme.nl",
        "--token-stdin",
    )
    assert code == 0 and TOKEN not in out + err
    token_path = cfg.parent / "acme.token"
    assert mode(token_path) == 0o600 and token_path.read_text().strip() == TOKEN
    assert TOKEN not in cfg.read_text()
    settings = resolve_settings(load_config(cfg), profile=None, overrides={})
    assert settings.soap.token.get_secret_value() == TOKEN
    assert settings.soap.token_source == f"token file {token_path}"


def test_add_refuses_world_readable_token_file(
    cfg: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token_path = tmp_path / "t.token"
    token_path.write_text(TOKEN)
    os.chmod(token_path, 0o644)
    code, out, err = run(
        capsys,
        "config",
        "add",
        "--config",
        str(cfg),
        "--name",
        "acme",
        "--username",
        "a@acme.nl",
        "--token-file",
        str(token_path),
    )
    assert code == 64 and f"chmod 600 {token_path}" in err
    assert not cfg.exists() and TOKEN not in out + err
    os.chmod(token_path, 0o600)
    assert (
        run(
            capsys,
            "config",
            "add",
            "--config",
            str(cfg),
            "--name",
            "acme",
            "--username",
            "a@acme.nl",
            "--token-file",
            str(token_path),
        )[0]
        == 0
    )
    assert load_config(cfg).profiles["acme"].soap.token_file == str(token_path)


def test_add_custom_without_base_url_fails(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "config",
        "add",
        "--config",
        str(cfg),
        "--name",
        "x",
        "--environment",
        "custom",
        "--username",
        "x@x.nl",
    )
    assert code == 64 and "requires base_url" in err and not cfg.exists()


def test_add_needs_username_and_valid_name(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "config", "add", "--config", str(cfg), "--name", "x")
    assert code == 64 and "username is required" in err
    code, _, err = run(
        capsys, "config", "add", "--config", str(cfg), "--name", "bad name", "--username", "x@x.nl"
    )
    assert code == 64 and "invalid profile name" in err and not cfg.exists()
    code, _, err = run(
        capsys, "config", "add", "--config", str(cfg), "--name", "acme\n", "--username", "x@x.nl"
    )
    assert code == 64 and "invalid profile name" in err and not cfg.exists()


def test_add_refuses_to_rewrite_broken_file(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg.parent.mkdir()
    broken = '[profiles.a]\nusername = "a@a"\nfoo = = 1\n'
    cfg.write_text(broken)
    code, _, err = run(
        capsys, "config", "add", "--config", str(cfg), "--name", "b", "--username", "b@b.nl"
    )
    assert code == 64 and "line 3" in err and str(cfg) in err
    assert cfg.read_text() == broken


def test_add_interactive(
    cfg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(
        ["acme", "soap", "custom", "api@acme.nl", "", "https://proxy.example.test/v3", "f", "n"]
    )
    prompts: list[str] = []

    def fake_input(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": TOKEN)
    code, out, err = run(capsys, "config", "add", "--config", str(cfg))
    assert code == 0, err
    assert len(prompts) == 8 and TOKEN not in out + err
    assert prompts[1].startswith("API (soap/rest)")  # asked, not assumed
    assert prompts[-1].startswith("Test the connection now?") and "Testing" not in out
    profile = load_config(cfg).profiles["acme"]
    assert (profile.environment, profile.soap.base_url, profile.soap.domain) == (
        "custom",
        "https://proxy.example.test/v3/",
        None,
    )
    assert profile.soap.token_file == str(cfg.parent / "acme.token")
    assert mode(cfg.parent / "acme.token") == 0o600 and mode(cfg) == 0o600


def test_show_lists_values_with_provenance_and_no_token(
    cfg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            capsys,
            "config",
            "add",
            "--config",
            str(cfg),
            "--name",
            "acme",
            "--username",
            "a@acme.nl",
            "--domain",
            "acme",
        )[0]
        == 0
    )
    monkeypatch.setenv("NMBRS_TOKEN", TOKEN)
    monkeypatch.setenv("NMBRS_DOMAIN", "envdomain")
    code, out, err = run(
        capsys, "config", "show", "--config", str(cfg), "--username", "flag@acme.nl"
    )
    assert code == 0, err
    assert TOKEN not in out + err
    lines = {line.split()[0]: line for line in out.splitlines()[1:] if line.startswith("  ")}
    assert "«set, from env NMBRS_TOKEN»" in lines["token"]
    assert "envdomain" in lines["domain"] and "(env NMBRS_DOMAIN)" in lines["domain"]
    assert "flag@acme.nl" in lines["username"] and "(flag)" in lines["username"]
    assert "https://api.nmbrs.nl/soap/v3/" in lines["base_url"]
    assert "(default)" in lines["timeout_s"]
    assert "production" in out


def test_show_token_from_file_never_printed(
    cfg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg.parent.mkdir()
    cfg.write_text(f'[profiles.acme]\nusername = "a@a.nl"\ntoken = "{TOKEN}"\n')
    os.chmod(cfg, 0o600)
    code, out, err = run(capsys, "config", "show", "--config", str(cfg), "-P", "acme")
    assert code == 0 and "«set, from config file»" in out
    assert TOKEN not in out + err
    os.chmod(cfg, 0o640)
    code, out, err = run(capsys, "config", "show", "--config", str(cfg))
    assert code == 64 and f"chmod 600 {cfg}" in err and TOKEN not in out + err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '[profiles.acme]\nusername = "a@a"\ntimeout_s = "x"\n',
            "profiles.acme.timeout_s: Input should be a valid number",
        ),
        (
            '[profiles.acme]\nusername = "a@a"\nverify = true\n',
            "unknown key 'profiles.acme.verify'",
        ),
        ("[profiles.acme\n", "line 1"),
    ],
)
def test_show_config_errors_exit_64(
    cfg: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    cfg.parent.mkdir()
    cfg.write_text(content)
    code, out, err = run(capsys, "config", "show", "--config", str(cfg))
    assert code == 64
    assert expected in err and str(cfg) in err and "Traceback" not in err + out


def test_show_missing_profile_and_no_config(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "config", "show", "--config", str(cfg))
    assert code == 64 and "nmbrs-tui config add" in err and "--demo" in err
    assert (
        run(
            capsys,
            "config",
            "add",
            "--config",
            str(cfg),
            "--name",
            "acme",
            "--username",
            "a@acme.nl",
        )[0]
        == 0
    )
    code, _, err = run(capsys, "config", "show", "--config", str(cfg), "--profile", "zzz")
    assert code == 64 and "profile 'zzz'" in err


def test_config_without_action_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "config")
    assert code == 64 and "path,show,add" in err


@pytest.mark.parametrize(("scenario", "expected"), [("healthy", 0), ("bad-token", 2)])
def test_add_tests_the_connection_when_asked(
    cfg: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    demo_server_factory: DemoServerFactory,
    scenario: str,
    expected: int,
) -> None:
    from nmbrs_demo.credentials import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USERNAME

    server = demo_server_factory(scenario)
    monkeypatch.setattr(sys, "stdin", io.StringIO(DEMO_TOKEN + "\n"))
    code, out, err = run(
        capsys, "config", "add", "--config", str(cfg), "--name", "trial",
        "--base-url", server.base_url, "--username", DEMO_USERNAME, "--domain", DEMO_DOMAIN,
        "--token-stdin", "--test",
    )  # fmt: skip
    assert code == expected, err
    assert "Added profile 'trial'" in out  # saved either way
    assert DEMO_TOKEN not in out + err
    if expected == 0:
        assert "✓ credentials accepted" in out and "6 companies" in out
    else:
        assert err.startswith("✗ ") and len(err.strip().splitlines()) == 1
