"""Scenarios: loading (built-in, bundled, TOML files with errors) and their effect on the wire."""

from __future__ import annotations

import http.client
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from nmbrs_client.errors import ConfigError
from nmbrs_client.operations import OPERATIONS
from nmbrs_demo.scenarios import (
    BUILTIN_SCENARIOS,
    MISSING_RIGHTS_OPERATIONS,
    bundled_files,
    load_scenario,
)
from nmbrs_demo.server import DemoServer
from tests.conftest import DemoServerFactory
from tests.soap_raw import NS_ROOT, RawReply, call


def _company_ids(reply: RawReply) -> list[int]:
    result = reply.result("CompanyService", "List_GetAll")
    assert result is not None
    ns = NS_ROOT + "CompanyService"
    return [int(n.text or "0") for n in result.iterfind(f"{{{ns}}}Company/{{{ns}}}ID")]


def _fault_code(reply: RawReply) -> int:
    text = reply.fault_string()
    return int(text.split("---> ")[1].split(":")[0])


def _probe_all(server: DemoServer) -> dict[str, RawReply]:
    """Call every catalogue operation once with valid ids of the big company."""
    world = server.world
    company = world.big_company_id()
    employee = world.employees(company)[0].Id
    run = world.runs(company, server.today.year)[0].ID
    debtor = next(
        d.Id for d in world.debtors() if company in {c.ID for c in world.companies_of_debtor(d.Id)}
    )
    values = {
        "DebtorId": debtor,
        "CompanyId": company,
        "CompanyID": company,
        "EmployeeId": employee,
        "EmployeeID": employee,
        "RunID": run,
        "RunId": run,
        "Year": server.today.year,
        "intYear": server.today.year,
        "EmployeeType": 0,
    }
    replies = {}
    for op in OPERATIONS:
        if op.service.value == "EmployeeService" and op.name.endswith("AllEmployeesByCompany"):
            continue  # 5,000 rows: slow, and covered elsewhere
        header = "AuthHeader" if op.header.value == "AuthHeader" else "AuthHeaderWithDomain"
        replies[op.qualified_name] = call(
            server.base_url,
            op.service.value,
            op.name,
            {p: values[p] for p in op.param_names},
            header=header,
        )
    return replies


# -- loading ------------------------------------------------------------------------------
def test_builtins_are_all_loadable_case_insensitively() -> None:
    assert set(BUILTIN_SCENARIOS) == {
        "healthy",
        "missing-rights",
        "restricted-scope",
        "bad-token",
        "no-subscription",
        "flaky",
        "no-employees",
        "large-accountant",
        # REST twins (they also load on SOAP)
        "missing-scopes",
        "multi-debtor",
        "throttled",
    }
    for name in BUILTIN_SCENARIOS:
        assert load_scenario(name.upper()).name == name


def test_unknown_name_is_a_config_error_listing_choices() -> None:
    with pytest.raises(ConfigError) as info:
        load_scenario("healty")
    assert "healty" in str(info.value)
    assert "missing-rights" in info.value.hint


def test_bundled_examples_load() -> None:
    files = bundled_files()
    assert {"payroll-only", "slow-vpn"} <= set(files)
    payroll = load_scenario("payroll-only")
    assert "EmployeeService.PersonalInfo_GetCurrent" in payroll.denied_operations
    assert payroll.latency_ms == 20
    slow = load_scenario(str(files["slow-vpn"]))
    assert slow.flaky_kinds == frozenset({"timeout", "reset"})


def test_toml_file_with_every_key(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text("""
name = "acme"
base = "missing-rights"
deny = ["employee.personalinfo_getcurrent", "CompanyService.run_getlist"]
hide_companies = [20002]
out_of_scope = ["20005"]
latency_ms = 5
flaky_rate = 0.5
flaky_kinds = ["html500"]
flaky_timeout_s = 1.5
rate_limit = false
size = "standard"
seed = 7
[deny_company]
"20003" = ["EmployeeService.BankAccount_GetListCurrent"]
""")
    s = load_scenario(str(path))
    assert s.name == "acme"
    # Names are canonicalised and the base's denials are kept.
    assert {"EmployeeService.PersonalInfo_GetCurrent", "CompanyService.Run_GetList"} | set(
        MISSING_RIGHTS_OPERATIONS
    ) == set(s.denied_operations)
    assert s.hidden_companies == {20002}
    assert s.out_of_scope_companies == {20005}
    assert s.denied_per_company == {20003: {"EmployeeService.BankAccount_GetListCurrent"}}
    assert (s.latency_ms, s.flaky_rate, s.flaky_kinds, s.flaky_timeout_s) == (
        5,
        0.5,
        frozenset({"html500"}),
        1.5,
    )
    assert (s.rate_limit, s.size, s.seed) == (False, "standard", 7)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name = ", "not valid TOML"),
        ("colour = 'red'", "unknown key(s) colour"),
        ("deny = ['EmployeeService.Employee_Insert']", "Employee_Insert"),
        (
            "deny = ['EmployeeService.PersonalInfo_GetCurent']",
            "Did you mean EmployeeService.PersonalInfo_GetCurrent",
        ),
        ("deny = 'EmployeeService.PersonalInfo_GetCurrent'", "deny must be a list"),
        ("base = 'nope'", "base 'nope' is not a built-in"),
        ("flaky_kinds = ['html500', 'fire']", "unknown: fire"),
        ("flaky_rate = 2", "flaky_rate must be between 0 and 1"),
        ("latency_ms = true", "latency_ms must be an integer"),
        ("size = 'huge'", "size must be one of"),
        ("out_of_scope = ['abc']", "company ids are integers"),
        ("[deny_company]\n'20001' = 'x'", "deny_company.20001 must be a list"),
    ],
)
def test_bad_toml_files_name_the_file_and_the_problem(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_scenario(str(path))
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_scenario(str(tmp_path / "nope.toml"))


# -- effects on the wire ------------------------------------------------------------------
def test_healthy_answers_every_operation(demo_server: DemoServer) -> None:
    replies = _probe_all(demo_server)
    bad = {name: r.body[:200] for name, r in replies.items() if r.status != 200}
    assert bad == {}


def test_missing_rights_denies_exactly_its_operations(
    demo_server_factory: DemoServerFactory,
) -> None:
    server = demo_server_factory("missing-rights")
    replies = _probe_all(server)
    denied = {name for name, r in replies.items() if r.status == 500 and _fault_code(r) == 1002}
    assert denied == set(MISSING_RIGHTS_OPERATIONS)
    assert all(r.status == 200 for name, r in replies.items() if name not in denied)
    text = replies["EmployeeService.Department_GetCurrent"].fault_string()
    first_line = text.splitlines()[0]
    assert first_line == "Server was unable to process request. ---> 1002: Unauthorized access"


def test_restricted_scope_hides_two_companies(demo_server_factory: DemoServerFactory) -> None:
    server = demo_server_factory("restricted-scope")
    world = server.world
    listed = _company_ids(call(server.base_url, "CompanyService", "List_GetAll"))
    blocked = [c.ID for c in world.companies() if c.ID not in listed]
    assert len(blocked) == 2 and world.big_company_id() not in blocked
    for company in blocked:
        reply = call(
            server.base_url, "CompanyService", "Run_GetList", {"CompanyId": company, "Year": 2026}
        )
        assert _fault_code(reply) == 2004
        employee = world.employees(company)[0].Id
        reply = call(
            server.base_url, "EmployeeService", "PersonalInfo_GetCurrent", {"EmployeeId": employee}
        )
        assert _fault_code(reply) == 2003
    visible = listed[0]
    assert (
        call(
            server.base_url, "CompanyService", "Company_GetCurrentPeriod", {"CompanyId": visible}
        ).status
        == 200
    )


def test_hidden_company_and_per_company_denial(
    tmp_path: Path, demo_server_factory: DemoServerFactory, demo_server: DemoServer
) -> None:
    world = demo_server.world
    hidden, other = (c.ID for c in world.companies()[:2])
    path = tmp_path / "s.toml"
    path.write_text(
        f"hide_companies = [{hidden}]\n[deny_company]\n"
        f'"{other}" = ["EmployeeService.Department_GetCurrent"]\n'
    )
    server = demo_server_factory(str(path))
    assert hidden not in _company_ids(call(server.base_url, "CompanyService", "List_GetAll"))
    reply = call(
        server.base_url,
        "EmployeeService",
        "List_GetByCompany",
        {"CompanyId": hidden, "EmployeeType": 0},
    )
    assert _fault_code(reply) == 2004
    # A hidden company's employees still answer per-employee calls.
    hidden_employee = world.employees(hidden)[0].Id
    assert (
        call(
            server.base_url,
            "EmployeeService",
            "Department_GetCurrent",
            {"EmployeeId": hidden_employee},
        ).status
        == 200
    )
    other_employee = world.employees(other)[0].Id
    reply = call(
        server.base_url, "EmployeeService", "Department_GetCurrent", {"EmployeeId": other_employee}
    )
    assert _fault_code(reply) == 1002
    assert (
        call(
            server.base_url,
            "EmployeeService",
            "Function_GetCurrent",
            {"EmployeeId": other_employee},
        ).status
        == 200
    )


@pytest.mark.parametrize(
    ("scenario", "code", "environment_ok"),
    [
        ("bad-token", 1001, False),
        ("no-subscription", 1004, True),
    ],
)
def test_account_wide_failures(
    demo_server_factory: DemoServerFactory, scenario: str, code: int, environment_ok: bool
) -> None:
    server = demo_server_factory(scenario)
    replies = _probe_all(server)
    env = replies.pop("DebtorService.Environment_Get")
    assert (env.status == 200) is environment_ok
    assert {_fault_code(r) for r in replies.values()} == {code}


def test_large_accountant_world(demo_server_factory: DemoServerFactory) -> None:
    server = demo_server_factory("large-accountant")
    world = server.world
    out = set(world.out_of_scope_company_ids())
    assert out
    listed = set(_company_ids(call(server.base_url, "CompanyService", "List_GetAll")))
    assert listed == {c.ID for c in world.companies()} - out
    debtors_reply = call(server.base_url, "DebtorService", "List_GetAll")
    assert debtors_reply.status == 200
    for company in list(out)[:2]:
        reply = call(
            server.base_url, "CompanyService", "Company_GetCurrentPeriod", {"CompanyId": company}
        )
        assert _fault_code(reply) == 2004


def _one_flaky(server: DemoServer) -> tuple[str, object]:
    try:
        reply = call(server.base_url, "EmployeeService", "EmployeeType_GetList", timeout=1.0)
    except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as exc:
        return "error", type(exc)
    return "reply", reply


@pytest.mark.parametrize("kind", ["html500", "truncated", "reset", "timeout", "empty"])
def test_each_flaky_kind(demo_server_factory: DemoServerFactory, kind: str) -> None:
    scenario = replace(
        load_scenario("flaky"), flaky_rate=1.0, flaky_kinds=frozenset({kind}), flaky_timeout_s=1.5
    )
    server = demo_server_factory(scenario)
    outcome, value = _one_flaky(server)
    if kind == "html500":
        assert outcome == "reply" and isinstance(value, RawReply)
        assert value.status == 500 and value.content_type == "text/html"
    elif kind == "truncated":
        assert outcome == "reply" and isinstance(value, RawReply)
        assert value.status == 200 and value.body.startswith(b"<?xml")
        with pytest.raises(etree.XMLSyntaxError):
            _ = value.xml
    elif kind == "empty":
        assert outcome == "reply" and isinstance(value, RawReply)
        assert value.status == 200 and value.body == b""
    elif kind == "timeout":
        assert outcome == "error" and value is TimeoutError
    else:
        assert outcome == "error"


def test_flaky_mixes_failures_deterministically(demo_server_factory: DemoServerFactory) -> None:
    scenario = replace(load_scenario("flaky"), flaky_kinds=frozenset({"html500", "empty"}))
    first = demo_server_factory(scenario)
    second = demo_server_factory(scenario)
    runs = []
    for server in (first, second):
        statuses = []
        for _ in range(40):
            reply = call(server.base_url, "EmployeeService", "EmployeeType_GetList")
            statuses.append((reply.status, len(reply.body) > 0))
        runs.append(statuses)
    assert runs[0] == runs[1]  # same seed, same sequence
    failures = sum(1 for status, has_body in runs[0] if status != 200 or not has_body)
    assert 2 <= failures <= 20  # about one in five
