"""The bundled v3 WSDLs against the catalogue and against Nmbrs' own WSDLs.

(a) zeep view: every catalogue operation is in the ``<Service>Soap`` binding with the right
SOAPAction, parameters and header, and nothing else is. (b) schema view: each operation's
request and response element trees (names, order, occurrences, nillability, types, enum
values, through extensions) equal those of the real Nmbrs WSDLs, namespaces mapped to v3.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import zeep
from lxml import etree

from nmbrs_client.operations import OPERATIONS, Header, Operation, Service, operations_of
from nmbrs_client.wsdl import wsdl_path
from tests.reference_wsdl import REFERENCE_FILES, reference_client, reference_path
from tools.gen_wsdl import render

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def v2_to_v3(ns: str) -> str:
    return ns.replace("/soap/v2.1/", "/soap/v3/")


# ---------------------------------------------------------------------------------------------
# A small schema walker: flattens an element declaration into one line per element, in
# document order, so two WSDLs can be compared structurally and differences read easily.
# ---------------------------------------------------------------------------------------------
class SchemaWalker:
    """Index of one WSDL's schema components, able to expand element trees."""

    def __init__(self, root: etree._Element, map_ns: Callable[[str], str] = str) -> None:
        self.root = root
        self.map_ns = map_ns
        self.components: dict[tuple[str, str, str], etree._Element] = {}
        for schema in root.iter(f"{{{XS}}}schema"):
            tns = map_ns(schema.get("targetNamespace", ""))
            for child in schema:
                name = child.get("name")
                if name is not None and isinstance(child.tag, str):
                    kind = etree.QName(child).localname
                    self.components[(kind, tns, name)] = child

    def qname(self, node: etree._Element, text: str) -> tuple[str, str]:
        prefix, _, local = text.rpartition(":")
        ns = node.nsmap.get(prefix or None)
        if ns is None:
            raise KeyError(f"unbound prefix in {text!r}")
        return self.map_ns(ns), local

    def element_lines(self, ns: str, name: str) -> list[str]:
        """The tree of the global element ``{ns}name`` as lines (path, occurs, nil, type)."""
        return self._element(self.components[("element", ns, name)], "", ())

    def _element(
        self, decl: etree._Element, path: str, stack: tuple[tuple[str, str], ...]
    ) -> list[str]:
        if decl.get("ref"):
            ns, local = self.qname(decl, decl.get("ref", ""))
            merged = copy.copy(self.components[("element", ns, local)])
            for key in ("minOccurs", "maxOccurs"):
                merged.attrib.pop(key, "")
                if decl.get(key) is not None:
                    merged.set(key, decl.get(key, ""))
            decl = merged
        name = decl.get("name", "?")
        here = f"{path}/{name}"
        occurs = f"[{decl.get('minOccurs', '1')}..{decl.get('maxOccurs', '1')}]"
        nil = " nil" if decl.get("nillable", "false") == "true" else ""
        lines: list[str] = []
        children: list[str] = []
        type_text = decl.get("type")
        if type_text is not None:
            ns, local = self.qname(decl, type_text)
            desc, children = self._named_type(ns, local, here, stack)
        else:
            inline_ct = decl.find(f"{{{XS}}}complexType")
            inline_st = decl.find(f"{{{XS}}}simpleType")
            if inline_ct is not None:
                desc = "complex (anonymous)"
                children = self._complex(inline_ct, here, stack)
            elif inline_st is not None:
                desc = self._simple(inline_st, "(anonymous)")
            else:
                desc = "xs:anyType"
        lines.append(f"{here} {occurs}{nil} : {desc}")
        return lines + children

    def _named_type(
        self, ns: str, local: str, path: str, stack: tuple[tuple[str, str], ...]
    ) -> tuple[str, list[str]]:
        if ns == XS:
            return f"xs:{local}", []
        simple = self.components.get(("simpleType", ns, local))
        if simple is not None:
            return self._simple(simple, local), []
        complex_type = self.components[("complexType", ns, local)]
        if (ns, local) in stack:
            return f"complex {local} (recursive)", []
        return f"complex {local}", self._complex(complex_type, path, (*stack, (ns, local)))

    def _simple(self, node: etree._Element, name: str) -> str:
        restriction = node.find(f"{{{XS}}}restriction")
        if restriction is None:
            return f"simple {name}"
        values = sorted(e.get("value", "") for e in restriction.iter(f"{{{XS}}}enumeration"))
        if values:
            return f"enum {name} {{{','.join(values)}}}"
        base_ns, base = self.qname(restriction, restriction.get("base", ""))
        return f"simple {name} base={'xs:' if base_ns == XS else ''}{base}"

    def _complex(
        self, node: etree._Element, path: str, stack: tuple[tuple[str, str], ...]
    ) -> list[str]:
        lines: list[str] = []
        for child in node:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag in ("sequence", "all", "choice"):
                lines += self._group(child, path, stack)
            elif tag in ("complexContent", "simpleContent"):
                for derivation in child:
                    if not isinstance(derivation.tag, str):
                        continue
                    kind = etree.QName(derivation).localname
                    base_ns, base = self.qname(derivation, derivation.get("base", ""))
                    lines.append(f"{path} <{kind} of {base}>")
                    if base_ns != XS:
                        base_type = self.components[("complexType", base_ns, base)]
                        if kind == "extension":
                            lines += self._complex(base_type, path, (*stack, (base_ns, base)))
                    lines += self._complex(derivation, path, stack)
            elif tag in ("attribute", "anyAttribute"):
                lines.append(f"{path} @{child.get('name', tag)}")
        return lines

    def _group(
        self, group: etree._Element, path: str, stack: tuple[tuple[str, str], ...]
    ) -> list[str]:
        """A sequence/choice/all: its particles in order (non-sequence groups are marked)."""
        tag = etree.QName(group).localname
        occurs = f"[{group.get('minOccurs', '1')}..{group.get('maxOccurs', '1')}]"
        lines = [] if tag == "sequence" and occurs == "[1..1]" else [f"{path} <{tag} {occurs}>"]
        for item in group:
            if not isinstance(item.tag, str):
                continue
            item_tag = etree.QName(item).localname
            if item_tag == "element":
                lines += self._element(item, path, stack)
            elif item_tag == "any":
                lines.append(f"{path}/* any")
            elif item_tag in ("sequence", "choice", "all"):
                lines += self._group(item, path, stack)
        return lines


class WsdlView:
    """The parts of one WSDL the tests look at: operations, their elements and headers."""

    def __init__(
        self, root: etree._Element, service: str, map_ns: Callable[[str], str] = str
    ) -> None:
        self.root = root
        self.service = service
        self.map_ns = map_ns
        self.walker = SchemaWalker(root, map_ns)

    @classmethod
    def load(cls, path: Path, service: str, map_ns: Callable[[str], str] = str) -> WsdlView:
        return cls(etree.parse(str(path), _PARSER).getroot(), service, map_ns)

    def _named(self, tag: str, name: str) -> etree._Element:
        found = self.root.find(f"{{{WSDL}}}{tag}[@name='{name}']")
        if found is None:
            raise KeyError(f"no wsdl:{tag} named {name}")
        return found

    def binding_operations(self, suffix: str = "Soap") -> dict[str, etree._Element]:
        binding = self._named("binding", self.service + suffix)
        return {op.get("name", ""): op for op in binding.iterfind(f"{{{WSDL}}}operation")}

    def message_element(self, message_name: str, part: str | None = None) -> tuple[str, str]:
        message = self._named("message", message_name)
        parts = message.findall(f"{{{WSDL}}}part")
        chosen = next(p for p in parts if part is None or p.get("name") == part)
        return self.walker.qname(chosen, chosen.get("element", ""))

    def io_elements(self, op_name: str) -> tuple[tuple[str, str], tuple[str, str]]:
        """(request element, response element) of an operation via portType and messages."""
        binding = self._named("binding", self.service + "Soap")
        port_type = self._named("portType", binding.get("type", "").split(":")[-1])
        op = port_type.find(f"{{{WSDL}}}operation[@name='{op_name}']")
        assert op is not None, f"{op_name} missing from portType"
        messages = []
        for io in ("input", "output"):
            msg = op.find(f"{{{WSDL}}}{io}")
            assert msg is not None
            messages.append(self.message_element(msg.get("message", "").split(":")[-1]))
        return messages[0], messages[1]

    def trees(self, op_name: str) -> tuple[list[str], list[str]]:
        request, response = self.io_elements(op_name)
        return self.walker.element_lines(*request), self.walker.element_lines(*response)

    def header_part(self, op_name: str, suffix: str = "Soap") -> tuple[str, tuple[str, str]]:
        """(part name, element qname) of the single SOAP header of an operation's input."""
        soap_ns = SOAP11 if suffix == "Soap" else SOAP12
        op = self.binding_operations(suffix)[op_name]
        headers = op.findall(f"{{{WSDL}}}input/{{{soap_ns}}}header")
        assert len(headers) == 1, f"{op_name}: expected one header, found {len(headers)}"
        header = headers[0]
        part = header.get("part", "")
        message = header.get("message", "").split(":")[-1]
        return part, self.message_element(message, part)


def compare(ours: list[str], theirs: list[str]) -> list[str]:
    """Differences between two flattened trees, as readable lines (empty when equal)."""
    problems = []
    for index in range(max(len(ours), len(theirs))):
        a = ours[index] if index < len(ours) else "<missing>"
        b = theirs[index] if index < len(theirs) else "<missing>"
        if a != b:
            problems.append(f"#{index}: bundled {a!r} != reference {b!r}")
    return problems


# ---------------------------------------------------------------------------------------------
# Fixtures (session-wide: the Employee reference WSDL is large)
# ---------------------------------------------------------------------------------------------
_zeep_cache: dict[Service, zeep.Client] = {}


def bundled_client(service: Service) -> zeep.Client:
    if service not in _zeep_cache:
        _zeep_cache[service] = zeep.Client(str(wsdl_path(service)))
    return _zeep_cache[service]


@pytest.fixture(scope="session")
def bundled_views() -> dict[Service, WsdlView]:
    return {s: WsdlView.load(wsdl_path(s), s.value) for s in Service}


@pytest.fixture(scope="session")
def reference_views() -> dict[Service, WsdlView]:
    return {s: WsdlView.load(reference_path(s.value), s.value, v2_to_v3) for s in Service}


def _op_id(op: Operation) -> str:
    return op.qualified_name


# ---------------------------------------------------------------------------------------------
# (a) the catalogue as zeep sees the bundled WSDLs
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("service", list(Service), ids=str)
def test_bundled_wsdl_loads_and_is_small(service: Service) -> None:
    path = wsdl_path(service)
    assert path.is_file() and path.parent.name == "wsdl"
    client = zeep.Client(str(path))  # its build time: bench/client_build.py
    ports = client.wsdl.services[service.value].ports
    assert set(ports) == {f"{service.value}Soap", f"{service.value}Soap12"}
    for port in ports.values():
        assert port.binding_options["address"] == f"https://api.nmbrs.nl/soap/v3/{service.path}"


@pytest.mark.parametrize("service", list(Service), ids=str)
def test_no_operation_outside_catalogue(service: Service) -> None:
    expected = {op.name for op in operations_of(service)}
    ports = bundled_client(service).wsdl.services[service.value].ports
    for port in ports.values():
        assert set(port.binding._operations) == expected


@pytest.mark.parametrize("op", OPERATIONS, ids=_op_id)
def test_catalogue_operation_in_binding(op: Operation) -> None:
    service = op.service
    for suffix in ("Soap", "Soap12"):
        port = bundled_client(service).wsdl.services[service.value].ports[service.value + suffix]
        zop = port.binding._operations[op.name]
        assert zop.soapaction == f"https://api.nmbrs.nl/soap/v3/{service.value}/{op.name}"
        assert zop.soapaction == op.soap_action
        params = [name for name, _ in zop.input.body.type.elements]
        assert tuple(params) == op.param_names
        headers = zop.input.header.type.elements
        assert [name for name, _ in headers] == [op.header.value]
        assert headers[0][1].qname == etree.QName(service.namespace, op.header.value)
        result = [name for name, _ in zop.output.body.type.elements]
        assert result == [f"{op.name}Result"]


def test_environment_get_is_the_only_plain_auth_header_call() -> None:
    plain = [op.qualified_name for op in OPERATIONS if op.header is Header.AUTH]
    assert plain == ["DebtorService.Environment_Get"]
    zop = (
        bundled_client(Service.DEBTOR)
        .wsdl.services["DebtorService"]
        .ports["DebtorServiceSoap"]
        .binding._operations["Environment_Get"]
    )
    assert "_soapheaders={AuthHeader: ns0:AuthHeader}" in zop.input.signature()


def test_bundled_files_are_generated_from_the_catalogue() -> None:
    for service in Service:
        assert wsdl_path(service).read_bytes() == render(service), (
            f"{wsdl_path(service).name} is stale: run .venv/bin/python -m tools.gen_wsdl"
        )


# ---------------------------------------------------------------------------------------------
# (b) structure against the real Nmbrs WSDLs
# ---------------------------------------------------------------------------------------------
# Operations whose v3 shape is known to differ from (or is absent in) the reference files.
V3_REQUEST = {
    "EmployeeService.List_GetByCompany": [
        "/List_GetByCompany [1..1] : complex (anonymous)",
        "/List_GetByCompany/CompanyId [1..1] : xs:int",
        "/List_GetByCompany/EmployeeType [1..1] : xs:int",
    ],
    "DebtorService.Environment_Get": ["/Environment_Get [1..1] : complex (anonymous)"],
    "EmployeeService.EmployeeType_GetList": ["/EmployeeType_GetList [1..1] : complex (anonymous)"],
}
V3_RESPONSE = {
    "DebtorService.Environment_Get": [
        "/Environment_GetResponse [1..1] : complex (anonymous)",
        "/Environment_GetResponse/Environment_GetResult [0..1] : complex Environment",
        "/Environment_GetResponse/Environment_GetResult/Domain [0..1] : xs:string",
        "/Environment_GetResponse/Environment_GetResult/SubDomain [0..1] : xs:string",
    ],
    "EmployeeService.EmployeeType_GetList": [
        "/EmployeeType_GetListResponse [1..1] : complex (anonymous)",
        "/EmployeeType_GetListResponse/EmployeeType_GetListResult [0..1]"
        " : complex ArrayOfEmployeeType",
        "/EmployeeType_GetListResponse/EmployeeType_GetListResult/EmployeeType [0..unbounded]"
        " nil : complex EmployeeType",
        "/EmployeeType_GetListResponse/EmployeeType_GetListResult/EmployeeType/Id [1..1] : xs:int",
        "/EmployeeType_GetListResponse/EmployeeType_GetListResult/EmployeeType/Description"
        " [0..1] : xs:string",
    ],
}


@pytest.mark.parametrize("op", OPERATIONS, ids=_op_id)
def test_request_and_response_match_reference(
    op: Operation,
    bundled_views: dict[Service, WsdlView],
    reference_views: dict[Service, WsdlView],
) -> None:
    ours_request, ours_response = bundled_views[op.service].trees(op.name)
    key = op.qualified_name
    if key in V3_REQUEST:
        expected_request = V3_REQUEST[key]
    else:
        expected_request = reference_views[op.service].trees(op.name)[0]
    if key in V3_RESPONSE:
        expected_response = V3_RESPONSE[key]
    else:
        expected_response = reference_views[op.service].trees(op.name)[1]
    assert compare(ours_request, expected_request) == []
    assert compare(ours_response, expected_response) == []
    # Guard against a vacuous walk: every request lists its catalogue parameters.
    assert [line.split()[0].rsplit("/", 1)[-1] for line in ours_request[1:]] == list(op.param_names)


def test_reference_covers_all_but_v3_only_operations(
    reference_views: dict[Service, WsdlView],
) -> None:
    absent = sorted(
        op.qualified_name
        for op in OPERATIONS
        if op.name not in reference_views[op.service].binding_operations()
    )
    assert absent == ["DebtorService.Environment_Get", "EmployeeService.EmployeeType_GetList"]


@pytest.mark.parametrize("op", OPERATIONS, ids=_op_id)
def test_header_declared_like_v3(
    op: Operation, bundled_views: dict[Service, WsdlView], reference_views: dict[Service, WsdlView]
) -> None:
    view = bundled_views[op.service]
    for suffix in ("Soap", "Soap12"):
        part, element = view.header_part(op.name, suffix)
        assert part == op.header.value
        assert element == (op.service.namespace, op.header.value)
        soap_ns = SOAP11 if suffix == "Soap" else SOAP12
        action = view.binding_operations(suffix)[op.name].find(f"{{{soap_ns}}}operation")
        assert action is not None and action.get("soapAction") == op.soap_action
        assert action.get("style") == "document"
    # Header types equal the reference's (the 2020 Employee WSDL has both).
    reference = reference_views[Service.EMPLOYEE].walker
    ns_ref = v2_to_v3("https://api.nmbrs.nl/soap/v2.1/EmployeeService")
    theirs = reference.element_lines(ns_ref, op.header.value)
    ours = view.walker.element_lines(op.service.namespace, op.header.value)
    assert compare(ours, theirs) == []


# ---------------------------------------------------------------------------------------------
# The comparator must be able to fail.
# ---------------------------------------------------------------------------------------------
def _mutated_employee_view(mutate: Callable[[etree._Element], None]) -> WsdlView:
    root = etree.parse(str(wsdl_path(Service.EMPLOYEE)), _PARSER).getroot()
    mutate(root)
    return WsdlView(root, "EmployeeService")


def _field(root: etree._Element, type_name: str, element: str) -> etree._Element:
    ct = root.find(f".//{{{XS}}}complexType[@name='{type_name}']")
    assert ct is not None
    found = next(e for e in ct.iter(f"{{{XS}}}element") if e.get("name") == element)
    return found


def _set_min_occurs(root: etree._Element) -> None:
    _field(root, "PersonalInfo", "BSN").set("minOccurs", "1")


def _swap_order(root: etree._Element) -> None:
    first = _field(root, "PersonalInfo", "FirstName")
    initials = _field(root, "PersonalInfo", "Initials")
    parent = first.getparent()
    assert parent is not None
    parent.remove(initials)
    parent.insert(parent.index(first), initials)


def _rename(root: etree._Element) -> None:
    _field(root, "Employee", "DisplayName").set("name", "Displayname")


def _drop_nillable(root: etree._Element) -> None:
    del _field(root, "PersonalInfo", "Birthday").attrib["nillable"]


def _change_enum(root: etree._Element) -> None:
    st = root.find(f".//{{{XS}}}simpleType[@name='Gender']")
    assert st is not None
    enum = st.find(f".//{{{XS}}}enumeration[@value='undefined']")
    assert enum is not None
    enum.set("value", "unknown")


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (_set_min_occurs, "/BSN [1..1]"),
        (_swap_order, "/Initials"),
        (_rename, "/Displayname"),
        (_drop_nillable, "/Birthday [0..1] : xs:dateTime"),
        (_change_enum, "unknown"),
    ],
    ids=["minOccurs", "order", "name", "nillable", "enum"],
)
def test_comparator_detects_mutations(
    mutate: Callable[[etree._Element], None],
    needle: str,
    bundled_views: dict[Service, WsdlView],
    reference_views: dict[Service, WsdlView],
) -> None:
    reference = reference_views[Service.EMPLOYEE].trees("PersonalInfo_GetCurrent")[1]
    intact = bundled_views[Service.EMPLOYEE].trees("PersonalInfo_GetCurrent")[1]
    assert compare(intact, reference) == []
    mutated = _mutated_employee_view(mutate).trees("PersonalInfo_GetCurrent")[1]
    problems = compare(mutated, reference)
    assert problems, "a mutated schema compared equal to the reference"
    assert any(needle in p for p in problems), problems


def test_walker_follows_extension_into_base_type(bundled_views: dict[Service, WsdlView]) -> None:
    lines = bundled_views[Service.EMPLOYEE].trees("PersonalInfo_GetCurrent")[1]
    names = [line.split()[0].rsplit("/", 1)[-1] for line in lines if " : " in line]
    assert names[:5] == [
        "PersonalInfo_GetCurrentResponse",
        "PersonalInfo_GetCurrentResult",
        "Id",
        "Number",
        "DisplayName",
    ]
    assert names[-1] == "TitleAfter"
    result_path = "/PersonalInfo_GetCurrentResponse/PersonalInfo_GetCurrentResult"
    assert f"{result_path} <extension of Employee>" in lines


# ---------------------------------------------------------------------------------------------
# tests/reference_wsdl.py: the rewritten reference WSDLs that other tests build clients from
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("service", list(REFERENCE_FILES))
def test_rewritten_reference_wsdl_is_v3(service: str) -> None:
    client = reference_client(service)
    ports = client.wsdl.services[service].ports
    for suffix in ("Soap", "Soap12"):
        binding = ports[service + suffix].binding
        for name, zop in binding._operations.items():
            assert zop.soapaction == f"https://api.nmbrs.nl/soap/v3/{service}/{name}"
            header_names = [n for n, _ in zop.input.header.type.elements]
            assert header_names == ["AuthHeaderWithDomain"], name
            element = zop.input.header.type.elements[0][1]
            assert element.qname == etree.QName(
                f"https://api.nmbrs.nl/soap/v3/{service}", "AuthHeaderWithDomain"
            )
            assert [n for n, _ in element.type.elements] == ["Username", "Token", "Domain"]


def test_rewritten_reference_has_v3_employee_calls() -> None:
    binding = (
        reference_client("EmployeeService")
        .wsdl.services["EmployeeService"]
        .ports["EmployeeServiceSoap"]
        .binding
    )
    personal = binding._operations["PersonalInfo_GetCurrent"]
    assert "_soapheaders={AuthHeaderWithDomain: ns0:AuthHeaderWithDomain}" in (
        personal.input.signature()
    )
    by_company = binding._operations["List_GetByCompany"]
    assert [n for n, _ in by_company.input.body.type.elements] == ["CompanyId", "EmployeeType"]


@pytest.mark.parametrize("service", list(Service), ids=str)
def test_bundled_schema_compiles_for_strict_validation(service: Service) -> None:
    """The inline schema must be a valid XSD on its own (the demo server may validate with it)."""
    root = etree.parse(str(wsdl_path(service)), _PARSER).getroot()
    schema = root.find(f"{{{WSDL}}}types/{{{XS}}}schema")
    assert schema is not None
    prefixes = {k: v for k, v in root.nsmap.items() if k}  # keeps tns: QNames resolvable
    standalone = etree.Element(f"{{{XS}}}schema", nsmap=prefixes, attrib=dict(schema.attrib))
    for child in schema:
        standalone.append(copy.deepcopy(child))
    compiled = etree.XMLSchema(standalone)
    ns = service.namespace
    op = operations_of(service)[-1]
    request = etree.Element(f"{{{ns}}}{op.name}", nsmap={"tns": ns})
    for param in op.params:
        etree.SubElement(request, f"{{{ns}}}{param.name}").text = "1"
    assert compiled.validate(request), compiled.error_log
    etree.SubElement(request, f"{{{ns}}}Unexpected").text = "1"
    assert not compiled.validate(request)
