"""One launch-option resolver: the headless commands and the dashboard refuse the same options."""

from __future__ import annotations

from pathlib import Path

import pytest

from nmbrs_client.errors import ConfigError
from nmbrs_client.ids import ApiKind
from nmbrs_client.launch import (
    DemoLaunch,
    LaunchError,
    LaunchOptions,
    load_launch_config,
    resolve_launch,
)
from nmbrs_client.settings import ConnectionSettings
from tests.ui.app_helpers import wait_connected
from tui.app import NmbrsApp
from tui.cli import build_parser, main

CONFIG = """
[profiles.acme]
environment = "custom"
base_url = "http://127.0.0.1:9/soap/v3/"
username = "support@acme.nl"
token = "acme-token-1234"
domain = "acme"
"""

# (command-line options, the message both must give)
REFUSED: list[tuple[list[str], str]] = [
    (["--demo", "--profile", "acme"], "--demo cannot be combined with --profile"),
    (["--demo", "--base-url", "http://127.0.0.1:9/soap/v3/"], "--demo cannot be combined"),
    (["--demo", "--username", "a@b.nl"], "--demo cannot be combined"),
    (["--profile", "acme", "--scenario", "flaky"], "--scenario and --latency-ms need --demo"),
    (["--profile", "acme", "--latency-ms", "5"], "--scenario and --latency-ms need --demo"),
]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    path.chmod(0o600)  # it holds a token
    return path


def options(config_file: Path, *argv: str, command: str = "check") -> LaunchOptions:
    args = build_parser().parse_args([command, *argv, "--config", str(config_file)])
    return LaunchOptions.from_args(args)


@pytest.mark.parametrize(("argv", "message"), REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_resolver_refuses_contradicting_options(
    config_file: Path, argv: list[str], message: str
) -> None:
    chosen = options(config_file, *argv)
    with pytest.raises(LaunchError) as refused:
        resolve_launch(chosen, load_launch_config(chosen))
    assert message in refused.value.message and refused.value.hint
    assert isinstance(refused.value, ConfigError)  # the CLI reports it with exit 64


@pytest.mark.parametrize(("argv", "message"), REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_check_command_exits_64_with_the_resolvers_message(
    config_file: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code = main(["check", *argv, "--config", str(config_file)])
    err = capsys.readouterr().err
    assert code == 64 and message in err


@pytest.mark.parametrize(("argv", "message"), REFUSED[:2], ids=["demo+profile", "demo+url"])
async def test_dashboard_refuses_the_same_options(
    config_file: Path, argv: list[str], message: str
) -> None:
    app = NmbrsApp(options(config_file, *argv, command="tui"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        info = app.connection_info
        assert info.stage == "failed" and message in (info.last_error or "")
        assert app.demo_server is None  # refused before anything was started


def test_demo_alone_is_a_demo_launch(config_file: Path) -> None:
    chosen = options(config_file, "--demo", "--scenario", "flaky", "--latency-ms", "5")
    plan = resolve_launch(chosen, load_launch_config(chosen))
    assert plan == DemoLaunch("flaky", 5, ApiKind.SOAP, plan.download_dir)


def test_profile_with_flags_gives_its_settings(config_file: Path) -> None:
    chosen = options(config_file, "--profile", "acme", "--domain", "other")
    settings = resolve_launch(chosen, load_launch_config(chosen))
    assert isinstance(settings, ConnectionSettings)
    assert settings.profile_name == "acme" and settings.soap.domain == "other"
    assert settings.provenance["soap.domain"] == "flag"


def test_a_broken_config_file_does_not_stop_the_demo(tmp_path: Path) -> None:
    broken = tmp_path / "config.toml"
    broken.write_text("this is [not toml", encoding="utf-8")
    demo = LaunchOptions(demo=True, config_path=str(broken))
    assert load_launch_config(demo) is None
    assert isinstance(resolve_launch(demo, None), DemoLaunch)
    with pytest.raises(ConfigError):
        load_launch_config(LaunchOptions(profile="acme", config_path=str(broken)))
