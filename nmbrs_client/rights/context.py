"""What the parts of one check share: the scheduler, the matrix and the facts found so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nmbrs_client.operations import Operation
from nmbrs_client.rights.answers import company_params
from nmbrs_client.rights.matrix import Matrix
from nmbrs_client.rights.results import CompanyRef, RightsEvent
from nmbrs_client.rights.scheduler import ProbeScheduler


@dataclass
class CheckContext:
    """One check's shared state; only the orchestrating thread touches it."""

    scheduler: ProbeScheduler
    matrix: Matrix
    this_year: int
    emit: Callable[[RightsEvent], None]
    debtor_ids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Visible companies that are not columns (``--company`` named others): searched for the
    # ids the probes need, never reported as columns.
    probe_only: list[int] = field(default_factory=list)

    @property
    def last_year(self) -> int:
        return self.this_year - 1

    @property
    def required(self) -> tuple[Operation, ...]:
        return self.matrix.required

    @property
    def companies(self) -> list[CompanyRef]:
        return self.matrix.companies

    def company(self, company_id: int) -> CompanyRef | None:  # the SOAP engine's int ids
        return next((c for c in self.companies if c.id == company_id), None)

    def in_order(self) -> list[int]:
        """The ids of the companies that may be probed (not known to be invisible), in order:
        the columns first, then the other visible companies."""
        columns = [int(c.id) for c in self.companies if c.visible is not False]  # SOAP ids
        return columns + [cid for cid in self.probe_only if cid not in columns]

    def company_params(
        self, op: Operation, company_id: int, year: int | None = None
    ) -> dict[str, int]:
        return company_params(op, company_id, year or self.this_year)
