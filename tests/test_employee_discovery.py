"""Employee discovery finds every employee under every reading, and says how it found them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.employee_discovery import (
    EMPLOYEE_TYPES,
    EMPLOYMENTS,
    LIST_BY_COMPANY,
    PICSA,
    Answer,
    EmployeeRoute,
    EmployeeSearch,
)
from nmbrs_client.errors import NmbrsFault
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.readings import Readings, every_alternative, reading_id
from nmbrs_demo.scenarios import scenario_from_mapping
from nmbrs_demo.server import DemoServer, start_demo_server
from tests.conftest import DemoServerFactory


@pytest.fixture(params=every_alternative(), ids=reading_id, scope="module")
def server(request: pytest.FixtureRequest) -> Iterator[DemoServer]:
    readings: Readings = request.param
    started = start_demo_server("healthy", latency_ms=0, readings=readings)
    try:
        yield started
    finally:
        started.stop()


def _company(server: DemoServer, size: int = 40) -> int:
    world = server.world
    return int(next(c.ID for c in world.companies() if len(world.employees(c.ID)) == size))


def test_every_employee_is_found_under_every_reading(server: DemoServer) -> None:
    client = NmbrsClient(demo_settings(server.base_url))
    try:
        company = _company(server)
        found = client.discover_employees(company)
        assert found.route is EmployeeRoute.BY_TYPE
        assert sorted(found.ids) == sorted(e.Id for e in server.world.employees(company))
        names = {e.Id: e.DisplayName for e in server.world.employees(company)}
        assert all(e.DisplayName == names[e.Id] for e in found.employees)
        sent = [r for r in client.call_log.records() if r.operation.endswith("List_GetByCompany")]
        assert len(sent) == len(server.world.employee_types())
        notes = [r for r in client.call_log.records() if r.outcome == "note"]
        assert notes and "via by_type" in notes[-1].message
        assert client.employees(company)  # the typed entry point uses the same route
    finally:
        client.close()


@pytest.mark.parametrize(
    ("deny", "route"),
    [
        (["EmployeeService.EmployeeType_GetList"], EmployeeRoute.EMPLOYMENTS),
        (["EmployeeService.List_GetByCompany"], EmployeeRoute.EMPLOYMENTS),
        (
            ["EmployeeService.EmployeeType_GetList", EMPLOYMENTS.qualified_name],
            EmployeeRoute.PICSA,
        ),
    ],
)
def test_fallback_routes(
    demo_server_factory: DemoServerFactory, deny: list[str], route: EmployeeRoute
) -> None:
    server = demo_server_factory(scenario_from_mapping({"deny": deny}, "t", default_name="t"))
    client = NmbrsClient(demo_settings(server.base_url))
    try:
        company = _company(server, 12)
        found = client.discover_employees(company)
        assert found.route is route
        assert sorted(found.ids) == sorted(e.Id for e in server.world.employees(company))
        assert any("1002" in problem for problem in found.problems)
    finally:
        client.close()


def test_no_route_left_is_an_error_not_an_empty_list(
    demo_server_factory: DemoServerFactory,
) -> None:
    deny = [
        "EmployeeService.EmployeeType_GetList",
        EMPLOYMENTS.qualified_name,
        PICSA.qualified_name,
    ]
    server = demo_server_factory(scenario_from_mapping({"deny": deny}, "t", default_name="t"))
    client = NmbrsClient(demo_settings(server.base_url))
    try:
        with pytest.raises(NmbrsFault) as caught:
            client.employees(_company(server, 12))
        assert caught.value.code == 1002
    finally:
        client.close()


def test_search_never_sends_employee_type_zero() -> None:
    search = EmployeeSearch(7)
    assert search.next_calls() == [(EMPLOYEE_TYPES, {})]
    search.answer(EMPLOYEE_TYPES, {}, Answer.OK, [{"Id": 3}, {"Id": 5}, {"Id": 3}])
    calls = search.next_calls()
    assert calls == [
        (LIST_BY_COMPANY, {"CompanyId": 7, "EmployeeType": 3}),
        (LIST_BY_COMPANY, {"CompanyId": 7, "EmployeeType": 5}),
    ]
    search.answer(*calls[0], Answer.OK, [{"Id": 1, "Number": 2, "DisplayName": "B"}])
    assert search.next_calls() == []  # still waiting for the second type
    search.answer(*calls[1], Answer.OK, [{"Id": 9, "Number": 1}, {"Id": 1, "Number": 2}])
    assert search.next_calls() == []
    assert search.result is not None
    assert search.result.ids == [9, 1] and search.result.route is EmployeeRoute.BY_TYPE


def test_empty_types_fall_back_and_an_empty_company_is_empty() -> None:
    search = EmployeeSearch(7, types=[])
    assert search.next_calls() == [(EMPLOYMENTS, {"CompanyID": 7})]
    search.answer(EMPLOYMENTS, {"CompanyID": 7}, Answer.OK, None)
    assert search.next_calls() == [(PICSA, {"CompanyID": 7})]
    search.answer(PICSA, {"CompanyID": 7}, Answer.OK, [])
    assert search.next_calls() == []
    assert search.result is not None
    assert search.result.route is EmployeeRoute.NONE and search.result.error is None
