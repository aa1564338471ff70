"""Generate the bundled Nmbrs SOAP v3 WSDLs (``nmbrs_client/wsdl/*.wsdl``).

Why generated: the real service WSDLs are huge (hundreds of operations, ~0.4 s for zeep to
load), while the project needs about twenty read-only operations. The operations catalogue
(``nmbrs_client.operations``) fixes which operations exist and their request parameters; the
type table below fixes the response types. Both follow Nmbrs' published v3 WSDLs, and
``tests/test_wsdl_conformance.py`` checks every operation against Nmbrs' own WSDLs.

The output imitates what ASP.NET ASMX generates (names, layout, both SOAP bindings) so a
client cannot tell the bundled files from a trimmed copy of the real ones.

Run: ``.venv/bin/python -m tools.gen_wsdl`` (``--check`` only reports stale files).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from nmbrs_client.operations import Header, Operation, Service, operations_of

OUT_DIR = Path(__file__).resolve().parent.parent / "nmbrs_client" / "wsdl"

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
SOAP_HTTP = "http://schemas.xmlsoap.org/soap/http"

# XSD simple types that .NET serialises as value types: minOccurs="1" by default.
VALUE_TYPES = frozenset({"int", "decimal", "dateTime", "boolean"})
XSD_TYPES = VALUE_TYPES | {"string", "base64Binary"}
ANY_TYPE = "-"  # an element declared without a type attribute (xs:anyType)

# ---------------------------------------------------------------------------------------------
# The type table. One block per type:
#   enum <Name>: <value> <value> ...
#   complex <Name> [extends <Base>]
#     <Element> <type> <min>..<max> [nil]
# <type> is an XSD simple type, "-" for an untyped element, or a type from this table;
# "ArrayOf<X>" types are derived automatically (<X minOccurs=0 maxOccurs=unbounded nillable>).
# Names, order, occurrences and nillability follow the Nmbrs 2020 WSDLs (v2.1, same types as
# v3) as recorded in the project's API notes, section 3.
# ---------------------------------------------------------------------------------------------
TYPE_TABLE = """
enum Gender: undefined male female
enum LoonaangifteTijdvak: None Month Week4 Month6 Year
enum SalaryType: None Bruto_Salaris_Fulltime Bruto_Salaris_Partime Bruto_Uurloon
    Netto_Salaris_Partime_incl_looncomp Netto_Salaris_Partime_excl_looncomp
    Netto_Uurloon_excl_looncomp Werkgerverslasten Netto_Uurloon_incl_looncomp
enum BankAccountType: None Bankrekening1 Spaarloon Bankrekening2 Bankrekening3 Bankrekening4
    Bankrekening5 Standaard Levensloop

complex Environment
  Domain string 0..1
  SubDomain string 0..1

complex Debtor
  Id int 1..1
  Number string 0..1
  Name string 0..1

complex Company
  ID int 1..1
  Number int 1..1
  Name string 0..1
  PhoneNumber string 0..1
  FaxNumber string 0..1
  Email string 0..1
  Website string 0..1
  LoonaangifteTijdvak LoonaangifteTijdvak 1..1
  KvkNr string 0..1

complex RunInfo
  ID int 1..1
  Number int 1..1
  Year int 1..1
  PeriodStart int 1..1
  PeriodEnd int 1..1
  Description string 0..1
  RunAt dateTime 1..1
  IsLocked boolean 1..1

complex EmployeeIdNumber
  EmployeeId int 1..1
  EmployeeNumber int 1..1

complex Payslip
  PDF base64Binary 0..1

complex Employee
  Id int 1..1
  Number int 1..1
  DisplayName string 0..1

complex EmployeeType
  Id int 1..1
  Description string 0..1

complex PersonalInfo extends Employee
  EmployeeNumber int 0..1 nil
  BSN string 0..1
  Title string 0..1
  FirstName string 0..1
  Initials string 0..1
  Prefix string 0..1
  LastName string 0..1
  Nickname string 0..1
  Gender Gender 0..1 nil
  NationalityCode int 0..1 nil
  PlaceOfBirth string 0..1
  CountryOfBirthISOCode string 0..1
  IdentificationNumber string 0..1
  IdentificationType int 1..1
  PartnerPrefix string 0..1
  PartnerLastName string 0..1
  TelephonePrivate string 0..1
  TelephoneWork string 0..1
  TelephoneMobilePrivate string 0..1
  TelephoneMobileWork string 0..1
  TelephoneOther string 0..1
  EmailPrivate string 0..1
  EmailWork string 0..1
  BurgerlijkeStaat string 0..1
  Naamstelling string 0..1
  Birthday dateTime 0..1 nil
  DeceasedDate dateTime 0..1 nil
  InCaseOfEmergency string 0..1
  InCaseOfEmergencyPhone string 0..1
  InCaseOfEmergencyRelation string 0..1
  TitleAfter string 0..1

complex PersonalInfoContractSalaryAddress
  EmployeeID int 1..1
  EmployeeNumber int 1..1
  FirstName string 0..1
  Birthday dateTime 1..1 nil
  Prefix string 0..1
  LastName string 0..1
  Gender Gender 1..1
  BSN string 0..1
  City string 0..1
  TelephoneWork string 0..1
  TelephoneMobileWork string 0..1
  EmailWork string 0..1
  ContractStartDate dateTime 1..1 nil
  ContractEndDate dateTime 1..1 nil
  EmailPrivate string 0..1
  TelephonePrivate string 0..1
  TelephoneMobilePrivate string 0..1
  SalaryType SalaryType 1..1 nil
  SalaryValue decimal 1..1 nil
  Street string 0..1
  HouseNumber string 0..1
  HouseNumberAddition string 0..1
  PostCode - 0..1
  HourlyWage decimal 1..1
  ContractHours decimal 1..1

complex EmployeeEmploymentItem
  EmployeeId int 1..1
  EmployeeEmployments ArrayOfEmployment 0..1

complex Employment
  EmploymentId int 1..1
  CreationDate dateTime 1..1 nil
  StartDate dateTime 1..1 nil
  EndDate dateTime 1..1 nil
  InitialStartDate dateTime 1..1 nil

complex EmployeeScheduleItem
  EmployeeId int 1..1
  EmployeeSchedules ArrayOfSchedule_V2 0..1

complex Schedule_V2
  Id decimal 1..1
  HoursMonday decimal 1..1
  HoursTuesday decimal 1..1
  HoursWednesday decimal 1..1
  HoursThursday decimal 1..1
  HoursFriday decimal 1..1
  HoursSaturday decimal 1..1
  HoursSunday decimal 1..1
  HoursMonday2 decimal 1..1
  HoursTuesday2 decimal 1..1
  HoursWednesday2 decimal 1..1
  HoursThursday2 decimal 1..1
  HoursFriday2 decimal 1..1
  HoursSaturday2 decimal 1..1
  HoursSunday2 decimal 1..1
  ParttimePercentage decimal 1..1
  StartDate dateTime 1..1
  CreationDate dateTime 1..1

complex Department
  Id int 1..1
  Code int 1..1
  Description string 0..1

complex Function
  Id int 1..1
  Code int 1..1
  Description string 0..1

complex BankAccount
  Id int 1..1
  Number string 0..1
  Description string 0..1
  IBAN string 0..1
  BIC string 0..1
  City string 0..1
  Name string 0..1
  Type BankAccountType 1..1

complex SalaryDocument
  PDF base64Binary 0..1
"""

# Notes written into the WSDL next to a type whose shape is not fully known.
TYPE_COMMENTS = {
    "Environment": "UNCERTAIN: only Domain and SubDomain of the v3 Environment_Get result are"
    " publicly documented; the real type may carry more fields.",
}

# Result type of each operation (the <Op>Result element, always minOccurs=0 maxOccurs=1).
RESULTS: dict[tuple[Service, str], str] = {
    # UNCERTAIN: the v3 Environment_Get result is known only to carry Domain and SubDomain
    # (in that order, as far as public clients show); it may have more fields.
    (Service.DEBTOR, "Environment_Get"): "Environment",
    (Service.DEBTOR, "List_GetAll"): "ArrayOfDebtor",
    (Service.COMPANY, "List_GetAll"): "ArrayOfCompany",
    (Service.COMPANY, "List_GetByDebtor"): "ArrayOfCompany",
    (Service.COMPANY, "Run_GetList"): "ArrayOfRunInfo",
    (Service.COMPANY, "Run_GetEmployeesByRunCompany"): "ArrayOfEmployeeIdNumber",
    (Service.COMPANY, "Company_GetCurrentPeriod"): "string",
    (Service.COMPANY, "SalaryDocuments_GetEmployeePayslipsPDFByRunCompany"): "ArrayOfPayslip",
    (Service.COMPANY, "SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2"): "ArrayOfPayslip",
    (Service.EMPLOYEE, "List_GetByCompany"): "ArrayOfEmployee",
    (Service.EMPLOYEE, "EmployeeType_GetList"): "ArrayOfEmployeeType",
    (Service.EMPLOYEE, "PersonalInfo_GetCurrent"): "PersonalInfo",
    (
        Service.EMPLOYEE,
        "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany",
    ): "ArrayOfPersonalInfoContractSalaryAddress",
    (Service.EMPLOYEE, "Employment_GetAll_AllEmployeesByCompany"): "ArrayOfEmployeeEmploymentItem",
    (Service.EMPLOYEE, "Schedule_GetAll_AllEmployeesByCompany"): "ArrayOfEmployeeScheduleItem",
    (Service.EMPLOYEE, "Department_GetCurrent"): "Department",
    (Service.EMPLOYEE, "Function_GetCurrent"): "Function",
    (Service.EMPLOYEE, "BankAccount_GetListCurrent"): "ArrayOfBankAccount",
    (Service.EMPLOYEE, "SalaryDocuments_GetAnnualStatementPDF"): "SalaryDocument",
    (Service.EMPLOYEE, "Employee_GetCurrent"): "string",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    min_occurs: str
    max_occurs: str
    nillable: bool


@dataclass(frozen=True)
class ComplexType:
    name: str
    fields: tuple[Field, ...]
    base: str | None = None


@dataclass(frozen=True)
class EnumType:
    name: str
    values: tuple[str, ...]


TypeDef = ComplexType | EnumType


def parse_type_table(text: str) -> dict[str, TypeDef]:
    """Parse TYPE_TABLE into type definitions, keeping declaration order."""
    types: dict[str, TypeDef] = {}
    blocks: list[list[str]] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        if raw.startswith(("enum ", "complex ")):
            blocks.append([raw.strip()])
        else:
            blocks[-1].append(raw.strip())
    for block in blocks:
        head, rest = block[0], block[1:]
        if head.startswith("enum "):
            name, values = head[len("enum ") :].split(":", 1)
            words = " ".join([values, *rest]).split()
            types[name.strip()] = EnumType(name.strip(), tuple(words))
            continue
        words = head.split()
        name = words[1]
        base = words[3] if len(words) == 4 and words[2] == "extends" else None
        fields = []
        for line in rest:
            parts = line.split()
            occurs_min, occurs_max = parts[2].split("..")
            fields.append(
                Field(
                    parts[0], parts[1], occurs_min, occurs_max, len(parts) > 3 and parts[3] == "nil"
                )
            )
        types[name] = ComplexType(name, tuple(fields), base)
    return types


TYPES = parse_type_table(TYPE_TABLE)


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def _type_ref(type_name: str) -> str:
    return f"s:{type_name}" if type_name in XSD_TYPES else f"tns:{type_name}"


def _element(
    parent: etree._Element,
    name: str,
    type_name: str,
    min_occurs: str,
    max_occurs: str,
    nillable: bool = False,
) -> None:
    el = etree.SubElement(parent, _q(XS, "element"))
    el.set("minOccurs", min_occurs)
    el.set("maxOccurs", max_occurs)
    el.set("name", name)
    if nillable:
        el.set("nillable", "true")
    if type_name != ANY_TYPE:
        el.set("type", _type_ref(type_name))


class _SchemaWriter:
    """Writes global elements and named types into one ASMX-style inline schema."""

    def __init__(self, schema: etree._Element) -> None:
        self.schema = schema
        self.written: set[str] = set()

    def ensure_type(self, name: str) -> None:
        """Write a named type (and, depth-first, the types it uses) once."""
        if name in XSD_TYPES or name == ANY_TYPE or name in self.written:
            return
        self.written.add(name)
        if name.startswith("ArrayOf"):
            item = name[len("ArrayOf") :]
            ct = etree.SubElement(self.schema, _q(XS, "complexType"), name=name)
            seq = etree.SubElement(ct, _q(XS, "sequence"))
            _element(seq, item, item, "0", "unbounded", nillable=True)
            self.ensure_type(item)
            return
        definition = TYPES[name]
        if name in TYPE_COMMENTS:
            self.schema.append(etree.Comment(f" {TYPE_COMMENTS[name]} "))
        if isinstance(definition, EnumType):
            st = etree.SubElement(self.schema, _q(XS, "simpleType"), name=name)
            restriction = etree.SubElement(st, _q(XS, "restriction"), base="s:string")
            for value in definition.values:
                etree.SubElement(restriction, _q(XS, "enumeration"), value=value)
            return
        ct = etree.SubElement(self.schema, _q(XS, "complexType"), name=name)
        if definition.base is not None:
            content = etree.SubElement(ct, _q(XS, "complexContent"), mixed="false")
            ext = etree.SubElement(content, _q(XS, "extension"), base=_type_ref(definition.base))
            seq = etree.SubElement(ext, _q(XS, "sequence"))
        else:
            seq = etree.SubElement(ct, _q(XS, "sequence"))
        for f in definition.fields:
            _element(seq, f.name, f.type, f.min_occurs, f.max_occurs, f.nillable)
        if definition.base is not None:
            self.ensure_type(definition.base)
        for f in definition.fields:
            self.ensure_type(f.type)

    def operation(self, op: Operation) -> None:
        request = etree.SubElement(self.schema, _q(XS, "element"), name=op.name)
        request_type = etree.SubElement(request, _q(XS, "complexType"))
        if op.params:
            seq = etree.SubElement(request_type, _q(XS, "sequence"))
            for p in op.params:
                min_occurs = "1" if p.kind in VALUE_TYPES else "0"
                _element(seq, p.name, p.kind, min_occurs, "1")
        response = etree.SubElement(self.schema, _q(XS, "element"), name=f"{op.name}Response")
        seq = etree.SubElement(
            etree.SubElement(response, _q(XS, "complexType")), _q(XS, "sequence")
        )
        result = RESULTS[(op.service, op.name)]
        _element(seq, f"{op.name}Result", result, "0", "1")
        self.ensure_type(result)

    def auth_headers(self) -> None:
        """AuthHeader (Username, Token) and AuthHeaderWithDomain (+ Domain), as Nmbrs has them."""
        etree.SubElement(self.schema, _q(XS, "element"), name="AuthHeader", type="tns:AuthHeader")
        ct = etree.SubElement(self.schema, _q(XS, "complexType"), name="AuthHeader")
        seq = etree.SubElement(ct, _q(XS, "sequence"))
        _element(seq, "Username", "string", "0", "1")
        _element(seq, "Token", "string", "0", "1")
        etree.SubElement(ct, _q(XS, "anyAttribute"))
        etree.SubElement(
            self.schema,
            _q(XS, "element"),
            name="AuthHeaderWithDomain",
            type="tns:AuthHeaderWithDomain",
        )
        ct = etree.SubElement(self.schema, _q(XS, "complexType"), name="AuthHeaderWithDomain")
        content = etree.SubElement(ct, _q(XS, "complexContent"), mixed="false")
        ext = etree.SubElement(content, _q(XS, "extension"), base="tns:AuthHeader")
        _element(etree.SubElement(ext, _q(XS, "sequence")), "Domain", "string", "0", "1")


def _documentation(parent: etree._Element, text: str) -> None:
    doc = etree.SubElement(parent, _q(WSDL, "documentation"))
    doc.text = text


def build(service: Service) -> etree._Element:
    """Build the WSDL document of one service from the catalogue and the type table."""
    ns = service.namespace
    ops = operations_of(service)
    nsmap = {
        "s": XS,
        "soap12": SOAP12,
        "http": "http://schemas.xmlsoap.org/wsdl/http/",
        "mime": "http://schemas.xmlsoap.org/wsdl/mime/",
        "tns": ns,
        "soap": SOAP11,
        "tm": "http://microsoft.com/wsdl/mime/textMatching/",
        "soapenc": "http://schemas.xmlsoap.org/soap/encoding/",
        "wsdl": WSDL,
    }
    root = etree.Element(_q(WSDL, "definitions"), nsmap=nsmap)
    root.set("targetNamespace", ns)

    types = etree.SubElement(root, _q(WSDL, "types"))
    schema = etree.SubElement(
        types, _q(XS, "schema"), elementFormDefault="qualified", targetNamespace=ns
    )
    writer = _SchemaWriter(schema)
    for index, op in enumerate(ops):
        writer.operation(op)
        if index == 0:
            writer.auth_headers()

    for op in ops:
        msg = etree.SubElement(root, _q(WSDL, "message"), name=f"{op.name}SoapIn")
        etree.SubElement(msg, _q(WSDL, "part"), name="parameters", element=f"tns:{op.name}")
        msg = etree.SubElement(root, _q(WSDL, "message"), name=f"{op.name}SoapOut")
        etree.SubElement(msg, _q(WSDL, "part"), name="parameters", element=f"tns:{op.name}Response")
        header = op.header.value
        msg = etree.SubElement(root, _q(WSDL, "message"), name=f"{op.name}{header}")
        etree.SubElement(msg, _q(WSDL, "part"), name=header, element=f"tns:{header}")

    port_type = etree.SubElement(root, _q(WSDL, "portType"), name=f"{service.value}Soap")
    for op in ops:
        pop = etree.SubElement(port_type, _q(WSDL, "operation"), name=op.name)
        _documentation(pop, _doc_text(op))
        etree.SubElement(pop, _q(WSDL, "input"), message=f"tns:{op.name}SoapIn")
        etree.SubElement(pop, _q(WSDL, "output"), message=f"tns:{op.name}SoapOut")

    for suffix, soap_ns in (("Soap", SOAP11), ("Soap12", SOAP12)):
        binding = etree.SubElement(
            root,
            _q(WSDL, "binding"),
            name=f"{service.value}{suffix}",
            type=f"tns:{service.value}Soap",
        )
        etree.SubElement(binding, _q(soap_ns, "binding"), transport=SOAP_HTTP)
        for op in ops:
            bop = etree.SubElement(binding, _q(WSDL, "operation"), name=op.name)
            etree.SubElement(
                bop, _q(soap_ns, "operation"), soapAction=op.soap_action, style="document"
            )
            inp = etree.SubElement(bop, _q(WSDL, "input"))
            etree.SubElement(inp, _q(soap_ns, "body"), use="literal")
            etree.SubElement(
                inp,
                _q(soap_ns, "header"),
                message=f"tns:{op.name}{op.header.value}",
                part=op.header.value,
                use="literal",
            )
            out = etree.SubElement(bop, _q(WSDL, "output"))
            etree.SubElement(out, _q(soap_ns, "body"), use="literal")

    svc = etree.SubElement(root, _q(WSDL, "service"), name=service.value)
    address = f"https://api.nmbrs.nl/soap/v3/{service.path}"
    for suffix, soap_ns in (("Soap", SOAP11), ("Soap12", SOAP12)):
        port = etree.SubElement(
            svc,
            _q(WSDL, "port"),
            name=f"{service.value}{suffix}",
            binding=f"tns:{service.value}{suffix}",
        )
        etree.SubElement(port, _q(soap_ns, "address"), location=address)
    return root


def _doc_text(op: Operation) -> str:
    text = op.summary + "."
    if op.header is Header.AUTH:
        text += " Takes the plain AuthHeader (Username, Token): it is how the domain is found."
    return text


def render(service: Service) -> bytes:
    """The WSDL file content for one service, byte-stable between runs."""
    root = build(service)
    etree.indent(root, space="  ")
    body = etree.tostring(root, encoding="unicode")
    note = (
        "<!-- Nmbrs SOAP v3 " + service.value + ": only the read-only operations nmbrs-tui"
        " uses. Generated by tools/gen_wsdl.py; do not edit by hand. -->"
    )
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + note + "\n" + body + "\n").encode()


def output_path(service: Service) -> Path:
    return OUT_DIR / f"{service.value}.wsdl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if a bundled WSDL differs from what would be generated",
    )
    args = parser.parse_args(argv)
    stale = []
    for service in Service:
        path = output_path(service)
        content = render(service)
        if args.check:
            if not path.exists() or path.read_bytes() != content:
                stale.append(path)
            continue
        path.write_bytes(content)
        print(f"wrote {path} ({len(content)} bytes)")
    for path in stale:
        print(f"stale: {path}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
