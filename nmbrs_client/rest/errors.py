"""REST problem bodies turned into typed errors with a plain hint.

Nmbrs' REST API answers a failure with a problem-style JSON body (``type``, ``httpStatus``,
``code``, ``title``, ``detail``, ``invalid-params``) whose numeric ``code`` says what went
wrong. :func:`classify` maps a status, a parsed body and, when known, the granted scopes and
the operation's required scopes to one :class:`RestProblemKind`. Facts the documentation
leaves open are read every plausible way:

- a 403 for a missing scope may carry no code, 40303, or only ``WWW-Authenticate:
  insufficient_scope``: whenever the granted scopes are known and lack every scope the
  operation accepts, the kind is ``SCOPE_MISSING`` whatever the body says;
- a missing or wrong subscription key may be answered by the API gateway with its own 401 body
  (not a problem body): a 401 without a 4010x code that mentions the subscription key is
  ``SUBSCRIPTION_KEY``, one with a bearer challenge (``WWW-Authenticate: Bearer``) is the
  token, and any other uncoded 401 says "token or subscription key";
- a 403 whose JSON is not a problem body (none of ``code``, ``httpStatus``, ``type``,
  ``title``; an API gateway's own ``{"statusCode", "message"}``, say) was refused before Nmbrs'
  API saw it: a product that lacks the API, a gateway policy or quota, or a scope rule at the
  gateway. Its cause is not known, so it is ``GATEWAY``, never a missing scope or access
  (unless the granted scopes already lack the call's, or the body names the key);
- the throttling type may be ``throttlingError`` or ``rateLimitError``; a 429 without a code is
  read as 42908 (retryable), only 42909 is a quota.

Every text taken from a body is hostile: it is cut short and stripped of control characters
before it reaches a message, and no message ever contains a token or a key.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from nmbrs_client import textsafe
from nmbrs_client.errors import FaultCategory, NmbrsError, NmbrsFault
from nmbrs_client.rights.report_words import GATEWAY_REFUSED, NEXT_STEP


class RestProblemKind(StrEnum):
    TOKEN_MISSING = "token_missing"  # 40101
    TOKEN_INVALID = "token_invalid"  # 40102
    SUBSCRIPTION_KEY = "subscription_key"  # gateway 401 about X-Subscription-Key
    UNAUTHORIZED = "unauthorized"  # 401 without a code: token or key
    SCOPE_MISSING = "scope_missing"  # granted scopes lack every scope the operation accepts
    DATA_ACCESS = "data_access"  # 40303 / 40305
    NO_SUBSCRIPTION = "no_subscription"  # 40304
    MULTI_DEBTOR = "multi_debtor"  # 40306
    FORBIDDEN = "forbidden"  # 403 without a known code and an unknown grant
    GATEWAY = "gateway"  # 403 in the API gateway's own JSON: refused before Nmbrs, cause unknown
    NOT_FOUND = "not_found"  # 40401
    COMPANY_NOT_FOUND = "company_not_found"  # 40404
    THROTTLED = "throttled"  # 42908 (retry after a pause)
    QUOTA = "quota"  # 42909 (do not retry)
    INVALID_REQUEST = "invalid_request"  # 400 / 40033
    SERVER = "server"  # 5xx with a problem body
    UNKNOWN = "unknown"


_BY_CODE: dict[int, RestProblemKind] = {
    40101: RestProblemKind.TOKEN_MISSING,
    40102: RestProblemKind.TOKEN_INVALID,
    40303: RestProblemKind.DATA_ACCESS,
    40305: RestProblemKind.DATA_ACCESS,
    40304: RestProblemKind.NO_SUBSCRIPTION,
    40306: RestProblemKind.MULTI_DEBTOR,
    40401: RestProblemKind.NOT_FOUND,
    40404: RestProblemKind.COMPANY_NOT_FOUND,
    42908: RestProblemKind.THROTTLED,
    42909: RestProblemKind.QUOTA,
    40033: RestProblemKind.INVALID_REQUEST,
}

# The rights engine and the panes speak FaultCategory; each REST kind maps onto one.
CATEGORY: dict[RestProblemKind, FaultCategory] = {
    RestProblemKind.TOKEN_MISSING: FaultCategory.AUTHENTICATION,
    RestProblemKind.TOKEN_INVALID: FaultCategory.AUTHENTICATION,
    RestProblemKind.SUBSCRIPTION_KEY: FaultCategory.AUTHENTICATION,
    RestProblemKind.UNAUTHORIZED: FaultCategory.AUTHENTICATION,
    RestProblemKind.SCOPE_MISSING: FaultCategory.ENDPOINT_RIGHT_MISSING,
    RestProblemKind.DATA_ACCESS: FaultCategory.NO_DATA_ACCESS,
    RestProblemKind.MULTI_DEBTOR: FaultCategory.NO_DATA_ACCESS,
    RestProblemKind.FORBIDDEN: FaultCategory.UNKNOWN,
    RestProblemKind.GATEWAY: FaultCategory.UNKNOWN,
    RestProblemKind.NO_SUBSCRIPTION: FaultCategory.NO_SUBSCRIPTION,
    RestProblemKind.NOT_FOUND: FaultCategory.NOT_FOUND,
    RestProblemKind.COMPANY_NOT_FOUND: FaultCategory.NOT_FOUND,
    RestProblemKind.THROTTLED: FaultCategory.SERVER,
    RestProblemKind.QUOTA: FaultCategory.SERVER,
    RestProblemKind.INVALID_REQUEST: FaultCategory.UNKNOWN,
    RestProblemKind.SERVER: FaultCategory.SERVER,
    RestProblemKind.UNKNOWN: FaultCategory.UNKNOWN,
}


def hint(kind: RestProblemKind, operation: str, scopes: tuple[str, ...] = ()) -> str:
    """What the engineer should do, or ask the customer to do."""
    need = " or ".join(scopes) or "the scope this call needs"
    return {
        RestProblemKind.TOKEN_MISSING: "No access token was sent: run `nmbrs-tui auth login`.",
        RestProblemKind.TOKEN_INVALID: (
            "The access token is expired, revoked or malformed: run `nmbrs-tui auth login` "
            "again (the customer may have removed the app in Nmbrs' App Manager)."
        ),
        RestProblemKind.SUBSCRIPTION_KEY: (
            "The API gateway refused the subscription key: copy the Primary key again from "
            "the developer portal (Profile → Subscriptions) into NMBRS_SUBSCRIPTION_KEY."
        ),
        RestProblemKind.UNAUTHORIZED: (
            "The token or the subscription key was refused: check NMBRS_SUBSCRIPTION_KEY, "
            "then run `nmbrs-tui auth login` again."
        ),
        RestProblemKind.SCOPE_MISSING: (
            f"The consent does not include {need}: log in again asking for it "
            "(a scope cannot be added to an existing consent)."
        ),
        RestProblemKind.DATA_ACCESS: (
            "The consenting login cannot reach this debtor or company: the customer's admin "
            "must extend the tags/filters of that login's template user."
        ),
        RestProblemKind.NO_SUBSCRIPTION: (
            "The Nmbrs environment has no valid subscription: a commercial matter with Nmbrs."
        ),
        RestProblemKind.MULTI_DEBTOR: (
            "The consent spans several debtors, so the company list is read per debtor."
        ),
        RestProblemKind.FORBIDDEN: (
            f"Refused without a reason: either the consent lacks {need} or the login cannot "
            "reach this data; `nmbrs-tui auth status` shows the granted scopes."
        ),
        RestProblemKind.GATEWAY: _sentence(NEXT_STEP["en"]["gateway"]),
        RestProblemKind.NOT_FOUND: "Nmbrs has no such record: check the id.",
        RestProblemKind.COMPANY_NOT_FOUND: "Nmbrs has no such company: check the company id.",
        RestProblemKind.THROTTLED: (
            "Nmbrs throttled the calls (subscription plan threshold): wait a moment and retry."
        ),
        RestProblemKind.QUOTA: (
            "The subscription's call quota is used up: retrying will not help until it resets; "
            "ask Nmbrs about the plan."
        ),
        RestProblemKind.INVALID_REQUEST: (
            f"Nmbrs rejected the parameters of {operation}: a client bug; report it."
        ),
        RestProblemKind.SERVER: "Nmbrs reported a server error: retry later.",
        RestProblemKind.UNKNOWN: "Nmbrs returned an unexpected error: retry, then quote it.",
    }[kind]


def _sentence(step: str) -> str:
    return step[0].upper() + step[1:] + "."


def clean_text(value: Any, limit: int = 200) -> str:
    """Hostile server text made safe for one line: printable characters only, cut short."""
    if value is None:
        return ""
    text = " ".join(textsafe.line(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def classify(
    status: int,
    body: Mapping[str, Any] | None,
    *,
    raw_text: str = "",
    www_authenticate: str = "",
    required: tuple[str, ...] = (),
    granted: frozenset[str] | None = None,
) -> tuple[RestProblemKind, int | None]:
    """The kind of a failed reply and the numeric code it carried (if any)."""
    code = _int_code(body)
    if status in (401, 403) and _about_the_key(body, raw_text):
        # a wrong X-Subscription-Key: whatever code it carries, a new login cannot fix it
        return RestProblemKind.SUBSCRIPTION_KEY, code
    if status == 403 and granted is not None and required and not set(required) & granted:
        return RestProblemKind.SCOPE_MISSING, code
    if status == 403 and "insufficient_scope" in www_authenticate:
        return RestProblemKind.SCOPE_MISSING, code
    if code is not None and code in _BY_CODE:
        return _BY_CODE[code], code
    if status == 403 and _from_the_gateway(body):
        return RestProblemKind.GATEWAY, code
    if status == 401:
        lowered = raw_text.lower()
        if "subscription" in lowered:
            return RestProblemKind.SUBSCRIPTION_KEY, code
        if www_authenticate.strip().lower().startswith("bearer"):
            # a bearer challenge (RFC 6750) comes from the API itself, about the token
            return RestProblemKind.TOKEN_INVALID, code
        return RestProblemKind.UNAUTHORIZED, code
    if status == 403:
        return RestProblemKind.FORBIDDEN, code
    if status == 404:
        return RestProblemKind.NOT_FOUND, code
    if status == 429:
        if body and str(body.get("title", "")).lower().startswith("quota"):
            return RestProblemKind.QUOTA, code
        return RestProblemKind.THROTTLED, code
    if status == 400:
        return RestProblemKind.INVALID_REQUEST, code
    if status >= 500:
        return RestProblemKind.SERVER, code
    return RestProblemKind.UNKNOWN, code


def _about_the_key(body: Mapping[str, Any] | None, raw_text: str) -> bool:
    """Whether an error names the subscription key (the gateway's body or a problem title)."""
    said = (
        " ".join(str(body.get(field) or "") for field in ("title", "detail", "message", "type"))
        if body
        else raw_text
    )
    lowered = said.lower().replace("_", " ").replace("-", " ")
    return "subscription key" in lowered


# What makes a JSON error body Nmbrs' own problem body (the OpenAPI document's ErrorResponse)
_PROBLEM_FIELDS = ("code", "httpStatus", "type", "title")


def _from_the_gateway(body: Mapping[str, Any] | None) -> bool:
    """A JSON body, but not Nmbrs' problem body: something in front of the API answered."""
    if not body:
        return False
    return not any(field in body for field in _PROBLEM_FIELDS)


def _int_code(body: Mapping[str, Any] | None) -> int | None:
    if not body:
        return None
    value = body.get("code")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


class NmbrsRestError(NmbrsFault):
    """Nmbrs' REST API answered with an error status (a problem body or a gateway body).

    A :class:`~nmbrs_client.errors.NmbrsFault` so callers of the backend act on ``category``
    alone; ``kind`` keeps the REST-specific meaning.
    """

    def __init__(
        self,
        operation: str,
        status: int,
        kind: RestProblemKind,
        *,
        code: int | None = None,
        title: str = "",
        detail: str = "",
        scopes: tuple[str, ...] = (),
        retry_after_s: float | None = None,
    ) -> None:
        self.operation = operation
        self.status = status
        self.kind = kind
        self.code = code
        self.title = clean_text(title, 80)
        self.detail = clean_text(detail)
        self.scopes = scopes
        self.retry_after_s = retry_after_s
        self.category = CATEGORY[kind]
        self.text = self.detail or self.title
        self.faultcode = None
        label = f"HTTP {status}" + (f"/{code}" if code is not None else "")
        said = ": ".join(part for part in (self.title, self.detail) if part)
        message = f"{operation} failed with {label}" + (f" ({said})" if said else "")
        if kind is RestProblemKind.GATEWAY:  # who refused it, as the check says it everywhere
            message = f"{GATEWAY_REFUSED['en']}: {message}"
        NmbrsError.__init__(self, message, hint=hint(kind, operation, scopes))

    @property
    def retryable(self) -> bool:
        return self.kind is RestProblemKind.THROTTLED or (
            self.kind is RestProblemKind.SERVER and self.status in (502, 503, 504)
        )


class DocumentNotReadyError(NmbrsError):
    """A document task was still processing when the polling budget ran out."""


class NoDocumentError(NmbrsError):
    """Nmbrs has no document for this request (e.g. no payslip in that period)."""
