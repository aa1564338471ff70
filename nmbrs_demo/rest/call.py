"""One REST API call as a handler sees it: the request, its path values, the caller's grant,
and the query parameters and paging every list endpoint shares.

Parameter faults answer as the OpenAPI document's problem details (:mod:`.problems`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from nmbrs_demo.rest import problems
from nmbrs_demo.rest.identity import AccessToken
from nmbrs_demo.rest.observe import Exchange
from nmbrs_demo.rest.views import Row

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


@dataclass
class Call:
    """What a handler gets: the request, its operation's path values and the caller's grant."""

    request: Request
    path_params: dict[str, str]
    token: AccessToken
    exchange: Exchange | None

    def query(self, name: str) -> str | None:
        for key, value in self.request.query_params.multi_items():
            if key.lower() == name.lower():
                return value
        return None


def require_uuid(name: str, raw: str) -> None:
    try:
        uuid.UUID(raw)
    except ValueError:
        raise problems.invalid_parameter(
            name, "The parameter is invalid. It needs to be a UUID."
        ) from None


def int_param(call: Call, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = call.query(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise problems.invalid_parameter(name, f"{name} must be a whole number.") from None
    if not low <= value <= high:
        raise problems.invalid_parameter(name, f"{name} must be between {low} and {high}.")
    return value


def date_param(call: Call, name: str) -> datetime | None:
    raw = call.query(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise problems.invalid_parameter(name, f"{name} must be an ISO date-time.") from None
    return moment.replace(tzinfo=None)


def paged(call: Call, rows: list[Row]) -> dict[str, Any]:
    """The ``{pagination, data}`` envelope of one page, with absolute page links."""
    size = int_param(call, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    number = int_param(call, "pageNumber", 1, 1, 1_000_000)
    assert size is not None and number is not None
    total = len(rows)
    pages = (total + size - 1) // size
    request = call.request
    base = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
    others = [
        (k, v)
        for k, v in request.query_params.multi_items()
        if k.lower() not in ("pagenumber", "pagesize")
    ]

    def link(page: int) -> str:
        return base + "?" + urlencode([*others, ("pageNumber", page), ("pageSize", size)])

    return {
        "pagination": {
            "pageNumber": number,
            "pageSize": size,
            "firstPage": link(1),
            "lastPage": link(max(1, pages)),
            "totalPages": pages,
            "totalRecords": total,
            "nextPage": link(number + 1) if number < pages else None,
            "previousPage": link(min(number - 1, max(1, pages))) if number > 1 else None,
        },
        "data": rows[(number - 1) * size : number * size],
    }
