"""The migration plan: a verdict first, numbered steps naming exactly the missing scopes, the days
left, in English and in Dutch that a Dutch payroll administrator reads as native; and the fleet
view over every profile (`--all-profiles --migration`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nmbrs_client.ids import ApiKind
from nmbrs_client.rights.results import SOAP_END_OF_SUPPORT
from nmbrs_demo.server import DemoServer
from tests.conftest import DemoFactory
from tui.cli import main

# The missing-scopes scenario's consent lacks the bank-account scopes and document.read; the
# REST demo's missing-rights twin is the same consent.
MISSING = ["employee.bankaccount.read", "document.read"]
EXPECTED = {"healthy": ("ready", []), "missing-scopes": ("not_ready", MISSING)}
EXPECTED["missing-rights"] = ("not_ready", MISSING)
FIRST_LINE = {
    ("en", "ready"): "Ready for REST.",
    ("en", "not_ready"): "Not ready for REST.",
    ("nl", "ready"): "Klaar voor REST.",
    ("nl", "not_ready"): "Nog niet klaar voor REST.",
}


def _plan(capsys: pytest.CaptureFixture[str], scenario: str, *extra: str) -> tuple[int, str]:
    code = main(["check", "--demo", "--migration", "--quiet", "--scenario", scenario, *extra])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("scenario", list(EXPECTED))
def test_json_has_verdict_steps_and_days_left(
    scenario: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _plan(capsys, scenario, "--format", "json")
    data = json.loads(out)
    verdict, missing = EXPECTED[scenario]
    assert data["verdict"] == verdict and data["missing_scopes"] == missing
    assert data["days_left"] == (SOAP_END_OF_SUPPORT - date.today()).days
    numbers = [step["number"] for step in data["steps"]]
    assert numbers == list(range(1, len(numbers) + 1))
    consents = [s for s in data["steps"] if s["for"] == "customer" and s["kind"] == "consent"]
    if missing:
        assert code == 1
        assert [s["scopes"] for s in consents] == [missing]  # exactly the missing ones
        assert any(s["kind"] == "login" and "client login" in s["text"] for s in data["steps"])
    else:
        assert code == 0 and consents == []
    kinds = {s["kind"] for s in data["steps"] if s["for"] == "integrator"}
    assert {"register_app", "subscription_key", "switch"} <= kinds
    gaps = {g["soap_operation"]: g["gaps"] for g in data["rest_gaps"]}
    assert any(
        "InitialStartDate" in text
        for text in gaps["EmployeeService.Employment_GetAll_AllEmployeesByCompany"]
    )


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("scenario", list(EXPECTED))
def test_text_starts_with_the_verdict_and_numbers_the_steps(
    scenario: str, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, out = _plan(capsys, scenario, "--lang", lang)
    verdict, missing = EXPECTED[scenario]
    first = out.splitlines()[0]
    assert first.startswith(FIRST_LINE[(lang, verdict)])
    assert str((SOAP_END_OF_SUPPORT - date.today()).days) in first
    steps = re.findall(r"^  (\d+)\. ", out, flags=re.MULTILINE)
    assert steps and steps == [str(n) for n in range(1, len(steps) + 1)]
    if missing:
        consent = next(line for line in out.splitlines() if " ".join(MISSING) in line)
        assert re.match(r"^  2\. ", consent)


# Nmbrs' own screen and field names stay as Nmbrs shows them (its menus are English in both
# languages); everything else in the Dutch plan must be Dutch.
NMBRS_NAMES = (
    "Template Users",
    "Master Client",
    "Master Bedrijfslogin",
    "My Integrations",
    "Products → subscribe → Profile → Subscriptions → Primary key",
    "Redirect URI",
    "X-Subscription-Key",
    "Employee Service",
    "Company Service",
    "Debtor Service",
    "API Token",
    "User profile",
)
# ("is" and "of" are Dutch words too: "or" is "of" in Dutch.)
ENGLISH = (
    "the",
    "and",
    "to",
    "for",
    "with",
    "from",
    "not",
    "are",
    "missing",
    "ready",
    "consent",
    "steps",
    "customer",
    "days",
    "left",
    "until",
    "give",
    "cannot",
    "only",
    "again",
    "what",
    "none",
    "checked",
    "allowed",
    "scope missing",
    "calls",
    "register",
    "key",
    "today",
)


def _dutch_words(text: str) -> str:
    for name in NMBRS_NAMES:
        text = text.replace(name, " ")
    text = re.sub(r"https?://\S+", " ", text)  # addresses
    text = re.sub(r"`[^`]*`", " ", text)  # code
    text = re.sub(r"\b[\w-]+(\.[\w{}-]+)+\b", " ", text)  # scopes, Service.Operation names
    text = re.sub(r"\b\w+_\w+\b", " ", text)  # offline_access, operation names
    return re.sub(r"\S*/\S*", " ", text)  # paths


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_the_dutch_plan_has_no_english_words_and_a_decimal_comma(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, out = _plan(capsys, "missing-scopes", "--lang", "nl", "--format", fmt)
    words = _dutch_words(out)
    found = sorted({w for w in ENGLISH if re.search(rf"\b{w}\b", words, flags=re.IGNORECASE)})
    assert found == [], found
    assert not re.search(r"\b\d+\.\d+\b", words)  # no decimal point in Dutch
    assert "Salaris-/HR-koppeling" in out  # the profile's Dutch title, not its English one


def test_the_english_check_itself_finds_english(capsys: pytest.CaptureFixture[str]) -> None:
    _code, out = _plan(capsys, "missing-scopes", "--lang", "en")
    words = _dutch_words(out)
    assert {"the", "missing", "consent"} <= {
        w for w in ENGLISH if re.search(rf"\b{w}\b", words, flags=re.IGNORECASE)
    }


def test_fleet_over_three_profiles_gives_one_row_each_with_its_verdict(
    demo_server: DemoServer,
    rest_demo_factory: Callable[..., Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ready = rest_demo_factory("healthy")
    short = rest_demo_factory("missing-scopes")
    config = tmp_path / "config.toml"
    soap = f'environment = "demo"\nbase_url = "{demo_server.base_url}"\n'
    config.write_text(
        f'[profiles.ready]\n{soap}[profiles.ready.rest]\nbase_url = "{ready.base_url}"\n'
        f'[profiles.scopes]\n{soap}[profiles.scopes.rest]\nbase_url = "{short.base_url}"\n'
        f"[profiles.soaponly]\n{soap}"
    )
    config.chmod(0o600)
    # One customer: its profile's SOAP part and REST part, side by side, the plan first.
    one = ["check", "--config", str(config), "--migration", "-q", "--format", "json"]
    assert main([*one, "-P", "scopes"]) == 1
    plan = json.loads(capsys.readouterr().out)
    assert plan["soap_checked"] and plan["rest_checked"] and plan["verdict"] == "not_ready"
    assert main([*one, "-P", "soaponly"]) == 3
    plan = json.loads(capsys.readouterr().out)
    assert plan["verdict"] == "not_checked" and not plan["rest_checked"]
    argv = ["check", "--config", str(config), "--all-profiles", "--migration", "-q"]
    code = main([*argv, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    rows = {row["profile"]: row for row in data["profiles"]}
    assert len(data["profiles"]) == 3
    assert (rows["ready"]["verdict"], rows["ready"]["rest_verdict"]) == ("ready", "ok")
    assert rows["scopes"]["verdict"] == "not_ready"
    assert rows["scopes"]["missing_scopes"] == MISSING
    assert (rows["soaponly"]["verdict"], rows["soaponly"]["rest_verdict"]) == (
        "not_checked",
        "not_set_up",
    )
    assert {row["soap_verdict"] for row in rows.values()} == {"ok"}
    assert {row["days_left"] for row in rows.values()} == {
        (SOAP_END_OF_SUPPORT - date.today()).days
    }
    assert code == data["exit_code"] == 1  # the worst row: scopes missing
    assert main([*argv, "--lang", "nl"]) == 1
    table = capsys.readouterr().out
    assert "REST niet ingericht" in table and "✓ klaar" in table and "✗ niet klaar" in table


def test_a_rest_login_that_no_profile_describes_is_checked_as_a_profile_is(
    demo_server: DemoServer,
    demo_factory: DemoFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--rest-profile`` naming a login no profile describes (an older ``auth login``): the
    REST side resolves and opens as any REST profile, here from the variables the REST demo
    prints for a script."""
    rest = demo_factory(ApiKind.REST, "missing-scopes")
    for name, value in rest.reach().items():
        monkeypatch.setenv(name, value)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[profiles.shop]\nenvironment = "demo"\nbase_url = "{demo_server.base_url}"\n'
    )
    config.chmod(0o600)
    argv = ["check", "--config", str(config), "-P", "shop", "--migration", "--format", "json"]
    assert main([*argv, "--rest-profile", "older-login", "-q"]) == 1
    plan = json.loads(capsys.readouterr().out)
    assert plan["soap_checked"] and plan["rest_checked"] and plan["verdict"] == "not_ready"
    monkeypatch.delenv("NMBRS_REST_TOKEN")  # no fixed token and no login kept: not checked
    assert main([*argv, "--rest-profile", "older-login"]) == 3
    captured = capsys.readouterr()
    plan = json.loads(captured.out)
    assert not plan["rest_checked"] and plan["verdict"] == "not_checked"
    assert "REST side not checked" in captured.err and "older-login" in captured.err
    # the plan says why, never that REST is not set up (a login was named for it)
    [reason] = plan["reasons"]
    assert reason.startswith("REST could not be checked: ") and "older-login" in reason


def test_fleet_tells_a_soap_part_that_cannot_be_checked_from_no_soap_part(
    demo_server: DemoServer,
    rest_demo_factory: Callable[..., Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A SOAP part whose check could not start (here: no token of its own) is "cannot be
    checked", never "no SOAP part": the customer does have one, and it still has to work."""
    rest = rest_demo_factory("healthy")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[profiles.tokenless]\nenvironment = "custom"\nbase_url = "{demo_server.base_url}"\n'
        '[profiles.tokenless.soap]\nusername = "api@example.nl"\ndomain = "demo"\n'
        '[profiles.restonly]\napi = "rest"\nenvironment = "custom"\n'
        f'[profiles.restonly.rest]\nbase_url = "{rest.base_url}"\n'
        f'identity_url = "{rest.base_url}/identity"\n'
    )
    config.chmod(0o600)
    argv = ["check", "--config", str(config), "--all-profiles", "--migration", "-q"]
    main([*argv, "--format", "json"])
    rows = {row["profile"]: row for row in json.loads(capsys.readouterr().out)["profiles"]}
    assert rows["tokenless"]["soap_verdict"] == "not_checked"
    assert rows["restonly"]["soap_verdict"] == "not_set_up"
    main(argv)
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line}
    assert "cannot be checked" in lines["tokenless"] and "no SOAP part" not in lines["tokenless"]
    assert "no SOAP part" in lines["restonly"]
    # why each side that is set up could not be checked: under the table, in the chosen
    # language, and in the JSON; never "not set up" for a REST part that failed to start
    tokenless, restonly = rows["tokenless"], rows["restonly"]
    assert "no API token" in tokenless["soap_not_checked_because"]
    assert tokenless["rest_not_checked_because"] is None
    assert "subscription key" in restonly["rest_not_checked_because"]
    assert restonly["soap_not_checked_because"] is None
    assert not any("not set up" in reason for reason in restonly["reasons"])
    assert restonly["reasons"] == [
        f"REST could not be checked: {restonly['rest_not_checked_because']}"
    ]
    assert tokenless["reasons"][0].startswith("SOAP could not be checked: no API token")
    out = "\n".join(lines.values())
    assert "tokenless: SOAP could not be checked: no API token" in out
    assert "restonly: REST could not be checked: " in out
    main([*argv, "--lang", "nl", "--format", "markdown"])
    dutch = capsys.readouterr().out
    assert "- tokenless: SOAP kon niet worden gecontroleerd: no API token" in dutch
    assert "- restonly: REST kon niet worden gecontroleerd: " in dutch


def test_why_a_side_was_not_checked_is_one_clean_line_with_its_hint() -> None:
    from nmbrs_client.errors import NmbrsError
    from tui.headless.migration_cmd import why_of

    why = why_of(NmbrsError("the host said \x1b[31mno\x1b[0m\r\nat all", hint="run it again"))
    assert "\x1b" not in why and "\n" not in why and "\r" not in why
    assert why.endswith("; run it again") and "at all" in why
    assert len(why_of(NmbrsError("x" * 10_000))) <= 320
