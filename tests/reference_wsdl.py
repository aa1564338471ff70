"""Nmbrs' own (v2.1) WSDLs rewritten to v3, for tests that need an independent strict client.

The reference files (in the folder ``NMBRS_REFERENCE_WSDL_DIR`` names; ``.ci/run`` points it at
``../shared/reference/nmbrs-wsdl``) are real Nmbrs WSDLs from 2016 and
March 2020. v3 kept their types and changed the namespace/SOAPAction prefix and the header;
applying exactly those changes gives the best available stand-in for the live v3 WSDLs.
They are read at run time and never copied into the project.

Usage::

    from tests.reference_wsdl import rewrite_reference_wsdls
    paths = rewrite_reference_wsdls(tmp_path)   # {"EmployeeService": Path, ...}
    client = zeep.Client(str(paths["EmployeeService"]))

``reference_client(service)`` returns a zeep client built once per process (the Employee WSDL
takes ~0.4 s to load).
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import zeep
from lxml import etree

# The newest available snapshot of each service.
REFERENCE_FILES: dict[str, str] = {
    "DebtorService": "DebtorService.v2.1.2016.wsdl",
    "CompanyService": "CompanyService.v2.1.2020-03.wsdl",
    "EmployeeService": "EmployeeService.v2.1.2020-03.wsdl",
}

ENV_VAR = "NMBRS_REFERENCE_WSDL_DIR"
SKIP_REASON = (
    f"needs Nmbrs' reference WSDLs: set {ENV_VAR} to shared/reference/nmbrs-wsdl (.ci/run does)"
)


def reference_dir() -> Path | None:
    """The folder ``NMBRS_REFERENCE_WSDL_DIR`` names; None when it is not set.

    Set but wrong is an error, not a skip: whoever set it meant these tests to run.
    """
    value = os.environ.get(ENV_VAR)
    if not value:
        return None
    folder = Path(value)
    missing = [name for name in REFERENCE_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{ENV_VAR}={value} does not hold {', '.join(missing)}")
    return folder


def needs_reference() -> Path:
    """The reference folder, or skip the calling test (one line saying how to run it)."""
    folder = reference_dir()
    if folder is None:
        pytest.skip(SKIP_REASON)
    return folder


XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"

OLD_SEGMENT = b"/soap/v2.1/"
NEW_SEGMENT = b"/soap/v3/"


def reference_path(service: str) -> Path:
    return needs_reference() / REFERENCE_FILES[service]


def _xs(local: str) -> str:
    return f"{{{XS}}}{local}"


def _ensure_auth_header_with_domain(schema: etree._Element) -> None:
    """Add AuthHeaderWithDomain (AuthHeader + Domain) where the file predates it."""
    names = {(el.tag, el.get("name")) for el in schema}
    if (_xs("complexType"), "AuthHeaderWithDomain") in names:
        return
    auth_type = next(
        el for el in schema if el.tag == _xs("complexType") and el.get("name") == "AuthHeader"
    )
    index = list(schema).index(auth_type) + 1
    element = etree.Element(
        _xs("element"), name="AuthHeaderWithDomain", type="tns:AuthHeaderWithDomain"
    )
    ctype = etree.Element(_xs("complexType"), name="AuthHeaderWithDomain")
    content = etree.SubElement(ctype, _xs("complexContent"), mixed="false")
    ext = etree.SubElement(content, _xs("extension"), base="tns:AuthHeader")
    seq = etree.SubElement(ext, _xs("sequence"))
    etree.SubElement(
        seq, _xs("element"), minOccurs="0", maxOccurs="1", name="Domain", type="s:string"
    )
    schema.insert(index, element)
    schema.insert(index + 1, ctype)


def _switch_headers(root: etree._Element) -> None:
    """Every operation's header: AuthHeader -> AuthHeaderWithDomain (messages and bindings)."""
    renamed: dict[str, str] = {}
    existing = {m.get("name") for m in root.iterfind(f"{{{WSDL}}}message")}
    for message in list(root.iterfind(f"{{{WSDL}}}message")):
        parts = message.findall(f"{{{WSDL}}}part")
        if len(parts) != 1 or parts[0].get("name") != "AuthHeader":
            continue
        old = message.get("name", "")
        new = old[: -len("AuthHeader")] + "AuthHeaderWithDomain"
        renamed[old] = new
        if new in existing:
            root.remove(message)
            continue
        message.set("name", new)
        parts[0].set("name", "AuthHeaderWithDomain")
        parts[0].set("element", "tns:AuthHeaderWithDomain")
    for soap_ns in (SOAP11, SOAP12):
        for header in root.iter(f"{{{soap_ns}}}header"):
            if header.get("part") != "AuthHeader":
                continue
            message_name = header.get("message", "").split(":", 1)[-1]
            header.set("message", "tns:" + renamed[message_name])
            header.set("part", "AuthHeaderWithDomain")


def _employee_type_parameter(schema: etree._Element) -> None:
    """v3 List_GetByCompany takes (CompanyId, EmployeeType:int) instead of (CompanyId, active)."""
    request = next(
        el for el in schema if el.tag == _xs("element") and el.get("name") == "List_GetByCompany"
    )
    active = next(el for el in request.iter(_xs("element")) if el.get("name") == "active")
    active.set("name", "EmployeeType")
    active.set("type", "s:int")


def rewrite_v3(service: str) -> bytes:
    """The reference WSDL of ``service`` with the documented v2.1 -> v3 changes applied."""
    raw = reference_path(service).read_bytes()
    # Every v2.1 mention in these files is the "/soap/v2.1/<Service>" URI segment of a
    # namespace, a SOAPAction or an address; swap only that segment.
    text = raw.replace(OLD_SEGMENT, NEW_SEGMENT)
    if b"v2.1" in text:
        raise ValueError(f"{service}: unexpected v2.1 reference left after rewriting")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    root = etree.fromstring(text, parser)
    schema = root.find(f"{{{WSDL}}}types/{_xs('schema')}")
    if schema is None:
        raise ValueError(f"{service}: no inline schema")
    _ensure_auth_header_with_domain(schema)
    _switch_headers(root)
    if service == "EmployeeService":
        _employee_type_parameter(schema)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def rewrite_reference_wsdls(tmp_dir: Path) -> dict[str, Path]:
    """Write v3 versions of the Debtor, Company and Employee reference WSDLs into ``tmp_dir``."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for service in REFERENCE_FILES:
        path = tmp_dir / f"{service}.wsdl"
        path.write_bytes(rewrite_v3(service))
        paths[service] = path
    return paths


@functools.cache
def _process_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="nmbrs-reference-wsdl-"))
    atexit.register(shutil.rmtree, path, True)
    return path


@functools.cache
def reference_wsdls() -> dict[str, Path]:
    """The rewritten files, written once per process."""
    return rewrite_reference_wsdls(_process_dir())


@functools.cache
def reference_client(service: str) -> zeep.Client:
    """A strict zeep client from the rewritten reference WSDL, built once per process."""
    return zeep.Client(str(reference_wsdls()[service]))
