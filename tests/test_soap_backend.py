"""SoapBackend against the embedded demo server: neutral models, ids, documents, identity."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nmbrs_client.backend import Backend, Company, Employee, PayrollRun
from nmbrs_client.errors import FaultCategory, NmbrsFault
from nmbrs_client.ids import ApiKind
from nmbrs_client.soap_backend import V2_DENIED_NOTE, SoapBackend
from nmbrs_demo import DEMO_TODAY
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.scenarios import Scenario
from nmbrs_demo.server import DemoServer

DemoServerFactory = Callable[..., DemoServer]


def make_backend(server: DemoServer, *, discover: bool = False) -> SoapBackend:
    settings = demo_settings(server.base_url)
    if discover:
        settings = settings.with_soap(domain=None)
    return SoapBackend.from_settings(settings, today=lambda: DEMO_TODAY)


@pytest.fixture(scope="module")
def backend(demo_server: DemoServer) -> SoapBackend:
    return make_backend(demo_server)


def a_company_with_runs(server: DemoServer) -> tuple[int, PayrollRun]:
    world = server.world
    for company in world.companies():
        if 10 <= len(world.employees(company.ID)) <= 300:
            runs = world.runs(company.ID, DEMO_TODAY.year)
            if runs:
                run = runs[-1]
                return company.ID, PayrollRun(
                    id=run.ID,
                    number=run.Number,
                    year=run.Year,
                    period_start=run.PeriodStart,
                    period_end=run.PeriodEnd,
                )
    raise AssertionError("the demo world has no company with staff and runs")


def test_it_is_a_backend_speaking_soap(backend: SoapBackend) -> None:
    as_protocol: Backend = backend  # mypy checks the structural fit
    assert as_protocol.api is ApiKind.SOAP
    assert backend.concurrency == backend.client.settings.concurrency


def test_companies_carry_the_soap_id_and_the_number_people_read(
    backend: SoapBackend, demo_server: DemoServer
) -> None:
    world = demo_server.world
    companies = backend.companies()
    assert all(isinstance(c, Company) for c in companies)
    assert {(c.id, c.number, c.name) for c in companies} == {
        (c.ID, str(c.Number), c.Name) for c in world.companies()
    }
    debtor = backend.debtors()[0]
    assert (debtor.id, debtor.number) == (world.debtors()[0].Id, world.debtors()[0].Number)
    of_debtor = backend.companies_of_debtor(debtor.id)
    assert of_debtor and all(c.debtor_id == debtor.id for c in of_debtor)
    first = world.companies()[0]
    got = next(c for c in companies if c.id == first.ID)
    assert (got.kvk, got.tax_period) == (first.KvkNr, first.LoonaangifteTijdvak)
    period = backend.current_period(first.ID)
    assert period is not None and period.raw == world.current_period(first.ID)


def test_employees_and_detail_sections(backend: SoapBackend, demo_server: DemoServer) -> None:
    world = demo_server.world
    cid, _run = a_company_with_runs(demo_server)
    employees = backend.employees(cid)
    expected = world.employees(cid)
    assert [(e.id, e.number, e.name) for e in employees] == [
        (e.Id, e.Number, e.DisplayName) for e in expected
    ]
    assert all(isinstance(e, Employee) and e.employee_type is None for e in employees)
    eid = employees[0].id
    info = backend.personal_info(cid, eid)
    assert info is not None and info.Id == eid and info.BSN
    assert backend.department(cid, eid) == world.department(int(eid))
    assert backend.function(cid, eid) == world.function(int(eid))
    assert [a.IBAN for a in backend.bank_accounts(cid, eid)] == [
        a.IBAN for a in world.bank_accounts(int(eid))
    ]
    assert {e.EmployeeId for e in backend.employments(cid)} == {e.Id for e in expected}
    assert {s.EmployeeId for s in backend.schedules(cid)} == {e.Id for e in expected}
    assert {p.EmployeeID for p in backend.contracts(cid)} == {e.Id for e in expected}


def test_runs_members_and_documents(backend: SoapBackend, demo_server: DemoServer) -> None:
    cid, wanted = a_company_with_runs(demo_server)
    runs = backend.runs(cid, wanted.year)
    run = next(r for r in runs if r.id == wanted.id)
    assert (run.number, run.period_start, run.period_end) == (
        wanted.number,
        wanted.period_start,
        wanted.period_end,
    )
    members = backend.run_employees(cid, run)
    assert members
    slips = backend.payslips(cid, members[0].employee_id, run)
    assert slips.pdfs and all(pdf.startswith(b"%PDF") for pdf in slips.pdfs)
    assert slips.note == ""
    statement = backend.annual_statement(cid, members[0].employee_id, wanted.year - 1)
    assert len(statement.pdfs) == 1 and statement.pdfs[0].startswith(b"%PDF")


def test_payslip_falls_back_to_the_older_call_only_for_this_year(
    demo_server_factory: DemoServerFactory,
) -> None:
    v2 = "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2"
    server = demo_server_factory(Scenario("no-v2", denied_operations=frozenset({v2})))
    backend = make_backend(server)
    cid, run = a_company_with_runs(server)
    member = backend.run_employees(cid, run)[0]
    slips = backend.payslips(cid, member.employee_id, run)
    assert slips.pdfs and slips.note == V2_DENIED_NOTE
    last_year = backend.runs(cid, run.year - 1)[0]
    old_member = backend.run_employees(cid, last_year)[0]
    with pytest.raises(NmbrsFault) as caught:
        backend.payslips(cid, old_member.employee_id, last_year)
    assert caught.value.category is FaultCategory.ENDPOINT_RIGHT_MISSING


def test_identity_discovers_the_domain_and_survives_a_refusal(
    demo_server: DemoServer, demo_server_factory: DemoServerFactory
) -> None:
    identity = make_backend(demo_server, discover=True).identity()
    assert (identity.api, identity.domain, identity.domain_source) == (
        ApiKind.SOAP,
        "demo",
        "discovered",
    )
    assert identity.user == "demo@example.com" and identity.host.startswith("127.0.0.1:")
    refused = make_backend(demo_server_factory("bad-token"), discover=True)
    with pytest.raises(NmbrsFault) as caught:
        refused.identity()
    assert caught.value.category is FaultCategory.AUTHENTICATION
    known = refused.known_identity()
    assert known.domain is None and known.domain_source == "not yet discovered"


def test_an_id_of_another_kind_never_reaches_the_wire(backend: SoapBackend) -> None:
    before = len(backend.call_log.records())
    uuid = "e6e9d88a-9b63-468a-aec3-b7a11de27af8"
    for call in (
        lambda: backend.employees(uuid),
        lambda: backend.companies_of_debtor(uuid),
        lambda: backend.bank_accounts(1, uuid),
        lambda: backend.employees(True),
    ):
        with pytest.raises(TypeError):
            call()
    assert len(backend.call_log.records()) == before


def test_every_call_is_in_the_call_log(demo_server: DemoServer) -> None:
    backend = make_backend(demo_server)
    company = backend.companies()[0]
    backend.current_period(company.id)
    operations = [r.operation for r in backend.call_log.records()]
    assert operations == [
        "CompanyService.List_GetAll",
        "CompanyService.Company_GetCurrentPeriod",
    ]
    assert backend.call_log.records()[-1].company_id == company.id


def test_employees_are_what_the_client_lists_without_a_model_in_between(
    backend: SoapBackend, demo_server: DemoServer
) -> None:
    for company in demo_server.world.companies()[:3]:
        listed = backend.client.employees(company.ID)
        assert backend.employees(company.ID) == [
            Employee(id=e.Id, number=e.Number, name=e.DisplayName or "") for e in listed
        ]
