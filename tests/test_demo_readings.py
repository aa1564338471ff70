"""Each reading of an open question changes exactly the answer it is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from nmbrs_client.errors import ConfigError
from nmbrs_demo.readings import (
    STRICT,
    SWITCHES,
    EmployeeTypeReading,
    Readings,
    every_alternative,
    parse_reading_args,
    reading_id,
)
from nmbrs_demo.scenarios import load_scenario_file
from tests.conftest import DemoServerFactory
from tests.soap_raw import NS_ROOT, RawReply, call

EMPLOYEE_NS = NS_ROOT + "EmployeeService"


def _fault_code(reply: RawReply) -> int:
    return int(reply.fault_string().split("---> ")[1].split(":")[0])


def _employee_ids(reply: RawReply) -> set[int]:
    assert reply.status == 200, reply.body[:300]
    return {
        int(node.text or "0")
        for node in reply.xml.iterfind(f".//{{{EMPLOYEE_NS}}}Employee/{{{EMPLOYEE_NS}}}Id")
    }


def test_defaults_are_the_strict_readings() -> None:
    assert Readings() == STRICT
    assert STRICT.employee_type is EmployeeTypeReading.TYPE_ID
    assert STRICT.as_dict() == {
        "employee-type": "type-id",
        "empty-list": "omitted",
        "environment-header": "auth-header-only",
        "environment-reply": "extended",
        "fault-order": "scope-first",
        "payslip-rights": "separate",
        "company-scope-fault": "2004",
        "fault-text": "stack-trace",
    }


def test_every_alternative_changes_one_switch_at_a_time() -> None:
    options = every_alternative()
    assert options[0] == STRICT
    assert len(options) == 1 + sum(len(kind) - 1 for kind in SWITCHES.values())
    assert all(len(r.non_default()) == 1 for r in options[1:])
    assert len({reading_id(r) for r in options}) == len(options)


@pytest.mark.parametrize(
    ("items", "wanted"),
    [
        (["nonsense=1"], "Unknown reading"),
        (["employee-type"], "is not NAME=VALUE"),
        (["employee-type=maybe"], "cannot be"),
    ],
)
def test_bad_reading_arguments_are_config_errors(items: list[str], wanted: str) -> None:
    with pytest.raises(ConfigError, match=wanted):
        parse_reading_args(items)


def test_reading_arguments_apply_on_top_of_a_base() -> None:
    base = STRICT.changed({"fault-text": "plain"})
    readings = parse_reading_args(["Employee_Type=ZERO-IS-ALL"], base)
    assert readings.employee_type is EmployeeTypeReading.ZERO_IS_ALL
    assert readings.non_default() == {"employee-type": "zero-is-all", "fault-text": "plain"}


def test_scenario_toml_sets_readings(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('base = "healthy"\n[readings]\nemployee-type = "active-filter"\n')
    scenario = load_scenario_file(path)
    assert scenario.readings.employee_type is EmployeeTypeReading.ACTIVE_FILTER
    path.write_text('[readings]\nemployee-type = "all"\n')
    with pytest.raises(ConfigError, match="readings"):
        load_scenario_file(path)


@pytest.mark.parametrize("reading", list(EmployeeTypeReading))
def test_employee_type_reading(
    demo_server_factory: DemoServerFactory, reading: EmployeeTypeReading
) -> None:
    server = demo_server_factory(readings={"employee-type": reading.value})
    world = server.world
    company = next(c.ID for c in world.companies() if len(world.employees(c.ID)) == 40)
    everyone = {e.Id for e in world.employees(company)}

    def listed(value: int) -> set[int]:
        return _employee_ids(
            call(
                server.base_url,
                "EmployeeService",
                "List_GetByCompany",
                {"CompanyId": company, "EmployeeType": value},
            )
        )

    by_type = {t.Id: {e.Id for e in world.employees(company, t.Id)} for t in world.employee_types()}
    merged = set().union(*(listed(type_id) for type_id in by_type))
    assert merged == everyone  # the per-type walk finds everyone under every reading
    if reading is EmployeeTypeReading.TYPE_ID:
        assert listed(0) == set()
        assert listed(1) == by_type[1] != everyone
    elif reading is EmployeeTypeReading.ZERO_IS_ALL:
        assert listed(0) == everyone
        assert listed(1) == by_type[1]
    else:
        active = {e.Id for e in world.employees(company, None, active=True)}
        assert listed(0) == active and listed(2) == everyone
        assert listed(1) == everyone - active


@pytest.mark.parametrize("reading", ["scope-first", "template-first"])
def test_fault_order_reading(
    tmp_path: Path, demo_server_factory: DemoServerFactory, reading: str
) -> None:
    path = tmp_path / "deny.toml"
    path.write_text(
        f'deny = ["CompanyService.Run_GetList"]\n[readings]\nfault-order = "{reading}"\n'
    )
    server = demo_server_factory(load_scenario_file(path))
    good = server.world.companies()[0].ID
    wrong = call(server.base_url, "CompanyService", "Run_GetList", {"CompanyId": 999, "Year": 2026})
    right = call(
        server.base_url, "CompanyService", "Run_GetList", {"CompanyId": good, "Year": 2026}
    )
    assert _fault_code(right) == 1002  # ids the account returned: always the template's answer
    assert _fault_code(wrong) == (2004 if reading == "scope-first" else 1002)


@pytest.mark.parametrize("reading", ["separate", "shared"])
def test_payslip_rights_reading(
    tmp_path: Path, demo_server_factory: DemoServerFactory, reading: str
) -> None:
    path = tmp_path / "deny.toml"
    path.write_text(
        'deny = ["CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany"]\n'
        f'[readings]\npayslip-rights = "{reading}"\n'
    )
    server = demo_server_factory(load_scenario_file(path))
    world = server.world
    company = world.companies()[0].ID
    employee = world.employees(company)[0].Id
    run = world.runs(company, server.today.year)[0].ID
    reply = call(
        server.base_url,
        "CompanyService",
        "SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2",
        {"EmployeeID": employee, "CompanyId": company, "RunID": run, "intYear": server.today.year},
    )
    if reading == "shared":
        assert _fault_code(reply) == 1002
    else:
        assert reply.status == 200


@pytest.mark.parametrize("code", ["2004", "1003"])
def test_company_scope_fault_reading(demo_server_factory: DemoServerFactory, code: str) -> None:
    server = demo_server_factory("restricted-scope", readings={"company-scope-fault": code})
    listed = {c.ID for c in server.world.companies()} - {
        int(n.text or "0")
        for n in call(server.base_url, "CompanyService", "List_GetAll").xml.iterfind(
            f".//{{{NS_ROOT}CompanyService}}ID"
        )
    }
    hidden = sorted(listed)[0]
    reply = call(
        server.base_url, "CompanyService", "Run_GetList", {"CompanyId": hidden, "Year": 2026}
    )
    assert _fault_code(reply) == int(code)


def test_demo_server_cli_rejects_a_bad_reading() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", "demo-server", "--reading", "employee-type=all"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 64
    assert "employee-type cannot be 'all'" in proc.stderr


def test_cli_help_names_every_soap_reading() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", "demo-server", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    text = "".join(proc.stdout.split())  # argparse wraps lines at hyphens
    assert all(name in text for name in SWITCHES)
