"""Which companies a check's columns are: a company number repeats across debtors (REST
numbers are per debtor), so a number names every company that has it, never just the first."""

from __future__ import annotations

from nmbrs_client.rights.columns import choose_columns
from nmbrs_client.rights.report_words import engineer_note
from nmbrs_client.rights.results import CompanyRef

A1 = CompanyRef("uuid-a1", "Maasland Drukkerij B.V.", "debtor-a", True, "1")
A2 = CompanyRef("uuid-a2", "Van Dijk Automotive B.V.", "debtor-a", True, "2")
B1 = CompanyRef("uuid-b1", "De Vries Catering B.V.", "debtor-b", True, "1")


def test_a_number_two_debtors_share_names_both_companies_and_says_so() -> None:
    columns = choose_columns(["1"], [A1, A2, B1])
    assert columns.companies == [A1, B1]
    assert columns.others == [A2]
    assert not columns.findings
    (note,) = columns.notes
    assert "2 companies with this number" in note and A1.name in note and B1.name in note  # type: ignore[operator]
    assert "bedrijven met dit nummer" in engineer_note(note, "nl")


def test_companies_come_in_the_order_named_each_once() -> None:
    columns = choose_columns(["uuid-b1", "1"], [A1, A2, B1])
    assert columns.companies == [B1, A1]  # in the order named, each once
    assert columns.notes == [
        "--company 1: 2 companies with this number (one per debtor), each "
        "checked: 1 Maasland Drukkerij B.V., 1 De Vries Catering B.V."
    ]


def test_a_unique_number_is_one_column() -> None:
    columns = choose_columns(["2"], [A1, A2, B1])
    assert columns.companies == [A2] and not columns.notes
