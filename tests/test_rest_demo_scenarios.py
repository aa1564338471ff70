"""REST scenario keys in scenario TOML files and the REST readings registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nmbrs_client.errors import ConfigError
from nmbrs_client.ids import ApiKind
from nmbrs_demo.rest.readings import REST_READINGS, Readings, parse_reading_args
from nmbrs_demo.scenarios import load_scenario
from tests.test_rest_demo_api import get


def test_toml_can_withhold_scopes_span_debtors_and_throttle(
    tmp_path: Path, rest_demo_factory: Any
) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(
        'name = "acme"\n'
        'withhold_scopes = ["company.payrollsettings.read"]\n'
        'consent = "all-debtors"\n'
        "throttle_per_second = 50\n",
        encoding="utf-8",
    )
    scenario = load_scenario(str(path))
    assert scenario.withheld_scopes == frozenset({"company.payrollsettings.read"})
    server = rest_demo_factory(scenario)
    assert len(server.demo.consent_debtors) == 2
    debtor = get(server, "/api/debtors").json()["data"][0]["debtorId"]
    company = get(server, f"/api/debtors/{debtor}/companies").json()["data"][0]["companyId"]
    assert get(server, f"/api/companies/{company}/runs").status_code == 403
    assert get(server, f"/api/companies/{company}/period").status_code == 200


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('consent = "everyone"', "consent must be one of"),
        ("withhold_scopes = [1]", "withhold_scopes must be a list of scope names"),
        ("throttle_per_second = -1", "throttle_per_second must be between"),
    ],
)
def test_bad_rest_keys_are_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_scenario(str(path))
    assert message in str(caught.value)


def test_an_unknown_withheld_scope_stops_the_rest_demo(tmp_path: Path) -> None:
    from nmbrs_demo.rest.server import start_rest_demo_server

    path = tmp_path / "typo.toml"
    path.write_text('withhold_scopes = ["employee.absence.read"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        start_rest_demo_server(str(path))
    assert "employee.absence.read" in str(caught.value)


def test_every_reading_defaults_to_its_first_choice_and_says_why() -> None:
    readings = Readings(ApiKind.REST)
    assert len(readings) == len(REST_READINGS) >= 12
    for reading in REST_READINGS:
        assert readings[reading.name] == reading.choices[0]
        assert reading.why_default and reading.question.startswith("Q")


def test_reading_arguments_are_checked() -> None:
    assert parse_reading_args(["retry-after=seconds"]) == {"retry-after": "seconds"}
    with pytest.raises(ConfigError, match="not name=value"):
        parse_reading_args(["retry-after"])
    with pytest.raises(ConfigError, match="Unknown reading"):
        parse_reading_args(["retry-afterwards=1"])
    with pytest.raises(ConfigError, match="cannot be"):
        Readings(ApiKind.REST, {"retry-after": "sometimes"})
