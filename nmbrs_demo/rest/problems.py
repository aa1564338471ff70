"""Problem bodies of the REST demo, shaped exactly as the spec's error schemas.

``invalid-params`` is left out unless there is something in it (the inline schemas of the
error responses do not allow ``null``); ``detail`` is never empty (``minLength: 1``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

DOC_URL = "https://developer.nmbrs.com/api/docs/errors"


class ProblemType(StrEnum):
    API = "apiError"
    AUTHENTICATION = "authenticationError"
    INVALID_REQUEST = "invalidRequestError"
    THROTTLING = "throttlingError"
    VALIDATION = "validationError"


@dataclass
class Problem(Exception):
    """An error answer: raised by a handler, turned into a response by the app."""

    status: int
    code: int
    type: ProblemType
    title: str
    detail: str
    invalid_params: list[dict[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": str(self.type),
            "httpStatus": self.status,
            "code": self.code,
            "title": self.title,
            "detail": self.detail,
        }
        if self.invalid_params:
            out["invalid-params"] = list(self.invalid_params)
        out["docUrl"] = DOC_URL
        return out


def missing_token() -> Problem:
    return Problem(
        401, 40101, ProblemType.AUTHENTICATION, "Missing_Token", "No bearer token was sent."
    )


def invalid_token() -> Problem:
    return Problem(
        401,
        40102,
        ProblemType.AUTHENTICATION,
        "Invalid_Token",
        "The bearer token is invalid, expired or revoked.",
    )


def no_data_access(what: str = "debtor or company") -> Problem:
    return Problem(
        403,
        40303,
        ProblemType.AUTHENTICATION,
        "Unauthorized_AccessData",
        f"This login has no access to the {what}; its tags/filters on the template user "
        "decide what it may reach.",
    )


def invalid_subscription() -> Problem:
    return Problem(
        403,
        40304,
        ProblemType.AUTHENTICATION,
        "Invalid_Subscription",
        "The environment is disabled: it has no valid subscription.",
    )


def multi_debtor() -> Problem:
    return Problem(
        403,
        40306,
        ProblemType.AUTHENTICATION,
        "Unauthorized",
        "This call cannot serve a consent that spans several debtors; list the companies "
        "per debtor instead.",
    )


def not_found() -> Problem:
    return Problem(
        404, 40401, ProblemType.INVALID_REQUEST, "Not_Found", "The resource does not exist."
    )


def invalid_company() -> Problem:
    return Problem(
        404,
        40404,
        ProblemType.INVALID_REQUEST,
        "Invalid_Company",
        "No company has this id; check the id.",
    )


def invalid_parameter(name: str, reason: str) -> Problem:
    return Problem(
        400,
        40033,
        ProblemType.VALIDATION,
        "Parameter_Invalid",
        "A parameter is invalid.",
        [{"name": name, "reason": reason}],
    )


def too_many_calls(retry_after: int | None) -> Problem:
    headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
    return Problem(
        429,
        42908,
        ProblemType.THROTTLING,
        "Too_Many_Calls",
        "More calls than the subscription plan allows; slow down.",
        headers=headers,
    )


def quota_exceeded() -> Problem:
    return Problem(
        429,
        42909,
        ProblemType.THROTTLING,
        "Quota_Exceeded",
        "The call volume of the subscription plan is used up.",
    )


def server_error() -> Problem:
    return Problem(500, 50001, ProblemType.API, "Unkown", "An unexpected error occurred.")
