"""The SOAP demo's throttle: 429/503 with Retry-After, or a fault asking to slow down.

Real gateways in front of an ASMX service answer 429 or 503 with ``Retry-After``; Nmbrs' own
answer to too many calls is to slow down. The client must wait and retry each, and a check
under throttling must end with every cell verified (no ``error``). Retry-After is 0 here so
nothing waits; the bench runs 152 companies with ``Retry-After: 1``.
"""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.errors import ConfigError
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.engine import RightsEngine
from nmbrs_client.rights.requirements import find_profile
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.scenarios import load_scenario, scenario_from_mapping
from nmbrs_demo.server import start_demo_server

ENVELOPE = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    '<Environment_Get xmlns="https://api.nmbrs.nl/soap/v3/CompanyService" />'
    "</soap:Body></soap:Envelope>"
)


@pytest.mark.parametrize("kind", ["429", "503", "slow-down"])
def test_each_throttle_kind_on_the_wire(kind: str) -> None:
    scenario = replace(
        load_scenario("throttled"),
        throttle_rate=1.0,
        throttle_kinds=frozenset({kind}),
        throttle_retry_after_s=7,
    )
    with start_demo_server(scenario, latency_ms=0) as server:
        reply = httpx.post(
            server.url_for("CompanyService"),
            content=ENVELOPE,
            headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": '"https://api.nmbrs.nl/soap/v3/CompanyService/Environment_Get"',
            },
        )
    if kind == "slow-down":
        assert reply.status_code == 500
        assert "slow down" in reply.text and "<faultstring>" in reply.text
    else:
        assert reply.status_code == int(kind)
        assert reply.headers["retry-after"] == "7"


def test_a_check_under_throttling_verifies_every_cell() -> None:
    scenario = replace(load_scenario("throttled"), throttle_retry_after_s=0)
    with start_demo_server(scenario, latency_ms=0) as server:
        client = NmbrsClient(demo_settings(server.base_url))
        try:
            report = RightsEngine(client, find_profile("integration")).run()
        finally:
            client.close()
        statuses = server.stats.snapshot()["statuses"]
    assert int(report.exit_code) == 0
    assert all(c.status is Status.ALLOWED for c in report.cells)
    assert statuses.get(429, 0) + statuses.get(503, 0) > 0  # it was throttled …
    retried = client.retry_stats.snapshot()["retries"]
    assert retried.get("throttled", 0) > 0  # … and the client waited and tried again


def test_throttle_keys_in_a_scenario_file_are_checked() -> None:
    scenario = scenario_from_mapping(
        {"throttle_rate": 0.5, "throttle_kinds": ["429"], "throttle_retry_after_s": 2},
        "t.toml",
        default_name="t",
    )
    assert scenario.throttle_rate == 0.5 and scenario.throttle_kinds == {"429"}
    for bad in ({"throttle_rate": 2}, {"throttle_kinds": ["418"]}, {"throttle_retry_after_s": -1}):
        with pytest.raises(ConfigError):
            scenario_from_mapping(bad, "t.toml", default_name="t")
    hung = scenario_from_mapping({"hang": ["Function_GetCurrent"]}, "t.toml", default_name="t")
    assert hung.hang_operations == {"EmployeeService.Function_GetCurrent"}
