"""A small scripted Nmbrs REST API for httpx.MockTransport: paging, problems, documents.

Only what the client tests need; the faithful demo is ``nmbrs_demo.rest``. Each request is
first validated against the OpenAPI document (:mod:`tests.rest.contract`).
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.rest.contract import ValidatingTransport

BASE = "https://api.test.example"


def uid(kind: str, n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}:{n}"))


def problem(status: int, code: int, title: str, detail: str = "details") -> httpx.Response:
    kind = {401: "authenticationError", 403: "authenticationError", 429: "throttlingError"}.get(
        status, "invalidRequestError"
    )
    return httpx.Response(
        status,
        json={"type": kind, "httpStatus": status, "code": code, "title": title, "detail": detail},
    )


@dataclass
class FakeNmbrs:
    """Routes keyed by path; lists are paged like Nmbrs does."""

    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    overrides: dict[str, Callable[[httpx.Request], httpx.Response | None]] = field(
        default_factory=dict
    )
    pagination_style: str = "full"  # full | next-only | none
    hits: list[str] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.hits.append(path)
        override = self.overrides.get(path)
        if override is not None:
            answer = override(request)
            if answer is not None:
                return answer
        if path not in self.lists:
            return problem(404, 40401, "Not_Found")
        rows = self.lists[path]
        number = int(request.url.params.get("pageNumber", "1"))
        size = int(request.url.params.get("pageSize", "20"))
        if size > 100:
            return problem(400, 40033, "Parameter_Invalid")
        total_pages = max(1, math.ceil(len(rows) / size))
        chunk = rows[(number - 1) * size : number * size]

        def link(n: int) -> str:
            return f"{BASE}{path}?{urlencode({'pageNumber': n, 'pageSize': size})}"

        pagination: dict[str, Any] = {
            "pageNumber": number,
            "pageSize": size,
            "firstPage": link(1),
            "lastPage": link(total_pages),
            "totalPages": total_pages,
            "totalRecords": len(rows),
            "nextPage": link(number + 1) if number < total_pages else None,
            "previousPage": link(number - 1) if number > 1 else None,
        }
        if self.pagination_style == "next-only":
            pagination = {"nextPage": pagination["nextPage"]}
        body: dict[str, Any] = {"data": chunk}
        if self.pagination_style != "none":
            body["pagination"] = pagination
        return httpx.Response(200, json=body)


def transport(fake: FakeNmbrs) -> ValidatingTransport:
    return ValidatingTransport(httpx.MockTransport(fake))


def json_response(status: int, value: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(value).encode(),
        headers={"content-type": "application/json", **(headers or {})},
    )
