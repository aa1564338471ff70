"""Every request the REST client sends in tests is checked against Nmbrs' OpenAPI document.

:class:`ValidatingTransport` wraps an httpx transport (a MockTransport or a real one to the
demo) and validates each outgoing request with openapi-core before passing it on: a path,
method, parameter or parameter value the document does not allow fails the test at once.
"""

from __future__ import annotations

import importlib.resources
import warnings
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import yaml
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict


@lru_cache(maxsize=1)
def spec_document() -> dict[str, Any]:
    path = importlib.resources.files("nmbrs_rest") / "_spec" / "nmbrs-openapi.yaml"
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


@lru_cache(maxsize=1)
def openapi() -> OpenAPI:
    # The document does not pass openapi-spec-validator; it is loaded with validation off.
    from openapi_core import Config

    return OpenAPI.from_dict(spec_document(), config=Config(spec_validator_cls=None))


class _Request:
    """httpx.Request seen through openapi-core's request protocol."""

    def __init__(self, request: httpx.Request) -> None:
        parts = urlsplit(str(request.url))
        # The path, method and parameters are checked; the host is the demo's or a mock's.
        self.host_url = "https://api.nmbrsapp.com"
        self.path = parts.path
        self.method = request.method.lower()
        self.body: bytes | None = request.content or None
        self.content_type = request.headers.get("content-type", "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(parts.query, keep_blank_values=True)),
            header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict(),
        )


def validate_request(request: httpx.Request) -> None:
    """Raise if ``request`` is not an operation of the document with valid parameters."""
    with warnings.catch_warnings():
        # openapi-core does not know the oauth2 scheme; scopes are checked by the allowlist test.
        warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
        openapi().validate_request(_Request(request))


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
