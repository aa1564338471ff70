"""Contract checks against Nmbrs' OpenAPI document (openapi-core, spec validation off).

Reusable by every REST test:

- :class:`OpenApiContract` validates one request or response (``response_errors``,
  ``request_errors``, ``httpx_request_errors`` for a client's outgoing ``httpx.Request``).
- :class:`ContractRecorder` is an observer for the REST demo server: it validates every
  ``/api`` response the demo sends (and, with ``check_requests=True``, every request it gets)
  and keeps the violations; :meth:`ContractRecorder.assert_clean` fails the test with them.

The document itself does not pass openapi-spec-validator, so it is loaded without that check.
Answers the demo gives outside the document on purpose (a reading such as
``subscription-key=gateway-401``) carry ``off_spec``; for those the recorder asserts the
opposite, that the document really rejects them, so a mislabelled reading cannot hide. An error
body sent as ``application/problem+json`` is checked against the ``application/json`` schema.
"""

from __future__ import annotations

import threading
import warnings
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.templating.paths.exceptions import PathNotFound
from openapi_core.testing import MockRequest, MockResponse

from nmbrs_demo.rest.observe import Exchange
from nmbrs_demo.rest.spec import load_document

SPEC_HOST = "https://api.nmbrsapp.com"
PROBLEM_JSON = "application/problem+json"


@lru_cache(maxsize=1)
def _openapi() -> OpenAPI:
    return OpenAPI.from_dict(load_document(), config=Config(spec_validator_cls=None))


def _describe(exc: BaseException) -> str:
    """The reasons, not the whole offending value (a page of 100 rows is long)."""
    parts: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(parts) < 4:
        text = str(current)
        errors = getattr(current, "schema_errors", None)
        if errors:
            text = "; ".join(
                f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message[:200]}"
                for e in list(errors)[:5]
            )
        parts.append(f"{type(current).__name__}: {text[:400]}")
        current = current.__cause__ or current.__context__
    return " <- ".join(parts)


class OpenApiContract:
    """Validate requests and responses against the document."""

    def __init__(self) -> None:
        self.api = _openapi()

    @staticmethod
    def _request(
        method: str, path: str, query: str, headers: dict[str, str], body: bytes | None
    ) -> MockRequest:
        args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        return MockRequest(
            SPEC_HOST,
            method.lower(),
            path,
            args=args,
            headers=headers,
            data=body or None,
            content_type=headers.get("content-type", "application/json"),
        )

    def in_document(self, method: str, path: str) -> bool:
        request = self._request(method, path, "", {}, None)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.api.validate_request(request)
        except PathNotFound:
            return False
        except Exception:
            return True
        return True

    def response_errors(self, exchange: Exchange) -> list[str]:
        """Why the response breaks the document ([] when it conforms)."""
        request = self._request(
            exchange.method, exchange.path, exchange.query, exchange.request_headers, None
        )
        ctype = exchange.content_type.split(";")[0].strip()
        if ctype == PROBLEM_JSON:
            ctype = "application/json"
        response = MockResponse(
            exchange.response_body,
            status_code=exchange.status,
            headers=exchange.response_headers,
            content_type=ctype,
        )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.api.validate_response(request, response)
        except Exception as exc:
            return [_describe(exc)]
        return []

    def request_errors(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> list[str]:
        """Why the request breaks the document ([] when it conforms)."""
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        request = self._request(method, path, query, lowered, body)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.api.validate_request(request)
        except Exception as exc:
            return [_describe(exc)]
        return []

    def httpx_request_errors(self, request: httpx.Request) -> list[str]:
        """For a client's outgoing request (e.g. from an httpx event hook)."""
        url = urlsplit(str(request.url))
        return self.request_errors(
            request.method,
            url.path,
            url.query,
            dict(request.headers),
            request.content or None,
        )


class ContractRecorder:
    """Observer of a REST demo server that validates each ``/api`` exchange."""

    def __init__(self, contract: OpenApiContract, *, check_requests: bool = False) -> None:
        self.contract = contract
        self.check_requests = check_requests
        self.violations: list[str] = []
        self.checked = 0
        self.off_spec_seen = 0
        self._lock = threading.Lock()

    def __call__(self, exchange: Exchange) -> None:
        if not exchange.path.startswith("/api/"):
            return
        where = f"{exchange.method} {exchange.path}?{exchange.query} → {exchange.status}"
        problems: list[str] = []
        errors = self.contract.response_errors(exchange)
        if exchange.off_spec is not None:
            if exchange.off_spec.startswith("reading error-content-type"):
                problems.extend(errors)
            elif not errors:
                problems.append(
                    f"marked off-spec ({exchange.off_spec}) but the document accepts it"
                )
        else:
            problems.extend(errors)
        if self.check_requests:
            problems.extend(
                "request: " + e
                for e in self.contract.request_errors(
                    exchange.method,
                    exchange.path,
                    exchange.query,
                    exchange.request_headers,
                    exchange.request_body,
                )
            )
        with self._lock:
            self.checked += 1
            if exchange.off_spec is not None:
                self.off_spec_seen += 1
            self.violations.extend(f"{where}: {p}" for p in problems)

    def reset(self) -> None:
        with self._lock:
            self.violations.clear()
            self.checked = 0
            self.off_spec_seen = 0

    def assert_clean(self) -> None:
        with self._lock:
            found = list(self.violations)
        assert not found, "responses outside the OpenAPI document:\n" + "\n".join(found[:20])
