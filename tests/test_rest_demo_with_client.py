"""The project's REST backend (nmbrs_client.rest) against the REST demo, end to end.

The contract recorder validates every answer and every request the client sends against the
OpenAPI document. The strict default readings are in force, so the client is tested where the
facts leave it the least to lean on (a missing scope looks like 40303, errors come as
application/problem+json, a document task stays pending for a while).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from nmbrs_client.rest.connect import open_rest_backend
from nmbrs_client.rest.errors import NmbrsRestError, RestProblemKind
from nmbrs_demo.credentials import (
    DEMO_REST_CLIENT_ID,
    DEMO_REST_CLIENT_SECRET,
    DEMO_REST_SUBSCRIPTION_KEY,
)


def _environ(server: Any, *, with_scopes: bool = True) -> dict[str, str]:
    token = server.script_token()
    env = {
        "NMBRS_REST_BASE_URL": server.base_url,
        "NMBRS_REST_IDENTITY_URL": server.identity_url,
        "NMBRS_SUBSCRIPTION_KEY": DEMO_REST_SUBSCRIPTION_KEY,
        "NMBRS_REST_CLIENT_ID": DEMO_REST_CLIENT_ID,
        "NMBRS_REST_CLIENT_SECRET": DEMO_REST_CLIENT_SECRET,
        "NMBRS_REST_TOKEN": token,
    }
    if with_scopes:
        found = server.identity.access(token)
        env["NMBRS_REST_SCOPES"] = " ".join(sorted(found.scopes))
    return env


@pytest.fixture
def backend_for(rest_demo_factory: Any) -> Iterator[Any]:
    opened: list[Any] = []

    def make(scenario: str = "healthy", **kwargs: Any) -> tuple[Any, Any]:
        server = rest_demo_factory(scenario, check_requests=True, **kwargs)
        backend = open_rest_backend("demo", environ=_environ(server))
        opened.append(backend)
        return server, backend

    try:
        yield make
    finally:
        for backend in opened:
            backend.close()


def _company_of_size(server: Any, backend: Any, size: int) -> Any:
    world = server.world
    name = next(c.Name for c in world.companies() if world.company_size(c.ID) == size)
    return next(c for c in backend.companies() if c.name == name)


def test_the_client_reads_every_pane_of_the_healthy_demo(backend_for: Any) -> None:
    server, backend = backend_for(readings={"document-pending-polls": "1"})
    world = server.world
    assert backend.identity().api == "rest"
    assert len(backend.debtors()) == 1
    company = _company_of_size(server, backend, 85)
    employees = backend.employees(company.id)
    assert len(employees) == 85
    first = employees[0]
    person = backend.personal_info(company.id, first.id)
    soap_id = world.employees(
        next(c.ID for c in world.companies() if world.company_size(c.ID) == 85)
    )[0].Id
    assert person.BSN == world.personal_info(soap_id).BSN
    assert (
        backend.department(company.id, first.id).Description
        == world.department(soap_id).Description
    )
    assert [b.IBAN for b in backend.bank_accounts(company.id, first.id)] == [
        b.IBAN for b in world.bank_accounts(soap_id)
    ]
    assert len(backend.employments(company.id)) == 85
    assert len(backend.schedules(company.id)) == 85
    runs = backend.runs(company.id, world.today.year - 1)
    assert len(runs) == len(
        world.runs(
            next(c.ID for c in world.companies() if world.company_size(c.ID) == 85),
            world.today.year - 1,
        )
    )
    members = backend.run_employees(company.id, runs[0])
    slips = backend.payslips(company.id, members[0].employee_id, runs[0])
    assert slips.pdfs and slips.pdfs[0].startswith(b"%PDF")
    statement = backend.annual_statement(company.id, members[0].employee_id, world.today.year - 1)
    assert statement.pdfs and statement.pdfs[0].startswith(b"%PDF")
    assert server.contract.checked > 10


def test_the_client_walks_debtors_under_a_multi_debtor_consent(backend_for: Any) -> None:
    server, backend = backend_for("multi-debtor")
    assert len(backend.companies()) == 6
    assert server.stats.faults[40306] >= 1


def test_a_missing_document_scope_is_told_apart_from_data_access(backend_for: Any) -> None:
    server, backend = backend_for("missing-scopes")
    company = _company_of_size(server, backend, 85)
    runs = backend.runs(company.id, server.world.today.year - 1)
    members = backend.run_employees(company.id, runs[0])
    with pytest.raises(NmbrsRestError) as caught:
        backend.payslips(company.id, members[0].employee_id, runs[0])
    # The demo answers 403/40303 (the strict reading): only the granted scopes tell them apart.
    assert caught.value.kind is RestProblemKind.SCOPE_MISSING


def test_the_cost_of_department_and_function_is_the_pages_the_backend_then_reads(
    backend_for: Any,
) -> None:
    """REST answers department and function from two company-wide lists: the cost it names
    beforehand is the pages it then reads, and nothing once they are kept."""
    from nmbrs_client.backend import CostUnit

    server, backend = backend_for()
    company = _company_of_size(server, backend, 5000)
    employees = backend.employees(company.id)
    cost = backend.details_cost(company.id, employees=5000, departments=5000, functions=5000)
    assert (cost.unit, cost.lists) == (CostUnit.PAGES, 2)
    assert cost.count < 5000  # pages, never one call per employee
    only_functions = backend.details_cost(company.id, employees=5000, departments=0, functions=5000)
    assert (only_functions.count * 2, only_functions.lists) == (cost.count, 1)

    before = len(backend.call_records())
    backend.department(company.id, employees[0].id)
    backend.function(company.id, employees[-1].id)
    pages = [
        r
        for r in backend.call_records()[before:]
        if r.operation.endswith(("employees.departments", "employees.functions"))
    ]
    assert len(pages) == cost.count
    after = backend.details_cost(company.id, employees=5000, departments=5000, functions=5000)
    assert after.count == 0
