"""REST demo: history endpoints, runs, the document task flow and throttling, with their readings."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from nmbrs_demo.rest.app import HISTORY_RESOURCES
from nmbrs_demo.rest.ids import NAMESPACE
from tests.test_rest_demo_api import big_company, get


def _rest_id(kind: str, soap_id: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{soap_id}"))


def _first_employee(server: Any) -> tuple[str, int]:
    world = server.world
    company = world.big_company_id()
    employee = world.employees(company)[0]
    return _rest_id("employee", employee.Id), employee.Id


# ------------------------------------------------------------------ history endpoints


@pytest.mark.parametrize(("resource", "key"), sorted(HISTORY_RESOURCES.items()))
def test_history_rows_are_wrapped_per_employee_and_filter_by_employee(
    rest_demo: Any, resource: str, key: str
) -> None:
    company = big_company(rest_demo)
    employee, _ = _first_employee(rest_demo)
    page = get(rest_demo, f"/api/companies/{company}/employees/{resource}", pageSize=5).json()
    assert page["pagination"]["totalRecords"] == 5000
    assert all(set(row) == {"employeeId", key} for row in page["data"])
    filtered = get(
        rest_demo, f"/api/companies/{company}/employees/{resource}", employeeId=employee
    ).json()
    if resource == "privateInfos":
        # Nmbrs ignores employeeId here: the whole company comes back.
        assert filtered["pagination"]["totalRecords"] == 5000
    else:
        assert [row["employeeId"] for row in filtered["data"]] == [employee]


def test_private_infos_hold_the_bsn_and_personal_info_does_not(rest_demo: Any) -> None:
    company = big_company(rest_demo)
    employee, soap_id = _first_employee(rest_demo)
    bsn = rest_demo.world.personal_info(soap_id).BSN
    private = get(rest_demo, f"/api/companies/{company}/employees/privateInfos", pageSize=1).json()
    assert private["data"][0]["privateInfos"][0]["BSN"] == bsn
    person = get(rest_demo, f"/api/employees/{employee}").json()["data"][0]
    assert bsn not in str(person)


def test_history_order_is_a_reading(rest_demo_factory: Any) -> None:
    def starts(server: Any) -> list[list[str]]:
        company = big_company(server)
        rows = get(server, f"/api/companies/{company}/employees/schedules", pageSize=100).json()
        return [[s["startDate"] for s in row["schedules"]] for row in rows["data"]]

    unsorted = [s for s in starts(rest_demo_factory()) if len(s) > 1]
    chronological = [
        s
        for s in starts(rest_demo_factory(readings={"history-order": "chronological"}))
        if len(s) > 1
    ]
    assert chronological and all(s == sorted(s) for s in chronological)
    assert unsorted and any(s != sorted(s) for s in unsorted)


def test_created_from_filters_history_entries(rest_demo: Any) -> None:
    company = big_company(rest_demo)
    everything = get(rest_demo, f"/api/companies/{company}/employees/employments", pageSize=1)
    recent = get(
        rest_demo,
        f"/api/companies/{company}/employees/employments",
        pageSize=1,
        createdFrom="2026-01-01T00:00:00Z",
    )
    assert (
        recent.json()["pagination"]["totalRecords"]
        < everything.json()["pagination"]["totalRecords"]
    )
    for row in recent.json()["data"]:
        assert all(e["creationDate"] >= "2026-01-01T00:00:00Z" for e in row["employments"])


def test_employee_type_filter_uses_the_rest_names(rest_demo: Any) -> None:
    company = big_company(rest_demo)
    payroll = get(
        rest_demo, f"/api/companies/{company}/employees", employeeType="payroll", pageSize=1
    )
    former = get(
        rest_demo, f"/api/companies/{company}/employees", employeeType="formerPayroll", pageSize=1
    )
    both = get(
        rest_demo,
        f"/api/companies/{company}/employees",
        employeeType="payroll,formerPayroll",
        pageSize=1,
    )
    counts = [r.json()["pagination"]["totalRecords"] for r in (payroll, former, both)]
    assert counts[0] > 0 and counts[1] > 0 and counts[0] + counts[1] == counts[2]
    bad = get(rest_demo, f"/api/companies/{company}/employees", employeeType="1")
    assert bad.status_code == 400 and bad.json()["code"] == 40033


# ------------------------------------------------------------------ runs


def test_runs_and_their_employees(rest_demo: Any) -> None:
    world = rest_demo.world
    company = big_company(rest_demo)
    year = world.today.year - 1
    runs = get(rest_demo, f"/api/companies/{company}/runs", year=year, pageSize=100).json()["data"]
    expected = world.runs(world.big_company_id(), year)
    assert [r["number"] for r in runs] == [r.Number for r in expected]
    assert all(isinstance(r["periodStart"], int) and isinstance(r["periodEnd"], int) for r in runs)
    first = expected[0]
    members = get(
        rest_demo, f"/api/companies/{company}/runs/{runs[0]['payrollRunId']}/employees", pageSize=1
    ).json()
    assert members["pagination"]["totalRecords"] == len(
        world.run_employees(world.big_company_id(), first.ID)
    )
    other = get(rest_demo, f"/api/companies/{company}/runs/{uuid.uuid4()}/employees")
    assert other.status_code == 404


def test_run_periods_as_date_times_is_an_off_spec_reading(rest_demo_factory: Any) -> None:
    server = rest_demo_factory(readings={"run-periods": "date-times"})
    company = big_company(server)
    runs = get(server, f"/api/companies/{company}/runs", year=2025).json()["data"]
    assert runs[0]["periodStart"].startswith("2025-01-01T")
    # The recorder confirmed the document rejects these (the reading is marked off-spec).
    assert server.contract.off_spec_seen >= 1


# ------------------------------------------------------------------ documents


def _task(server: Any, path: str, **params: Any) -> str:
    reply = get(server, path, **params)
    assert reply.status_code == 200, reply.text
    task: str = reply.json()["taskId"]
    return task


def test_payslip_task_answers_202_then_the_pdf_then_gone(rest_demo: Any) -> None:
    employee, _ = _first_employee(rest_demo)
    task = _task(rest_demo, f"/api/employees/{employee}/payslipperperiod", year=2025, period=3)
    statuses = []
    for _ in range(4):
        reply = get(rest_demo, f"/api/documents/{task}")
        statuses.append(reply.status_code)
    assert statuses == [202, 202, 202, 200]
    assert reply.headers["content-type"] == "application/octet-stream"
    assert reply.content.startswith(b"%PDF")
    again = get(rest_demo, f"/api/documents/{task}")
    assert again.status_code == 404 and again.json()["code"] == 40401


def test_document_readings_pending_and_refetch(rest_demo_factory: Any) -> None:
    server = rest_demo_factory(
        readings={"document-pending-polls": "0", "document-refetch": "repeatable"}
    )
    employee, _ = _first_employee(server)
    task = _task(server, f"/api/employees/{employee}/annualstatement", year=2025)
    first = get(server, f"/api/documents/{task}")
    second = get(server, f"/api/documents/{task}")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and first.content.startswith(b"%PDF")
    never = rest_demo_factory(readings={"document-pending-polls": "never"})
    task = _task(never, f"/api/employees/{employee}/annualstatement", year=2025)
    assert {get(never, f"/api/documents/{task}").status_code for _ in range(12)} == {202}


def test_a_document_with_a_build_time_is_pending_until_that_time_has_passed(
    rest_demo_factory: Any,
) -> None:
    now = [5000.0]
    server = rest_demo_factory(readings={"document-pending-polls": "0"}, clock=lambda: now[0])
    server.demo.document_ready_s = 0.5
    employee, _ = _first_employee(server)
    task = _task(server, f"/api/employees/{employee}/annualstatement", year=2025)
    assert get(server, f"/api/documents/{task}").status_code == 202
    now[0] += 0.49
    assert get(server, f"/api/documents/{task}").status_code == 202
    now[0] += 0.01
    ready = get(server, f"/api/documents/{task}")
    assert ready.status_code == 200 and ready.content.startswith(b"%PDF")


def test_document_step_two_needs_document_read(rest_demo_factory: Any) -> None:
    server = rest_demo_factory("missing-scopes")
    employee, _ = _first_employee(server)
    task = _task(server, f"/api/employees/{employee}/payslipperperiod", year=2025, period=3)
    assert get(server, f"/api/documents/{task}").status_code == 403


def test_a_period_without_payslip_fails_late_or_early_by_reading(rest_demo_factory: Any) -> None:
    late = rest_demo_factory(readings={"document-pending-polls": "0"})
    employee, _ = _first_employee(late)
    year = late.world.today.year
    # December of the demo year has no run yet.
    task = _task(late, f"/api/employees/{employee}/payslipperperiod", year=year, period=12)
    gone = get(late, f"/api/documents/{task}")
    assert gone.status_code == 404 and gone.json()["code"] == 40401
    early = rest_demo_factory(readings={"payslip-no-run": "not-found"})
    reply = get(early, f"/api/employees/{employee}/payslipperperiod", year=year, period=12)
    assert reply.status_code == 404


def test_annual_statement_before_the_last_run_is_a_reading(rest_demo_factory: Any) -> None:
    strict = rest_demo_factory(readings={"document-pending-polls": "0"})
    employee, _ = _first_employee(strict)
    year = strict.world.today.year
    assert get(strict, f"/api/employees/{employee}/annualstatement", year=year).status_code == 404
    partial = rest_demo_factory(
        readings={"annual-statement-early": "partial", "document-pending-polls": "0"}
    )
    task = _task(partial, f"/api/employees/{employee}/annualstatement", year=year)
    assert get(partial, f"/api/documents/{task}").content.startswith(b"%PDF")


def test_payslip_period_is_checked(rest_demo: Any) -> None:
    employee, _ = _first_employee(rest_demo)
    reply = get(rest_demo, f"/api/employees/{employee}/payslipperperiod", year=2025, period=13)
    assert reply.status_code == 400 and reply.json()["invalid-params"][0]["name"] == "period"


# ------------------------------------------------------------------ throttling


@pytest.mark.parametrize(
    ("reading", "headers"), [("absent", {None}), ("seconds", {"1"}), ("alternate", {None, "1"})]
)
def test_throttled_scenario_answers_42908_with_retry_after_by_reading(
    rest_demo_factory: Any, reading: str, headers: set[str | None]
) -> None:
    server = rest_demo_factory("throttled", readings={"retry-after": reading})
    token = server.script_token()
    seen: set[str | None] = set()
    statuses = []
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        for _ in range(12):
            reply = http.get(
                "/api/debtors",
                headers={
                    "Authorization": f"Bearer {token}",
                    "X-Subscription-Key": "0d3m0000000000000000000000005ub5",
                },
            )
            statuses.append(reply.status_code)
            if reply.status_code == 429:
                assert reply.json()["code"] == 42908
                seen.add(reply.headers.get("retry-after"))
    assert statuses[:5] == [200] * 5 and 429 in statuses
    assert seen == headers


def test_quota_answers_42909(rest_demo_factory: Any) -> None:
    from dataclasses import replace

    from nmbrs_demo.scenarios import load_scenario

    server = rest_demo_factory(replace(load_scenario("healthy"), quota_calls=2))
    codes = [get(server, "/api/debtors").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert server.stats.faults[42909] == 1


def test_large_accountant_spans_every_debtor(rest_demo_factory: Any) -> None:
    server = rest_demo_factory("large-accountant")
    debtors = get(server, "/api/debtors", pageSize=100).json()
    assert debtors["pagination"]["totalRecords"] == 40
    assert get(server, "/api/companies").json()["code"] == 40306


def test_flaky_scenario_sends_gateway_html_and_broken_json(rest_demo_factory: Any) -> None:
    from dataclasses import replace

    from nmbrs_demo.scenarios import load_scenario

    server = rest_demo_factory(replace(load_scenario("flaky"), flaky_rate=1.0))
    seen: set[str] = set()
    for _ in range(30):
        reply = get(server, "/api/debtors")
        ctype = reply.headers.get("content-type", "")
        if ctype.startswith("text/html"):
            assert reply.status_code in (502, 503) and b"<html>" in reply.content
            seen.add("html")
        elif not reply.content:
            seen.add("empty")
        else:
            with pytest.raises(ValueError):
                reply.json()
            seen.add("truncated")
    assert seen == {"html", "empty", "truncated"}
    # Each one was checked against the document and found outside it (marked off-spec).
    assert server.contract.off_spec_seen == 30
