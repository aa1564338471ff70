"""The fast reader and zeep give the same data and the same models, on any reply.

Two sources of replies: the demo server's own (every list operation of the catalogue, every
company of the demo world, the 5,000-employee one included) and generated ones, drawn by
hypothesis from each operation's schema and then mutated the ways real replies drift: children
left out, reordered, doubled or unknown, ``xsi:nil``, empty or padded text, values zeep cannot
convert, an empty or missing Result, and ASP.NET's wire style (default namespace, ``xsi:type``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from zeep.helpers import serialize_object
from zeep.xsd.types import builtins
from zeep.xsd.types.any import AnyType

from nmbrs_client.client import ALWAYS_FAST_READ, NmbrsClient
from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.fastread import UNREAD, ReplyReader, _Field, _Plan, build_reader
from nmbrs_client.operations import Service, get_operation
from nmbrs_client.transport import check_soap_body
from nmbrs_demo import DEMO_SEED, DEMO_TODAY
from nmbrs_demo.handlers import Handlers
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.scenarios import load_scenario
from nmbrs_demo.soapwire import load_service
from nmbrs_demo.worlds import shared_world

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"

# Operation → the client's typed method that turns its data into models (with its arguments).
TYPED: dict[str, Callable[[NmbrsClient], Any]] = {
    "EmployeeService.List_GetByCompany": lambda c: c.employees_of_type(1, 1),
    "EmployeeService.Employment_GetAll_AllEmployeesByCompany": lambda c: c.employments(1),
    "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany": (
        lambda c: c.personal_info_contract_salary_address(1)
    ),
    "EmployeeService.Schedule_GetAll_AllEmployeesByCompany": lambda c: c.schedules(1),
    "EmployeeService.BankAccount_GetListCurrent": lambda c: c.bank_accounts(1),
    "EmployeeService.PersonalInfo_GetCurrent": lambda c: c.personal_info(1),
    "CompanyService.List_GetAll": lambda c: c.companies(),
    "CompanyService.Run_GetList": lambda c: c.runs(1, 2026),
    "DebtorService.List_GetAll": lambda c: c.debtors(),
    # The small replies a rights check reads once per account, company or employee.
    "DebtorService.Environment_Get": lambda c: c.environment(),
    "EmployeeService.EmployeeType_GetList": lambda c: c.employee_types(),
    "EmployeeService.Department_GetCurrent": lambda c: c.department(1),
    "EmployeeService.Function_GetCurrent": lambda c: c.function(1),
    "EmployeeService.SalaryDocuments_GetAnnualStatementPDF": lambda c: c.annual_statement(1, 2026),
    "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany": (
        lambda c: c.payslips(1, 1, 1)
    ),
    "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2": (
        lambda c: c.payslips(1, 1, 1, 2026)
    ),
}


@cache
def _client() -> NmbrsClient:
    return NmbrsClient(demo_settings("http://127.0.0.1:9/soap/v3/"))


@cache
def _zeep_parts(qualified: str) -> tuple[Any, Any, ReplyReader]:
    op = get_operation(*_split(qualified))
    proxy = _client().service(op.service)
    reader = build_reader(proxy._binding.get(op.name), proxy._client.wsdl.types)
    assert reader is not None, f"{qualified} has no fast reader"
    return proxy._client, proxy._binding, reader


def _split(qualified: str) -> tuple[Service, str]:
    service, name = qualified.split(".", 1)
    return Service(service), name


def _by_zeep(qualified: str, body: bytes) -> Any:
    client, binding, _reader = _zeep_parts(qualified)
    response = requests.Response()
    response.status_code = 200
    response._content = body
    response.headers["Content-Type"] = "text/xml; charset=utf-8"
    raw = binding.process_reply(client, binding.get(_split(qualified)[1]), response)
    return _without_raw(serialize_object(raw, target_cls=dict))


def _without_raw(value: Any) -> Any:
    """zeep keeps unknown children under ``_raw_elements``; no model reads them."""
    if isinstance(value, dict):
        return {k: _without_raw(v) for k, v in value.items() if k != "_raw_elements"}
    if isinstance(value, list):
        return [_without_raw(v) for v in value]
    return value


def _models(qualified: str, data: Any) -> Any:
    """What the typed method makes of ``data``: its models, or the error it raises."""
    client = NmbrsClient(demo_settings("http://127.0.0.1:9/soap/v3/"))
    client.call = lambda *args, **kwargs: data  # type: ignore[method-assign]
    client._invoke = lambda *args, **kwargs: data  # type: ignore[method-assign]
    try:
        return TYPED[qualified](client)
    except NmbrsTransportError as error:
        return ("error", error.problem)


def assert_same(qualified: str, body: bytes) -> bool:
    """Both readers on ``body``: equal data and equal models. True if the fast one read it."""
    reader = _zeep_parts(qualified)[2]
    tree = check_soap_body(body, 200, "text/xml")
    try:
        fast = reader.read(tree)
    except Exception as error:  # e.g. decimal.InvalidOperation, which zeep lets through too
        with pytest.raises(type(error)):
            _by_zeep(qualified, body)
        return True
    if fast is UNREAD:
        return False  # the client lets zeep read it: nothing to compare
    slow = _by_zeep(qualified, body)
    assert _without_raw(fast) == slow
    assert _models(qualified, fast) == _models(qualified, slow)
    return True


# ------------------------------------------------------------------ demo replies
def _demo_params(op: Any, world: Any, companies: list[int]) -> list[dict[str, int]]:
    """Arguments the demo answers with records for ``op`` (ids of its own world)."""
    names = {p.name.lower(): p.name for p in op.params}
    years = (DEMO_TODAY.year - 1, DEMO_TODAY.year)
    if "run" in op.needs:  # payslips: a run's own employees, this year and last
        calls = []
        for cid in companies[:3]:
            for year in years:
                for run in world.runs(cid, year)[:2]:
                    for member in world.run_employees(cid, run.ID)[:2]:
                        ids = {
                            "companyid": cid,
                            "employeeid": member.EmployeeId,
                            "runid": run.ID,
                            "intyear": year,
                        }
                        calls.append({names[k]: v for k, v in ids.items() if k in names})
        return calls
    if "company" in op.needs or "companyid" in names:
        # EmployeeType: an id of the world's own types, which every reading answers with rows.
        chosen = {"year": DEMO_TODAY.year, "employeetype": world.employee_types()[0].Id}
        return [
            {
                p.name: cid if p.name.lower() == "companyid" else chosen.get(p.name.lower(), 0)
                for p in op.params
            }
            for cid in companies
        ]
    if "employeeid" in names:
        return [
            {p.name: employee.Id if p.name.lower() == "employeeid" else year for p in op.params}
            for cid in companies[:3]
            for employee in world.employees(cid)[:3]
            for year in (years if "intyear" in names else years[:1])
        ]
    return [{}]


def _demo_replies() -> list[tuple[str, bytes]]:
    world = shared_world(DEMO_SEED, DEMO_TODAY, "standard")
    handlers = Handlers(world, load_scenario("healthy"), DEMO_TODAY)
    companies = [c.ID for c in world.companies()]
    replies = []
    for qualified in TYPED:
        service, name = _split(qualified)
        loaded = load_service(service)
        for params in _demo_params(get_operation(service, name), world, companies):
            value = handlers.call(qualified, params)
            replies.append((qualified, loaded.render(name, "1.1", value)))
    return replies


def test_demo_replies_read_alike() -> None:
    replies = _demo_replies()
    read = sum(assert_same(qualified, body) for qualified, body in replies)
    operations = {q for q, _ in replies}
    assert operations == set(TYPED)
    # Every demo reply has a shape the fast reader covers: none went back to zeep.
    assert read == len(replies)


# ------------------------------------------------------------- generated replies
TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
    ),
    max_size=12,
)


def _plain_text(kind: Any, draw: Any) -> str:
    """A value in the lexical form Nmbrs writes for the simple type ``kind``."""
    if isinstance(kind, builtins.Boolean):
        return str(draw(st.sampled_from(["true", "false"])))
    if isinstance(kind, builtins.Integer):
        return str(draw(st.integers(-(2**31), 2**31 - 1)))
    if isinstance(kind, builtins.Decimal):
        value = draw(st.decimals(-(10**9), 10**9, places=2, allow_nan=False))
        return str(value)
    if isinstance(kind, builtins.DateTime):
        moment = draw(st.datetimes())
        return str(moment.replace(microsecond=0).isoformat())
    if isinstance(kind, builtins.Base64Binary):
        return str(draw(st.sampled_from(["JVBERi0xLjQK", ""])))
    return str(draw(TEXT))


def _odd_text(kind: Any, draw: Any) -> str:
    """Text a sloppy or hostile server might send instead."""
    plain = _plain_text(kind, draw)
    return str(
        draw(
            st.sampled_from(
                [
                    f"  {plain}\n",
                    f"\t{plain}",
                    "abc",
                    "",
                    " ",
                    "2026-02-30T00:00:00",
                    "2026-01-05",
                    "2026-01-05 10:11:12",
                    "2026-01-05T10:11:12Z",
                    "1e3",
                    "9" * 40,
                    "-" + "9" * 40,
                    "x" * 5000,
                    "12.",
                    "+7",
                    "٣",
                    "TRUE",
                    "0",
                    "1",
                ]
            )
        )
    )


class Builder:
    """Writes one reply for a reader's plan, applying drawn mutations."""

    def __init__(self, draw: Any, namespace: str, default_ns: bool) -> None:
        self.draw = draw
        self.ns = namespace
        self.default_ns = default_ns
        self.nsmap: dict[str | None, str] = (
            {None: namespace, "xsi": XSI, "xsd": XSD} if default_ns else {"ns0": namespace}
        )

    def q(self, localname: str) -> str:
        return f"{{{self.ns}}}{localname}"

    def element(self, parent: etree._Element, field: _Field, depth: int) -> None:
        draw = self.draw
        node = etree.SubElement(parent, self.q(field.localname))
        choice = draw(st.sampled_from(["plain"] * 8 + ["nil", "odd", "typed"]))
        if choice == "nil":
            node.set(f"{{{XSI}}}nil", "true")
            return
        if field.plan is not None:
            self.children(node, field.plan, depth + 1)
            return
        kind = field.zeep_element.type
        if choice == "typed" and isinstance(kind, (builtins.String, AnyType)):
            node.set(f"{{{XSI}}}type", "xsd:string")  # ASP.NET writes anyType values so
        node.text = _odd_text(kind, draw) if choice == "odd" else _plain_text(kind, draw)

    def children(self, node: etree._Element, plan: _Plan, depth: int) -> None:
        draw = self.draw
        for field in plan.fields:
            if field.repeated:
                count = draw(st.integers(0, 3 if depth < 3 else 1))
            else:
                count = draw(st.sampled_from([1] * 6 + [0, 2]))  # left out or doubled
            for _ in range(count):
                self.element(node, field, depth)
        if draw(st.integers(0, 4)) == 0:
            unknown = etree.SubElement(node, self.q(draw(st.sampled_from(["Extra", "NewField"]))))
            unknown.text = "x"
        if len(node) > 1 and draw(st.booleans()):
            items = list(node)
            order = draw(st.permutations(range(len(items))))
            for child in items:
                node.remove(child)
            for i in order:
                node.append(items[i])

    def reply(self, reader: ReplyReader) -> bytes:
        nsmap: dict[str | None, str] = {"soap": SOAP, **self.nsmap}
        envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap=nsmap)  # type: ignore[arg-type]
        body = etree.SubElement(envelope, f"{{{SOAP}}}Body")
        response = etree.SubElement(body, self.q(reader._response.localname))
        shape = self.draw(st.sampled_from(["records"] * 6 + ["empty", "missing", "nil"]))
        if shape != "missing":
            result = etree.SubElement(response, self.q(reader._result.localname))
            if shape == "nil":
                result.set(f"{{{XSI}}}nil", "true")
            elif shape == "records" and reader._result.plan is not None:
                self.children(result, reader._result.plan, 0)
        return bytes(etree.tostring(envelope, xml_declaration=True, encoding="utf-8"))


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    qualified=st.sampled_from(sorted(TYPED)),
    default_ns=st.booleans(),
    data=st.data(),
)
def test_generated_and_mutated_replies_read_alike(
    qualified: str, default_ns: bool, data: st.DataObject
) -> None:
    reader = _zeep_parts(qualified)[2]
    service, _name = _split(qualified)
    body = Builder(data.draw, service.namespace, default_ns).reply(reader)
    assert_same(qualified, body)


def test_mutations_are_read_by_the_fast_reader_not_handed_back() -> None:
    """The property above must exercise the fast path: typical drift stays on it."""
    qualified = "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany"
    ns = Service.EMPLOYEE.namespace
    body = (
        f'<soap:Envelope xmlns:soap="{SOAP}" xmlns:xsi="{XSI}" xmlns:xsd="{XSD}"><soap:Body>'
        f'<PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompanyResponse xmlns="{ns}">'
        "<PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompanyResult>"
        "<PersonalInfoContractSalaryAddress><Unknown>1</Unknown><EmployeeNumber> 7 </EmployeeNumber>"
        '<EmployeeID>12</EmployeeID><PostCode xsi:type="xsd:string">1234AB</PostCode>'
        '<Birthday xsi:nil="true"/><SalaryValue>12.50</SalaryValue><FirstName/>'
        "</PersonalInfoContractSalaryAddress>"
        "</PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompanyResult>"
        "</PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompanyResponse>"
        "</soap:Body></soap:Envelope>"
    ).encode()
    assert assert_same(qualified, body)
    models = _models(qualified, _zeep_parts(qualified)[2].read(check_soap_body(body, 200, "")))
    assert models[0].EmployeeID == 12 and models[0].EmployeeNumber == 7
    assert models[0].PostCode == "1234AB" and models[0].SalaryValue == Decimal("12.50")


def test_an_empty_or_missing_result_is_no_records() -> None:
    qualified = "EmployeeService.List_GetByCompany"
    ns = Service.EMPLOYEE.namespace
    for result in ("<List_GetByCompanyResult/>", ""):
        body = (
            f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>'
            f'<List_GetByCompanyResponse xmlns="{ns}">{result}</List_GetByCompanyResponse>'
            "</soap:Body></soap:Envelope>"
        ).encode()
        assert assert_same(qualified, body)
        assert _models(qualified, None) == []


def test_every_reply_the_client_always_reads_fast_is_held_to_zeeps_reading_here() -> None:
    assert set(ALWAYS_FAST_READ) <= set(TYPED)


@pytest.mark.parametrize("qualified", sorted(TYPED))
def test_every_typed_list_has_a_fast_reader(qualified: str) -> None:
    assert _zeep_parts(qualified)[2] is not None


def test_text_that_zeep_cannot_convert_is_none_in_both() -> None:
    reader = _zeep_parts("EmployeeService.List_GetByCompany")[2]
    ns = Service.EMPLOYEE.namespace
    body = (
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><List_GetByCompanyResponse xmlns="{ns}">'
        "<List_GetByCompanyResult><Employee><Id>1</Id><Number>abc</Number></Employee>"
        "</List_GetByCompanyResult></List_GetByCompanyResponse></soap:Body></soap:Envelope>"
    ).encode()
    assert assert_same("EmployeeService.List_GetByCompany", body)
    data = reader.read(check_soap_body(body, 200, ""))
    assert data[0]["Number"] is None
    # The model needs a number: the reply is malformed under both readers.
    assert _models("EmployeeService.List_GetByCompany", data)[0] == "error"


def _contract_reply(record: str) -> bytes:
    ns = Service.EMPLOYEE.namespace
    return (
        f'<soap:Envelope xmlns:soap="{SOAP}" xmlns:xsi="{XSI}" xmlns:xsd="{XSD}"><soap:Body>'
        f'<PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompanyResponse xmlns="{ns}">'
        "<PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompanyResult>"
        f"<PersonalInfoContractSalaryAddress>{record}</PersonalInfoContractSalaryAddress>"
        "</PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompanyResult>"
        "</PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompanyResponse>"
        "</soap:Body></soap:Envelope>"
    ).encode()


@pytest.mark.parametrize(
    "record",
    [
        # in the schema's order (the reader's single pass), with gaps and an unknown child
        "<EmployeeID>1</EmployeeID><Extra>x</Extra><FirstName>An</FirstName>"
        '<Birthday xsi:nil="true"/><SalaryValue>10.50</SalaryValue>'
        '<PostCode xsi:type="xsd:string">1234AB</PostCode>',
        # out of order, doubled (the first counts), typed: the reordering pass
        "<FirstName>An</FirstName><EmployeeID>1</EmployeeID><FirstName>Bo</FirstName>"
        '<EmployeeNumber xsi:type="xsd:int">7</EmployeeNumber><SalaryValue>10.50</SalaryValue>',
        # doubled right after itself
        "<EmployeeID>1</EmployeeID><EmployeeID>2</EmployeeID><City>Ede</City>",
    ],
)
def test_records_in_and_out_of_the_schemas_order_read_alike(record: str) -> None:
    qualified = "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany"
    assert assert_same(qualified, _contract_reply(record))


def test_the_first_failing_field_in_the_schemas_order_decides_not_the_first_in_the_reply() -> None:
    """Text no decimal reads (an arithmetic error, as in zeep) before, in the reply, an element
    whose xsi:type zeep cannot resolve but which comes first in the schema: zeep meets the
    xsi:type first, so the fast reader hands the reply to zeep instead of failing itself."""
    reader = _zeep_parts(
        "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany"
    )[2]
    unknown_type = '<EmployeeNumber xsi:type="xsd:nosuchtype">7</EmployeeNumber>'
    bad_decimal = "<SalaryValue>abc</SalaryValue>"
    for record in (unknown_type + bad_decimal, bad_decimal + unknown_type):
        tree = check_soap_body(_contract_reply("<EmployeeID>1</EmployeeID>" + record), 200, "")
        assert reader.read(tree) is UNREAD
    tree = check_soap_body(_contract_reply("<EmployeeID>1</EmployeeID>" + bad_decimal), 200, "")
    with pytest.raises(ArithmeticError):
        reader.read(tree)
