"""Speed-ups that must not change a verdict, each compared with the check without it.

- The scheduler keeps only the fields the check reads again (``answers.kept``): the same check
  keeping every answer whole must give the same report, so a field a reader needs and
  ``ANSWER_FIELDS`` forgot makes them differ.
- The employee types go out with the account checks and the first company's employee listing
  with its row probes (one round trip each sooner): without those prefetches the report must
  be the same, call for call where the check went on.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.operations import get_operation
from nmbrs_client.rights import scheduler as scheduler_module
from nmbrs_client.rights.answers import RUNS, kept
from nmbrs_client.rights.engine import RightsEngine
from nmbrs_client.rights.plan import DefaultPlan
from nmbrs_client.rights.protocol import CheckOptions
from nmbrs_client.rights.results import RightsReport
from nmbrs_client.rights.thorough import ONE_AT_A_TIME_ROWS
from nmbrs_demo.reach import demo_settings
from tests.test_rights_engine import FROZEN, INTEGRATION, SMALL

SCHEDULES = get_operation("EmployeeService", "Schedule_GetAll_AllEmployeesByCompany")
EMPLOYMENTS = get_operation("EmployeeService", "Employment_GetAll_AllEmployeesByCompany")


def run(server: Any, **choices: Any) -> tuple[RightsReport, NmbrsClient]:
    client = NmbrsClient(demo_settings(server.base_url, server.scenario.name))
    try:
        options = CheckOptions(clock=lambda: FROZEN, **choices)
        return RightsEngine(client, INTEGRATION, options).run(), client
    finally:
        client.close()


def verdicts(report: RightsReport, *, calls: bool = True) -> dict[str, Any]:
    """Everything a report says, without timings."""
    return {
        "cells": [
            (c.qualified_name, c.company_id, c.status, str(c.basis), c.fault_code, c.message)
            for c in report.cells
        ],
        "account": [(a.check, a.status, a.message, a.value, a.finding) for a in report.account],
        "companies": report.companies,
        "notes": report.notes,
        "exit": report.exit_code,
        "calls": report.calls if calls else None,
        "stopped": report.stopped,
    }


@pytest.mark.parametrize(
    "scenario", ["healthy", "missing-rights", "restricted-scope", "no-employees", "payroll-only"]
)
@pytest.mark.parametrize("thorough", [False, True])
def test_keeping_less_of_each_answer_changes_nothing(
    demo_server_factory: Any, monkeypatch: pytest.MonkeyPatch, scenario: str, thorough: bool
) -> None:
    server = demo_server_factory(scenario)
    lean, _ = run(server, companies=SMALL, thorough=thorough)
    monkeypatch.setattr(scheduler_module, "kept", lambda _op, result: result)
    whole, _ = run(server, companies=SMALL, thorough=thorough)
    assert lean.cells, "the check probed nothing"
    assert verdicts(lean) == verdicts(whole)


@pytest.mark.parametrize(
    ("scenario", "companies"),
    [
        ("healthy", SMALL),
        ("missing-rights", SMALL),
        ("restricted-scope", None),
        ("no-employees", SMALL),
        ("payroll-only", SMALL),
        ("bad-token", None),
        ("no-subscription", [20001]),
        ("large-accountant", None),
    ],
)
def test_asking_for_the_employee_ids_sooner_changes_no_verdict(
    demo_server_factory: Any,
    monkeypatch: pytest.MonkeyPatch,
    scenario: str,
    companies: list[int] | None,
) -> None:
    server = demo_server_factory(scenario)
    sooner, _ = run(server, companies=companies)
    monkeypatch.setattr(DefaultPlan, "prefetch_account_wide", lambda _self: None)
    monkeypatch.setattr(DefaultPlan, "_prefetch_listing", lambda _self, _id: lambda _o: None)
    later, _ = run(server, companies=companies)
    assert verdicts(sooner, calls=False) == verdicts(later, calls=False)
    if any(c.probed for c in sooner.cells) and scenario != "restricted-scope":
        assert sooner.calls == later.calls  # the same calls, only asked sooner


def test_answers_read_for_their_verdict_only_are_not_kept() -> None:
    rows = [{"EmployeeId": 7, "Schedules": [{"HoursMonday": 8}] * 50}]
    assert kept(SCHEDULES, rows) is None
    assert kept(EMPLOYMENTS, rows) == [{"EmployeeId": 7}]
    runs = [{"ID": 5, "Year": 2026, "Number": 3, "Description": "x" * 1000}, None]
    assert kept(RUNS, runs) == [{"ID": 5, "Year": 2026, "Number": 3}, None]


def test_a_big_company_has_its_lists_read_one_at_a_time(demo_server_factory: Any) -> None:
    """Its whole-company lists are tens of megabytes each while parsed; never two at once."""
    server = demo_server_factory("healthy")
    big = server.world.big_company_id()
    assert len(server.world.employees(big)) >= ONE_AT_A_TIME_ROWS
    lock = threading.Lock()
    in_flight: set[str] = set()
    overlaps: list[set[str]] = []
    seen: list[str] = []
    original = NmbrsClient.call

    def watched(self: NmbrsClient, operation: Any, **params: Any) -> Any:
        name = str(getattr(operation, "qualified_name", operation))
        whole = name.endswith("_AllEmployeesByCompany") and params.get("CompanyID") == big
        if whole:
            with lock:
                in_flight.add(name)
                seen.append(name)
                if len(in_flight) > 1:
                    overlaps.append(set(in_flight))
        try:
            return original(self, operation, **params)
        finally:
            if whole:
                with lock:
                    in_flight.discard(name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(NmbrsClient, "call", watched)
        report, _ = run(server, companies=[SMALL[0], big], thorough=True)
    assert len(set(seen)) >= 3, seen
    assert not overlaps
    assert all(c.probed for c in report.cells if c.company_id == big)
