"""Turn the outcome of one probe call into a rights verdict.

The mapping is deliberately conservative: only a SOAP fault with a known code becomes a rights
verdict. Anything below SOAP (timeouts, HTML error pages, truncated XML) and any fault without
a known meaning is ``error`` with its message, so a flaky network can never produce a wrong
``allowed`` or ``endpoint_denied``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from nmbrs_client.errors import (
    FaultCategory,
    NmbrsFault,
    NmbrsTransportError,
    OperationNotAllowedError,
    category_for,
)


class Status(StrEnum):
    """The verdict of one cell (operation × company) or one account check, on either API.

    ``endpoint_denied`` is SOAP's API template switching an operation off; ``scope_missing``
    is REST's consent lacking a scope the call needs (or, when the token does not say which
    scopes it holds, a refusal that is a missing scope or missing data access). Both are the
    same for every company. ``not_visible`` is a named company no list returns.
    """

    ALLOWED = "allowed"
    ENDPOINT_DENIED = "endpoint_denied"
    SCOPE_MISSING = "scope_missing"
    NO_DATA_ACCESS = "no_data_access"
    NOT_VISIBLE = "not_visible"
    AUTH_FAILED = "auth_failed"
    NO_SUBSCRIPTION = "no_subscription"
    NOT_APPLICABLE = "not_applicable"
    # A required operation that could not be called at all (no employee, run or debtor to
    # call it with): not a missing right, not allowed either.
    NOT_VERIFIED = "not_verified"
    ERROR = "error"

    @property
    def is_missing(self) -> bool:
        """A right or scope the customer must grant (or credentials they must fix)."""
        return self in MISSING_STATUSES


MISSING_STATUSES: frozenset[Status] = frozenset(
    {
        Status.ENDPOINT_DENIED,
        Status.SCOPE_MISSING,
        Status.NO_DATA_ACCESS,
        Status.NOT_VISIBLE,
        Status.AUTH_FAILED,
        Status.NO_SUBSCRIPTION,
    }
)

# The same for every company: a row verdict that settles its whole row.
ROW_WIDE: frozenset[Status] = frozenset({Status.ENDPOINT_DENIED, Status.SCOPE_MISSING})

GLYPHS: dict[Status, str] = {
    Status.ALLOWED: "✓",
    Status.ENDPOINT_DENIED: "✗",
    Status.SCOPE_MISSING: "✗",
    Status.NO_DATA_ACCESS: "⊘",
    Status.NOT_VISIBLE: "∅",
    Status.AUTH_FAILED: "⚿",
    Status.NO_SUBSCRIPTION: "$",
    Status.NOT_APPLICABLE: "–",
    Status.NOT_VERIFIED: "?",
    Status.ERROR: "!",
}

# Short words shown next to the glyph (state is never shown by colour alone).
WORDS: dict[str, dict[Status, str]] = {
    "en": {
        Status.ALLOWED: "allowed",
        Status.ENDPOINT_DENIED: "denied",
        Status.SCOPE_MISSING: "no scope",
        Status.NO_DATA_ACCESS: "no access",
        Status.NOT_VISIBLE: "not visible",
        Status.AUTH_FAILED: "auth failed",
        Status.NO_SUBSCRIPTION: "no subscr.",
        Status.NOT_APPLICABLE: "n/a",
        Status.NOT_VERIFIED: "unverified",
        Status.ERROR: "error",
    },
    "nl": {
        Status.ALLOWED: "toegestaan",
        Status.ENDPOINT_DENIED: "geweigerd",
        Status.SCOPE_MISSING: "geen scope",
        Status.NO_DATA_ACCESS: "geen toegang",
        Status.NOT_VISIBLE: "onzichtbaar",
        Status.AUTH_FAILED: "inlog mislukt",
        Status.NO_SUBSCRIPTION: "geen abonn.",
        Status.NOT_APPLICABLE: "n.v.t.",
        Status.NOT_VERIFIED: "niet getest",
        Status.ERROR: "fout",
    },
}


class Unverified(StrEnum):
    """Why a call was not made where that is not "nothing to call it with" (the kind a
    report's words follow, never its English message): its login needed a refresh this run
    may not make."""

    REFRESH_WITHHELD = "refresh_withheld"


@dataclass(frozen=True)
class Verdict:
    """What one call proved: a status, the Nmbrs fault code if any, and a short message.

    ``error_kind`` says why an ``error`` was not established (``timeout``, ``html``,
    ``throttled``, ``fault``, ``cancelled``, …): data the report groups by, never re-read
    from the message. ``unverified`` says likewise why a ``not_verified`` call was not made
    (None: nothing to call it with).
    """

    status: Status
    fault_code: int | None = None
    message: str = ""
    error_kind: str | None = None
    unverified: Unverified | None = None

    @property
    def is_scope(self) -> bool:
        return self.status is Status.NO_DATA_ACCESS


ALLOWED = Verdict(Status.ALLOWED)


# A fault code's meaning is tabled once, in nmbrs_client.errors; a verdict follows from it.
_STATUS_BY_CATEGORY: dict[FaultCategory, Status] = {
    FaultCategory.AUTHENTICATION: Status.AUTH_FAILED,
    FaultCategory.ENDPOINT_RIGHT_MISSING: Status.ENDPOINT_DENIED,
    FaultCategory.NO_DATA_ACCESS: Status.NO_DATA_ACCESS,
    FaultCategory.NO_SUBSCRIPTION: Status.NO_SUBSCRIPTION,
}


def status_for_code(code: int | None) -> Status:
    """The verdict a fault code gives; a code without a rights meaning is an error."""
    return _STATUS_BY_CATEGORY.get(category_for(code), Status.ERROR)


def classify(exc: BaseException | None) -> Verdict:
    """The verdict for a finished call: ``None`` means it returned (allowed)."""
    if exc is None:
        return ALLOWED
    if isinstance(exc, NmbrsFault):
        status = status_for_code(exc.code)
        text = exc.text or str(exc)
        if status is Status.ERROR:
            text = f"Nmbrs fault {exc.code}: {text}" if exc.code is not None else str(exc)
            # throttling that outlasted the retries, as the retry read it
            kind = "throttled" if exc.asks_to_slow_down else "fault"
            return Verdict(status, exc.code, text[:300], kind)
        return Verdict(status, exc.code, text[:300])
    if isinstance(exc, NmbrsTransportError):
        kind = "html" if exc.kind == "http" and "html" in exc.problem.lower() else exc.kind
        return Verdict(
            Status.ERROR, None, f"transport ({exc.kind}): {exc.problem}"[:300], transport_kind(kind)
        )
    if isinstance(exc, OperationNotAllowedError):
        return Verdict(Status.ERROR, None, str(exc)[:300], "other")
    return Verdict(Status.ERROR, None, f"{type(exc).__name__}: {exc}"[:300], "other")


# The kinds of trouble the report names; anything else is "other".
ERROR_KINDS = frozenset(
    {
        "timeout",
        "connection",
        "malformed",
        "html",
        "http",
        "tls",
        "too_large",
        "redirect",
        "throttled",
        "quota",
        "cancelled",
        "out_of_time",
        "fault",
        "gateway",
        "other",
    }
)


def transport_kind(kind: str) -> str:
    return kind if kind in ERROR_KINDS else "other"


def is_retryable(exc: BaseException) -> bool:
    """Only transport trouble is retried; a fault is an answer and retrying cannot change it."""
    # The client retries transient failures itself; what it gave up on is not retried again.
    return (
        isinstance(exc, NmbrsTransportError) and bool(exc.retryable) and not exc.retries_exhausted
    )
