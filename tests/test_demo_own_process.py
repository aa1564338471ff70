"""The dashboard's demo in a process of its own: it answers, refuses what the demo refuses,
stops when asked, and prepares a company's whole-company replies ahead of the calls."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest

from nmbrs_client.errors import ConfigError
from nmbrs_client.ids import ApiKind
from nmbrs_client.operations import Service
from nmbrs_client.soap_backend import SoapBackend
from nmbrs_demo import start
from nmbrs_demo.own_process import DemoProcess
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.server import DemoServer
from tests.conftest import DemoServerFactory
from tests.soap_raw import call


def _refuses(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as probe:
        probe.settimeout(5)
        return probe.connect_ex((parts.hostname or "127.0.0.1", parts.port or 80)) != 0


def test_the_demo_in_its_own_process_answers_as_the_one_in_this_process(
    demo_server: DemoServer,
) -> None:
    demo = start(ApiKind.SOAP, "healthy", 0, own_process=True)
    try:
        assert isinstance(demo.server, DemoProcess) and demo.server.running
        backend = SoapBackend.from_settings(demo.settings())
        here = SoapBackend.from_settings(demo_settings(demo_server.base_url))
        assert backend.companies() == here.companies()
        company = backend.companies()[0].id
        assert backend.employments(company) == here.employments(company)
    finally:
        demo.stop()
    assert not demo.server.running
    assert _refuses(demo.base_url)
    demo.stop()  # idempotent


def test_a_scenario_the_demo_cannot_play_is_refused_with_its_reason() -> None:
    with pytest.raises(ConfigError) as refused:
        start(ApiKind.SOAP, "no-such-scenario", None, own_process=True)
    assert "no-such-scenario" in refused.value.message and refused.value.hint


def test_the_rest_demo_runs_in_its_own_process_too() -> None:
    demo = start(ApiKind.REST, "healthy", None, own_process=True)
    try:
        assert not _refuses(demo.base_url)
    finally:
        demo.stop()
    assert _refuses(demo.base_url)


def test_a_prepared_company_is_answered_without_rendering(
    demo_server_factory: DemoServerFactory,
) -> None:
    server = demo_server_factory()
    company = server.world.companies()[0].ID
    server.prepare_company(company)
    loaded = server.services[Service.EMPLOYEE]
    rendered: list[str] = []
    original = loaded.render

    def counting(name: str, *args: Any, **kwargs: Any) -> bytes:
        rendered.append(name)
        return original(name, *args, **kwargs)

    loaded.render = counting  # type: ignore[method-assign]
    calls = [
        ("Employment_GetAll_AllEmployeesByCompany", {"CompanyID": company}),
        ("PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany", {"CompanyID": company}),
    ] + [
        ("List_GetByCompany", {"CompanyId": company, "EmployeeType": kind.Id})
        for kind in server.world.employee_types()
    ]
    for name, params in calls:
        reply = call(server.base_url, "EmployeeService", name, params)
        assert reply.status == 200
        value = server.handlers.call(f"EmployeeService.{name}", params)
        assert reply.body == original(name, "1.1", value, server.readings)
    assert rendered == []


def test_the_demo_process_ends_when_the_dashboard_dies() -> None:
    """A killed dashboard leaves no demo behind: the child's stdin closes and it exits."""
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from nmbrs_client.ids import ApiKind\n"
            "from nmbrs_demo import start\n"
            "demo = start(ApiKind.SOAP, 'healthy', 0, own_process=True)\n"
            "print(demo.server.pid, flush=True)\n"
            "time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 60  # only a bound: the child normally ends at once
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_prepared_rest_company_is_paged_without_making_its_rows(
    rest_demo_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The REST demo's process prepares the big company's employee list and histories, so the
    dashboard's open pages rows that exist instead of the demo making them on the first page."""
    from nmbrs_demo.rest.app import HISTORY_RESOURCES
    from tests.rest_demo_helpers import HTTP, api_headers

    # a day of its own: a world (and rows) no other test has made yet
    server = rest_demo_factory(today=date(2026, 2, 17))
    world = server.world
    server.prepare_big_companies(1000)
    made: list[int] = []
    records = world.employee_records

    def counting(company_id: int) -> Any:
        made.append(company_id)
        return records(company_id)

    monkeypatch.setattr(world, "employee_records", counting)
    token = server.script_token()
    big = world.company(world.big_company_id())
    companies = HTTP.get(f"{server.base_url}/api/companies", headers=api_headers(token))
    company = next(r["companyId"] for r in companies.json()["data"] if r["name"] == big.Name)
    paths = ["employees"] + [f"employees/{resource}" for resource in HISTORY_RESOURCES]
    for path in paths:
        reply = HTTP.get(
            f"{server.base_url}/api/companies/{company}/{path}",
            headers=api_headers(token),
            params={"pageNumber": 2, "pageSize": 100},
        )
        assert reply.status_code == 200, path
        assert len(reply.json()["data"]) == 100, path
    assert made == []
