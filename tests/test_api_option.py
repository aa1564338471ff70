"""`api = "soap" | "rest"` in profiles, NMBRS_API and `--api` on every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from nmbrs_client.config import describe_settings
from nmbrs_client.connect import open_backend
from nmbrs_client.errors import ConfigError
from nmbrs_client.ids import ApiKind
from nmbrs_client.soap_backend import SoapBackend
from nmbrs_demo.reach import demo_settings
from tests.test_config import acme_config, resolve
from tui.cli import main


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.config_isolation import isolate

    isolate(tmp_path, monkeypatch)


def test_profiles_default_to_soap_and_may_say_rest(tmp_path: Path) -> None:
    soap = resolve(acme_config(tmp_path))
    assert soap.api is ApiKind.SOAP and soap.provenance["api"] == "default"
    rest = resolve(acme_config(tmp_path, 'api = "rest"'))
    assert rest.api is ApiKind.REST and rest.provenance["api"] == "profile acme"
    assert ("api", "rest", "profile acme") in describe_settings(rest)


def test_an_unknown_api_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve(acme_config(tmp_path, 'api = "graphql"'))
    assert "api" in caught.value.message


def test_flag_beats_environment_beats_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = acme_config(tmp_path, 'api = "rest"')
    monkeypatch.setenv("NMBRS_API", "soap")
    from_env = resolve(path)
    assert from_env.api is ApiKind.SOAP and from_env.provenance["api"] == "env NMBRS_API"
    from_flag = resolve(path, api="rest")
    assert from_flag.api is ApiKind.REST and from_flag.provenance["api"] == "flag"


def test_open_backend_gives_soap_and_rest_needs_a_login_first(tmp_path: Path) -> None:
    soap = open_backend(demo_settings("http://127.0.0.1:9/soap/v3/"))
    assert isinstance(soap, SoapBackend)
    soap.close()
    rest = resolve(acme_config(tmp_path, 'api = "rest"'))
    with pytest.raises(ConfigError) as caught:
        open_backend(rest)
    assert "auth login" in caught.value.hint or "NMBRS_SUBSCRIPTION_KEY" in caught.value.message


def test_a_rest_profile_without_login_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NMBRS_SUBSCRIPTION_KEY", "key-for-the-test")
    path = acme_config(tmp_path, 'api = "rest"')
    assert main(["runs", "--config", str(path), "--company", "1"]) == 64
    err = capsys.readouterr().err
    assert "auth login -P acme" in err and "Traceback" not in err
    assert "key-for-the-test" not in err


def test_api_is_validated_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runs", "--demo", "--api", "corba", "--company", "1"]) == 64
    assert "invalid choice" in capsys.readouterr().err
