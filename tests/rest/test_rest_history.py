"""History → current: each rule under sorted, reversed and unsorted histories."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pytest

from nmbrs_client.rest.history import (
    CurrentRule,
    by_employee,
    current,
    current_per_type,
    parse_instant,
)

TODAY = date(2026, 12, 1)


def shuffled(rows: Sequence[Mapping[str, Any]], seed: int) -> list[Mapping[str, Any]]:
    copy = list(rows)
    random.Random(seed).shuffle(copy)
    return copy


CONTRACTS = [
    {"contractId": "a", "startDate": "2020-01-01T00:00:00Z", "createdAt": "2020-01-02T00:00:00Z"},
    {"contractId": "b", "startDate": "2025-06-01T00:00:00Z", "createdAt": "2025-05-01T00:00:00Z"},
    {
        "contractId": "future",
        "startDate": "2027-01-01T00:00:00Z",
        "createdAt": "2026-11-01T00:00:00Z",
    },
]


@pytest.mark.parametrize("seed", range(5))
def test_start_date_rule_takes_the_latest_started_whatever_the_order(seed: int) -> None:
    row = current(shuffled(CONTRACTS, seed), CurrentRule.START_DATE, today=TODAY)
    assert row is not None and row["contractId"] == "b"


def test_start_date_rule_with_only_future_rows_shows_the_first_upcoming() -> None:
    rows = [CONTRACTS[2], {**CONTRACTS[2], "contractId": "later", "startDate": "2028-01-01"}]
    row = current(rows, CurrentRule.START_DATE, today=TODAY)
    assert row is not None and row["contractId"] == "future"


DEPARTMENTS = [
    {"code": 1, "period": {"year": 2025, "period": 12}, "createdAt": "2025-12-01T00:00:00Z"},
    {"code": 2, "period": {"year": 2026, "period": 11}, "createdAt": "2026-11-01T00:00:00Z"},
    {"code": 3, "period": {"year": 2026, "period": 11}, "createdAt": "2026-11-20T00:00:00Z"},
    {"code": 4, "period": {"year": 2027, "period": 1}, "createdAt": "2026-11-25T00:00:00Z"},
]


@pytest.mark.parametrize("seed", range(5))
def test_period_rule_takes_latest_period_not_after_the_current_one(seed: int) -> None:
    rows = shuffled(DEPARTMENTS, seed)
    row = current(rows, CurrentRule.PERIOD, today=TODAY, current_period=(2026, 12))
    assert row is not None and row["code"] == 3  # same period: the later createdAt wins
    row = current(rows, CurrentRule.PERIOD, today=TODAY)
    assert row is not None and row["code"] == 4  # current period unknown: latest period


def test_created_rule_and_list_order_fallback() -> None:
    rows = [
        {"BSN": "1", "createdAt": "2026-01-01T00:00:00Z"},
        {"BSN": "2", "createdAt": "2025-01-01T00:00:00Z"},
    ]
    assert current(rows, CurrentRule.CREATED, today=TODAY) == rows[0]
    undated = [{"BSN": "1"}, {"BSN": "2"}]
    assert current(undated, CurrentRule.CREATED, today=TODAY) == undated[1]
    assert current([], CurrentRule.CREATED, today=TODAY) is None


def test_bank_accounts_current_per_type() -> None:
    rows = [
        {"IBAN": "old", "bankAccountType": "bankAccount1", "createdAt": "2020-01-01T00:00:00Z"},
        {
            "IBAN": "savings",
            "bankAccountType": "salarySavings",
            "createdAt": "2021-01-01T00:00:00Z",
        },
        {"IBAN": "new", "bankAccountType": "bankAccount1", "createdAt": "2024-01-01T00:00:00Z"},
    ]
    assert [r["IBAN"] for r in current_per_type(rows, "bankAccountType")] == ["savings", "new"]


def test_wrappers_are_joined_per_employee_and_junk_skipped() -> None:
    wrapped: list[dict[str, Any]] = [
        {"employeeId": "e1", "contracts": [{"contractId": "a"}]},
        {"employeeId": "e1", "contracts": [{"contractId": "b"}, "junk"]},
        {"employeeId": None, "contracts": [{"contractId": "c"}]},
        {"employeeId": "e2", "contracts": "not a list"},
    ]
    assert by_employee(wrapped, "contracts") == {"e1": [{"contractId": "a"}, {"contractId": "b"}]}


def test_instants_in_every_spelling() -> None:
    assert parse_instant("2021-06-07T07:59:11Z") == parse_instant("2021-06-07T07:59:11+00:00")
    assert parse_instant("2021-06-07") is not None
    assert parse_instant("yesterday") is None
    assert parse_instant(20210607) is None


@pytest.mark.parametrize("rule", list(CurrentRule))
def test_an_only_row_is_current_under_every_rule_whatever_its_dates(rule: CurrentRule) -> None:
    """What the short cut for one row must agree with: each rule's own choice among one."""
    shapes: list[Mapping[str, Any]] = [
        *({**row, "period": {"year": 2027, "period": 1}} for row in CONTRACTS),
        {"contractId": "undated"},
        {"contractId": "odd", "startDate": "not a date", "period": "junk"},
    ]
    for row in shapes:
        assert current([row], rule, today=TODAY, current_period=(2026, 11)) is row
        assert current([row, row], rule, today=TODAY, current_period=(2026, 11)) is row
