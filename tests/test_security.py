"""Secrets and personal data across a whole demo session, and TLS verification rules.

One test runs what an engineer does in a session (check in every format and language, config
show, every pane, an employee detail, a rights export, a bad token) and greps everything that
came out for the token. Another proves the session wrote nothing to disk it was not asked to.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from nmbrs_client.client import NmbrsClient
from nmbrs_client.config import load_config, resolve_settings
from nmbrs_client.errors import ConfigError, NmbrsFault
from nmbrs_demo import DEMO_TODAY, DEMO_TOKEN
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.server import DemoServer
from tests.ui.app_helpers import screen_text, wait_connected, wait_for
from tui.app import NmbrsApp
from tui.cli import main
from tui.panes.employees import EmployeesPane

WRONG_TOKEN = "wrong-token-7f3a9c"


def all_files(root: Path) -> dict[Path, float]:
    return {p: p.stat().st_mtime for p in root.rglob("*") if p.is_file()}


def test_token_never_appears_in_cli_output(
    demo_server: DemoServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # zeep, urllib3 and our own loggers at their most verbose
    outputs: list[str] = []
    monkeypatch.setenv("NMBRS_TOKEN", DEMO_TOKEN)
    for fmt in ("text", "markdown", "json"):
        for lang in ("en", "nl"):
            target = tmp_path / f"report-{fmt}-{lang}"
            code = main(
                [
                    "check",
                    "--base-url",
                    demo_server.base_url,
                    "--username",
                    "demo@example.com",
                    "--domain",
                    "demo",
                    "--format",
                    fmt,
                    "--lang",
                    lang,
                    "--output",
                    str(target),
                ]
            )
            assert code == 0
            outputs.append(target.read_text())
    monkeypatch.setenv("NMBRS_BASE_URL", demo_server.base_url)
    monkeypatch.setenv("NMBRS_USERNAME", "demo@example.com")
    assert main(["config", "show"]) == 0
    monkeypatch.setenv("NMBRS_TOKEN", WRONG_TOKEN)
    assert main(["check", "--domain", "demo"]) == 2
    captured = capsys.readouterr()
    outputs += [captured.out, captured.err, caplog.text]
    assert "«set, from env NMBRS_TOKEN»" in captured.out  # config show did run
    for text in outputs:
        assert DEMO_TOKEN not in text
        assert WRONG_TOKEN not in text


def test_token_is_not_accepted_on_the_command_line() -> None:
    """So it can never show in a process list or a shell history."""
    assert main(["check", "--demo", "--token", "x"]) == 64
    assert main(["--token", "x"]) == 64


def test_exceptions_and_call_log_never_carry_the_token(demo_server: DemoServer) -> None:
    settings = demo_settings(demo_server.base_url).with_soap(token=SecretStr(WRONG_TOKEN))
    client = NmbrsClient(settings)
    with pytest.raises(NmbrsFault) as info:
        client.companies()
    texts = [
        str(info.value),
        repr(info.value),
        info.value.hint,
        repr(client),
        repr(settings),
        settings.model_dump_json(),
        *map(repr, client.call_log.records()),
    ]
    assert all(WRONG_TOKEN not in text for text in texts)


async def test_a_whole_tui_session_shows_no_token_and_writes_nothing(
    demo_server: DemoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads = tmp_path / "downloads"
    monkeypatch.chdir(tmp_path)
    watched = [
        tmp_path,
        Path(os.environ["XDG_CONFIG_HOME"]),
        Path(os.environ["XDG_DATA_HOME"]),
        Path(os.environ["XDG_CACHE_HOME"]),
    ]
    before = {root: all_files(root) for root in watched}
    settings = demo_settings(demo_server.base_url, download_dir=downloads)
    app = NmbrsApp(settings=settings, today=DEMO_TODAY)
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        for key in ("1", "2", "3"):
            await pilot.press(key)
            await pilot.pause(0.3)
            seen.append(screen_text(app))
        await wait_for(pilot, lambda: "Maasland" in screen_text(app), 10, "companies")
        await pilot.press("enter")  # employees of the first company
        await wait_for(pilot, lambda: app.current_pane == "employees", 5, "employees pane")
        employees = app.query_one(EmployeesPane)
        await wait_for(pilot, lambda: employees.table.row_count > 0, 30, "the employees")
        seen.append(screen_text(app))
        await pilot.press("enter")  # employee detail, masked
        await wait_for(
            pilot, lambda: "personal data masked" in screen_text(app), 30, "the masked detail"
        )
        seen.append(screen_text(app))
        await pilot.press("escape")
        for key in ("5", "6"):
            await pilot.press(key)
            await pilot.pause(0.5)
            seen.append(screen_text(app))
        records = app.session.backend.call_log.records() if app.session else []
    assert records, "the session made calls"
    assert any("personal data masked" in text for text in seen), "the detail screen was seen"
    assert all(DEMO_TOKEN not in text for text in seen)
    assert all(DEMO_TOKEN not in repr(record) for record in records)
    after = {root: all_files(root) for root in watched}
    assert after == before, "the session wrote files nobody asked for"
    assert not downloads.exists()


async def test_tls_verification_off_is_visible(demo_server: DemoServer) -> None:
    settings = demo_settings(demo_server.base_url).model_copy(
        update={"environment": "custom", "verify_tls": False}
    )
    app = NmbrsApp(settings=settings, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await wait_for(pilot, lambda: "TLS UNVERIFIED" in screen_text(app), what="the badge")
        text = screen_text(app)
    assert "TLS UNVERIFIED" in text
    assert "verification is OFF" in text


def test_tls_verification_cannot_be_turned_off_for_production_or_sandbox(tmp_path: Path) -> None:
    for environment in ("production", "sandbox"):
        path = tmp_path / f"{environment}.toml"
        path.write_text(
            f'[profiles.p]\nusername = "u@x.nl"\nenvironment = "{environment}"\n'
            "verify_tls = false\n"
        )
        path.chmod(0o600)
        with pytest.raises(ConfigError) as info:
            resolve_settings(load_config(path), profile="p", overrides={})
        assert "verify_tls" in str(info.value)
    custom = tmp_path / "custom.toml"
    custom.write_text(
        '[profiles.p]\nusername = "u@x.nl"\nenvironment = "custom"\n'
        'base_url = "https://nmbrs-proxy.example.com/soap/v3/"\n'
        "verify_tls = false\n"
    )
    custom.chmod(0o600)
    os.environ["NMBRS_TOKEN"] = "t0k3n-for-this-test"
    try:
        settings = resolve_settings(load_config(custom), profile="p", overrides={})
    finally:
        del os.environ["NMBRS_TOKEN"]
    assert settings.verify_tls is False


def test_check_warns_on_stderr_when_tls_is_off(demo_server: DemoServer, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[profiles.lab]\nusername = "demo@example.com"\ndomain = "demo"\n'
        f'environment = "custom"\nbase_url = "{demo_server.base_url}"\n'
        "verify_tls = false\n"
    )
    config.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NMBRS_")}
    env["NMBRS_TOKEN"] = DEMO_TOKEN
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui.cli",
            "check",
            "--config",
            str(config),
            "--profile",
            "lab",
            "-q",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "TLS certificate verification is OFF" in result.stderr
    assert DEMO_TOKEN not in result.stdout + result.stderr


def test_committed_pictures_hold_no_token_and_no_unmasked_personal_data(
    demo_server: DemoServer,
) -> None:
    """Snapshots and screenshots are published: they must show the demo masked, token-free."""
    import re

    root = Path(__file__).resolve().parents[1]
    pictures = [
        *root.glob("screenshots/*.svg"),
        *root.glob("tests/snapshots/__snapshots__/**/*.svg"),
    ]
    assert len(pictures) >= 20
    world = demo_server.world
    secrets: set[str] = set()
    for company in world.companies():
        for person in world.personal_info_contract_salary_address(company.ID)[:40]:
            if person.BSN:
                secrets.add(person.BSN)
        for employee in world.employees(company.ID)[:10]:
            secrets.update(a.IBAN for a in world.bank_accounts(employee.Id) if a.IBAN)
    iban = re.compile(r"NL\d\d[A-Z]{4}\d{10}")
    for picture in pictures:
        text = picture.read_text(encoding="utf-8").replace("&#160;", " ")
        assert DEMO_TOKEN not in text, picture.name
        assert not iban.search(text), picture.name
        assert not any(secret in text for secret in secrets), picture.name
