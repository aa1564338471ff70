"""`check --all-profiles` and `check --bundle`: many customers at once, and a ticket zip."""

from __future__ import annotations

import csv
import json
import stat
import zipfile
from pathlib import Path

import pytest

from nmbrs_client.ids import ApiKind
from nmbrs_demo.credentials import DEMO_TOKEN, DEMO_USERNAME
from tests.config_isolation import isolate, write_demo_profiles
from tests.conftest import DemoFactory
from tui.cli import main
from tui.headless.all_profiles import Place, configured_place, failed_outcome

SCENARIOS = ("healthy", "missing-rights", "bad-token")


@pytest.fixture()
def three_profiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_factory: DemoFactory
) -> Path:
    """A config.toml with one profile per demo: healthy, missing-rights, bad-token."""
    isolate(tmp_path, monkeypatch)
    demos = [demo_factory(ApiKind.SOAP, name) for name in SCENARIOS]
    return write_demo_profiles(
        tmp_path / "config.toml",
        {
            name: (demo.base_url, f'token = "{DEMO_TOKEN}"')
            for name, demo in zip(SCENARIOS, demos, strict=True)
        },
    )


def test_all_profiles_table_with_each_verdict_and_the_worst_exit(
    three_profiles: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--all-profiles", "--config", str(three_profiles), "--company", "20001"])
    out, _err = capsys.readouterr()
    assert code == 2  # the worst of 0, 1 and 2
    rows = {line.split()[0]: line for line in out.splitlines() if line.split()[:1]}
    assert "Profile" in out and "Environment" in out and "Unverified" in out
    assert rows["healthy"].split()[1:4] == ["custom", "soap", "0"]
    assert rows["missing-rights"].split()[3] == "1"
    assert rows["bad-token"].split()[3] == "2"
    # Missing, unverified, errors, duration follow the verdict words.
    assert rows["missing-rights"].split("rights missing")[1].split()[:3] == ["4", "0", "0"]
    assert rows["healthy"].split("all allowed")[1].split()[:3] == ["0", "0", "0"]
    # a profile that could not log in has no rights to count: a dash, not a number
    assert rows["bad-token"].split("login refused")[1].split()[0] == "–"
    assert "✓ all allowed" in rows["healthy"]


def test_all_profiles_json_and_a_failing_profile_does_not_stop_the_others(
    three_profiles: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = three_profiles.read_text(encoding="utf-8")
    text += '\n[profiles.unreachable]\nenvironment = "custom"\nbase_url = "http://127.0.0.1:9/"\n'
    text += f'username = "{DEMO_USERNAME}"\ntoken = "{DEMO_TOKEN}"\ntimeout_s = 2\n'
    text += "connect_timeout_s = 1\n"
    three_profiles.write_text(text, encoding="utf-8")
    code = main(
        [
            "check",
            "--all-profiles",
            "--config",
            str(three_profiles),
            "--company",
            "20001",
            "--format",
            "json",
            "--profiles-at-once",
            "2",
            "-q",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    by_name = {row["profile"]: row for row in data["profiles"]}
    assert sorted(by_name) == ["bad-token", "healthy", "missing-rights", "unreachable"]
    assert by_name["healthy"]["exit_code"] == 0 and by_name["healthy"]["missing_rights"] == 0
    assert by_name["missing-rights"]["exit_code"] == 1
    assert by_name["missing-rights"]["missing_rights"] == 4
    assert by_name["bad-token"]["exit_code"] == 2
    assert by_name["bad-token"]["missing_rights"] is None  # never reached the rights
    assert by_name["healthy"]["verdict"] == "all allowed"  # words for scripts, no glyph
    assert by_name["unreachable"]["exit_code"] == 2 and by_name["unreachable"]["reason"]
    assert data["exit_code"] == code == 2
    for row in data["profiles"]:
        assert set(row) >= {
            "profile",
            "environment",
            "verdict",
            "missing_rights",
            "unverified",
            "errors",
            "duration_s",
        }


def test_bundle_is_a_private_zip_with_report_calls_versions_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "ticket" / "bundle.zip"
    code = main(
        [
            "check",
            "--demo",
            "--scenario",
            "missing-rights",
            "--company",
            "20001",
            "--lang",
            "nl",
            "--bundle",
            str(target),
            "-q",
        ]
    )
    assert code == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        assert names >= {
            "rights-report.nl.md",
            "rights-report.json",
            "calls.csv",
            "versions.txt",
            "settings.json",
            "demo.txt",
        }
        everything = "".join(archive.read(n).decode("utf-8") for n in names)
        calls = archive.read("calls.csv").decode("utf-8").splitlines()
        report = json.loads(archive.read("rights-report.json"))
        settings = json.loads(archive.read("settings.json"))
        md = archive.read("rights-report.nl.md").decode("utf-8")
    assert DEMO_TOKEN not in everything  # never the token
    assert "<soap" not in everything.lower() and "<?xml" not in everything  # never payloads
    assert calls[0].startswith("started_at,operation,company_id")
    rows = list(csv.DictReader(calls))
    # the call log also holds notes (e.g. which route found the employees); they are no calls
    assert len([r for r in rows if r["outcome"] != "note"]) == report["summary"]["calls"]
    assert any("Department_GetCurrent" in line and ",1002," in line for line in calls)
    assert md.startswith("# Controle API-rechten Nmbrs")
    assert {row["setting"] for row in settings} >= {"base_url", "username", "token"}
    assert "scenario missing-rights" in everything and "nmbrs-tui " in everything
    # A second bundle to the same name is refused (exit 64), never renamed or overwritten.
    before = target.read_bytes()
    capsys.readouterr()
    assert main(["check", "--demo", "--company", "20001", "--bundle", str(target), "-q"]) == 64
    assert "--force" in capsys.readouterr().err
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["bundle.zip"]


def test_a_failed_profile_with_a_two_line_error_is_one_readable_line() -> None:
    place = Place("production", "rest")
    outcome = failed_outcome("acme", place, 2, "profile 'acme' has no REST login\n  Run it.", 0.1)
    assert outcome.reason == "profile 'acme' has no REST login Run it."


def test_a_profile_that_was_not_checked_is_placed_where_its_config_says() -> None:
    """No "?" where the config knows: its environment (a REST host implies one, as the
    resolver has it) and its API, or the --api flag's."""
    from nmbrs_client.config_schema import ProfileConfig

    rest = ProfileConfig.model_validate(
        {"api": "rest", "rest": {"base_url": "http://127.0.0.1:9/", "identity_url": "http://x/"}}
    )
    assert configured_place(rest, None) == Place("custom", "rest")
    soap = ProfileConfig.model_validate({"environment": "sandbox"})
    assert configured_place(soap, None) == Place("sandbox", "soap")
    assert configured_place(ProfileConfig.model_validate({}), "rest") == Place("production", "rest")


def test_a_profile_refused_by_the_gateway_names_its_cause_as_its_own_report_does(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    demo_factory: DemoFactory,
) -> None:
    """A REST profile whose every call the API gateway refuses has no account finding (its
    rows could not be read): its reason is the cause and step its single report's summary says,
    never an empty column."""
    from nmbrs_client.rights.report_words import ERROR_CAUSES, NEXT_STEP

    isolate(tmp_path, monkeypatch)
    healthy = demo_factory(ApiKind.SOAP, "healthy")
    refused = demo_factory(ApiKind.REST, "gateway-refused")
    config = write_demo_profiles(
        tmp_path / "config.toml", {"healthy": (healthy.base_url, f'token = "{DEMO_TOKEN}"')}
    )
    config.write_text(
        config.read_text(encoding="utf-8") + "[profiles.gated]\n"
        'api = "rest"\nenvironment = "demo"\n'
        f'[profiles.gated.rest]\nbase_url = "{refused.base_url}"\n',
        encoding="utf-8",
    )
    args = ["check", "--all-profiles", "--config", str(config), "--company", "20001", "-q"]
    code = main([*args, "--format", "json"])
    rows = {row["profile"]: row for row in json.loads(capsys.readouterr().out)["profiles"]}
    assert code == 2 and rows["gated"]["exit_code"] == 2
    reason = rows["gated"]["reason"]
    assert ERROR_CAUSES["en"]["gateway"] in reason, rows["gated"]
    assert NEXT_STEP["en"]["gateway"] in reason, rows["gated"]
    assert rows["healthy"]["reason"] == ""
    main(args)
    table = capsys.readouterr().out
    assert f"gated: {reason}" in table.splitlines()
