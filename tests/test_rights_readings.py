"""The rights check is right under every reading of the open questions about Nmbrs.

Each test runs once per reading (the strict defaults, then every other value of each switch):
a client that relies on one reading — say, that ``EmployeeType=0`` lists everyone — fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.engine import RightsEngine
from nmbrs_client.rights.protocol import CheckOptions, ProbeTuning
from nmbrs_client.rights.requirements import BUILTIN_PROFILES
from nmbrs_client.rights.results import RightsReport
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.readings import Readings, every_alternative, reading_id
from nmbrs_demo.scenarios import load_scenario, scenario_from_mapping
from nmbrs_demo.server import DemoServer, start_demo_server

INTEGRATION = BUILTIN_PROFILES["integration"]
FROZEN = datetime(2026, 11, 24, 10, 0)
READINGS = every_alternative()
SMALL = [20001, 20002, 20003]
TWO_DENIED = {"EmployeeService.Department_GetCurrent", "EmployeeService.Function_GetCurrent"}


def _check(server: DemoServer, **choices: Any) -> RightsReport:
    client = NmbrsClient(demo_settings(server.base_url, server.scenario.name))
    try:
        return RightsEngine(
            client, INTEGRATION, CheckOptions(clock=lambda: FROZEN, **choices)
        ).run()
    finally:
        client.close()


@pytest.fixture(params=READINGS, ids=reading_id, scope="module")
def readings(request: pytest.FixtureRequest) -> Readings:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def healthy(readings: Readings) -> Iterator[DemoServer]:
    server = start_demo_server("healthy", latency_ms=0, readings=readings)
    try:
        yield server
    finally:
        server.stop()


def test_every_seed_operation_is_probed_and_allowed(healthy: DemoServer) -> None:
    report = _check(healthy, companies=SMALL)
    assert report.exit_code == 0, [
        (c.qualified_name, c.company_id, c.status, c.message)
        for c in report.cells
        if c.status is not Status.ALLOWED
    ]
    for op in INTEGRATION.operations:
        cells = [c for c in report.cells if c.qualified_name == op.qualified_name]
        assert any(c.probed for c in cells), op.qualified_name
    assert any("Employee id:" in note and "EmployeeType_GetList" in note for note in report.notes)


def test_two_denied_per_employee_operations_are_named_exactly(readings: Readings) -> None:
    scenario = scenario_from_mapping(
        {"deny": sorted(TWO_DENIED)}, "test", default_name="two-denied"
    )
    with start_demo_server(scenario, latency_ms=0, readings=readings) as server:
        report = _check(server, companies=SMALL)
    assert report.exit_code == 1
    denied = {c.qualified_name for c in report.cells if c.status is Status.ENDPOINT_DENIED}
    assert denied == TWO_DENIED
    others = {c.status for c in report.cells if c.qualified_name not in TWO_DENIED}
    assert others == {Status.ALLOWED}


def test_missing_rights_scenario_under_every_reading(readings: Readings) -> None:
    with start_demo_server("missing-rights", latency_ms=0, readings=readings) as server:
        report = _check(server, companies=SMALL)
    denied = {c.qualified_name for c in report.cells if c.status is Status.ENDPOINT_DENIED}
    wanted = set(load_scenario("missing-rights").denied_operations) & {
        op.qualified_name for op in INTEGRATION.operations
    }
    assert denied == wanted
    assert report.exit_code == 1


def test_scenario_toml_readings_reach_the_check(tmp_path: Path) -> None:
    path = tmp_path / "zero.toml"
    path.write_text('[readings]\nemployee-type = "active-filter"\n')
    with start_demo_server(str(path), latency_ms=0) as server:
        assert server.readings.employee_type.value == "active-filter"
        assert _check(server, companies=SMALL).exit_code == 0


# ------------------------------------------------------------------ not verified, not visible


def test_no_employees_is_not_verified_exit_3(readings: Readings) -> None:
    import jsonschema

    from nmbrs_client.rights.report import load_schema, render

    with start_demo_server("no-employees", latency_ms=0, readings=readings) as server:
        report = _check(server)
    per_employee = {op.qualified_name for op in INTEGRATION.operations if "employee" in op.needs}
    unverified = {c.qualified_name for c in report.cells if c.status is Status.NOT_VERIFIED}
    assert unverified == per_employee
    assert not any(
        c.status is Status.ALLOWED and c.qualified_name in per_employee for c in report.cells
    )
    assert report.exit_code == 3
    data = report.to_dict()
    jsonschema.validate(data, load_schema())
    assert data["summary"]["not_verified"] == len(per_employee) * len(report.companies)
    text = render(report, "text")
    head, _, tail = text.partition("Not verified\n")
    assert tail and "name a company with employees with --company" in tail
    assert "What to change in Nmbrs" not in head  # nothing for the customer to change
    markdown = render(report, "markdown")
    assert "## Not verified" in markdown and "exits with code 3" in markdown


def test_unknown_company_is_not_visible_and_rights_are_still_probed(
    demo_server: DemoServer,
) -> None:
    from nmbrs_client.rights.report import render

    report = _check(demo_server, companies=[99999])
    assert report.companies[0].id == 99999
    probe = report.companies[1]
    assert probe.visible is True
    for op in INTEGRATION.operations:
        cell = report.cell(op.qualified_name, probe.id)
        assert cell is not None and cell.probed and cell.status is Status.ALLOWED
    markdown = render(report, "markdown")
    assert "not visible to this user: a wrong id, or outside this user's scope" in markdown
    assert "Give this user access to company 99999" not in markdown
    assert report.exit_code == 1


def test_errors_have_their_own_heading_never_the_changes(demo_server: DemoServer) -> None:
    from dataclasses import replace

    from nmbrs_client.rights.report import render

    report = _check(demo_server, companies=SMALL)
    assert report.exit_code == 0
    # the kind is data on the cell, set by the prober: the message is never parsed for it
    kinds = [("timeout", "no answer"), ("malformed", "a reply cut short")]
    for index, (kind, message) in enumerate(kinds):
        report.cells[index] = replace(
            report.cells[index], status=Status.ERROR, message=message, error_kind=kind
        )
    assert report.exit_code == 2
    for fmt, heading in (
        ("text", "Could not be established: run the check again\n"),
        ("markdown", "## Could not be established: run the check again\n"),
    ):
        out = render(report, fmt)
        assert heading in out
        section = out.split(heading)[1].split("\n\n")[0]
        assert "time-out" in section and "malformed or truncated reply" in section
        if "What to change in Nmbrs" in out:
            changes = out.split("What to change in Nmbrs")[1].split(heading)[0]
            assert "run the check again" not in changes and "time-out" not in changes


def test_retries_are_counted_in_the_summary() -> None:
    from dataclasses import replace

    from nmbrs_client.rights.report import render

    scenario = replace(
        load_scenario("healthy"),
        name="resets",
        flaky_rate=0.3,
        flaky_kinds=frozenset({"reset"}),
        seed=3,
    )
    with start_demo_server(scenario, latency_ms=0) as server:
        client = NmbrsClient(demo_settings(server.base_url, "resets"))
        try:
            report = RightsEngine(
                client,
                INTEGRATION,
                CheckOptions(companies=tuple(SMALL), clock=lambda: FROZEN),
                ProbeTuning(backoff_s=0.0),
            ).run()
        finally:
            client.close()
        resets = server.stats.statuses[0]
    assert resets > 0 and report.retries > 0
    assert report.retries <= resets  # each retry answers one reset (a few may stay errors)
    assert report.summary()["retries"] == report.retries
    assert f"({report.retries} retries)" in render(report, "text")
