"""NmbrsClient against the embedded demo server: every catalogue operation, faults, domain."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest

from nmbrs_client.calllog import CallRecord
from nmbrs_client.client import NmbrsClient
from nmbrs_client.errors import (
    FaultCategory,
    NmbrsFault,
    NmbrsTransportError,
    OperationNotAllowedError,
)
from nmbrs_client.operations import OPERATIONS, Operation, Service
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.server import DemoServer

DemoServerFactory = Callable[..., DemoServer]


def make_client(server: DemoServer, **changes: Any) -> NmbrsClient:
    settings = demo_settings(server.base_url)
    soap = {k: v for k, v in changes.items() if k in ("domain", "wsdl", "token", "username")}
    settings = settings.model_copy(update={k: v for k, v in changes.items() if k not in soap})
    if soap:
        settings = settings.with_soap(**soap)
    return NmbrsClient(settings)


@pytest.fixture(scope="module")
def client(demo_server: DemoServer) -> NmbrsClient:
    return make_client(demo_server)


def a_company_with_staff(server: DemoServer) -> int:
    world = server.world
    return int(next(c.ID for c in world.companies() if 10 <= len(world.employees(c.ID)) <= 300))


def test_debtors_and_companies_match_the_demo_world(
    client: NmbrsClient, demo_server: DemoServer
) -> None:
    world = demo_server.world
    assert [(d.Id, d.Number, d.Name) for d in client.debtors()] == [
        (d.Id, d.Number, d.Name) for d in world.debtors()
    ]
    companies = client.companies()
    assert {c.ID for c in companies} == {c.ID for c in world.companies()}
    first = world.companies()[0]
    by_debtor = client.companies_of_debtor(first.DebtorId or 0)
    assert first.ID in {c.ID for c in by_debtor}
    assert all(c.DebtorId == first.DebtorId for c in by_debtor)
    got = next(c for c in companies if c.ID == first.ID)
    assert (got.Name, got.Number, got.KvkNr, got.LoonaangifteTijdvak) == (
        first.Name,
        first.Number,
        first.KvkNr,
        first.LoonaangifteTijdvak,
    )


def test_company_level_operations(client: NmbrsClient, demo_server: DemoServer) -> None:
    world = demo_server.world
    cid = a_company_with_staff(demo_server)
    period = client.current_period(cid)
    assert period is not None and period.raw == world.current_period(cid)
    assert period.year == world.today.year and period.period_type in {"M", "W4", "W1"}

    runs = client.runs(cid, world.today.year - 1)
    assert [r.ID for r in runs] == [r.ID for r in world.runs(cid, world.today.year - 1)]
    assert runs and all(r.RunAt is not None for r in runs)
    run = runs[-1]
    members = client.run_employees(cid, run.ID, run.Year)
    assert [e.EmployeeId for e in members] == [
        e.EmployeeId for e in world.run_employees(cid, run.ID)
    ]

    employees = client.employees(cid)
    assert {e.Id for e in employees} == {e.Id for e in world.employees(cid)}
    pcsa = client.personal_info_contract_salary_address(cid)
    expected = {p.EmployeeID: p for p in world.personal_info_contract_salary_address(cid)}
    assert {p.EmployeeID for p in pcsa} == set(expected)
    sample = pcsa[0]
    want = expected[sample.EmployeeID]
    assert (sample.BSN, sample.SalaryValue, sample.PostCode, sample.Birthday) == (
        want.BSN,
        want.SalaryValue,
        want.PostCode,
        want.Birthday,
    )

    employments = {e.EmployeeId: e for e in client.employments(cid)}
    for item in world.employments(cid):
        assert [x.EmploymentId for x in employments[item.EmployeeId].Employments] == [
            x.EmploymentId for x in item.Employments
        ]
    schedules = {s.EmployeeId: s for s in client.schedules(cid)}
    for item in world.schedules(cid):
        assert [s.week(2) for s in schedules[item.EmployeeId].Schedules] == [
            s.week(2) for s in item.Schedules
        ]
    assert client.employee_types() == world.employee_types()


def test_employee_level_operations(client: NmbrsClient, demo_server: DemoServer) -> None:
    world = demo_server.world
    cid = a_company_with_staff(demo_server)
    employee = world.employees(cid)[0]
    info = client.personal_info(employee.Id)
    assert info == world.personal_info(employee.Id)
    assert client.department(employee.Id) == world.department(employee.Id)
    assert client.function(employee.Id) == world.function(employee.Id)
    accounts = client.bank_accounts(employee.Id)
    assert [a.IBAN for a in accounts] == [a.IBAN for a in world.bank_accounts(employee.Id)]
    period = client.employee_current_period(employee.Id)
    assert period is not None and period.raw == world.employee_current_period(employee.Id)


def test_pdf_operations_return_real_pdfs(client: NmbrsClient, demo_server: DemoServer) -> None:
    world = demo_server.world
    cid = a_company_with_staff(demo_server)
    year = world.today.year - 1
    run = world.runs(cid, year)[-1]
    member = world.run_employees(cid, run.ID)[0].EmployeeId
    slips = client.payslips(member, cid, run.ID, year)
    assert slips and all((s.PDF or b"").startswith(b"%PDF-") for s in slips)
    current = world.runs(cid, world.today.year)[-1]
    current_member = world.run_employees(cid, current.ID)[0].EmployeeId
    assert client.payslips(current_member, cid, current.ID)  # the non-_v2 operation
    statement = client.annual_statement(member, year)
    assert statement is not None and (statement.PDF or b"").startswith(b"%PDF-")


def test_every_catalogue_operation_is_exercised(demo_server: DemoServer) -> None:
    """Call each operation of the catalogue through the generic entry point."""
    client = make_client(demo_server)
    world = demo_server.world
    cid = a_company_with_staff(demo_server)
    year = world.today.year - 1
    run = world.runs(cid, year)[-1]
    eid = world.run_employees(cid, run.ID)[0].EmployeeId
    values = {
        "companyid": cid,
        "employeeid": eid,
        "runid": run.ID,
        "year": year,
        "intyear": year,
        "debtorid": world.companies()[0].DebtorId,
        "employeetype": world.employee_types()[0].Id,  # 0 lists nobody under the strict reading
    }
    for op in OPERATIONS:
        params = {p.name: values[p.name.lower()] for p in op.params}
        if op.name == "SalaryDocuments_GetEmployeePayslipsPDFByRunCompany":
            current = world.runs(cid, world.today.year)[-1]
            params.update(
                RunID=current.ID, EmployeeID=world.run_employees(cid, current.ID)[0].EmployeeId
            )
        result = client.call(op, **params)
        assert result is not None, op.qualified_name
    called = {r.operation for r in client.call_log.records() if r.outcome == "ok"}
    assert called == {op.qualified_name for op in OPERATIONS}


def test_domain_is_discovered_once_when_the_profile_has_none(demo_server: DemoServer) -> None:
    client = make_client(demo_server, domain=None)
    assert client.domain_source == "not yet discovered"
    client.companies()
    client.debtors()
    assert client.domain == "demo" and client.domain_source == "discovered"
    ops = [r.operation for r in client.call_log.records()]
    assert ops.count("DebtorService.Environment_Get") == 1


def test_call_without_waiting_for_domain_discovery(demo_server: DemoServer) -> None:
    client = make_client(demo_server, domain=None)
    companies = client.call("CompanyService.List_GetAll", discover_domain=False)
    assert companies  # the Domain element is optional: the call went without one
    assert client.domain_source == "not yet discovered"
    assert [r.operation for r in client.call_log.records()] == ["CompanyService.List_GetAll"]
    client.call("CompanyService.List_GetAll")  # the default still discovers first
    assert client.domain == "demo"
    assert [r.operation for r in client.call_log.records()][1:] == [
        "DebtorService.Environment_Get",
        "CompanyService.List_GetAll",
    ]


def test_denied_environment_get_goes_on_without_domain(
    demo_server_factory: DemoServerFactory, tmp_path: Any
) -> None:
    scenario = tmp_path / "deny-env.toml"
    scenario.write_text('name = "deny-env"\ndeny = ["DebtorService.Environment_Get"]\n')
    server = demo_server_factory(str(scenario))
    client = make_client(server, domain=None)
    assert client.companies()
    assert client.domain is None
    assert "1002" in client.domain_source


def test_wrong_token_and_wrong_domain_are_authentication_faults(demo_server: DemoServer) -> None:
    from pydantic import SecretStr

    for changes in ({"token": SecretStr("not-the-token")}, {"domain": "elsewhere"}):
        client = make_client(demo_server, **changes)
        with pytest.raises(NmbrsFault) as info:
            client.companies()
        assert info.value.code == 1001
        assert info.value.category is FaultCategory.AUTHENTICATION
        assert "token" in info.value.hint and "domain" in info.value.hint
        assert "not-the-token" not in str(info.value)


@pytest.mark.parametrize(
    ("scenario", "operation", "code", "category"),
    [
        (
            "missing-rights",
            "EmployeeService.Department_GetCurrent",
            1002,
            FaultCategory.ENDPOINT_RIGHT_MISSING,
        ),
        ("no-subscription", "CompanyService.List_GetAll", 1004, FaultCategory.NO_SUBSCRIPTION),
        ("bad-token", "CompanyService.List_GetAll", 1001, FaultCategory.AUTHENTICATION),
    ],
)
def test_scenario_faults_are_typed(
    demo_server_factory: DemoServerFactory,
    scenario: str,
    operation: str,
    code: int,
    category: FaultCategory,
) -> None:
    server = demo_server_factory(scenario)
    client = make_client(server)
    employee = server.world.employees(server.world.companies()[0].ID)[0].Id
    params = {"EmployeeId": employee} if "Department" in operation else {}
    with pytest.raises(NmbrsFault) as info:
        client.call(operation, **params)
    assert (info.value.code, info.value.category) == (code, category)
    if code == 1002:
        assert "Department_GetCurrent" in info.value.hint


def test_unknown_company_is_a_data_access_fault(client: NmbrsClient) -> None:
    with pytest.raises(NmbrsFault) as info:
        client.runs(999_999, 2025)
    assert info.value.category is FaultCategory.NO_DATA_ACCESS


def test_operations_outside_the_allowlist_cannot_be_called(client: NmbrsClient) -> None:
    before = len(client.call_log)
    for name in (
        "EmployeeService.Employee_Insert",
        "CompanyService.Company_Insert",
        "EmployeeService.PersonalInfo_UpdateCurrent",
        "Employee_Delete",
    ):
        with pytest.raises(OperationNotAllowedError):
            client.call(name)
    forged = Operation(Service.EMPLOYEE, "PersonalInfo_GetCurrent", (), "forged")
    with pytest.raises(OperationNotAllowedError):
        client.call(forged)
    assert len(client.call_log) == before  # refused before any I/O
    with pytest.raises(TypeError):
        client.call("EmployeeService.PersonalInfo_GetCurrent", EmployeeId=1, Extra=2)


def test_live_wsdl_mode_loads_the_servers_wsdl(demo_server: DemoServer) -> None:
    client = make_client(demo_server, wsdl="live")
    assert client.companies()
    assert set(client.build_times_ms) >= {"CompanyService"}


def test_connection_refused_is_a_transport_error() -> None:
    settings = demo_settings("http://127.0.0.1:9/soap/v3/")
    with pytest.raises(NmbrsTransportError) as info:
        NmbrsClient(settings).companies()
    assert info.value.kind == "connection"
    assert "127.0.0.1:9" in info.value.hint


def test_client_is_safe_to_share_between_threads(demo_server: DemoServer) -> None:
    client = make_client(demo_server, concurrency=8)
    world = demo_server.world
    cid = a_company_with_staff(demo_server)
    ids = [e.Id for e in world.employees(cid)][:40]
    expected = {eid: world.personal_info(eid) for eid in ids}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(client.personal_info, ids * 3))
    assert results == [expected[eid] for eid in ids * 3]


def test_call_log_notifies_subscribers_without_payload_or_token(demo_server: DemoServer) -> None:
    client = make_client(demo_server)
    seen: list[CallRecord] = []
    lock = threading.Lock()

    def remember(record: CallRecord) -> None:
        with lock:
            seen.append(record)

    unsubscribe = client.call_log.subscribe(remember)
    cid = a_company_with_staff(demo_server)
    client.runs(cid, date.today().year)
    unsubscribe()
    client.debtors()
    assert [r.operation for r in seen] == ["CompanyService.Run_GetList"]
    record = seen[0]
    assert record.company_id == cid and record.outcome == "ok" and record.duration_ms > 0
    assert "demo-token" not in repr(record)
