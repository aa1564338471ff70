"""The REST backend on a scripted API: mapping to the neutral models, history → current,
BSN from privateInfos, payslips per period of a run, SOAP ids refused."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from nmbrs_client.backend import PayrollRun
from nmbrs_client.rest.backend import PER_PERIOD_NOTE, RestBackend
from nmbrs_client.rest.client import DocumentPolling, RestClient, StaticToken
from nmbrs_client.rest.history import run_period
from nmbrs_client.rest.transport import RestTransport
from tests.rest.fake import BASE, FakeNmbrs, json_response, problem, transport, uid

C = uid("company", 1)
E = uid("employee", 1)
PDF = b"%PDF-1.4\n%%EOF\n"


def backend(fake: FakeNmbrs, **kwargs: Any) -> tuple[RestBackend, Any]:
    sent = transport(fake)
    client = RestClient(
        RestTransport(BASE, subscription_key=lambda: "k", http_transport=sent),
        StaticToken("t"),
        polling=DocumentPolling(first_delay_s=0, budget_s=1),
        sleep=lambda s: None,
    )
    return RestBackend(client, today=lambda: date(2026, 12, 1), **kwargs), sent


def world() -> FakeNmbrs:
    base = f"/api/companies/{C}/employees"
    return FakeNmbrs(
        lists={
            base: [
                {
                    "employeeId": E,
                    "employeeBasicInfo": {
                        "employeeNumber": 7,
                        "firstName": "Anna",
                        "prefix": "de",
                        "lastName": "Vries",
                        "employeeType": "payroll",
                    },
                }
            ],
            f"{base}/privateInfos": [
                {
                    "employeeId": E,
                    "privateInfos": [
                        {"BSN": "111222333", "createdAt": "2026-01-01T00:00:00Z"},
                        {"BSN": "999999990", "createdAt": "2020-01-01T00:00:00Z"},
                    ],
                }
            ],
            f"{base}/departments": [
                {
                    "employeeId": E,
                    "departments": [
                        {
                            "departmentId": uid("d", 2),
                            "code": 2,
                            "description": "Now",
                            "period": {"year": 2026, "period": 11},
                        },
                        {
                            "departmentId": uid("d", 1),
                            "code": 1,
                            "description": "Old",
                            "period": {"year": 2024, "period": 1},
                        },
                        {
                            "departmentId": uid("d", 3),
                            "code": 3,
                            "description": "Next year",
                            "period": {"year": 2027, "period": 1},
                        },
                    ],
                }
            ],
            f"/api/employees/{E}": [
                {
                    "employeeId": E,
                    "personalInfo": {"basicInfo": {"employeeNumber": 7, "lastName": "Vries"}},
                }
            ],
        },
        overrides={
            f"/api/companies/{C}/period": lambda r: json_response(
                200,
                {
                    "data": [
                        {
                            "period": {"year": 2026, "period": 12},
                            "periodType": "month",
                            "displayPeriod": "2026-12-M",
                        }
                    ]
                },
            )
        },
    )


def test_employees_map_numbers_names_and_types_and_filter_by_type_names() -> None:
    b, sent = backend(world(), employee_types=("payroll", "formerPayroll"))
    [employee] = b.employees(C)
    assert (employee.id, employee.number, employee.name, employee.employee_type) == (
        E,
        7,
        "Anna de Vries",
        "payroll",
    )
    assert sent.requests[0].url.params["employeeType"] == "payroll,formerPayroll"
    with pytest.raises(ValueError):
        backend(world(), employee_types=("active",))


def test_personal_info_takes_the_latest_bsn_and_department_the_current_period() -> None:
    b, _ = backend(world())
    info = b.personal_info(C, E)
    assert info is not None and info.BSN == "111222333" and info.LastName == "Vries"
    department = b.department(C, E)
    assert department is not None and department.Description == "Now"
    period = b.current_period(C)
    assert period is not None and (period.year, period.period, period.period_type) == (
        2026,
        12,
        "M",
    )


def test_soap_ids_never_reach_the_rest_wire() -> None:
    b, sent = backend(world())
    with pytest.raises(TypeError):
        b.employees(20001)
    assert sent.requests == []


def _run(start: int, end: int) -> PayrollRun:
    return PayrollRun(id=uid("run", 1), number=1, year=2026, period_start=start, period_end=end)


def test_a_run_over_two_periods_gives_one_payslip_per_period_and_skips_an_empty_one() -> None:
    tasks = {3: uid("task", 3), 4: uid("task", 4)}

    def task(request: httpx.Request) -> httpx.Response:
        period = int(request.url.params["period"])
        if period == 5:
            return problem(404, 40401, "Not_Found")
        return json_response(200, {"taskId": tasks[period]})

    fake = FakeNmbrs(
        overrides={
            f"/api/employees/{E}/payslipperperiod": task,
            **{
                f"/api/documents/{t}": (lambda r: httpx.Response(200, content=PDF))
                for t in tasks.values()
            },
        }
    )
    b, sent = backend(fake)
    documents = b.payslips(C, E, _run(3, 5))
    assert documents.pdfs == (PDF, PDF)
    assert PER_PERIOD_NOTE in documents.note and "3–5" in documents.note
    periods = [r.url.params.get("period") for r in sent.requests if "payslip" in r.url.path]
    assert periods == ["3", "4", "5"]


def test_annual_statement_not_there_yet_is_an_empty_result() -> None:
    fake = FakeNmbrs(
        overrides={
            f"/api/employees/{E}/annualstatement": lambda r: problem(404, 40401, "Not_Found")
        }
    )
    b, _ = backend(fake)
    assert b.annual_statement(C, E, 2026).pdfs == ()


@pytest.mark.parametrize(
    ("value", "expected"), [(3, 3), ("4", 4), ("2026-05-01T00:00:00Z", 5), (None, 9)]
)
def test_run_periods_under_both_readings(value: Any, expected: int) -> None:
    assert run_period(value, 9) == expected


def test_forget_has_the_next_question_read_the_company_from_nmbrs_again() -> None:
    """The history lists and the period are read once per company, until a refresh."""
    fake = world()
    b, _ = backend(fake)
    departments = f"/api/companies/{C}/employees/departments"
    department = b.department(C, E)
    assert department is not None and department.Description == "Now"
    rows = fake.lists[departments]
    fake.lists[departments] = [
        {**row, "departments": [{**e, "description": "Moved"} for e in row["departments"]]}
        for row in rows
    ]
    assert b.department(C, E) == department  # kept: one read per company
    b.forget(uid("company", 2))  # another company's refresh
    assert b.department(C, E) == department
    assert fake.hits.count(departments) == 1
    b.forget(C)
    moved = b.department(C, E)
    assert moved is not None and moved.Description == "Moved"
    assert fake.hits.count(departments) == 2
    period_calls = fake.hits.count(f"/api/companies/{C}/period")
    b.forget()  # every company
    b.current_period(C)
    assert fake.hits.count(f"/api/companies/{C}/period") == period_calls + 1
