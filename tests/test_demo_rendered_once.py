"""The demo renders a whole-company list's reply once and serves those bytes again."""

from __future__ import annotations

from typing import Any

import pytest

from nmbrs_client.operations import Service
from nmbrs_demo.server import DemoServer
from tests.conftest import DemoServerFactory
from tests.soap_raw import SOAP12, call

EMPLOYMENTS = "Employment_GetAll_AllEmployeesByCompany"


def _count_renders(server: DemoServer) -> list[str]:
    """Names of the operations the employee service renders from now on."""
    loaded = server.services[Service.EMPLOYEE]
    original = loaded.render
    seen: list[str] = []

    def counting(name: str, *args: Any, **kwargs: Any) -> bytes:
        seen.append(name)
        return original(name, *args, **kwargs)

    loaded.render = counting  # type: ignore[method-assign]
    return seen


def test_a_whole_company_list_is_rendered_once_and_served_byte_identical(
    demo_server_factory: DemoServerFactory,
) -> None:
    server = demo_server_factory()
    company = server.world.companies()[0].ID
    renders = _count_renders(server)
    first = call(server.base_url, "EmployeeService", EMPLOYMENTS, {"CompanyID": company})
    second = call(server.base_url, "EmployeeService", EMPLOYMENTS, {"CompanyID": company})
    assert first.status == second.status == 200
    assert first.body == second.body
    assert renders == [EMPLOYMENTS]
    # and those are the bytes a render of the same list writes
    value = server.handlers.call(f"EmployeeService.{EMPLOYMENTS}", {"CompanyID": company})
    loaded = server.services[Service.EMPLOYEE]
    assert first.body == loaded.render(EMPLOYMENTS, "1.1", value, server.readings)


def test_each_soap_version_and_company_gets_its_own_rendering(
    demo_server_factory: DemoServerFactory,
) -> None:
    server = demo_server_factory()
    one, two = (c.ID for c in server.world.companies()[:2])
    renders = _count_renders(server)
    soap11 = call(server.base_url, "EmployeeService", EMPLOYMENTS, {"CompanyID": one})
    soap12 = call(
        server.base_url, "EmployeeService", EMPLOYMENTS, {"CompanyID": one}, version="1.2"
    )
    other = call(server.base_url, "EmployeeService", EMPLOYMENTS, {"CompanyID": two})
    assert soap12.xml.tag == f"{{{SOAP12}}}Envelope"
    assert len({soap11.body, soap12.body, other.body}) == 3
    assert renders == [EMPLOYMENTS] * 3


def test_a_fault_is_never_served_from_the_rendered_replies(
    demo_server_factory: DemoServerFactory,
) -> None:
    server = demo_server_factory()
    company = server.world.companies()[0].ID
    good = call(server.base_url, "EmployeeService", EMPLOYMENTS, {"CompanyID": company})
    bad = call(
        server.base_url, "EmployeeService", EMPLOYMENTS, {"CompanyID": company}, token="wrong"
    )
    assert good.status == 200
    assert bad.status == 500 and "1001" in bad.fault_string()


def test_made_once_makes_each_key_once_and_keeps_what_failed_unmade() -> None:
    from nmbrs_demo.once import MadeOnce

    made: list[str] = []
    values: MadeOnce[str, list[str]] = MadeOnce()

    def make(key: str) -> list[str]:
        made.append(key)
        return [key]

    first = values.get("a", lambda: make("a"))
    assert values.get("a", lambda: make("a")) is first
    assert values.get("b", lambda: make("b")) == ["b"]
    assert made == ["a", "b"]

    def fail() -> list[str]:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        values.get("c", fail)
    assert "c" not in values
    assert values.get("c", lambda: make("c")) == ["c"]
