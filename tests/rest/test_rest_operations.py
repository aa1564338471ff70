"""The REST allowlist against Nmbrs' OpenAPI document: every entry exists, is a GET, and
lists exactly the scopes the document accepts; paging and query parameters match."""

from __future__ import annotations

from typing import Any

import pytest

from nmbrs_client.errors import OperationNotAllowedError
from nmbrs_client.rest_operations import DEFAULT_SCOPES, OPERATIONS, RestOp, operation
from tests.rest.contract import spec_document


def _parameters(document: dict[str, Any], path: str) -> set[str]:
    item = document["paths"][path]
    names = set()
    for param in [*item.get("parameters", []), *item["get"].get("parameters", [])]:
        if "$ref" in param:
            param = document["components"]["parameters"][param["$ref"].rsplit("/", 1)[1]]
        if param.get("in") == "query":
            names.add(param["name"])
    return names


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_operation_is_a_get_of_the_document_with_its_scopes(name: RestOp) -> None:
    document = spec_document()
    op = OPERATIONS[name]
    assert op.path in document["paths"], f"{op.path} is not in the OpenAPI document"
    assert op.method == "GET"
    assert "get" in document["paths"][op.path]
    security = document["paths"][op.path]["get"].get("security") or document.get("security")
    assert security is not None, f"{op.path} declares no security"
    spec_scopes = {
        scope for requirement in security for names in requirement.values() for scope in names
    }
    assert set(op.scopes) == spec_scopes
    query = _parameters(document, op.path)
    assert op.paged == ({"pageNumber", "pageSize"} <= query)
    assert set(op.query) <= query, f"{name} sends query parameters the document lacks"


def test_allowlist_has_no_write_operation_and_unknown_names_are_refused() -> None:
    assert all(op.method == "GET" for op in OPERATIONS.values())
    with pytest.raises(OperationNotAllowedError):
        operation("employee.contract.delete")


def test_default_scopes_exist_and_cover_every_operation() -> None:
    declared = set(
        spec_document()["components"]["securitySchemes"]["Bearer"]["flows"]["authorizationCode"][
            "scopes"
        ]
    )
    assert set(DEFAULT_SCOPES) <= declared
    for op in OPERATIONS.values():
        assert set(op.scopes) & set(DEFAULT_SCOPES), f"{op.name} is not covered at login"


def test_path_parameters_are_encoded_so_they_cannot_add_segments() -> None:
    op = OPERATIONS[RestOp.EMPLOYEE]
    assert op.render({"employeeId": "../companies?x=1"}) == "/api/employees/..%2Fcompanies%3Fx%3D1"
    with pytest.raises(ValueError):
        op.render({})


def test_the_request_check_can_fail() -> None:
    import httpx

    from tests.rest.contract import RequestOutsideTheDocument, validate_request

    validate_request(httpx.Request("GET", "https://x.example/api/companies?pageSize=100"))
    for bad in ("/api/companies?pageSize=500", "/api/nothing", "/api/employees/x/absences"):
        with pytest.raises(RequestOutsideTheDocument):
            validate_request(httpx.Request("GET", f"https://x.example{bad}"))
