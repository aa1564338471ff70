"""What one REST probe proves: its verdict, the REST 403 rule and the reach of each company.

On REST a 403 looks the same for a missing scope, a login that cannot reach the company, a
lapsed subscription and a multi-debtor consent (the OpenAPI document has no scope-specific error
code). The rules here keep them apart from what a probe answered and what the token was granted;
the prober (:mod:`nmbrs_client.rest.prober`) decides which calls to make.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nmbrs_client.errors import NmbrsError, NmbrsTransportError, SecretOfOneConnection
from nmbrs_client.ids import EntityId
from nmbrs_client.rest.errors import NmbrsRestError, RestProblemKind
from nmbrs_client.rest_operations import OPERATIONS as REST_OPERATIONS
from nmbrs_client.rest_operations import RestOp
from nmbrs_client.retry import Failure, FailureKind, transport_failure
from nmbrs_client.rights.classify import Status, Unverified, Verdict, classify
from nmbrs_client.rights.matrix import ColumnVerdict, RowVerdict
from nmbrs_client.rights.report_words import REFRESH_WITHHELD
from nmbrs_client.rights.rest_requirements import ProfileOnRest
from nmbrs_client.rights.results import NAME_LIMIT, AccountResult, CompanyRef, StopReason

SERVICE = "REST"  # the ``service`` of every REST cell: its operation is the RestOp name

# Refusals no later call can get past: why the check stops, and the account check that says so.
# A 401 that names neither the token nor the key is both, never a bet on one of them.
AUTH_STOPS: dict[RestProblemKind, tuple[StopReason, str]] = {
    RestProblemKind.TOKEN_MISSING: (StopReason.TOKEN_REFUSED, "token"),
    RestProblemKind.TOKEN_INVALID: (StopReason.TOKEN_REFUSED, "token"),
    RestProblemKind.UNAUTHORIZED: (StopReason.TOKEN_OR_KEY, "token_or_key"),
    RestProblemKind.SUBSCRIPTION_KEY: (StopReason.SUBSCRIPTION_KEY, "subscription_key"),
}
# After these, what the refused token claims to hold means nothing: the fix is not a consent.
LOGIN_STOPS = frozenset(stop for stop, _ in AUTH_STOPS.values())

_STATUS_BY_KIND = {
    RestProblemKind.SCOPE_MISSING: Status.SCOPE_MISSING,
    RestProblemKind.DATA_ACCESS: Status.NO_DATA_ACCESS,
    RestProblemKind.NO_SUBSCRIPTION: Status.NO_SUBSCRIPTION,
    RestProblemKind.COMPANY_NOT_FOUND: Status.NOT_VISIBLE,
}
# the error kind of a call not established, as the report groups them
_ERROR_KIND_BY_KIND = {
    RestProblemKind.THROTTLED: "throttled",
    RestProblemKind.QUOTA: "quota",
    RestProblemKind.SERVER: "http",
    RestProblemKind.GATEWAY: "gateway",
}

# what a 403 can come out as before the REST 403 rule: its cause is not known yet
_REFUSALS = frozenset({Status.SCOPE_MISSING, Status.NO_DATA_ACCESS, Status.ERROR})


def _refused_by_nmbrs(probe: Probe) -> bool:
    """A 403 from Nmbrs' API whose cause the rules below may settle. A gateway's own 403 is
    not one: it was refused before the API saw it, for a reason nobody can tell here."""
    return (
        probe.http_status == 403
        and probe.status in _REFUSALS
        and probe.verdict.error_kind != "gateway"
    )


def qualified(name: RestOp) -> str:
    return f"{SERVICE}.{name.value}"


@dataclass(frozen=True)
class Probe:
    """What one REST call proved: a verdict (with its error kind), and a failure's HTTP status."""

    verdict: Verdict
    http_status: int | None = None
    duration_ms: float | None = None

    @property
    def status(self) -> Status:
        return self.verdict.status


def ms_since(started: float) -> float:
    """A probe's duration in milliseconds from its ``time.perf_counter()`` start."""
    return (time.perf_counter() - started) * 1000


def failure(exc: NmbrsError) -> Probe:
    """The probe result for a call that failed after the client's own retries."""
    if isinstance(exc, NmbrsRestError):
        status = _STATUS_BY_KIND.get(exc.kind, Status.ERROR)
        kind = None if status is not Status.ERROR else _ERROR_KIND_BY_KIND.get(exc.kind, "http")
        return Probe(Verdict(status, exc.code, exc.message[:300], kind), exc.status)
    if isinstance(exc, NmbrsTransportError):
        kind = classify(exc).error_kind  # the one rule for transport trouble, as on SOAP
        return Probe(Verdict(Status.ERROR, None, exc.message[:300], kind), exc.status)
    if isinstance(exc, SecretOfOneConnection):
        return Probe(refresh_withheld(exc))
    return Probe(Verdict(Status.ERROR, None, exc.message[:300], "other"))


def refresh_withheld(exc: SecretOfOneConnection) -> Verdict:
    """A call the login could no longer make: it needed a refresh, and the app secret that
    makes one belongs to another connection of this run (``--all-profiles``, a switch in the
    app). Nothing was sent, so nothing is known: not verified, with how to check it on its
    own, as a profile whose login needed the refresh before the run is."""
    return Verdict(
        Status.NOT_VERIFIED,
        None,
        f"{REFRESH_WITHHELD['en']}: {exc.message}; {exc.hint}",
        unverified=Unverified.REFRESH_WITHHELD,
    )


ALLOWED = Probe(Verdict(Status.ALLOWED))
CANCELLED = Probe(
    Verdict(Status.ERROR, None, "not established: the check was cancelled", "cancelled")
)


def judge(name: RestOp, probe: Probe, granted: frozenset[str] | None) -> Verdict:
    """The verdict of one probe of ``name``, with the REST 403 rule applied.

    A refusal whose cause the granted scopes cannot settle (the token does not say what it
    holds, or a 403 without a known code) is a missing scope *or* missing data access:
    missing in every reading, so it is reported as missing with both fixes, never as not
    verified and never as allowed.
    """
    verdict = probe.verdict
    if _refused_by_nmbrs(probe) and (granted is None or verdict.status is Status.ERROR):
        scopes = " or ".join(REST_OPERATIONS[name].scopes)
        return Verdict(
            Status.SCOPE_MISSING,
            verdict.fault_code,
            f"scope {scopes} missing, or this login cannot reach this data",
        )
    return verdict


def scopes_line(granted: frozenset[str] | None, requirement: ProfileOnRest) -> AccountResult:
    """What the token's granted scopes prove before any call: every needed one, or which lack."""
    if granted is None:
        return AccountResult(
            "scopes",
            Status.NOT_VERIFIED,
            "the token does not say which scopes it holds: verdicts rest on probes only",
        )
    lacking = requirement.missing_scopes(granted)
    missing = sorted({" or ".join(scopes) for scopes in lacking.values()})
    return AccountResult(
        "scopes",
        Status.SCOPE_MISSING if missing else Status.ALLOWED,
        ("missing: " + ", ".join(missing)) if missing else "every needed scope is granted",
        finding=bool(missing),
        value=" ".join(sorted(granted)),
    )


def debtor_label(row: Mapping[str, Any]) -> str:
    """A debtor as people read it (number and name): one bounded line of a reply."""
    number = str(row.get("number") or "") or str(row.get("debtorId") or "")
    text = f"{number} {row.get('name') or ''}".strip()
    return text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 1] + "…"


def debtor_refused(probe: Probe, debtor: str) -> Verdict:
    """A debtor's company list after ``/api/debtors`` listed that debtor.

    Both calls accept the same scopes, so the debtor list's answer proves the scope: a 403
    from Nmbrs here is data access (the debtor outside the consent or the login's reach),
    whatever its body says. Any other failure keeps its own verdict.
    """
    if not _refused_by_nmbrs(probe):
        return probe.verdict
    return Verdict(
        Status.NO_DATA_ACCESS,
        probe.verdict.fault_code,
        f"the consenting login cannot reach debtor {debtor} ({probe.verdict.message})",
    )


def debtors_refused(
    failed: Sequence[tuple[str, Probe]], labels: Mapping[str, str]
) -> tuple[Verdict, str]:
    """The verdict of the debtors whose company list failed like the first did, and their
    labels (three at most, then how many more)."""
    verdicts = [(d, debtor_refused(p, labels.get(d, d))) for d, p in failed]
    first = verdicts[0][1]
    alike = [labels.get(d, d) for d, v in verdicts if v.status is first.status]
    value = ", ".join(alike[:3]) + (f" (+{len(alike) - 3})" if len(alike) > 3 else "")
    if len(alike) > 1:  # the line names every debtor refused alike
        first = debtor_refused(failed[0][1], value)
    return first, value


def not_verified(why: str) -> RowVerdict:
    return RowVerdict(Verdict(Status.NOT_VERIFIED, None, why), None, None, note=why)


def settle_columns(
    probed: Sequence[tuple[CompanyRef, tuple[ColumnVerdict, Probe]]],
) -> dict[EntityId, ColumnVerdict]:
    """The reach of each company. A refusal where another company answered the very same
    call is that company's data access (the scope is proven); only when no company
    answered does a refusal stay 'scope missing, or this login cannot reach this data'."""
    answered = any(v.verdict.status is Status.ALLOWED for _, (v, _p) in probed)
    settled: dict[EntityId, ColumnVerdict] = {}
    for company, (column, probe) in probed:
        if answered and _refused_by_nmbrs(probe):
            verdict = Verdict(
                Status.NO_DATA_ACCESS,
                probe.verdict.fault_code,
                f"this login cannot reach this company's data ({probe.verdict.message})",
            )
            column = ColumnVerdict(verdict, column.basis, column.duration_ms)
        settled[company.id] = column
    return settled


def why_unreached(checked: Sequence[CompanyRef], columns: dict[EntityId, ColumnVerdict]) -> Verdict:
    """Why no row could be probed when no company was in reach: an error is an error."""
    reach = [columns[c.id] for c in checked if c.id in columns]
    errors = [c for c in reach if c.verdict.status is Status.ERROR]
    if errors:
        return Verdict(
            Status.ERROR,
            None,
            f"not established: no company answered its reach probe ({errors[0].verdict.message})",
            errors[0].verdict.error_kind,
        )
    unmade = [c for c in reach if c.verdict.status is Status.NOT_VERIFIED]
    if unmade:  # no reach probe could be made (refresh_withheld): the rows no more
        return unmade[0].verdict
    if not checked:
        return Verdict(Status.NOT_VERIFIED, None, "no company in reach to call it on")
    return Verdict(
        Status.NOT_VERIFIED,
        None,
        "no checked company is in reach of this login: name one that is with --company",
    )


def passing(exc: NmbrsError) -> bool:
    """Trouble that may pass: throttling, a gateway error, a broken or garbled reply.

    A call the client already gave up on after a time-out (one read time-out and one short
    retry: it never answers) is not tried again: the check has one retry budget.
    """
    if isinstance(exc, NmbrsRestError):
        return exc.retryable
    if isinstance(exc, NmbrsTransportError):
        if exc.retries_exhausted and exc.kind == "timeout":
            return False
        return exc.kind in ("timeout", "connection", "malformed", "http")
    return False


def budget_failure(exc: NmbrsError) -> Failure:
    """``exc`` as the check's one retry budget counts it."""
    if isinstance(exc, NmbrsRestError) and exc.status in (429, 503):
        return Failure(FailureKind.THROTTLED, exc.retry_after_s)
    if isinstance(exc, NmbrsTransportError):
        return transport_failure(exc)
    return Failure(FailureKind.SERVER_ERROR)
