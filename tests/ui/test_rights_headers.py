"""The matrix's operation columns (companies as rows): each header readable at 22 characters.

REST names are long dotted paths (``REST.company.employees.bankaccounts``); a header cut at a
character count read ``REST.company.e…ccounts``. Each header now drops the API's own prefix
and is cut only between whole words, and no two columns of one check read the same.
"""

from __future__ import annotations

import re

import pytest

from nmbrs_client.rights.requirements import BUILTIN_PROFILES
from tui.panes.rights_cells import OPERATION_HEADER_WIDTH, column_headers

WIDTH = OPERATION_HEADER_WIDTH


def _profiles() -> list[tuple[str, list[str]]]:
    found = []
    for name, profile in BUILTIN_PROFILES.items():
        found.append((f"{name}-soap", [op.qualified_name for op in profile.operations]))
        found.append(
            (f"{name}-rest", [f"REST.{op.name.value}" for op in profile.rest().operations])
        )
    return found


def _words(name: str) -> set[str]:
    """The name's words: what a header may show of it (at dots, underscores, capitals)."""
    return {w for w in re.split(r"[._]|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", name) if w}


@pytest.mark.parametrize(("profile", "operations"), _profiles(), ids=[p for p, _ in _profiles()])
def test_every_header_fits_is_whole_words_and_unique(profile: str, operations: list[str]) -> None:
    headers = column_headers(operations, WIDTH)
    assert set(headers) == set(operations)
    assert len(set(headers.values())) == len(operations), headers
    for op, header in headers.items():
        assert len(header) <= WIDTH, (op, header)
        assert not header.startswith("REST."), header
        shown = _words(header.replace("…", "."))
        assert shown <= _words(op) | {"Employee", "Company", "Debtor"}, (op, header, shown)


def test_the_rest_names_that_were_cut_mid_word() -> None:
    ops = [f"REST.{op.name.value}" for op in BUILTIN_PROFILES["integration"].rest().operations]
    headers = column_headers(ops, WIDTH)
    assert headers["REST.company.employees.bankaccounts"] == "company…bankaccounts"
    assert headers["REST.company.employees.departments"] == "…employees.departments"
    assert headers["REST.employee.payslipperperiod"] == "…payslipperperiod"
    assert headers["REST.company.run.employees"] == "company.run.employees"  # fits: whole


def test_a_name_two_services_share_keeps_its_service() -> None:
    headers = column_headers(["DebtorService.List_GetAll", "CompanyService.List_GetAll"], WIDTH)
    assert headers == {
        "DebtorService.List_GetAll": "Debtor.List_GetAll",
        "CompanyService.List_GetAll": "Company.List_GetAll",
    }


def test_names_cut_alike_are_told_apart() -> None:
    ops = ["X.Alpha_GetOneThingForEveryone", "X.Alpha_GetOneThingForNobody"]
    headers = column_headers(ops, 16)
    assert len(set(headers.values())) == 2, headers
    assert all(len(h) <= 16 for h in headers.values())
