"""Fidelity: Nmbrs' own published WSDLs (rewritten to v3) read every demo answer strictly.

A strict zeep client built from the 2020 reference WSDLs knows nothing of this project; if it
parses every answer and the values are the demo world's, the demo is wire-compatible with
Nmbrs as far as public material can tell. Each answer is also validated with lxml against
the XML schema of the bundled WSDL (lexical values included, which zeep does not check).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import zeep
from lxml import etree

from nmbrs_client.operations import OPERATIONS, Operation, Service
from nmbrs_client.wsdl import wsdl_path
from nmbrs_demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USERNAME
from nmbrs_demo.server import DemoServer, start_demo_server
from tests.reference_wsdl import rewrite_reference_wsdls
from tests.soap_raw import SOAP11, call

XS = "http://www.w3.org/2001/XMLSchema"
HEADERS = {
    "AuthHeaderWithDomain": {"Username": DEMO_USERNAME, "Token": DEMO_TOKEN, "Domain": DEMO_DOMAIN}
}
# Catalogue operations that do not exist yet in the 2016/2020 reference files.
V3_ONLY = {"DebtorService.Environment_Get", "EmployeeService.EmployeeType_GetList"}


@pytest.fixture(scope="module")
def demo_server() -> Iterator[DemoServer]:
    """A server whose answers are exactly the published schema's.

    Two readings of open questions are set to the ones the WSDL describes: ``EmployeeType=0``
    lists everyone (so one call covers the company) and ``Environment_Get`` answers with
    exactly Domain and SubDomain. The strict defaults are checked elsewhere; this module checks
    fidelity to the WSDL.
    """
    server = start_demo_server(
        "healthy",
        latency_ms=0,
        readings={"employee-type": "zero-is-all", "environment-reply": "documented"},
    )
    try:
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class Ids:
    """Valid ids taken from the demo world, as the account itself would return them."""

    debtor: int
    company: int  # a small company, so company-wide calls stay fast
    employee: int
    run: int
    run_year: int
    statement_year: int


@pytest.fixture(scope="module")
def ids(demo_server: DemoServer) -> Ids:
    world = demo_server.world
    company = min((c.ID for c in world.companies()), key=lambda cid: len(world.employees(cid)))
    employee = world.employees(company)[0].Id
    year = demo_server.today.year
    run = next(
        r
        for r in world.runs(company, year)
        if employee in {e.EmployeeId for e in world.run_employees(company, r.ID)}
        and world.payslip_pdfs(employee, company, r.ID, year)
    )
    debtor = next(
        d.Id for d in world.debtors() if company in {c.ID for c in world.companies_of_debtor(d.Id)}
    )
    return Ids(debtor, company, employee, run.ID, year, year - 1)


def params_for(op: Operation, ids: Ids) -> dict[str, int]:
    values = {
        "DebtorId": ids.debtor,
        "CompanyId": ids.company,
        "CompanyID": ids.company,
        "EmployeeId": ids.employee,
        "EmployeeID": ids.employee,
        "RunID": ids.run,
        "RunId": ids.run,
        "Year": ids.run_year,
        "EmployeeType": 0,
    }
    if op.name == "SalaryDocuments_GetAnnualStatementPDF":
        values["intYear"] = ids.statement_year
    else:
        values["intYear"] = ids.run_year
    return {name: values[name] for name in op.param_names}


@pytest.fixture(scope="module")
def reference(
    tmp_path_factory: pytest.TempPathFactory, demo_server: DemoServer
) -> dict[str, tuple[zeep.Client, Any]]:
    """Strict reference clients, each with its service address pinned to the demo server."""
    paths = rewrite_reference_wsdls(tmp_path_factory.mktemp("reference-v3"))
    result = {}
    for service in Service:
        client = zeep.Client(str(paths[service.value]), settings=zeep.Settings(strict=True))
        binding = f"{{{service.namespace}}}{service.value}Soap"
        result[service.value] = (
            client,
            client.create_service(binding, demo_server.url_for(service)),
        )
    return result


def _reference_ops(client: zeep.Client, service: Service) -> set[str]:
    port = client.wsdl.services[service.value].ports[f"{service.value}Soap"]
    return set(port.binding.all())


V21_OPERATIONS = [op for op in OPERATIONS if op.qualified_name not in V3_ONLY]


def test_reference_files_cover_every_v21_era_operation(
    reference: dict[str, tuple[zeep.Client, Any]],
) -> None:
    missing = [
        op.qualified_name
        for op in V21_OPERATIONS
        if op.name not in _reference_ops(reference[op.service.value][0], op.service)
    ]
    assert missing == []


def _expected(op: Operation, world: Any, ids: Ids) -> Any:
    """What the answer must carry, straight from the demo world."""
    c, e = ids.company, ids.employee
    readers: dict[str, Callable[[], Any]] = {
        "DebtorService.List_GetAll": lambda: [d.Id for d in world.debtors()],
        "CompanyService.List_GetAll": lambda: [x.ID for x in world.companies()],
        "CompanyService.List_GetByDebtor": lambda: [
            x.ID for x in world.companies_of_debtor(ids.debtor)
        ],
        "CompanyService.Run_GetList": lambda: [r.ID for r in world.runs(c, ids.run_year)],
        "CompanyService.Run_GetEmployeesByRunCompany": lambda: [
            x.EmployeeId for x in world.run_employees(c, ids.run)
        ],
        "CompanyService.Company_GetCurrentPeriod": lambda: world.current_period(c),
        "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany": lambda: (
            world.payslip_pdfs(e, c, ids.run, ids.run_year)
        ),
        "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2": lambda: (
            world.payslip_pdfs(e, c, ids.run, ids.run_year)
        ),
        "EmployeeService.List_GetByCompany": lambda: [
            (x.Id, x.DisplayName) for x in world.employees(c)
        ],
        "EmployeeService.PersonalInfo_GetCurrent": lambda: (
            world.personal_info(e).FirstName,
            world.personal_info(e).LastName,
            world.personal_info(e).BSN,
        ),
        "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany": lambda: [
            (x.EmployeeID, x.LastName, x.SalaryValue)
            for x in world.personal_info_contract_salary_address(c)
        ],
        "EmployeeService.Employment_GetAll_AllEmployeesByCompany": lambda: [
            (x.EmployeeId, [m.EmploymentId for m in x.Employments]) for x in world.employments(c)
        ],
        "EmployeeService.Schedule_GetAll_AllEmployeesByCompany": lambda: [
            (x.EmployeeId, [s.HoursMonday for s in x.Schedules]) for x in world.schedules(c)
        ],
        "EmployeeService.Department_GetCurrent": lambda: world.department(e).Description,
        "EmployeeService.Function_GetCurrent": lambda: world.function(e).Description,
        "EmployeeService.BankAccount_GetListCurrent": lambda: [
            b.IBAN for b in world.bank_accounts(e)
        ],
        "EmployeeService.SalaryDocuments_GetAnnualStatementPDF": lambda: world.annual_statement_pdf(
            e, ids.statement_year
        ),
        "EmployeeService.Employee_GetCurrent": lambda: world.employee_current_period(e),
    }
    return readers[op.qualified_name]()


def _actual(op: Operation, result: Any) -> Any:
    """The same facts read from what the reference zeep client parsed."""
    rows = result or []
    readers: dict[str, Callable[[], Any]] = {
        "DebtorService.List_GetAll": lambda: [d.Id for d in rows],
        "CompanyService.List_GetAll": lambda: [x.ID for x in rows],
        "CompanyService.List_GetByDebtor": lambda: [x.ID for x in rows],
        "CompanyService.Run_GetList": lambda: [r.ID for r in rows],
        "CompanyService.Run_GetEmployeesByRunCompany": lambda: [x.EmployeeId for x in rows],
        "CompanyService.Company_GetCurrentPeriod": lambda: result,
        "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany": lambda: [
            p.PDF for p in rows
        ],
        "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2": lambda: [
            p.PDF for p in rows
        ],
        "EmployeeService.List_GetByCompany": lambda: [(x.Id, x.DisplayName) for x in rows],
        "EmployeeService.PersonalInfo_GetCurrent": lambda: (
            result.FirstName,
            result.LastName,
            result.BSN,
        ),
        "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany": lambda: [
            (x.EmployeeID, x.LastName, x.SalaryValue) for x in rows
        ],
        "EmployeeService.Employment_GetAll_AllEmployeesByCompany": lambda: [
            (
                x.EmployeeId,
                [
                    m.EmploymentId
                    for m in (x.EmployeeEmployments.Employment if x.EmployeeEmployments else [])
                ],
            )
            for x in rows
        ],
        "EmployeeService.Schedule_GetAll_AllEmployeesByCompany": lambda: [
            (
                x.EmployeeId,
                [
                    s.HoursMonday
                    for s in (x.EmployeeSchedules.Schedule_V2 if x.EmployeeSchedules else [])
                ],
            )
            for x in rows
        ],
        "EmployeeService.Department_GetCurrent": lambda: result.Description,
        "EmployeeService.Function_GetCurrent": lambda: result.Description,
        "EmployeeService.BankAccount_GetListCurrent": lambda: [b.IBAN for b in rows],
        # zeep unwraps the single-child SalaryDocument to its PDF bytes.
        "EmployeeService.SalaryDocuments_GetAnnualStatementPDF": lambda: result,
        "EmployeeService.Employee_GetCurrent": lambda: result,
    }
    return readers[op.qualified_name]()


@pytest.mark.parametrize("op", V21_OPERATIONS, ids=lambda op: op.qualified_name)
def test_strict_reference_client_reads_every_operation(
    op: Operation, reference: dict[str, tuple[zeep.Client, Any]], demo_server: DemoServer, ids: Ids
) -> None:
    _, proxy = reference[op.service.value]
    result = getattr(proxy, op.name)(**params_for(op, ids), _soapheaders=HEADERS)
    expected = _expected(op, demo_server.world, ids)
    assert expected not in (None, [], "")  # the chosen ids must exercise real data
    assert _actual(op, result) == expected


def test_environment_get_with_plain_auth_header(demo_server: DemoServer) -> None:
    """v3-only, so read with the bundled WSDL and the plain AuthHeader it declares."""
    client = zeep.Client(str(wsdl_path(Service.DEBTOR)), settings=zeep.Settings(strict=True))
    proxy = client.create_service(
        f"{{{Service.DEBTOR.namespace}}}DebtorServiceSoap", demo_server.url_for(Service.DEBTOR)
    )
    result = proxy.Environment_Get(
        _soapheaders={"AuthHeader": {"Username": DEMO_USERNAME, "Token": DEMO_TOKEN}}
    )
    env = demo_server.world.environment()
    assert (result.Domain, result.SubDomain) == (env.Domain, env.SubDomain)


@functools.cache
def _schema(path: Path) -> etree.XMLSchema:
    """The WSDL's inline schema as a standalone XSD (WSDL root nsmap merged for tns: QNames)."""
    root = etree.parse(str(path)).getroot()
    source = root.find(f"{{http://schemas.xmlsoap.org/wsdl/}}types/{{{XS}}}schema")
    assert source is not None
    nsmap = {k: v for k, v in root.nsmap.items() if k}
    nsmap.update({k: v for k, v in source.nsmap.items() if k})
    schema = etree.Element(f"{{{XS}}}schema", nsmap=nsmap, attrib=dict(source.attrib))
    for child in source:
        schema.append(copy.copy(child))
    return etree.XMLSchema(schema)


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.qualified_name)
def test_every_answer_is_schema_valid(op: Operation, demo_server: DemoServer, ids: Ids) -> None:
    header = "AuthHeader" if op.header.value == "AuthHeader" else "AuthHeaderWithDomain"
    reply = call(
        demo_server.base_url, op.service.value, op.name, params_for(op, ids), header=header
    )
    assert reply.status == 200, reply.body[:300]
    body = reply.xml.find(f"{{{SOAP11}}}Body")
    assert body is not None
    response = body[0]
    assert response.tag == f"{{{op.service.namespace}}}{op.name}Response"
    assert len(response) == 1 and response[0].tag == f"{{{op.service.namespace}}}{op.name}Result"
    schema = _schema(wsdl_path(op.service))
    schema.assertValid(etree.fromstring(etree.tostring(response)))
    # .NET writes dateTimes without a zone and decimals with a dot.
    text = reply.body.decode()
    assert "+00:00" not in text and "Z</" not in text
