"""The matrix: row verdicts (an operation's right) × column verdicts (a company's scope).

Rights come from the API user's template and are the same for every company; data scope is per
company (Nmbrs support, "API User Template"). So one probe per row and one per column settle the whole
matrix: :func:`infer_cell` is that rule, pure and table-tested; :class:`Matrix` keeps what is
known and settles each cell as soon as its row and column both are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nmbrs_client.ids import EntityId
from nmbrs_client.operations import Operation
from nmbrs_client.rights.answers import fault_text
from nmbrs_client.rights.basis import Basis, BasisKind, inferred_from, probed
from nmbrs_client.rights.classify import ROW_WIDE, Status, Unverified, Verdict
from nmbrs_client.rights.results import CellResult, CompanyRef

# Row verdicts that say the operation could not be called: a later probe may still settle them.
UNSETTLED = frozenset({Status.NOT_APPLICABLE, Status.NOT_VERIFIED})


@dataclass(frozen=True)
class RowVerdict:
    """An operation's settled verdict and the probe it came from.

    ``operation`` is the call that gave it and ``company_id`` where it was made (None: an
    account-wide call). Without ``operation`` the row was not probed; ``note`` says why, and
    ``basis`` (if given) what the verdict rests on instead (REST: the granted scopes).
    """

    verdict: Verdict
    company_id: EntityId | None
    operation: str | None
    duration_ms: float | None = None
    note: str = ""
    basis: Basis | None = None


@dataclass(frozen=True)
class ColumnVerdict:
    """Whether a company's data is reachable, and how that was found."""

    verdict: Verdict
    basis: Basis
    duration_ms: float | None = None


@dataclass(frozen=True)
class CellVerdict:
    """The verdict of one cell, without the cell's coordinates."""

    status: Status
    basis: Basis
    fault_code: int | None = None
    message: str = ""
    duration_ms: float | None = None
    error_kind: str | None = None
    unverified: Unverified | None = None


def infer_cell(
    operation: str, company_id: EntityId, row: RowVerdict | None, col: ColumnVerdict | None
) -> CellVerdict | None:
    """The default-mode verdict of one cell, or None while it cannot be told yet."""
    # The column probe was this very operation on this company.
    if col is not None and col.basis.kind is BasisKind.PROBED and col.basis.operation == operation:
        verdict = col.verdict
        if verdict.status is Status.ALLOWED or row is None or row.verdict.status not in ROW_WIDE:
            return CellVerdict(
                verdict.status,
                probed(),
                verdict.fault_code,
                verdict.message,
                col.duration_ms,
                verdict.error_kind,
                verdict.unverified,
            )
    if row is None:
        return None
    verdict = row.verdict
    if (
        row.company_id == company_id
        and row.operation == operation
        and verdict.status not in UNSETTLED
    ):
        return CellVerdict(
            verdict.status,
            probed(),
            verdict.fault_code,
            verdict.message,
            row.duration_ms,
            verdict.error_kind,
            verdict.unverified,
        )
    inferred = (
        row.basis
        if row.basis is not None and row.operation is None
        else inferred_from(row.operation or "", row.company_id)
    )
    if verdict.status is Status.ENDPOINT_DENIED:
        return CellVerdict(
            Status.ENDPOINT_DENIED,
            inferred,
            verdict.fault_code,
            "switched off in the API template (the same for every company)",
        )
    if verdict.status is Status.SCOPE_MISSING:  # the consent is the same for every company
        return CellVerdict(Status.SCOPE_MISSING, inferred, verdict.fault_code, verdict.message)
    if col is None:
        return None
    if col.verdict.status is not Status.ALLOWED:
        basis = col.basis
        if basis.kind is BasisKind.PROBED:  # another operation's probe of this company
            basis = inferred_from(basis.operation or "", company_id)
        return CellVerdict(
            col.verdict.status,
            basis,
            col.verdict.fault_code,
            col.verdict.message,
            error_kind=col.verdict.error_kind,
            unverified=col.verdict.unverified,
        )
    if verdict.status in UNSETTLED:
        return CellVerdict(
            verdict.status,
            Basis(BasisKind.NOTHING_TO_PROBE_WITH),
            None,
            row.note or verdict.message,
            unverified=verdict.unverified,
        )
    if verdict.status is Status.ALLOWED:
        return CellVerdict(Status.ALLOWED, inferred)
    where = f"on company {row.company_id}" if row.company_id is not None else "(account-wide call)"
    if verdict.status is Status.NO_DATA_ACCESS:
        return CellVerdict(
            Status.ERROR,
            inferred,
            verdict.fault_code,
            f"not established: the probe {where} gave {fault_text(verdict)}",
            error_kind="fault",
        )
    message = verdict.message
    if verdict.status is Status.ERROR and not message.startswith("not established"):
        message = f"not established: {message}"
    return CellVerdict(
        verdict.status, inferred, verdict.fault_code, message, None, verdict.error_kind
    )


def result_of(
    service: str, operation: str, company_id: EntityId, verdict: CellVerdict
) -> CellResult:
    """A settled cell with its coordinates; an error always says its kind."""
    kind = verdict.error_kind or ("other" if verdict.status is Status.ERROR else None)
    return CellResult(
        service,
        operation,
        company_id,
        verdict.status,
        verdict.basis,
        verdict.fault_code,
        verdict.message,
        verdict.duration_ms,
        error_kind=kind,
        unverified=verdict.unverified,
    )


def cell_result(op: Operation, company_id: EntityId, verdict: CellVerdict) -> CellResult:
    return result_of(op.service.value, op.name, company_id, verdict)


class Matrix:
    """Rows, columns and the cells settled from them; emits each settled cell once.

    ``emit_settled`` is False in thorough mode: the cells are emitted when thorough mode has
    probed or kept them (or at :meth:`finish`), not twice.
    """

    def __init__(self, required: Sequence[Operation], emit: Callable[[CellResult], None]) -> None:
        self.required = tuple(required)
        self.required_names = frozenset(op.qualified_name for op in self.required)
        self.companies: list[CompanyRef] = []
        self.rows: dict[str, RowVerdict] = {}
        self.cols: dict[EntityId, ColumnVerdict] = {}
        self.cells: dict[tuple[str, EntityId], CellResult] = {}
        self.emit_settled = True
        self._emit = emit
        self._emitted: set[tuple[str, EntityId]] = set()

    # ------------------------------------------------------------------ rows and columns
    def row(self, operation: str) -> RowVerdict | None:
        return self.rows.get(operation)

    def row_status(self, operation: str) -> Status | None:
        row = self.rows.get(operation)
        return None if row is None else row.verdict.status

    def col(self, company_id: EntityId) -> ColumnVerdict | None:
        return self.cols.get(company_id)

    def set_row(self, op: Operation, row: RowVerdict) -> None:
        """Settle a required operation's row (a not-applicable row may still be replaced)."""
        name = op.qualified_name
        if name not in self.required_names:
            return
        if name in self.rows and self.rows[name].verdict.status not in UNSETTLED:
            return
        self.rows[name] = row
        for company in self.companies:
            self._settle(op, company.id)

    def set_col(self, company_id: EntityId, col: ColumnVerdict) -> None:
        """Settle a company's column (the first verdict stays)."""
        if company_id in self.cols:
            return
        self.cols[company_id] = col
        for op in self.required:
            self._settle(op, company_id)

    def settle_all(self) -> None:
        for op in self.required:
            for company in self.companies:
                self._settle(op, company.id)

    def _settle(self, op: Operation, company_id: EntityId) -> None:
        key = (op.qualified_name, company_id)
        if key in self.cells:
            return
        verdict = infer_cell(
            op.qualified_name,
            company_id,
            self.rows.get(op.qualified_name),
            self.cols.get(company_id),
        )
        if verdict is None:
            return
        self.cells[key] = cell_result(op, company_id, verdict)
        if self.emit_settled:
            self._emitted.add(key)
            self._emit(self.cells[key])

    # ------------------------------------------------------------------ cells
    def replace(self, cell: CellResult) -> None:
        """Thorough mode's own answer (or its note) for a cell; emitted at once."""
        key = (cell.qualified_name, cell.company_id)
        self.cells[key] = cell
        self._emitted.add(key)
        self._emit(cell)

    def finish(self, cancelled: bool) -> None:
        """Fill every cell still open (cancelled or never established) and emit late cells."""
        message = "not established: the check was cancelled" if cancelled else "not established"
        for op in self.required:
            for company in self.companies:
                key = (op.qualified_name, company.id)
                if key not in self.cells:
                    self.cells[key] = cell_result(
                        op,
                        company.id,
                        CellVerdict(
                            Status.ERROR,
                            Basis(BasisKind.NOT_PROBED),
                            None,
                            message,
                            error_kind="cancelled" if cancelled else "other",
                        ),
                    )
                if key not in self._emitted:
                    self._emitted.add(key)
                    self._emit(self.cells[key])

    def ordered(self) -> list[CellResult]:
        """The cells row by row, in the order of the requirements and the companies."""
        return [
            self.cells[(op.qualified_name, company.id)]
            for op in self.required
            for company in self.companies
            if (op.qualified_name, company.id) in self.cells
        ]
