"""What a rights check produces: progress events and the final report.

The engine streams :class:`Phase`, :class:`AccountResult`, :class:`CompaniesKnown` and
:class:`CellResult` events so a live matrix can fill in as probes finish, and returns one
:class:`RightsReport` at the end. Everything here is plain data (no Textual, no zeep), safe to
hand from a worker thread to a UI thread. A cell always carries its ``basis``: ``probed``
(this very call was made) or how the verdict was inferred, so a reader never has to trust a
guess without knowing it is one.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.ids import ApiKind, EntityId
from nmbrs_client.rights.basis import Basis, BasisKind
from nmbrs_client.rights.classify import MISSING_STATUSES, Status, Unverified
from nmbrs_client.rights.requirements import RequirementProfile

SOAP_END_OF_SUPPORT = date(2027, 3, 1)

PROBED = Basis(BasisKind.PROBED)
NAME_LIMIT = 120  # characters of a company name or number a report shows


class Stage(StrEnum):
    """Where a running check is (the name of a :class:`Phase`)."""

    ACCOUNT = "account"
    PROBES = "probes"
    THOROUGH = "thorough"
    DONE = "done"


class StopReason(StrEnum):
    """Why a check ended before judging every cell."""

    AUTH_FAILED = "auth_failed"  # SOAP: username and API token refused
    TOKEN_REFUSED = "token_refused"  # REST: the access token is missing, expired or revoked
    SUBSCRIPTION_KEY = "subscription_key"  # REST: the gateway refused the subscription key
    # REST: a 401 that names neither (no Nmbrs code, no bearer challenge, no word of the key)
    TOKEN_OR_KEY = "token_or_key"
    CONNECT = "connect"
    CANCELLED = "cancelled"


class CheckMode(StrEnum):
    """Default: probe rows and columns once and infer; thorough: probe every cell too."""

    DEFAULT = "default"
    THOROUGH = "thorough"


@dataclass(frozen=True)
class CompanyRef:
    """A company in the check. ``visible`` is ``None`` when no company list could be read.

    ``id`` is the backend's opaque id (a SOAP int, a REST UUID); ``number`` is the company
    number people read, when the API keeps it apart from the id.
    """

    id: EntityId
    name: str | None = None
    debtor_id: EntityId | None = None
    visible: bool | None = True
    number: str | None = None

    def __post_init__(self) -> None:
        # Names and numbers come from a reply: one of many megabytes must not reach every
        # line of a report (and a terminal) whole.
        for name in ("name", "number"):
            value = getattr(self, name)
            if isinstance(value, str) and len(value) > NAME_LIMIT:
                object.__setattr__(self, name, value[: NAME_LIMIT - 1] + "…")

    def label(self) -> str:
        head = self.number or str(self.id)
        return f"{head} {self.name}" if self.name else head

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "debtor_id": self.debtor_id,
            "visible": self.visible,
        }
        if self.number is not None:
            data["number"] = self.number
        return data


@dataclass(frozen=True)
class CellResult:
    """The verdict for one required operation on one company."""

    service: str
    operation: str
    company_id: EntityId
    status: Status
    basis: Basis
    fault_code: int | None = None
    message: str = ""
    duration_ms: float | None = None
    # why an ``error`` cell was not established (time-out, throttled, quota, html, …): data,
    # so the report groups errors without reading the message
    error_kind: str | None = None
    # why a ``not_verified`` cell's call was not made (None: nothing to call it with), so the
    # report words it by kind
    unverified: Unverified | None = None

    def __post_init__(self) -> None:
        _error_says_its_kind(self)

    @property
    def qualified_name(self) -> str:
        return f"{self.service}.{self.operation}"

    @property
    def probed(self) -> bool:
        return self.basis.probed

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "operation": self.operation,
            "company_id": self.company_id,
            "status": self.status.value,
            "basis": str(self.basis),
            "fault_code": self.fault_code,
            "message": self.message,
            "duration_ms": None if self.duration_ms is None else round(self.duration_ms, 1),
            "error_kind": self.error_kind,
        }


def _error_says_its_kind(result: CellResult | AccountResult) -> None:
    """An ``error`` always names its kind (``other`` when its maker knew none), and nothing
    else has one: the JSON report and the headline group by it without reading messages."""
    kind = (result.error_kind or "other") if result.status is Status.ERROR else None
    if kind != result.error_kind:
        object.__setattr__(result, "error_kind", kind)


@dataclass(frozen=True)
class AccountResult:
    """One check of the account section: credentials, domain, subscription, visibility.

    ``finding`` marks a problem the customer must fix (it makes the exit code 1 or 2);
    informational rows (Environment_Get switched off, say) have ``finding=False``.
    """

    check: str
    status: Status
    message: str
    fault_code: int | None = None
    duration_ms: float | None = None
    finding: bool = False
    value: str | None = None
    # why an ``error`` row was not established, as on a cell (the headline words its cause)
    error_kind: str | None = None

    def __post_init__(self) -> None:
        _error_says_its_kind(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "status": self.status.value,
            "message": self.message,
            "fault_code": self.fault_code,
            "finding": self.finding,
            "value": self.value,
            "duration_ms": None if self.duration_ms is None else round(self.duration_ms, 1),
            "error_kind": self.error_kind,
        }


@dataclass(frozen=True)
class Phase:
    """The check moved on to a stage, or ended (done or a stop reason)."""

    name: Stage | StopReason
    message: str = ""


@dataclass(frozen=True)
class CompaniesKnown:
    """The columns of the matrix (and its rows), known once the account section is done."""

    companies: tuple[CompanyRef, ...]
    operations: tuple[str, ...]


RightsEvent = Phase | AccountResult | CompaniesKnown | CellResult


def emit_to(listener: Callable[[RightsEvent], None] | None, event: RightsEvent) -> None:
    """Hand ``event`` to a prober's listener: a broken listener must not break the check."""
    if listener is None:
        return
    with contextlib.suppress(Exception):
        listener(event)


@dataclass
class RightsReport:
    """The outcome of one check; renderers in :mod:`nmbrs_client.rights.report` print it."""

    checked_at: datetime
    environment: dict[str, Any]
    requirements: RequirementProfile
    mode: CheckMode
    concurrency: int
    account: list[AccountResult] = field(default_factory=list)
    companies: list[CompanyRef] = field(default_factory=list)
    cells: list[CellResult] = field(default_factory=list)
    calls: int = 0
    retries: int = 0  # calls repeated after transport trouble (included in ``calls``)
    elapsed_ms: float = 0.0
    stopped: StopReason | None = None
    notes: list[str] = field(default_factory=list)
    right_domain: str | None = None
    api: ApiKind = ApiKind.SOAP
    # the matrix rows as (service, operation) when they are not the profile's SOAP operations
    rows: tuple[tuple[str, str], ...] = ()
    # REST: the scopes the token holds (None: the token does not say) and those to ask for
    granted_scopes: tuple[str, ...] | None = None
    scopes_to_ask: tuple[str, ...] = ()

    def with_named_companies(self, companies: Sequence[object] | None) -> RightsReport:
        """This report, remembering the company ids the user named (``--company``, ``n``), so
        the report's "run the check again" command checks the same companies."""
        if not companies:
            return self
        named = [str(c) for c in companies]
        return replace(self, environment={**self.environment, "named_companies": named})

    def with_rechecked(self, fresh: RightsReport) -> tuple[RightsReport, int]:
        """This report with the cells a re-check (``R``) answered again put in place of the old
        ones, and how many of them changed verdict; its calls are added to this report's."""
        merged = {(c.qualified_name, c.company_id): c for c in self.cells}
        changed = 0
        for cell in fresh.cells:
            key = (cell.qualified_name, cell.company_id)
            if key in merged:
                changed += merged[key].status != cell.status
                merged[key] = cell
        report = replace(self, cells=list(merged.values()), calls=self.calls + fresh.calls)
        return report, changed

    # ------------------------------------------------------------------ verdicts
    def row_keys(self) -> list[tuple[str, str]]:
        """The matrix rows in order, as (service, operation)."""
        if self.rows:
            return list(self.rows)
        return [(op.service.value, op.name) for op in self.requirements.operations]

    @property
    def account_findings(self) -> list[AccountResult]:
        return [a for a in self.account if a.finding]

    @property
    def account_not_established(self) -> list[AccountResult]:
        """The account rows that failed and leave the result not established (exit 2).

        A failed row marked a finding always counts (a company list lost to a quota). When no
        cell was probed at all, every failed row counts: the account's own first calls (the
        environment, debtor and company lists) failing is then why nothing could be checked,
        which is not "nothing to call it with" and never "all allowed". One rule for both
        APIs, read by the exit code, the headline and the "Could not be established" section.
        """
        nothing_probed = not self.cells
        return [a for a in self.account_errors if a.finding or nothing_probed]

    @property
    def account_errors(self) -> list[AccountResult]:
        """Every account row whose call failed (status ``error``), whether or not it leaves
        the result not established: what the counts say happened, beside the cells'."""
        return [a for a in self.account if a.status is Status.ERROR]

    def cells_with(self, *statuses: Status) -> list[CellResult]:
        wanted = set(statuses)
        return [c for c in self.cells if c.status in wanted]

    @property
    def missing_cells(self) -> list[CellResult]:
        return [c for c in self.cells if c.status in MISSING_STATUSES]

    @property
    def exit_code(self) -> ExitCode:
        return exit_code_for(self)

    def summary(self) -> dict[str, Any]:
        counts = Counter(c.status for c in self.cells)
        return {
            "allowed": counts[Status.ALLOWED],
            "missing": sum(counts[s] for s in MISSING_STATUSES),
            "errors": counts[Status.ERROR],
            "not_applicable": counts[Status.NOT_APPLICABLE],
            "not_verified": counts[Status.NOT_VERIFIED],
            "cells": len(self.cells),
            "probed": sum(1 for c in self.cells if c.probed),
            "calls": self.calls,
            "retries": self.retries,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "by_status": {s.value: counts[s] for s in Status},
            # the account's own calls (environment, debtor and company lists, who consented)
            # are no cells: their failures are counted here, beside the cells' ``errors``
            "account_errors": len(self.account_errors),
        }

    def days_left(self) -> int:
        """Days from the check date until SOAP end of support (negative once it has passed)."""
        return (SOAP_END_OF_SUPPORT - self.checked_at.date()).days

    def cell(self, qualified: str, company_id: EntityId) -> CellResult | None:
        for c in self.cells:
            if c.qualified_name == qualified and c.company_id == company_id:
                return c
        return None

    def company(self, company_id: EntityId) -> CompanyRef | None:
        for c in self.companies:
            if c.id == company_id:
                return c
        return None

    def to_dict(self) -> dict[str, Any]:
        summary = self.summary()
        data: dict[str, Any] = {
            "api": self.api.value,
            "checked_at": self.checked_at.isoformat(timespec="seconds"),
            "environment": dict(self.environment),
            "requirements": self.requirements.to_dict(),
            "mode": self.mode,
            "concurrency": self.concurrency,
            "account": [a.to_dict() for a in self.account],
            "companies": [c.to_dict() for c in self.companies],
            "results": [c.to_dict() for c in self.cells],
            "summary": summary,
            "calls": self.calls,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "stopped": self.stopped,
            "notes": list(self.notes),
            "right_domain": self.right_domain,
            "soap_end_of_support": SOAP_END_OF_SUPPORT.isoformat(),
            "soap_days_left": self.days_left(),
            "exit_code": self.exit_code,
        }
        if self.api is not ApiKind.SOAP:
            data["granted_scopes"] = (
                None if self.granted_scopes is None else list(self.granted_scopes)
            )
            data["scopes_to_ask"] = list(self.scopes_to_ask)
        return data


def exit_code_for(report: RightsReport) -> ExitCode:
    """The one rule from a report to the process exit code, for every command and both APIs.

    0 every required right probed (or soundly inferred) and allowed; 1 a right or scope
    missing; 2 cannot authenticate/connect, or a result not established after retries;
    3 a required operation could not be verified (nothing to call it with, or a login this
    run may not refresh to call it with).
    """
    if report.stopped is not None:
        return ExitCode.CONNECT
    if (
        any(a.status.is_missing for a in report.account_findings)
        or report.missing_cells
        or report.scopes_to_ask
    ):
        return ExitCode.FINDINGS
    # an account line "not verified" (a login this run may not refresh) is not an error
    unmade = [a for a in report.account_findings if a.status is Status.NOT_VERIFIED]
    if (
        report.cells_with(Status.ERROR)
        or report.account_not_established
        or len(unmade) < len(report.account_findings)
    ):
        return ExitCode.CONNECT
    if report.cells_with(Status.NOT_VERIFIED) or unmade or (not report.cells and report.row_keys()):
        return ExitCode.NOT_VERIFIED
    return ExitCode.OK
