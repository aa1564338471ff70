"""The pure inference rule, row verdict × column verdict → cell, as a table."""

from __future__ import annotations

import pytest

from nmbrs_client.rights.basis import Basis, BasisKind, inferred_from
from nmbrs_client.rights.classify import Status, Verdict, status_for_code
from nmbrs_client.rights.matrix import ColumnVerdict, RowVerdict, infer_cell

OP = "EmployeeService.Function_GetCurrent"
OTHER = "CompanyService.Run_GetList"
HERE, THERE = 20001, 20002

ALLOWED = Verdict(Status.ALLOWED)
DENIED = Verdict(Status.ENDPOINT_DENIED, 1002, "Unauthorized access")
SCOPE = Verdict(Status.NO_DATA_ACCESS, 2003, "no access to company")
BROKEN = Verdict(Status.ERROR, None, "connection reset")
NA = Verdict(Status.NOT_APPLICABLE, None, "no employee id")


def row(verdict: Verdict, company: int | None = THERE, op: str | None = OP) -> RowVerdict:
    return RowVerdict(
        verdict, company, op, 12.0, note="nothing to probe with" if op is None else ""
    )


def col(verdict: Verdict, op: str = OTHER, kind: BasisKind = BasisKind.PROBED) -> ColumnVerdict:
    return ColumnVerdict(verdict, Basis(kind, op, HERE), 5.0)


# (name, row, column, expected status, expected basis, message fragment)
CASES: list[tuple[str, RowVerdict | None, ColumnVerdict | None, Status, str, str]] = [
    ("allowed row × allowed column", row(ALLOWED), col(ALLOWED), Status.ALLOWED,
     f"inferred from {OP} on company {THERE}", ""),
    ("denied row × unknown column", row(DENIED), None, Status.ENDPOINT_DENIED,
     f"inferred from {OP} on company {THERE}", "switched off"),
    ("denied row × out-of-scope column", row(DENIED), col(SCOPE), Status.ENDPOINT_DENIED,
     f"inferred from {OP} on company {THERE}", "switched off"),
    ("allowed row × out-of-scope column", row(ALLOWED), col(SCOPE), Status.NO_DATA_ACCESS,
     f"inferred from {OTHER} on company {HERE}", "no access"),
    ("allowed row × broken column", row(ALLOWED), col(BROKEN), Status.ERROR,
     f"inferred from {OTHER} on company {HERE}", "connection reset"),
    ("out-of-scope row × allowed column", row(SCOPE), col(ALLOWED), Status.ERROR,
     f"inferred from {OP} on company {THERE}", "not established: the probe on company 20002"),
    ("broken row × allowed column", row(BROKEN), col(ALLOWED), Status.ERROR,
     f"inferred from {OP} on company {THERE}", "not established: connection reset"),
    ("nothing to probe with × allowed column", row(NA, None, None), col(ALLOWED),
     Status.NOT_APPLICABLE, "not probed: nothing to probe with", "nothing to probe with"),
    ("account-wide row × allowed column", row(ALLOWED, None), col(ALLOWED), Status.ALLOWED,
     f"inferred from {OP} (account-wide call)", ""),
    ("row probed on this very company", row(SCOPE, HERE), None, Status.NO_DATA_ACCESS,
     "probed", "no access"),
    ("column probe was this operation", None, col(ALLOWED, OP), Status.ALLOWED, "probed", ""),
    ("column probe of this op denied, row denied", row(DENIED), col(DENIED, OP),
     Status.ENDPOINT_DENIED, f"inferred from {OP} on company {THERE}", "switched off"),
    ("company not visible", row(ALLOWED),
     col(SCOPE, "CompanyService.List_GetAll", BasisKind.COMPANY_NOT_VISIBLE),
     Status.NO_DATA_ACCESS, "inferred: company not visible in CompanyService.List_GetAll", ""),
    ("company visible, nothing could probe it", row(ALLOWED),
     col(ALLOWED, OTHER, BasisKind.COMPANY_UNPROBED), Status.ALLOWED,
     f"inferred from {OP} on company {THERE}", ""),
]  # fmt: skip

# The same rule on REST rows: opaque UUID company ids, REST operations, scope verdicts.
R_OP, R_COL = "REST.company.employees.bankaccounts", "REST.company.period"
R_HERE, R_THERE = "0f6c1c9e-0000-4000-8000-000000000001", "0f6c1c9e-0000-4000-8000-000000000002"
NO_SCOPE = Verdict(Status.SCOPE_MISSING, None, "the consent does not include bank scopes")
UNSETTLED = Verdict(Status.SCOPE_MISSING, 40303, "scope x missing, or this login cannot reach")
GONE = Verdict(Status.NOT_VISIBLE, None, "no company list shows this id")
REST_CASES: list[tuple[str, RowVerdict | None, ColumnVerdict | None, Status, str, str]] = [
    ("REST allowed row × allowed column", RowVerdict(ALLOWED, R_THERE, R_OP),
     ColumnVerdict(ALLOWED, Basis(BasisKind.PROBED, R_COL, R_HERE)), Status.ALLOWED,
     f"inferred from {R_OP} on company {R_THERE}", ""),
    ("REST scope not granted × any column", RowVerdict(NO_SCOPE, None, None,
     basis=Basis(BasisKind.GRANTED_SCOPES)), ColumnVerdict(ALLOWED, Basis(BasisKind.PROBED,
     R_COL, R_HERE)), Status.SCOPE_MISSING, "from the granted scopes (not called)",
     "does not include"),
    ("REST unsettled 403 row × allowed column", RowVerdict(UNSETTLED, R_THERE, R_OP),
     ColumnVerdict(ALLOWED, Basis(BasisKind.PROBED, R_COL, R_HERE)), Status.SCOPE_MISSING,
     f"inferred from {R_OP} on company {R_THERE}", "or this login cannot reach"),
    ("REST unsettled 403 row probed here", RowVerdict(UNSETTLED, R_HERE, R_OP), None,
     Status.SCOPE_MISSING, "probed", "or this login cannot reach"),
    ("REST allowed row × named company no list shows", RowVerdict(ALLOWED, R_THERE, R_OP),
     ColumnVerdict(GONE, Basis(BasisKind.COMPANY_NOT_VISIBLE, "REST.companies")),
     Status.NOT_VISIBLE,
     "inferred: company not visible in REST.companies", "no company list"),
    ("REST column probe was this call", None, ColumnVerdict(ALLOWED, Basis(BasisKind.PROBED,
     R_OP, R_HERE)), Status.ALLOWED, "probed", ""),
]  # fmt: skip


# one table, one rule: the SOAP rows on int ids, the REST rows on UUIDs
ALL_CASES = [(OP, HERE, *case) for case in CASES] + [(R_OP, R_HERE, *case) for case in REST_CASES]


@pytest.mark.parametrize(
    ("operation", "company", "row_verdict", "column", "status", "basis", "fragment"),
    [(case[0], case[1], *case[3:]) for case in ALL_CASES],
    ids=[case[2] for case in ALL_CASES],
)
def test_cell_from_row_and_column(
    operation: str,
    company: int | str,
    row_verdict: RowVerdict | None,
    column: ColumnVerdict | None,
    status: Status,
    basis: str,
    fragment: str,
) -> None:
    cell = infer_cell(operation, company, row_verdict, column)
    assert cell is not None
    assert cell.status is status
    assert str(cell.basis) == basis
    assert fragment in cell.message


@pytest.mark.parametrize(
    ("row_verdict", "column"),
    [(None, None), (None, col(ALLOWED)), (row(ALLOWED), None), (row(NA, None, None), None)],
    ids=["nothing known", "only the column", "allowed row only", "n/a row only"],
)
def test_cell_waits_until_it_can_be_told(
    row_verdict: RowVerdict | None, column: ColumnVerdict | None
) -> None:
    assert infer_cell(OP, HERE, row_verdict, column) is None


def test_an_inferred_allowed_is_never_called_probed() -> None:
    cell = infer_cell(OP, HERE, row(ALLOWED), col(ALLOWED))
    assert cell is not None and not cell.basis.probed
    assert cell.basis == inferred_from(OP, THERE)


def test_thorough_note_keeps_the_basis_and_is_not_probed() -> None:
    kept = inferred_from(OP, THERE).kept("no employee id at company 20001")
    assert (
        str(kept)
        == f"inferred from {OP} on company {THERE} (thorough: no employee id at company 20001)"
    )
    assert not kept.probed and not Basis(BasisKind.PROBED, thorough="x").probed


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (1001, Status.AUTH_FAILED),
        (1002, Status.ENDPOINT_DENIED),
        (1003, Status.NO_DATA_ACCESS),
        (2003, Status.NO_DATA_ACCESS),
        (2004, Status.NO_DATA_ACCESS),
        (2009, Status.NO_DATA_ACCESS),
        (1004, Status.NO_SUBSCRIPTION),
        (2046, Status.ERROR),  # not found: no rights meaning
        (9999, Status.ERROR),
        (1234, Status.ERROR),
        (None, Status.ERROR),
    ],
)
def test_fault_code_verdicts_follow_the_one_fault_table(code: int | None, status: Status) -> None:
    assert status_for_code(code) is status


def test_an_errors_kind_travels_from_the_probe_to_the_cell() -> None:
    from nmbrs_client.errors import NmbrsTransportError
    from nmbrs_client.rights.classify import classify

    timeout = classify(NmbrsTransportError("op", "host", "no answer", kind="timeout"))
    html = classify(NmbrsTransportError("op", "host", "HTTP 502 with an HTML page", kind="http"))
    assert (timeout.error_kind, html.error_kind) == ("timeout", "html")
    from_column = infer_cell(OP, HERE, row(ALLOWED), col(timeout))
    from_row = infer_cell(OP, HERE, row(html), col(ALLOWED))
    assert from_column is not None and from_column.error_kind == "timeout"
    assert from_row is not None and from_row.error_kind == "html"
