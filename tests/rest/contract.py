"""Every request the REST client sends in tests is checked against Nmbrs' OpenAPI document.

:class:`ValidatingTransport` wraps an httpx transport (a MockTransport or a real one) and
validates each outgoing request with the shared validator of :mod:`tests.rest_contract`
(openapi-core over the document) before passing it on: a path, method, parameter or value the
document does not allow fails the test at once. Against the REST demo the demo's own contract
recorder does the same on the server side.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import httpx

from nmbrs_demo.rest.spec import load_document
from tests.rest_contract import OpenApiContract


def spec_document() -> dict[str, Any]:
    document: dict[str, Any] = load_document()
    return document


@lru_cache(maxsize=1)
def _contract() -> OpenApiContract:
    return OpenApiContract()


class RequestOutsideTheDocument(AssertionError):
    """The client sent a request Nmbrs' OpenAPI document does not allow."""


def validate_request(request: httpx.Request) -> None:
    errors = _contract().httpx_request_errors(request)
    if errors:
        raise RequestOutsideTheDocument(f"{request.method} {request.url}: {errors[0]}")


class ValidatingTransport(httpx.BaseTransport):
    """Validates every request, then hands it to ``inner``; records what was sent."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        validate_request(request)
        self.requests.append(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
