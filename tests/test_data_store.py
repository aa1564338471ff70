"""The TUI data store: fetch once, share in-flight fetches, invalidate per kind and company."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, cast

import pytest

from nmbrs_client.backend import Backend
from nmbrs_client.errors import NmbrsFault
from tests.fake_backend import FakeBackend
from tui.data.kinds import (
    BANK_ACCOUNTS,
    COMPANIES,
    CONTRACTS,
    DEPARTMENT,
    EMPLOYEES,
    GROUPING,
    PERSONAL_INFO,
    RIGHTS,
    RUNS,
)
from tui.data.store import DataStore
from tui.data.targets import TargetKind, jump_targets

if TYPE_CHECKING:
    from nmbrs_client.rights.results import RightsReport


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def store(backend: FakeBackend) -> DataStore:
    as_protocol: Backend = backend  # the fake fits the protocol (checked by mypy)
    return DataStore(as_protocol)


def test_an_entry_is_fetched_once_and_then_served_from_the_store(
    store: DataStore, backend: FakeBackend
) -> None:
    cid = backend.company_list[0].id
    assert not store.has(EMPLOYEES, cid) and store.get(EMPLOYEES, cid) is None
    first = store.fetch(EMPLOYEES, cid)
    second = store.fetch(EMPLOYEES, cid)
    assert second is first and backend.calls["employees"] == 1
    assert store.get(EMPLOYEES, cid) is first
    store.fetch(EMPLOYEES, cid, force=True)
    assert backend.calls["employees"] == 2


def test_concurrent_requests_share_one_call(store: DataStore, backend: FakeBackend) -> None:
    backend.gate = threading.Event()
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(store.fetch, COMPANIES, None) for _ in range(6)]
        backend.gate.set()
        results = [f.result(timeout=5) for f in futures]
    assert backend.calls["companies"] == 1
    assert all(r is results[0] for r in results)


def test_errors_reach_every_waiter_and_are_not_kept(store: DataStore, backend: FakeBackend) -> None:
    backend.denied.add("companies")
    with pytest.raises(NmbrsFault):
        store.fetch(COMPANIES, None)
    assert not store.has(COMPANIES, None)
    backend.denied.clear()
    assert len(store.fetch(COMPANIES, None)) == 2
    assert backend.calls["companies"] == 2


def test_personal_data_is_never_kept(store: DataStore, backend: FakeBackend) -> None:
    company = backend.company_list[0]
    employee = backend.staff[company.id][0]
    for _ in range(2):
        info = store.fetch(PERSONAL_INFO, (company.id, employee.id))
        assert info is not None and info.BSN
        store.fetch(BANK_ACCOUNTS, (company.id, employee.id))
    assert backend.calls["personal_info"] == 2 and backend.calls["bank_accounts"] == 2
    assert not store.has(PERSONAL_INFO, (company.id, employee.id))
    assert store.keys(PERSONAL_INFO) == [] and store.keys(BANK_ACCOUNTS) == []


def test_invalidating_one_company_keeps_the_others(store: DataStore, backend: FakeBackend) -> None:
    one, two = (c.id for c in backend.company_list)
    store.fetch(COMPANIES, None)
    for cid in (one, two):
        store.fetch(EMPLOYEES, cid)
        store.fetch(CONTRACTS, cid)
        store.fetch(RUNS, (cid, 2026))
        store.fetch(DEPARTMENT, (cid, backend.staff[cid][0].id))
    store.invalidate_company(one, (EMPLOYEES, DEPARTMENT))
    assert not store.has(EMPLOYEES, one) and store.has(EMPLOYEES, two)
    assert store.keys(DEPARTMENT) == [(two, backend.staff[two][0].id)]
    assert store.has(CONTRACTS, one) and store.has(RUNS, (one, 2026))
    store.invalidate_company(one)
    assert not store.has(CONTRACTS, one) and not store.has(RUNS, (one, 2026))
    assert store.has(CONTRACTS, two) and store.has(COMPANIES, None)
    store.invalidate(RUNS, (two, 2026))
    assert not store.has(RUNS, (two, 2026)) and store.has(EMPLOYEES, two)
    store.invalidate_kinds(COMPANIES, CONTRACTS)
    assert store.keys(CONTRACTS) == [] and not store.has(COMPANIES, None)
    assert store.has(EMPLOYEES, two)
    # what the backend keeps between calls goes with them, so the refetch reaches Nmbrs
    assert backend.forgotten == [one, one, None]


def test_a_fetch_invalidated_in_flight_is_not_written_back(
    store: DataStore, backend: FakeBackend
) -> None:
    cid = backend.company_list[0].id
    backend.gate = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(store.fetch, EMPLOYEES, cid)
        assert backend.entered.wait(5)  # the fetch is in the backend, waiting at the gate
        store.invalidate_company(cid)
        backend.gate.set()
        assert len(pending.result(timeout=5)) == 3  # the caller still gets its answer
    assert not store.has(EMPLOYEES, cid)


def test_grouping_is_a_kind_whose_refusals_become_a_note(
    store: DataStore, backend: FakeBackend
) -> None:
    grouping = store.fetch(GROUPING, None)
    assert set(grouping.debtor_of) == {c.id for c in backend.company_list}
    assert grouping.note == ""
    backend.denied.add("debtors")
    refused = store.fetch(GROUPING, None, force=True)
    assert refused.debtor_of == {} and "Debtors not available" in refused.note


def test_computed_kinds_are_put_not_fetched(store: DataStore) -> None:
    with pytest.raises(TypeError):
        store.fetch(RIGHTS, "integration")
    report = cast("RightsReport", object())
    store.put(RIGHTS, "integration", report)
    assert store.get(RIGHTS, "integration") is report


def test_jump_targets_come_from_what_the_store_holds(
    store: DataStore, backend: FakeBackend
) -> None:
    assert list(jump_targets(store)) == []
    one, two = backend.company_list
    store.fetch(COMPANIES, None)
    store.fetch(EMPLOYEES, one.id)
    store.fetch(CONTRACTS, one.id)  # the same people again: listed once
    store.fetch(CONTRACTS, two.id)  # names from the contract records only
    calls_before = dict(backend.calls)
    targets = list(jump_targets(store))
    assert dict(backend.calls) == calls_before  # built from the store: no call of its own
    companies = [t for t in targets if t.kind is TargetKind.COMPANY]
    people = [t for t in targets if t.kind is TargetKind.EMPLOYEE]
    assert [t.company for t in companies] == [one, two]
    assert companies[0].label == f"Alpha Bakery (company 1, id {one.id})"
    assert len(people) == 6
    anna = next(t for t in people if t.company_id == one.id and t.label.startswith("Anna"))
    assert anna.label == "Anna Jansen 1 (employee 1, Alpha Bakery)"
    assert anna.employee_id == backend.staff[one.id][0].id and anna.company is one
