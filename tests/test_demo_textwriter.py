"""The demo's text writer for big lists writes what zeep's serialiser writes.

Compared on every list reply of the demo world (both SOAP versions) and on generated records
with awkward text; exact bytes and, to name the property that matters to clients, the same
canonical XML (C14N 2.0). Where the writer cannot write a value as zeep would, it steps aside
and zeep renders (and refuses) the reply as before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from zeep.exceptions import ValidationError as ZeepValidationError

from nmbrs_client.operations import Service
from nmbrs_demo import DEMO_SEED, DEMO_TODAY, wirestyle
from nmbrs_demo.handlers import Handlers
from nmbrs_demo.scenarios import load_scenario
from nmbrs_demo.soapwire import TEXT_WRITER_MIN_ITEMS, LoadedService, load_service
from nmbrs_demo.worlds import shared_world

VERSIONS = ("1.1", "1.2")


def canonical(data: bytes) -> str:
    return str(etree.canonicalize(etree.fromstring(data), strip_text=False))


def assert_same_bytes(loaded: LoadedService, name: str, version: str, value: Any) -> bool:
    """Both writers on ``value``; True when the text writer wrote it (not zeep)."""
    op = loaded.operation(name, version)
    writer = loaded._text_writer(name, version, op)
    assert writer is not None, f"{name} has no text writer"
    written = writer.write(value)
    by_zeep = loaded.render(name, version, value, text_writer=False)
    if written is None:
        return False
    # Both then take the one ASP.NET wire style (nmbrs_demo.wirestyle).
    styled = wirestyle.from_zeep(written, version, loaded.untyped)
    assert canonical(styled) == canonical(by_zeep)
    assert styled == by_zeep
    return True


def _list_calls(world: Any) -> list[tuple[str, dict[str, int]]]:
    """The whole-company lists of a few companies, and the account-wide lists.

    (zeep takes seconds per big list, so not every company: they share one generator.)"""
    calls: list[tuple[str, dict[str, int]]] = [
        ("DebtorService.List_GetAll", {}),
        ("CompanyService.List_GetAll", {}),
    ]
    for cid in [c.ID for c in world.companies()[:4]]:
        calls += [
            ("EmployeeService.List_GetByCompany", {"CompanyId": cid, "EmployeeType": 1}),
            ("EmployeeService.Employment_GetAll_AllEmployeesByCompany", {"CompanyID": cid}),
            (
                "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany",
                {"CompanyID": cid},
            ),
            ("EmployeeService.Schedule_GetAll_AllEmployeesByCompany", {"CompanyID": cid}),
        ]
    return calls


def test_the_demo_lists_are_written_as_zeep_writes_them() -> None:
    world = shared_world(DEMO_SEED, DEMO_TODAY, "standard")
    handlers = Handlers(world, load_scenario("healthy"), DEMO_TODAY)
    written = 0
    for qualified, params in _list_calls(world):
        service, name = qualified.split(".", 1)
        loaded = load_service(Service(service))
        value = handlers.call(qualified, params)
        if not value:
            continue
        for version in VERSIONS:
            written += assert_same_bytes(loaded, name, version, value)
    assert written > 0


def test_the_big_company_goes_through_the_text_writer() -> None:
    world = shared_world(DEMO_SEED, DEMO_TODAY, "standard")
    handlers = Handlers(world, load_scenario("healthy"), DEMO_TODAY)
    value = handlers.call(
        "EmployeeService.List_GetByCompany",
        {"CompanyId": world.big_company_id(), "EmployeeType": 1},
    )
    assert len(value) >= TEXT_WRITER_MIN_ITEMS
    loaded = load_service(Service.EMPLOYEE)
    assert assert_same_bytes(loaded, "List_GetByCompany", "1.1", value)
    # render() takes the text writer for a list this long and gives the same bytes.
    assert loaded.render("List_GetByCompany", "1.1", value) == loaded.render(
        "List_GetByCompany", "1.1", value, text_writer=False
    )


AWKWARD = st.text(
    alphabet=st.sampled_from([*"aé€&<>\"'\r\n\t ]]>", "\x01", "\ufffe", "💶"]),
    max_size=10,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "EmployeeID": st.integers(-(2**31), 2**31 - 1),
                "EmployeeNumber": st.integers(0, 10**6),
                "FirstName": st.none() | AWKWARD,
                "LastName": st.none() | AWKWARD,
                "Birthday": st.none() | st.datetimes(),
                "SalaryValue": st.none() | st.decimals(-(10**6), 10**6, places=2, allow_nan=False),
                "PostCode": st.none() | AWKWARD | st.integers(0, 9999),
                "ContractHours": st.none() | st.decimals(0, 60, places=2),
            }
        ),
        min_size=1,
        max_size=6,
    ),
    version=st.sampled_from(VERSIONS),
)
def test_generated_records_are_written_alike(rows: list[dict[str, Any]], version: str) -> None:
    loaded = load_service(Service.EMPLOYEE)
    name = "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany"
    try:
        by_zeep: bytes | None = loaded.render(name, version, rows, text_writer=False)
    except Exception:
        by_zeep = None  # zeep (lxml) refuses text XML cannot hold
    writer = loaded._text_writer(name, version, loaded.operation(name, version))
    written = writer.write(rows)
    if by_zeep is None:
        assert written is None, "the text writer wrote what zeep refuses"
    elif written is not None:
        assert written == by_zeep


@pytest.mark.parametrize("version", VERSIONS)
def test_a_missing_required_value_is_left_to_zeep(version: str) -> None:
    loaded = load_service(Service.EMPLOYEE)
    writer = loaded._text_writer(
        "List_GetByCompany", version, loaded.operation("List_GetByCompany", version)
    )
    rows = [{"Id": None, "Number": 1, "DisplayName": "x"}]
    assert writer.write(rows) is None
    with pytest.raises(ZeepValidationError, match="Missing element"):
        loaded.render("List_GetByCompany", version, rows, text_writer=False)


def test_nil_and_nested_lists_match() -> None:
    loaded = load_service(Service.EMPLOYEE)
    name = "Employment_GetAll_AllEmployeesByCompany"
    rows = [
        {
            "EmployeeId": 1,
            "EmployeeEmployments": {
                "Employment": [
                    {
                        "EmploymentId": 5,
                        "CreationDate": datetime(2020, 1, 2, 3, 4, 5),
                        "StartDate": datetime(2020, 2, 1),
                        "EndDate": None,
                        "InitialStartDate": None,
                    }
                ]
            },
        },
        {"EmployeeId": 2, "EmployeeEmployments": {"Employment": []}},
        {"EmployeeId": 3, "EmployeeEmployments": None},
    ]
    for version in VERSIONS:
        assert assert_same_bytes(loaded, name, version, rows)
