"""The matrix's operation columns (companies as rows): each header readable at 22 characters.

REST names are long dotted paths (``REST.company.employees.bankaccounts``); a header cut at a
character count read ``REST.company.e…ccounts``. Each header now drops the API's own prefix
and is cut only between whole words, and no two columns of one check read the same. The rows
of the matrix with operations as rows (38 wide) follow the same rule, keeping the service.
"""

from __future__ import annotations

import re

import pytest

from nmbrs_client.rights.requirements import BUILTIN_PROFILES
from tui.panes.rights_cells import (
    OPERATION_HEADER_WIDTH,
    OPERATION_WIDTH,
    column_headers,
    row_labels,
)

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


# The rows of the matrix with operations as rows (38 wide): the same rule, keeping the service.


@pytest.mark.parametrize(("profile", "operations"), _profiles(), ids=[p for p, _ in _profiles()])
def test_every_row_label_fits_keeps_its_service_and_first_word(
    profile: str, operations: list[str]
) -> None:
    labels = row_labels(operations, OPERATION_WIDTH)
    assert set(labels) == set(operations)
    assert len(set(labels.values())) == len(operations), labels
    for op, label in labels.items():
        service, _, name = op.partition(".")
        assert len(label) <= OPERATION_WIDTH, (op, label)
        assert label.startswith(f"{service.removesuffix('Service')}."), (op, label)
        shown = label.partition(".")[2]
        assert shown.startswith(_words_in_order(name)[0]), (op, label)
        assert _words(shown.replace("…", ".")) <= _words(name), (op, label)


def _words_in_order(name: str) -> list[str]:
    return [w for w in re.split(r"[._]|(?<=[a-z0-9])(?=[A-Z])", name) if w]


def test_the_soap_rows_that_were_cut_mid_word() -> None:
    ops = [op.qualified_name for op in BUILTIN_PROFILES["integration"].operations]
    labels = row_labels(ops, OPERATION_WIDTH)
    employments = "EmployeeService.Employment_GetAll_AllEmployeesByCompany"
    assert labels[employments] == "Employee.Employment…EmployeesByCompany"  # was …GetAl…ees…
    payslips = "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany"
    assert labels[payslips] == "Company.Salary…PayslipsPDFByRunCompany"
    fits = "EmployeeService.BankAccount_GetListCurrent"
    assert labels[fits] == "Employee.BankAccount_GetListCurrent"  # fits: whole, as before
    rest = row_labels(["REST.company.employees.bankaccounts"], OPERATION_WIDTH)
    assert rest == {"REST.company.employees.bankaccounts": "REST.company.employees.bankaccounts"}
