"""Every fault category the client knows, produced by the demo server and typed by the client."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.errors import FaultCategory, NmbrsFault
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.server import DemoServer

DemoServerFactory = Callable[..., DemoServer]


def fault_of(call: Callable[[], object]) -> NmbrsFault:
    with pytest.raises(NmbrsFault) as info:
        call()
    return info.value


def test_each_category_from_the_demo_server(
    demo_server: DemoServer, demo_server_factory: DemoServerFactory
) -> None:
    world = demo_server.world
    company = world.companies()[0].ID
    year = world.today.year - 1
    client = NmbrsClient(demo_settings(demo_server.base_url))

    unknown_run = fault_of(lambda: client.run_employees(company, 987_654, year))
    assert (unknown_run.code, unknown_run.category) == (2046, FaultCategory.NOT_FOUND)
    assert "check the id" in unknown_run.hint

    unknown_employee = fault_of(lambda: client.personal_info(1))
    assert unknown_employee.code == 2003
    assert unknown_employee.category is FaultCategory.NO_DATA_ACCESS
    assert "employee" in unknown_employee.hint

    unknown_debtor = fault_of(lambda: client.companies_of_debtor(4))
    assert unknown_debtor.code == 2009 and "debtor" in unknown_debtor.hint

    unknown_company = fault_of(lambda: client.current_period(31_337))
    assert unknown_company.code == 2004 and "company" in unknown_company.hint

    denied = NmbrsClient(demo_settings(demo_server_factory("missing-rights").base_url))
    employee = world.employees(company)[0].Id
    right = fault_of(lambda: denied.function(employee))
    assert right.category is FaultCategory.ENDPOINT_RIGHT_MISSING
    assert "EmployeeService → enable Function_GetCurrent" in right.hint

    unpaid = NmbrsClient(demo_settings(demo_server_factory("no-subscription").base_url))
    subscription = fault_of(unpaid.debtors)
    assert (subscription.code, subscription.category) == (1004, FaultCategory.NO_SUBSCRIPTION)
