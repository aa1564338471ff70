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
from typing import Any, cast

import pytest

from nmbrs_client.config import load_config, resolve_settings
from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo
from nmbrs_demo.credentials import (
    DEMO_DOMAIN,
    DEMO_REST_SUBSCRIPTION_KEY,
    DEMO_TOKEN,
    DEMO_USERNAME,
)
from tests.config_isolation import isolate, write_demo_profiles
from tests.conftest import DemoFactory
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
    from nmbrs_client.errors import SecretOfOneConnection
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
    with pytest.raises(SecretOfOneConnection, match="NMBRS_SUBSCRIPTION_KEY"):
        backend_from_settings(own)  # its own secrets only: it has none, so it is not checked


def write_rest_profile(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.rest-acme]\napi = "rest"\nenvironment = "custom"\n[profiles.rest-acme.rest]\n'
        'base_url = "http://127.0.0.1:9/"\nidentity_url = "http://127.0.0.1:9/identity"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture()
def key_in_env(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    soap_demo: RunningDemo,
    demo_factory: DemoFactory,
) -> tuple[Path, RunningDemo]:
    """Profiles ``good`` (SOAP, its own token) and ``keyed`` (REST, its subscription key kept
    in the environment), with everything ``keyed`` needs exported, as for a check of it alone."""
    isolate(tmp_path, monkeypatch)
    rest = demo_factory(ApiKind.REST, "healthy")
    token_file = tmp_path / "good.token"
    token_file.write_text(DEMO_TOKEN + "\n", encoding="utf-8")
    os.chmod(token_file, 0o600)
    path = write_demo_profiles(
        tmp_path / "config.toml", {"good": (soap_demo.base_url, f'token_file = "{token_file}"')}
    )
    with path.open("a", encoding="utf-8") as config:
        config.write(
            '\n[profiles.keyed]\napi = "rest"\nenvironment = "custom"\n'
            f'[profiles.keyed.rest]\nbase_url = "{rest.base_url}"\n'
            f'identity_url = "{rest.reach()["NMBRS_REST_IDENTITY_URL"]}"\n'
            'subscription_key_from = "env"\n'
        )
    for name, value in rest.reach().items():
        monkeypatch.setenv(name, value)
    return path, rest


def test_all_profiles_does_not_check_a_profile_whose_key_is_only_in_the_environment(
    key_in_env: tuple[Path, RunningDemo], capsys: pytest.CaptureFixture[str]
) -> None:
    """The exported key may be another customer's: the profile is "not verified" (never a
    verdict on a borrowed key, never "cannot connect" or "unusable"), with how to check it."""
    config, rest = key_in_env
    calls_before = cast(Any, rest.server).stats.total_calls
    code = main(["check", "--all-profiles", "--config", str(config), "--format", "json", "-q"])
    out, err = capsys.readouterr()
    rows = {row["profile"]: row for row in json.loads(out)["profiles"]}
    assert rows["good"]["exit_code"] == ExitCode.OK
    keyed = rows["keyed"]
    assert keyed["exit_code"] == ExitCode.NOT_VERIFIED, keyed["reason"]
    assert keyed["verdict"] == "not verified"
    # nothing was counted, so no count looks measured; where it was meant to go is the config's
    assert keyed["errors"] is None and keyed["unverified"] is None
    assert keyed["missing_rights"] is None
    assert (keyed["environment"], keyed["api"]) == ("custom", "rest")
    assert "NMBRS_SUBSCRIPTION_KEY" in keyed["reason"]
    assert "nmbrs-tui check -P keyed" in keyed["reason"]
    assert code == ExitCode.NOT_VERIFIED
    assert cast(Any, rest.server).stats.total_calls == calls_before  # nothing sent with it
    assert "NMBRS_SUBSCRIPTION_KEY" in err and "left out" in err
    assert DEMO_REST_SUBSCRIPTION_KEY not in out + err


def test_the_same_profile_checked_on_its_own_uses_the_exported_key(
    key_in_env: tuple[Path, RunningDemo], capsys: pytest.CaptureFixture[str]
) -> None:
    config, _rest = key_in_env
    code = main(["check", "-P", "keyed", "--config", str(config), "-q", "--format", "json"])
    assert json.loads(capsys.readouterr().out)["api"] == "rest"
    assert code == ExitCode.OK


def test_all_profiles_does_not_check_a_soap_profile_whose_token_is_only_in_the_environment(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    soap_demo: RunningDemo,
    capsys: pytest.CaptureFixture[str],
) -> None:
    isolate(tmp_path, monkeypatch)
    config = write_demo_profiles(tmp_path / "config.toml", {"tokenless": (soap_demo.base_url, "")})
    monkeypatch.setenv("NMBRS_TOKEN", DEMO_TOKEN)
    code = main(["check", "--all-profiles", "--config", str(config), "--format", "json", "-q"])
    [row] = json.loads(capsys.readouterr().out)["profiles"]
    assert row["exit_code"] == ExitCode.NOT_VERIFIED
    assert "NMBRS_TOKEN" in row["reason"] and "check -P tokenless" in row["reason"]
    assert (row["environment"], row["api"]) == ("custom", "soap")
    assert code == ExitCode.NOT_VERIFIED
    assert main(["check", "--all-profiles", "--config", str(config), "-q"]) == code
    [line] = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("tokenless ")]
    # the config's place, the verdict, and dashes where nothing was counted (never "?" or 0)
    assert line.split()[1:4] == ["custom", "soap", "3"]
    assert line.split("not verified")[1].split()[:3] == ["–", "–", "–"]
    monkeypatch.delenv("NMBRS_TOKEN")  # nothing exported: the profile is unusable, as before
    assert main(["check", "--all-profiles", "--config", str(config), "-q"]) == ExitCode.USAGE
    [line] = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("tokenless ")]
    assert line.split()[1:4] == ["custom", "soap", "64"]


@pytest.fixture()
def secret_in_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_factory: DemoFactory
) -> tuple[Path, RunningDemo]:
    """Profile ``appsecret`` (REST): its subscription key and its login are its own (file and
    token store); its app's client secret is kept in the environment (``client_secret_from =
    "env"``) and exported, as for a check of it alone."""
    from nmbrs_client.rest.auth.credentials import credentials_path
    from nmbrs_client.rest.auth.tokens import TokenSet, TokenStore
    from nmbrs_client.rest_operations import DEFAULT_SCOPES
    from nmbrs_demo.credentials import DEMO_REST_CLIENT_ID, DEMO_REST_CLIENT_SECRET
    from nmbrs_demo.reach import DEMO_ACCESS
    from tests.config_isolation import isolate_state

    isolate_state(tmp_path, monkeypatch)
    rest = demo_factory(ApiKind.REST, "healthy")
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.appsecret]\napi = "rest"\nenvironment = "custom"\n'
        f'[profiles.appsecret.rest]\nbase_url = "{rest.base_url}"\n'
        f'identity_url = "{rest.reach()["NMBRS_REST_IDENTITY_URL"]}"\n'
        f'client_id = "{DEMO_REST_CLIENT_ID}"\nclient_secret_from = "env"\n',
        encoding="utf-8",
    )
    os.chmod(path, 0o600)
    keys = credentials_path("appsecret")
    keys.parent.mkdir(parents=True)
    keys.write_text(f'subscription_key = "{DEMO_REST_SUBSCRIPTION_KEY}"\n', encoding="utf-8")
    os.chmod(keys, 0o600)
    login = DEMO_ACCESS.rest_login(rest.base_url, DEFAULT_SCOPES)
    TokenStore("appsecret").save(TokenSet.from_response(login))
    monkeypatch.setenv("NMBRS_REST_CLIENT_SECRET", DEMO_REST_CLIENT_SECRET)
    return path, rest


def _expire_login(profile: str) -> str:
    """Make the stored access token expired; returns the refresh token a refresh would spend."""
    import dataclasses
    import time

    from nmbrs_client.rest.auth.tokens import TokenStore

    store = TokenStore(profile)
    tokens = store.load()
    assert tokens is not None and tokens.refresh_token
    store.save(dataclasses.replace(tokens, expires_at=time.time() - 60))
    return tokens.refresh_token


def test_all_profiles_uses_a_profiles_own_valid_login_without_its_app_secret(
    secret_in_env: tuple[Path, RunningDemo], capsys: pytest.CaptureFixture[str]
) -> None:
    config, _rest = secret_in_env
    code = main(["check", "--all-profiles", "--config", str(config), "--format", "json", "-q"])
    [row] = json.loads(capsys.readouterr().out)["profiles"]
    assert (row["exit_code"], code) == (ExitCode.OK, ExitCode.OK), row["reason"]


def test_all_profiles_never_refreshes_a_login_with_the_exported_client_secret(
    secret_in_env: tuple[Path, RunningDemo], capsys: pytest.CaptureFixture[str]
) -> None:
    """An expired login needs the app's secret to refresh; the exported one may be another
    customer's app, so the profile is "not verified" with how to check it, and nothing is
    spent (a refresh token is single use). Checked on its own, the same login refreshes."""
    from nmbrs_client.rest.auth.tokens import TokenStore
    from nmbrs_demo.credentials import DEMO_REST_CLIENT_SECRET

    config, rest = secret_in_env
    refresh = _expire_login("appsecret")
    calls_before = cast(Any, rest.server).stats.total_calls
    code = main(["check", "--all-profiles", "--config", str(config), "--format", "json", "-q"])
    out, err = capsys.readouterr()
    [row] = json.loads(out)["profiles"]
    assert row["exit_code"] == code == ExitCode.NOT_VERIFIED, row["reason"]
    assert row["errors"] is None and row["missing_rights"] is None
    assert "NMBRS_REST_CLIENT_SECRET" in row["reason"] and "check -P appsecret" in row["reason"]
    assert "NMBRS_REST_CLIENT_SECRET" in err and "left out" in err
    assert DEMO_REST_CLIENT_SECRET not in out + err
    stored = TokenStore("appsecret").load()
    assert stored is not None and stored.refresh_token == refresh  # nothing spent
    assert cast(Any, rest.server).stats.total_calls == calls_before  # nothing sent at all
    fleet = ["check", "--all-profiles", "--migration", "--config", str(config), "-q"]
    assert main([*fleet, "--format", "json"]) == ExitCode.NOT_VERIFIED
    [side] = json.loads(capsys.readouterr().out)["profiles"]
    assert "NMBRS_REST_CLIENT_SECRET" in side["rest_not_checked_because"]
    assert main(["check", "-P", "appsecret", "--config", str(config), "-q"]) == ExitCode.OK
    stored = TokenStore("appsecret").load()
    assert stored is not None and stored.refresh_token != refresh  # refreshed, on its own


def _withheld_text_is_the_before_the_run_one(reason: str, profile: str) -> None:
    """The reason and next step a profile gets whose login needed the refresh before the run."""
    assert "NMBRS_REST_CLIENT_SECRET" in reason and "one connection it was exported for" in reason
    assert f"check it on its own: nmbrs-tui check -P {profile}" in reason


def test_a_login_due_for_a_refresh_mid_check_leaves_the_rest_not_verified(
    tmp_path: Path, demo_factory: DemoFactory
) -> None:
    """The profile's own login is used while it is valid; when it falls due for a refresh in
    the middle of the check (a fake clock moves past its lifetime after a few calls), the
    calls after it are not made and their cells are "not verified" with the reason and the
    next step a profile gets when its login is due before the run: exit 3, never "not
    established" (2). The single-use refresh token is not spent, nothing goes to the identity
    service, and the row of --all-profiles says the same."""
    import itertools
    import time

    from nmbrs_client.errors import SecretOfOneConnection
    from nmbrs_client.rest.auth.tokens import TokenSet, TokenStore
    from nmbrs_client.rest.connect import open_rest_backend
    from nmbrs_client.rest_operations import DEFAULT_SCOPES
    from nmbrs_client.rights.classify import Status
    from nmbrs_client.rights.findings import headline
    from nmbrs_client.rights.protocol import CheckOptions
    from nmbrs_client.rights.report import render
    from nmbrs_client.rights.report_words import REFRESH_WITHHELD, say
    from nmbrs_client.rights.requirements import BUILTIN_PROFILES
    from nmbrs_demo.reach import DEMO_ACCESS
    from nmbrs_demo.rest.identity import ACCESS_LIFETIME_S
    from tui.headless.all_profiles import Place, check_profiles

    rest = demo_factory(ApiKind.REST, "healthy")
    sent: list[str] = []
    cast(Any, rest.server).add_observer(lambda exchange: sent.append(exchange.path))
    folder = tmp_path / "tokens"
    store = TokenStore("fleetrow", folder=folder)
    store.save(TokenSet.from_response(DEMO_ACCESS.rest_login(rest.base_url, DEFAULT_SCOPES)))
    stored = store.load()
    assert stored is not None and stored.refresh_token
    withheld = SecretOfOneConnection(
        "fleetrow", "client secret (needed to refresh its login)", "NMBRS_REST_CLIENT_SECRET"
    )
    due_after_calls = 5
    reads = itertools.count()  # the client reads the clock once per call, before sending it

    def clock() -> float:  # past the token's lifetime once the opening and 5 calls read it
        return time.time() + (ACCESS_LIFETIME_S if next(reads) > due_after_calls else 0)

    backend = open_rest_backend(
        "fleetrow",
        environ={},
        given=DEMO_ACCESS.rest_app(rest.base_url),
        token_folder=folder,
        refresh_withheld=withheld,
        clock=clock,
    )
    sent.clear()
    try:
        report = backend.rights_prober(BUILTIN_PROFILES["integration"], CheckOptions()).run()
    finally:
        backend.close()
    assert report.exit_code == ExitCode.NOT_VERIFIED, report.summary()
    assert report.stopped is None and not report.cells_with(Status.ERROR)
    unverified = report.cells_with(Status.NOT_VERIFIED)
    # the ones settled before it stand; none is an error or a finding
    assert unverified and {c.status for c in report.cells} <= {Status.ALLOWED, Status.NOT_VERIFIED}
    for cell in unverified:
        _withheld_text_is_the_before_the_run_one(cell.message, "fleetrow")
    [line] = [a for a in report.account if a.check == "token"]
    assert (line.status, line.finding) == (Status.NOT_VERIFIED, True)
    _withheld_text_is_the_before_the_run_one(line.message, "fleetrow")
    assert headline(report, "en") == say("en", "unverified_login")
    dutch = render(report, "text", "nl")  # its fixed words in Dutch, never "nothing to call"
    assert REFRESH_WITHHELD["nl"] in dutch and say("nl", "basis_nothing") not in dutch
    assert not [path for path in sent if not path.startswith("/api/")]  # no token request
    assert len(sent) == due_after_calls  # not one call once the login was due
    after = store.load()
    assert after is not None and after.refresh_token == stored.refresh_token  # nothing spent
    [row] = check_profiles(
        ["fleetrow"],
        lambda name: (Place("custom", "rest"), report),
        lambda name: Place("custom", "rest"),
    )
    assert (row.exit_code, row.verdict, row.errors) == (3, "not verified", 0)
    _withheld_text_is_the_before_the_run_one(row.reason, "fleetrow")


def test_all_profiles_a_login_refused_as_expired_mid_run_is_not_verified(
    secret_in_env: tuple[Path, RunningDemo], capsys: pytest.CaptureFixture[str]
) -> None:
    """Nmbrs may refuse the login as expired before the client thinks it due (its own
    clock): a refresh would tell a lapsed login from a revoked one, and this run may not make
    it, so the refusal is no verdict either: the cells after it are "not verified", exit 3,
    with the reason and next step of the before-the-run case, and nothing is spent. The demo
    moves its clock past the token's lifetime once the account's lists have answered."""
    import time

    from nmbrs_client.rest.auth.tokens import TokenStore
    from nmbrs_demo.rest.identity import ACCESS_LIFETIME_S

    config, rest = secret_in_env
    server = cast(Any, rest.server)
    identity = server.demo.identity
    stored = TokenStore("appsecret").load()
    assert stored is not None
    answered: list[str] = []
    asked_identity: list[str] = []

    def expire_after_the_account(exchange: Any) -> None:
        if not exchange.path.startswith("/api/"):
            asked_identity.append(exchange.path)
            return
        answered.append(exchange.path)
        if len(answered) == 3:  # user, debtors, companies: from here on the token is expired
            identity.clock = lambda: time.time() + ACCESS_LIFETIME_S + 1

    server.add_observer(expire_after_the_account)
    code = main(["check", "--all-profiles", "--config", str(config), "--format", "json", "-q"])
    [row] = json.loads(capsys.readouterr().out)["profiles"]
    assert (row["exit_code"], code) == (ExitCode.NOT_VERIFIED, ExitCode.NOT_VERIFIED), row
    assert row["errors"] == 0 and row["unverified"] > 0
    _withheld_text_is_the_before_the_run_one(row["reason"], "appsecret")
    assert asked_identity == []
    after = TokenStore("appsecret").load()
    assert after is not None and after.refresh_token == stored.refresh_token


async def test_the_connection_pane_says_a_switched_to_login_is_not_refreshed_here(
    secret_in_env: tuple[Path, RunningDemo],
) -> None:
    """Opened on its own the profile's login is refreshed before it expires; switched to in
    the app (where the exported secret is another connection's) it is not, and the Connection
    pane says so with how to check it on its own, instead of promising a refresh."""
    config, _rest = secret_in_env
    app = NmbrsApp(LaunchOptions(profile="appsecret", config_path=str(config)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        assert app.connection_info.token_at_expiry == "refreshed before expiry"
        assert "(refreshed before expiry)" in screen_text(app)
        app.switch_profile("appsecret")
        await wait_for(
            pilot,
            lambda: app.connection_info.token_at_expiry.startswith("not refreshed here"),
            what="the switch to settle",
        )
        await wait_connected(pilot, app)
        note = app.connection_info.token_at_expiry
        assert "NMBRS_REST_CLIENT_SECRET" in note and "check -P appsecret" in note
        text = " ".join(screen_text(app).split())
        assert "refreshed before expiry" not in text and "not refreshed here" in text
