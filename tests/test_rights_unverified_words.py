"""A cell not verified says why in the report's language, chosen by its kind, never its text.

A REST call this run could not make because its login needs a refresh (the app secret is
another connection's) is not "nothing to call it with": the Dutch report says the refresh
was withheld, the English one the prober's own sentence. Which words a cell gets follows the
kind its verdict carries from the prober, not how its English message begins.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from nmbrs_client.errors import SecretOfOneConnection
from nmbrs_client.ids import ApiKind
from nmbrs_client.rest.verdicts import not_verified, refresh_withheld
from nmbrs_client.rights.basis import Basis, BasisKind
from nmbrs_client.rights.classify import Status, Verdict
from nmbrs_client.rights.findings import operation_verdicts
from nmbrs_client.rights.matrix import ColumnVerdict, RowVerdict, infer_cell, result_of
from nmbrs_client.rights.report_words import REFRESH_WITHHELD, say
from nmbrs_client.rights.requirements import BUILTIN_PROFILES
from nmbrs_client.rights.results import CellResult, CheckMode, CompanyRef, RightsReport

WITHHELD = refresh_withheld(
    SecretOfOneConnection("acme", "client secret (needed to refresh its login)", "NMBRS_X")
)
NOTHING = "no company in reach has employees: name one that has with --company"


def _cell(operation: str, row: RowVerdict | None, column: ColumnVerdict | None) -> CellResult:
    verdict = infer_cell(f"rest.{operation}", "c1", row, column)
    assert verdict is not None
    return result_of("rest", operation, "c1", verdict)


def _report(*cells: CellResult) -> RightsReport:
    return RightsReport(
        datetime(2026, 12, 7),
        {},
        BUILTIN_PROFILES["integration"],
        CheckMode.DEFAULT,
        4,
        companies=[CompanyRef("c1", "Acme")],
        cells=list(cells),
        api=ApiKind.REST,
        rows=tuple((c.service, c.operation) for c in cells),
    )


def _bases(report: RightsReport, lang: str) -> dict[str, str]:
    return {name: basis for _service, name, _status, basis, _n in operation_verdicts(report, lang)}


# the company answered its reach probe (another operation's)
REACHED = ColumnVerdict(Verdict(Status.ALLOWED), Basis(BasisKind.PROBED, "rest.company", "c1"))


def _withheld_cells() -> list[CellResult]:
    """Withheld as the REST prober meets it: a row that could not be called, and a company
    whose reach probe could not be made."""
    row = RowVerdict(WITHHELD, None, None, note=WITHHELD.message)
    allowed = RowVerdict(Verdict(Status.ALLOWED), "c0", "rest.company.info")
    column = ColumnVerdict(WITHHELD, Basis(BasisKind.PROBED, "rest.company", "c1"))
    return [_cell("employee.info", row, REACHED), _cell("company.info", allowed, column)]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_refresh_withheld_and_nothing_to_call_with_are_worded_apart(lang: str) -> None:
    nothing = _cell("employee.bankaccount", not_verified(NOTHING), REACHED)
    cells = [*_withheld_cells(), nothing]
    assert {c.status for c in cells} == {Status.NOT_VERIFIED}
    bases = _bases(_report(*cells), lang)
    if lang == "en":
        assert bases["employee.info"] == bases["company.info"] == WITHHELD.message
        assert bases["employee.bankaccount"] == NOTHING
    else:
        assert bases["employee.info"] == bases["company.info"] == REFRESH_WITHHELD["nl"]
        assert bases["employee.bankaccount"] == say("nl", "basis_nothing")


def test_the_words_follow_the_kind_not_the_english_message() -> None:
    """A reason that merely begins with the withheld sentence is not one (nothing was
    withheld): it keeps the words of nothing to call it with."""
    looks_alike = Verdict(Status.NOT_VERIFIED, None, WITHHELD.message)
    row = RowVerdict(looks_alike, None, None, note=looks_alike.message)
    bases = _bases(_report(_cell("employee.info", row, REACHED)), "nl")
    assert bases["employee.info"] == say("nl", "basis_nothing")
