"""`check` records every finished check, `check --diff` says what changed, `history` lists."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from nmbrs_client.history import History, history_path
from nmbrs_client.ids import ApiKind
from nmbrs_client.rights.report import load_schema
from nmbrs_demo.credentials import DEMO_TOKEN
from nmbrs_demo.scenarios import MISSING_RIGHTS_OPERATIONS
from tests.config_isolation import isolate_state, write_demo_profiles
from tests.conftest import DemoFactory
from tui.cli import main


@pytest.fixture()
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_state(tmp_path, monkeypatch)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _section(text: str, heading: str) -> list[str]:
    """The bullet lines under ``heading`` in the text rendering of the changes."""
    lines = text.splitlines()
    start = lines.index(f"  {heading}:") + 1
    found: list[str] = []
    for item in lines[start:]:
        if not item.startswith("    - "):
            break
        found.append(item.removeprefix("    - "))
    return found


def _customer(tmp_path: Path, base: str) -> str:
    """One demo scenario (a scenario file) whose rights the customer changes between checks:
    the same world checked twice, as a real environment is, unlike two built-in scenarios."""
    path = tmp_path / "customer.toml"
    path.write_text(f'name = "customer"\nbase = "{base}"\n', encoding="utf-8")
    return str(path)


def test_rights_taken_away_between_two_checks_diff_names_exactly_the_denied_operations(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = _customer(tmp_path, "healthy")
    assert _run(capsys, "check", "--demo", "-q", "--scenario", scenario)[0] == 0
    _customer(tmp_path, "missing-rights")  # the customer's template loses some rights
    code, out, _err = _run(
        capsys, "check", "--demo", "-q", "--scenario", scenario, "--diff", "last"
    )
    assert code == 1  # the verdict of this check, as without --diff
    denied = _section(out, "Now denied")
    assert sorted(item.split(":")[0] for item in denied) == sorted(MISSING_RIGHTS_OPERATIONS)
    assert all("✓ allowed → ✗ denied for all 6 companies" in item for item in denied)
    assert out.index("Now denied") < out.index("Nmbrs API rights check")

    code, out, _err = _run(capsys, "history", "--format", "json")
    assert code == 0
    checks = json.loads(out)["checks"]
    assert [(c["id"], c["exit_code"]) for c in checks] == [(2, 1), (1, 0)]
    assert checks[0]["profile"] == "demo" and checks[0]["changed"] == "+24 denied"

    code, out, _err = _run(
        capsys, "check", "--demo", "-q", "--scenario", scenario, "--diff", "1", "-f", "json"
    )
    assert code == 1
    data = json.loads(out)
    jsonschema.validate(data, load_schema())  # still the report of the schema, plus changes
    changes = data["changes"]
    assert changes["compared_to"] == {
        "id": 1,
        "checked_at": changes["compared_to"]["checked_at"],
        "exit_code": 0,
    }
    flipped = {f["operation"] for f in changes["flipped"] if f["kind"] == "to_denied"}
    assert flipped == set(MISSING_RIGHTS_OPERATIONS)
    assert {f["operation"] for f in changes["flipped"]} == flipped
    assert data["exit_code"] == 1 and data["results"]  # the usual report, its own exit code

    code, out, _err = _run(
        capsys,
        "check",
        "--demo",
        "-q",
        "--scenario",
        scenario,
        "--diff",
        "1",
        "--lang",
        "nl",
    )
    assert code == 1
    assert out.startswith("Wijzigingen sinds controle #1")
    denied_nl = _section(out, "Nu geweigerd")
    assert sorted(item.split(":")[0] for item in denied_nl) == sorted(MISSING_RIGHTS_OPERATIONS)
    assert all("voor alle 6 bedrijven" in item for item in denied_nl)


def test_diff_against_an_unchanged_check_and_markdown(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = _customer(tmp_path, "healthy")
    assert _run(capsys, "check", "--demo", "-q", "--scenario", scenario)[0] == 0
    code, out, _err = _run(
        capsys, "check", "--demo", "-q", "--scenario", scenario, "--diff", "-f", "markdown"
    )
    assert code == 0 and out.startswith("Nothing changed since check \\#1")
    _customer(tmp_path, "missing-rights")
    code, out, _err = _run(
        capsys, "check", "--demo", "-q", "--scenario", scenario, "--diff", "-f", "markdown"
    )
    assert code == 1 and out.startswith("## Changes since check \\#2")
    assert "**Now denied**" in out and "**New fault codes**" in out


def test_diff_without_an_earlier_check_says_so_and_keeps_the_exit_code(
    state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "check", "--demo", "-q", "--scenario", "missing-rights", "--diff")
    assert code == 1
    assert "no earlier check of demo scenario missing-rights to compare (profile demo" in err
    assert out.startswith("Nmbrs API rights check")
    assert _run(capsys, "check", "--demo", "-q", "--diff", "someday")[0] == 64


def test_rest_diff_names_the_lost_scopes(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = _customer(tmp_path, "healthy")
    assert _run(capsys, "check", "--demo", "-q", "--api", "rest", "--scenario", scenario)[0] == 0
    _customer(tmp_path, "missing-rights")
    code, out, _err = _run(
        capsys,
        "check",
        "--demo",
        "-q",
        "--api",
        "rest",
        "--scenario",
        scenario,
        "--diff",
        "-f",
        "json",
    )
    assert code == 1
    lost = json.loads(out)["changes"]["scopes_lost"]
    assert "document.read" in lost and "employee.bankaccount.read" in lost
    assert _run(capsys, "history", "--api", "soap")[0] == 1  # nothing recorded on SOAP


def test_a_corrupt_history_is_one_warning_and_the_check_keeps_its_exit_code(
    state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = history_path()
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_bytes(b"\x00garbage" * 512)
    code, out, err = _run(capsys, "check", "--demo", "-q", "--scenario", "missing-rights")
    assert code == 1 and "Nmbrs API rights check" in out
    assert len(err.strip().splitlines()) == 1 and "warning" in err and "move" in err
    code, _out, err = _run(capsys, "history")
    assert code == 64 and "move" in err


@pytest.fixture()
def two_profiles(state: Path, tmp_path: Path, demo_factory: DemoFactory) -> Path:
    demos = {name: demo_factory(ApiKind.SOAP, name) for name in ("healthy", "bad-token")}
    return write_demo_profiles(
        tmp_path / "config.toml",
        {name: (demo.base_url, f'token = "{DEMO_TOKEN}"') for name, demo in demos.items()},
    )


def test_all_profiles_records_each_profile(
    two_profiles: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, _err = _run(capsys, "check", "--all-profiles", "-q", "--config", str(two_profiles))
    assert code == 2
    recorded = {(c.profile, c.exit_code) for c in History().checks()}
    assert recorded == {("healthy", 0), ("bad-token", 2)}
    bad = History().checks("bad-token", "soap", 1)[0]
    assert bad is not None and bad.stopped == "auth_failed"


def test_migration_records_the_soap_and_the_rest_check(
    state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "check", "--demo", "--migration", "-q")
    assert sorted(c.api for c in History().checks()) == ["rest", "soap"]


def test_history_show_and_prune(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = _customer(tmp_path, "healthy")
    _run(capsys, "check", "--demo", "-q", "--scenario", scenario)
    _customer(tmp_path, "missing-rights")
    _run(capsys, "check", "--demo", "-q", "--scenario", scenario)
    code, out, _err = _run(capsys, "history", "show", "2")
    assert code == 0 and "exit 1" in out and "endpoint_denied" in out and "Now denied" in out
    code, out, _err = _run(capsys, "history", "show", "2", "-f", "json")
    shown = json.loads(out)
    assert shown["exit_code"] == 1
    operations = {c["operation"] for c in shown["cells"]}
    assert len(shown["cells"]) == 6 * len(operations)  # every operation on each of 6 companies
    denied = [c for c in shown["cells"] if c["status"] == "endpoint_denied"]
    assert {c["operation"] for c in denied} == set(MISSING_RIGHTS_OPERATIONS)
    assert len(denied) == 24 and {c["fault_code"] for c in denied} == {1002}
    assert not any("demo@example.com" in json.dumps(c) for c in shown["cells"])
    assert _run(capsys, "history", "show", "9")[0] == 1
    code, out, _err = _run(capsys, "history", "prune", "--keep", "1")
    assert code == 0 and out.startswith("1 checks removed")
    assert [c.id for c in History().checks()] == [2]


def test_all_profiles_says_what_changed_since_each_profiles_last_check(
    two_profiles: Path, capsys: pytest.CaptureFixture[str], demo_factory: DemoFactory
) -> None:
    argv = ("check", "--all-profiles", "-q", "--config", str(two_profiles))
    code, out, _err = _run(capsys, *argv)
    assert code == 2 and "Changed since last" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line.split()[:1]}
    assert rows["healthy"].endswith(" -")  # nothing recorded before
    code, out, _err = _run(capsys, *argv, "--format", "json")
    changed = {row["profile"]: row["changed"] for row in json.loads(out)["profiles"]}
    assert changed == {"healthy": "no change", "bad-token": "no change"}
    denying = demo_factory(ApiKind.SOAP, "missing-rights")
    try:
        text = two_profiles.read_text(encoding="utf-8")
        healthy_url = text.split('base_url = "')[1].split('"')[0]
        two_profiles.write_text(text.replace(healthy_url, denying.base_url), encoding="utf-8")
        code, out, _err = _run(capsys, *argv)
    finally:
        denying.stop()
    rows = {line.split()[0]: line for line in out.splitlines() if line.split()[:1]}
    assert rows["healthy"].endswith("+24 denied") and rows["bad-token"].endswith("no change")


@pytest.mark.parametrize("api", ["soap", "rest"])
def test_the_support_bundle_carries_the_profiles_last_checks_and_nothing_personal(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], api: str
) -> None:
    import zipfile

    from nmbrs_demo.credentials import DEMO_REST_CLIENT_SECRET, DEMO_REST_SUBSCRIPTION_KEY

    assert _run(capsys, "check", "--demo", "--api", api, "-q")[0] == 0
    target = tmp_path / "ticket.zip"
    code, _out, _err = _run(
        capsys, "check", "--demo", "--api", api, "-q", "--scenario", "missing-rights",
        "--bundle", str(target),
    )  # fmt: skip
    assert code == 1
    with zipfile.ZipFile(target) as bundle:
        history = json.loads(bundle.read("history.json"))
        everything = "".join(bundle.read(n).decode("utf-8") for n in bundle.namelist())
    checks = history["checks"]
    assert [(c["exit_code"], c["api"], c["profile"]) for c in checks] == [
        (1, api, "demo"),
        (0, api, "demo"),
    ]
    # another scenario is another Nmbrs: the second check is compared with nothing
    assert checks[0]["scenario"] == "missing-rights" and checks[1]["scenario"] == "healthy"
    assert checks[0]["changed"] == checks[1]["changed"] == "- (first of its scenario)"
    raw = json.dumps(history)
    assert "cells" not in raw and "Maasland" not in raw  # no cells, so no company names
    for secret in (DEMO_TOKEN, DEMO_REST_CLIENT_SECRET, DEMO_REST_SUBSCRIPTION_KEY):
        assert secret not in everything


def test_a_bundle_with_an_unreadable_history_says_so(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    path = history_path()
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_bytes(b"\x00not sqlite" * 400)
    target = tmp_path / "ticket.zip"
    code, _out, _err = _run(capsys, "check", "--demo", "-q", "--bundle", str(target))
    assert code == 0  # the check's own verdict; the warning is printed once per process
    with zipfile.ZipFile(target) as bundle:
        assert "history.json" not in bundle.namelist()
        readme = bundle.read("README.txt").decode("utf-8")
    assert "check history not included" in readme


def _keep_config(tmp_path: Path, value: str) -> Path:
    import os

    path = tmp_path / "keep.toml"
    path.write_text(f"history_keep = {value}\n", encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def test_history_keep_in_config_toml_is_what_each_check_and_prune_keep(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _keep_config(tmp_path, "2")
    for _ in range(3):
        assert _run(capsys, "check", "--demo", "-q", "--config", str(config))[0] == 0
    assert [c.id for c in History().checks()] == [3, 2]  # the oldest went with the third
    _keep_config(tmp_path, "1")
    code, out, _err = _run(capsys, "history", "prune", "--config", str(config))
    assert code == 0 and out.startswith("1 checks removed, at most 1 kept per profile")
    assert [c.id for c in History().checks()] == [3]


@pytest.mark.parametrize("value", ["0", "-5", '"many"', "1.5", "100001"])
def test_a_bad_history_keep_is_one_line_and_exit_64(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    config = _keep_config(tmp_path, value)
    for argv in (("history", "prune"), ("check", "-q")):
        code, out, err = _run(capsys, *argv, "--config", str(config))
        assert code == 64 and out == ""
        assert "history_keep" in err and len(err.strip().splitlines()) == 1, err


def test_checks_of_two_demo_scenarios_one_after_another_are_never_compared(
    state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each demo scenario is another Nmbrs: "changed since" would report the scenario switch
    as the customer's doing. Both --diff and history say there is nothing to compare."""
    assert _run(capsys, "check", "--demo", "-q")[0] == 0
    code, out, err = _run(capsys, "check", "--demo", "-q", "--scenario", "missing-rights", "--diff")
    assert code == 1  # this check's own verdict
    assert "no earlier check of demo scenario missing-rights to compare" in err
    assert "Changes since" not in out and "Now denied" not in out
    assert out.startswith("Nmbrs API rights check")

    code, _out, err = _run(
        capsys, "check", "--demo", "-q", "--scenario", "missing-rights", "--diff", "1"
    )
    assert code == 1
    assert "check #1 is not comparable: it is of demo scenario healthy, not missing-rights" in err

    code, out, _err = _run(capsys, "history", "--format", "json")
    checks = json.loads(out)["checks"]
    assert [(c["id"], c["scenario"]) for c in checks] == [
        (3, "missing-rights"),
        (2, "missing-rights"),
        (1, "healthy"),
    ]
    # the third is compared with the second (same scenario), never the first
    assert [c["changed"] for c in checks] == ["no change"] + ["- (first of its scenario)"] * 2
    code, out, _err = _run(capsys, "history")
    assert code == 0 and "demo missing-rights" in out and "demo healthy" in out
    code, out, _err = _run(capsys, "history", "show", "2")
    assert code == 0 and "Now denied" not in out
    assert "No earlier check of demo scenario missing-rights to compare." in out
