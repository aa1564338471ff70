"""Why a cell or a column has its verdict: probed directly, or inferred from which probe.

The basis is typed so the engine reasons on kinds and operation names, never on sentences;
``str(basis)`` is the wording the report and the TUI show.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from nmbrs_client.ids import EntityId


class BasisKind(StrEnum):
    """How a verdict was reached."""

    PROBED = "probed"  # this very call was made
    INFERRED_FROM_PROBE = "inferred_from_probe"  # a probe of `operation` on `company_id`
    NO_SUBSCRIPTION = "no_subscription"  # 1004 on the account checks
    COMPANY_NOT_VISIBLE = "company_not_visible"  # absent from CompanyService.List_GetAll
    COMPANY_UNPROBED = "company_unprobed"  # visible, but nothing allowed to probe its data
    NOTHING_TO_PROBE_WITH = "nothing_to_probe_with"  # no id to make the call with
    NOT_PROBED = "not_probed"  # never established (cancelled, or no answer)
    GRANTED_SCOPES = "granted_scopes"  # REST: the token's granted scopes lack every one needed


@dataclass(frozen=True)
class Basis:
    """A kind plus the probe it refers to; ``thorough`` says why thorough mode kept it."""

    kind: BasisKind
    operation: str | None = None
    company_id: EntityId | None = None
    thorough: str | None = None

    @property
    def probed(self) -> bool:
        return self.kind is BasisKind.PROBED and self.thorough is None

    def kept(self, why: str) -> Basis:
        """The same basis, noting that thorough mode could not probe the cell itself."""
        return replace(self, thorough=why)

    def __str__(self) -> str:
        text = self._text()
        return f"{text} (thorough: {self.thorough})" if self.thorough else text

    def _text(self) -> str:
        match self.kind:
            case BasisKind.PROBED:
                return "probed"
            case BasisKind.INFERRED_FROM_PROBE:
                where = (
                    f"on company {self.company_id}"
                    if self.company_id is not None
                    else "(account-wide call)"
                )
                return f"inferred from {self.operation} {where}"
            case BasisKind.NO_SUBSCRIPTION:
                return "inferred: 1004 on the account checks"
            case BasisKind.COMPANY_NOT_VISIBLE:
                listing = self.operation or "CompanyService.List_GetAll"
                return f"inferred: company not visible in {listing}"
            case BasisKind.COMPANY_UNPROBED:
                return (
                    "inferred: company visible in CompanyService.List_GetAll (no allowed "
                    "company-level operation to probe its data with)"
                )
            case BasisKind.NOTHING_TO_PROBE_WITH:
                return "not probed: nothing to probe with"
            case BasisKind.NOT_PROBED:
                return "not probed"
            case BasisKind.GRANTED_SCOPES:
                return "from the granted scopes (not called)"


def probed() -> Basis:
    return Basis(BasisKind.PROBED)


def inferred_from(operation: str, company_id: EntityId | None) -> Basis:
    return Basis(BasisKind.INFERRED_FROM_PROBE, operation, company_id)
