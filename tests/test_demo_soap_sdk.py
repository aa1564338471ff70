"""The PyPI ``nmbrs`` SDK against the SOAP demo: every reading serves a WSDL its replies fit.

The SDK builds a strict zeep client from the server's own ``?WSDL``. A real ASMX service
always answers as its WSDL says, so a reading that changes a reply (``environment-reply``)
must change the served WSDL with it; only a client that brings its own WSDL (ours) meets the
difference. The SDK runs in its own process (``import nmbrs`` configures logging) through
:mod:`bench.sdk_replay`, which points it at the demo.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import zeep
from lxml import etree

from bench.peer import sdk_replay
from nmbrs_client.client import NmbrsClient
from nmbrs_client.operations import Service
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.readings import STRICT, EnvironmentReplyReading, Readings
from nmbrs_demo.server import DemoServer, start_demo_server
from nmbrs_demo.soapwire import load_service

REPO = Path(__file__).resolve().parent.parent
YEAR = 2026


def sdk_calls(server: DemoServer) -> list[tuple[str, dict[str, int]]]:
    """One call of every operation the replay knows, with ids the demo itself returned."""
    client = NmbrsClient(demo_settings(server.base_url))
    try:
        debtor = client.debtors()[0].Id
        company = client.companies()[0].ID
        employee = client.employees(company)[0].Id
        run = client.runs(company, YEAR)[0].ID
    finally:
        client.close()
    cid = {"CompanyId": company}
    eid = {"EmployeeId": employee}
    return [
        ("DebtorService.Environment_Get", {}),
        ("DebtorService.List_GetAll", {}),
        ("CompanyService.List_GetAll", {}),
        ("CompanyService.List_GetByDebtor", {"DebtorId": debtor}),
        ("CompanyService.Company_GetCurrentPeriod", cid),
        ("CompanyService.Run_GetList", {**cid, "Year": YEAR}),
        ("EmployeeService.List_GetByCompany", {**cid, "EmployeeType": 1}),
        ("EmployeeService.Employment_GetAll_AllEmployeesByCompany", {"CompanyID": company}),
        (
            "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany",
            {"CompanyID": company},
        ),
        ("EmployeeService.Schedule_GetAll_AllEmployeesByCompany", {"CompanyID": company}),
        ("EmployeeService.BankAccount_GetListCurrent", eid),
        ("EmployeeService.Department_GetCurrent", eid),
        ("EmployeeService.Function_GetCurrent", eid),
        ("EmployeeService.PersonalInfo_GetCurrent", eid),
        (
            "EmployeeService.SalaryDocuments_GetAnnualStatementPDF",
            {"EmployeeID": employee, "intYear": YEAR},
        ),
        (
            "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany",
            {"EmployeeID": employee, "CompanyId": company, "RunID": run},
        ),
    ]


@pytest.mark.parametrize("reply", list(EnvironmentReplyReading), ids=str)
def test_the_sdk_passes_against_the_demo(reply: EnvironmentReplyReading) -> None:
    readings = STRICT.changed({"environment-reply": reply.value})
    with start_demo_server("healthy", latency_ms=0, readings=readings) as server:
        calls = sdk_calls(server)
        result = sdk_replay(server.base_url, calls)
    assert result["calls"] == len(calls)
    assert result["failures"] == []  # Environment_Get included: the WSDL fits the reply


def test_the_served_wsdl_declares_what_each_reading_answers() -> None:
    debtor = load_service(Service("DebtorService"))
    for readings in (STRICT, Readings(environment_reply=EnvironmentReplyReading.DOCUMENTED)):
        wsdl = etree.fromstring(debtor.served_wsdl("http://demo/soap/v3/", readings).encode())
        xs = "{http://www.w3.org/2001/XMLSchema}"
        environment = next(
            node for node in wsdl.iter(f"{xs}complexType") if node.get("name") == "Environment"
        )
        names = [e.get("name") for e in environment.iter(f"{xs}element")]
        if readings.environment_reply is EnvironmentReplyReading.EXTENDED:
            assert names == ["SubDomain", "Domain", "Culture", "IsSandbox"]
        else:
            assert names == ["Domain", "SubDomain"]


def test_strict_zeep_from_the_served_wsdl_reads_the_extended_reply() -> None:
    with start_demo_server("healthy", latency_ms=0) as server:  # the default readings
        soap = demo_settings(server.base_url).soap
        client = zeep.Client(
            server.url_for("DebtorService") + "?WSDL", settings=zeep.Settings(strict=True)
        )
        header = client.get_element("{https://api.nmbrs.nl/soap/v3/DebtorService}AuthHeader")(
            Username=soap.username, Token=soap.token.get_secret_value()
        )
        result = client.service.Environment_Get(_soapheaders=[header])
    assert result.Domain and result.IsSandbox is False and result.Culture == "nl-NL"
