"""The rights engine against every demo scenario: classifications, basis, call counts."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from nmbrs_client.calllog import CallLog
from nmbrs_client.client import DomainState, NmbrsClient
from nmbrs_client.errors import NmbrsFault, NmbrsTransportError
from nmbrs_client.ids import EntityId
from nmbrs_client.operations import resolve
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.engine import RightsEngine
from nmbrs_client.rights.protocol import CheckOptions, ProbeTuning
from nmbrs_client.rights.requirements import BUILTIN_PROFILES
from nmbrs_client.rights.results import PROBED, CellResult, CompaniesKnown, Phase, RightsReport
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.server import DemoServer

INTEGRATION = BUILTIN_PROFILES["integration"]
APP = BUILTIN_PROFILES["app"]
FROZEN = datetime(2026, 11, 24, 10, 0)
AT_FROZEN = CheckOptions(clock=lambda: FROZEN)
NO_PAUSES = ProbeTuning(backoff_s=0.0)
# The healthy world's company 20006 has 5,000 employees; thorough runs leave it out for speed.
SMALL = [20001, 20002, 20003, 20004, 20005]
DENIED = {
    "EmployeeService.Department_GetCurrent",
    "EmployeeService.Function_GetCurrent",
    "EmployeeService.SalaryDocuments_GetAnnualStatementPDF",
    "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany",
}


def check(
    server: DemoServer, profile: Any = INTEGRATION, *, domain: str | None = None, **choices: Any
) -> RightsReport:
    """The check on a demo; ``choices`` are :class:`CheckOptions` fields."""
    settings = demo_settings(server.base_url, server.scenario.name)
    if domain is not None:
        settings = settings.with_soap(domain=domain)
    client = NmbrsClient(settings)
    try:
        return RightsEngine(client, profile, CheckOptions(clock=lambda: FROZEN, **choices)).run()
    finally:
        client.close()


def statuses(report: RightsReport) -> dict[tuple[str, EntityId], Status]:
    return {(c.qualified_name, c.company_id): c.status for c in report.cells}


def test_healthy_all_allowed_with_few_calls(demo_server: DemoServer) -> None:
    before = demo_server.stats.total_calls
    report = check(demo_server)
    companies = len(demo_server.world.companies())
    assert [c.id for c in report.companies] == [c.ID for c in demo_server.world.companies()]
    assert len(report.cells) == 11 * companies
    assert {c.status for c in report.cells} == {Status.ALLOWED}
    assert report.exit_code == 0 and report.stopped is None
    # ops + companies + a small constant (Environment_Get and the two lists)
    assert report.calls == demo_server.stats.total_calls - before
    # + employee discovery: EmployeeType_GetList and List_GetByCompany once per type.
    discovery = 1 + len(demo_server.world.employee_types())
    assert report.calls <= 11 + companies + 3 + discovery
    # Every operation was probed once, every company's column once with the cheapest
    # company-level call (Run_GetList for one year, not the whole employee list).
    probed = [c for c in report.cells if c.basis == PROBED]
    assert {c.qualified_name for c in probed} == set(INTEGRATION.qualified_names)
    assert {c.company_id for c in probed if c.operation == "Run_GetList"} == {
        c.id for c in report.companies
    }
    assert [c.company_id for c in probed if c.operation == "List_GetByCompany"] == [20001]
    assert "Column probe: CompanyService.Run_GetList on every company" in report.notes
    inferred = [c for c in report.cells if c.basis != PROBED]
    assert inferred and all(
        str(c.basis).startswith("inferred from ") and " on company " in str(c.basis)
        for c in inferred
    )


def test_every_service_is_built_before_the_checks_first_call(demo_server: DemoServer) -> None:
    """The check's clock starts with its first call: the WSDLs are parsed before it, as the
    dashboard's connect step does, so the CLI's elapsed time and the bench's time the same."""
    client = NmbrsClient(demo_settings(demo_server.base_url, demo_server.scenario.name))
    events: list[str] = []
    lock = threading.Lock()
    build, acquire = client._build_service, client._limiter.acquire

    def building(service: Any) -> Any:
        with lock:
            events.append(f"build {service.value}")
        return build(service)

    def sending() -> float:  # the limiter lets each call out just before it is sent
        with lock:
            events.append("call")
        return acquire()

    client._build_service = building  # type: ignore[method-assign]
    client._limiter.acquire = sending  # type: ignore[method-assign]
    report = RightsEngine(client, INTEGRATION).run()
    assert report.exit_code == 0
    first_call = events.index("call")
    assert sorted(events[:first_call]) == [
        "build CompanyService",
        "build DebtorService",
        "build EmployeeService",
    ]


def test_missing_rights_are_endpoint_denied_for_every_company(demo_server_factory: Any) -> None:
    server = demo_server_factory("missing-rights")
    report = check(server, companies=SMALL)
    for (name, _company), status in statuses(report).items():
        assert status is (Status.ENDPOINT_DENIED if name in DENIED else Status.ALLOWED)
    denied = report.cells_with(Status.ENDPOINT_DENIED)
    assert all(c.fault_code == 1002 for c in denied)
    assert sum(1 for c in denied if c.probed) == len(DENIED)  # one row probe per operation
    assert report.exit_code == 1


def test_restricted_scope_named_companies(demo_server_factory: Any) -> None:
    server = demo_server_factory("restricted-scope")
    blocked = sorted(server.handlers.access.blocked_companies)
    assert len(blocked) == 2
    report = check(server, companies=[20001, *blocked, 99999])
    for company in (*blocked, 99999):
        cells = [c for c in report.cells if c.company_id == company]
        assert {c.status for c in cells} == {Status.NOT_VISIBLE}
        assert all("not visible" in str(c.basis) for c in cells)
        ref = report.company(company)
        assert ref is not None and ref.visible is False
    assert {c.status for c in report.cells if c.company_id == 20001} == {Status.ALLOWED}
    assert report.exit_code == 1


def test_restricted_scope_visible_companies_are_fine(demo_server_factory: Any) -> None:
    server = demo_server_factory("restricted-scope")
    report = check(server)
    blocked = server.handlers.access.blocked_companies
    assert not {c.id for c in report.companies} & blocked
    assert report.exit_code == 0


def test_bad_token_stops_after_the_first_round_trip(demo_server_factory: Any) -> None:
    server = demo_server_factory("bad-token")
    report = check(server)
    assert report.stopped == "auth_failed"
    assert report.exit_code == 2
    # Environment_Get, the two lists and the employee types go out together; nothing follows.
    assert report.calls == 4 == server.stats.total_calls
    assert [a.check for a in report.account] == ["credentials"]  # judged by Environment_Get
    assert report.account[0].status is Status.AUTH_FAILED and report.account[0].fault_code == 1001


def test_no_subscription(demo_server_factory: Any) -> None:
    server = demo_server_factory("no-subscription")
    report = check(server, companies=[20001])
    assert any(a.status is Status.NO_SUBSCRIPTION and a.finding for a in report.account)
    assert {c.status for c in report.cells} == {Status.NO_SUBSCRIPTION}
    assert report.exit_code == 1
    assert report.calls <= 4  # the account checks and the employee types, in one round trip


def test_wrong_domain_reported_with_the_right_one(demo_server: DemoServer) -> None:
    settings = demo_settings(demo_server.base_url).with_soap(domain="elsewhere")
    clients: list[NmbrsClient] = []

    def reconnect(domain: str | None) -> NmbrsClient:
        clients.append(NmbrsClient(settings.with_soap(domain=domain)))
        return clients[-1]

    report = RightsEngine(
        NmbrsClient(settings),
        INTEGRATION,
        CheckOptions(companies=(20001,), clock=lambda: FROZEN),
        reconnect=reconnect,
    ).run()
    domain = next(a for a in report.account if a.check == "domain")
    assert domain.finding and domain.value == "demo" and "elsewhere" in domain.message
    assert report.right_domain == "demo"
    assert {c.status for c in report.cells} == {Status.ALLOWED}  # checked with the right one
    assert report.exit_code == 1
    # Without a way to reconnect the check stops: it cannot authenticate with that domain.
    stopped = RightsEngine(NmbrsClient(settings), INTEGRATION, AT_FROZEN).run()
    assert stopped.stopped == "auth_failed" and stopped.exit_code == 2
    assert stopped.right_domain == "demo"


@pytest.mark.parametrize(
    "scenario", ["healthy", "missing-rights", "restricted-scope", "bad-token", "no-subscription"]
)
def test_thorough_agrees_with_default(demo_server_factory: Any, scenario: str) -> None:
    server = demo_server_factory(scenario)
    default = check(server, companies=[*SMALL, 99999])
    thorough = check(server, companies=[*SMALL, 99999], thorough=True)
    assert statuses(default) == statuses(thorough)
    assert default.exit_code == thorough.exit_code
    if default.cells and scenario != "no-subscription":
        assert sum(c.probed for c in thorough.cells) > sum(c.probed for c in default.cells)
        assert thorough.calls > default.calls


def test_app_profile_thorough_agrees(demo_server_factory: Any) -> None:
    server = demo_server_factory("missing-rights")
    default = check(server, APP, companies=[20001, 20002])
    thorough = check(server, APP, companies=[20001, 20002], thorough=True)
    assert statuses(default) == statuses(thorough)
    assert {c.status for c in default.cells} <= {Status.ALLOWED, Status.ENDPOINT_DENIED}
    # Account-wide operations (no company parameter) say so.
    types = [c for c in default.cells if c.operation == "EmployeeType_GetList"]
    assert types and all("account-wide" in str(c.basis) or c.probed for c in types)


def test_large_accountant_call_count(demo_server_factory: Any) -> None:
    server = demo_server_factory("large-accountant")
    report = check(server)
    visible = len(report.companies)
    assert visible >= 200
    discovery = 1 + len(server.world.employee_types())
    assert report.calls <= len(INTEGRATION.operations) + visible + 5 + discovery
    assert report.calls == server.stats.total_calls
    assert {c.status for c in report.cells} == {Status.ALLOWED}
    blocked = sorted(server.handlers.access.blocked_companies)
    named = check(server, companies=[20001, *blocked[:2]])
    assert {c.status for c in named.cells if c.company_id in blocked} == {Status.NOT_VISIBLE}


def test_large_accountant_thorough_subset_agrees(demo_server_factory: Any) -> None:
    server = demo_server_factory("large-accountant")
    big = server.world.big_company_id()
    ids = [c.ID for c in server.world.companies() if big != c.ID][:12]
    default = check(server, companies=ids)
    thorough = check(server, companies=ids, thorough=True)
    assert statuses(default) == statuses(thorough)
    assert thorough.calls > 5 * default.calls // 2


def test_flaky_never_gives_a_wrong_verdict(demo_server_factory: Any) -> None:
    server = demo_server_factory("flaky")
    settings = demo_settings(server.base_url, "flaky").model_copy(update={"timeout_s": 2.0})
    client = NmbrsClient(settings)
    report = RightsEngine(
        client,
        INTEGRATION,
        CheckOptions(companies=tuple(SMALL), clock=lambda: FROZEN),
        ProbeTuning(backoff_s=0.05),
    ).run()
    assert {c.status for c in report.cells} <= {Status.ALLOWED, Status.ERROR}
    errors = report.cells_with(Status.ERROR)
    assert report.exit_code == (0 if not errors and report.stopped is None else 2)
    assert all(c.message for c in errors)


def test_events_stream_every_cell_once(demo_server: DemoServer) -> None:
    events: list[Any] = []
    report = check(demo_server, companies=SMALL, on_event=events.append)
    cells = [e for e in events if isinstance(e, CellResult)]
    assert sorted((c.qualified_name, c.company_id) for c in cells) == sorted(
        (c.qualified_name, c.company_id) for c in report.cells
    )
    assert isinstance(events[0], Phase) and events[0].name == "account"
    assert isinstance(events[-1], Phase) and events[-1].name == "done"
    known = [e for e in events if isinstance(e, CompaniesKnown)]
    assert len(known) == 1 and [c.id for c in known[0].companies] == SMALL


def test_cancel_before_start_gives_no_verdicts(demo_server: DemoServer) -> None:
    cancel = threading.Event()
    cancel.set()
    report = check(demo_server, cancel_event=cancel)
    assert report.stopped == "cancelled"
    assert report.exit_code == 2
    assert not any(c.status is Status.ALLOWED for c in report.cells)


# ------------------------------------------------------------------ fake client: retries


@dataclass(frozen=True)
class FakeSoap:
    """The SOAP part the client and the engine read."""

    base_url: str = "http://fake.invalid/soap/v3/"
    username: str = "fake"
    domain: str | None = "demo"
    wsdl: str = "bundled"
    token: str = "fake-token"


@dataclass(frozen=True)
class FakeSettings:
    """The profile fields the engine reads."""

    soap: FakeSoap = FakeSoap()
    concurrency: int = 4
    environment: str = "custom"
    profile_name: str | None = None
    scenario: str | None = None
    timeout_s: float = 2.0
    connect_timeout_s: float = 1.0
    rate_limit_per_s: float = 1000.0
    verify_tls: bool = True
    max_response_mb: float = 1.0


class FakeClient:
    """Healthy answers except: transport errors for one operation, 1002 for another."""

    def __init__(self, broken: str, denied: str) -> None:
        self.broken = resolve(broken)
        self.denied = resolve(denied)
        self.calls: Counter[str] = Counter()
        self.domain: str | None = "demo"
        self.domain_source = "profile"
        self.domain_state = DomainState.PROFILE
        self.domain_fault_code: int | None = None
        self.settings = FakeSettings()
        self.base_url = "http://fake.invalid/soap/v3/"
        self.host = "fake.invalid"
        self.username = "fake"
        self.call_log: CallLog | None = None  # the engine counts its own attempts
        self._lock = threading.Lock()

    def ensure_domain(self) -> str | None:
        return self.domain

    def prepare(self) -> None:
        """Nothing to build: no WSDL behind this fake."""

    def call(self, operation: Any, *, discover_domain: bool = True, **params: Any) -> Any:
        op = resolve(
            operation.qualified_name if hasattr(operation, "qualified_name") else operation
        )
        with self._lock:
            self.calls[op.qualified_name] += 1
        if op == self.broken:
            raise NmbrsTransportError(
                op.qualified_name, "fake", "connection reset", kind="connection"
            )
        if op == self.denied:
            raise NmbrsFault(op.qualified_name, 1002, "Unauthorized access")
        answers: dict[str, Any] = {
            "DebtorService.Environment_Get": {"SubDomain": "demo"},
            "DebtorService.List_GetAll": [{"Id": 1}],
            "CompanyService.List_GetAll": [{"ID": 10, "Name": "A"}, {"ID": 11, "Name": "B"}],
            "EmployeeService.EmployeeType_GetList": [{"Id": 1, "Description": "Werknemer"}],
            "EmployeeService.List_GetByCompany": [{"Id": 100}],
            "CompanyService.Run_GetList": [{"ID": 7, "Year": 2026, "Number": 1}],
        }
        return answers.get(op.qualified_name, [])


def test_transport_errors_are_retried_and_become_error_never_a_verdict() -> None:
    fake = FakeClient(
        "EmployeeService.Department_GetCurrent", "EmployeeService.Function_GetCurrent"
    )
    report = RightsEngine(fake, INTEGRATION, AT_FROZEN, ProbeTuning(retries=2, backoff_s=0.0)).run()
    dept = [c for c in report.cells if c.operation == "Department_GetCurrent"]
    assert {c.status for c in dept} == {Status.ERROR}
    assert all("connection reset" in c.message for c in dept)
    assert fake.calls["EmployeeService.Department_GetCurrent"] == 3  # 1 + 2 retries
    assert fake.calls["EmployeeService.Function_GetCurrent"] == 1  # a fault is not retried
    assert {c.status for c in report.cells if c.operation == "Function_GetCurrent"} == {
        Status.ENDPOINT_DENIED
    }
    assert report.exit_code == 1


def test_employee_id_falls_back_when_list_is_denied() -> None:
    fake = FakeClient("EmployeeService.EmployeeType_GetList", "EmployeeService.List_GetByCompany")
    original = fake.call

    def call(operation: Any, **params: Any) -> Any:
        result = original(operation, **params)
        name = operation.qualified_name if hasattr(operation, "qualified_name") else operation
        if name.endswith("Employment_GetAll_AllEmployeesByCompany"):
            return [{"EmployeeId": 555, "EmployeeEmployments": None}]
        return result

    fake.call = call  # type: ignore[method-assign]
    report = RightsEngine(fake, INTEGRATION, AT_FROZEN, NO_PAUSES).run()
    assert {c.status for c in report.cells if c.operation == "List_GetByCompany"} == {
        Status.ENDPOINT_DENIED
    }
    assert {c.status for c in report.cells if c.operation == "PersonalInfo_GetCurrent"} == {
        Status.ALLOWED
    }
    assert any("555" in note and "Employment_GetAll" in note for note in report.notes)


def test_nothing_to_probe_with_is_not_verified() -> None:
    fake = FakeClient("EmployeeService.EmployeeType_GetList", "CompanyService.Run_GetList")
    report = RightsEngine(fake, INTEGRATION, AT_FROZEN, NO_PAUSES).run()
    payslips = [
        c
        for c in report.cells
        if c.operation == "SalaryDocuments_GetEmployeePayslipsPDFByRunCompany"
    ]
    assert {c.status for c in payslips} == {Status.NOT_VERIFIED}
    assert all("Run_GetList" in c.message for c in payslips)
    assert report.exit_code == 1  # Run_GetList itself is denied: that is the finding
