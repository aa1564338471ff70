"""A server that echoes the bearer token or the subscription key never gets them printed.

A gateway or proxy that writes the request's headers into its error page (a JSON error, an
HTML title, ``WWW-Authenticate``) put the access token and the subscription key into the
check's report on REST; SOAP scrubs its token from such text. The REST transport now takes
both out of every reply before anything is read from it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

import pytest

from nmbrs_client.calllog import CallLog
from nmbrs_client.errors import NmbrsError
from nmbrs_client.rest.client import RestClient, StaticToken
from nmbrs_client.rest.transport import RestTransport
from nmbrs_client.rest_operations import RestOp
from nmbrs_client.retry import RetryPolicy
from tests.hostile_server import Answer, answering

TOKEN = "eyJhbGciOiJIUzI1NiJ9.RESTSECRET-access-token.abc_DEF-123"
KEY = "5ub5cr1pt10nK3yS3CR3T0000000000a"


def _echo(mode: str) -> Callable[[BaseHTTPRequestHandler, bytes], Answer]:
    def answer(request: BaseHTTPRequestHandler, _sent: bytes) -> Answer:
        auth = request.headers.get("Authorization", "")
        key = request.headers.get("X-Subscription-Key", "")
        every = "; ".join(f"{k}: {v}" for k, v in request.headers.items())
        if mode == "json-500":
            text = {"status": 500, "title": f"failed for {auth}", "detail": every, "message": key}
            return Answer(500, json.dumps(text).encode(), "application/json")
        if mode == "json-401":
            text = {"statusCode": 401, "message": f"invalid subscription key {key}, token {auth}"}
            challenge = f'Bearer error="invalid_token", error_description="{auth} expired"'
            return Answer(
                401, json.dumps(text).encode(), "application/json", {"WWW-Authenticate": challenge}
            )
        if mode == "json-403":
            text = {"message": f"Forbidden for key {key} with {auth}"}
            return Answer(403, json.dumps(text).encode(), "application/json")
        if mode == "html-502":
            page = f"<html><title>Bad gateway {auth} {key}</title></html>"
            return Answer(502, page.encode(), "text/html")
        return Answer(400, f"bad request: {every}".encode(), "text/plain")

    return answer


@pytest.mark.parametrize(
    ("mode", "quoted"),
    [
        ("json-500", True),
        ("json-401", True),
        ("json-403", True),
        ("html-502", True),
        ("text-400", False),  # a plain-text 400 is not quoted at all
    ],
)
def test_an_echoed_token_or_key_is_in_no_error_and_no_call_record(mode: str, quoted: bool) -> None:
    log = CallLog()
    with answering(_echo(mode)) as base:
        transport = RestTransport(f"{base}/", subscription_key=lambda: KEY)
        client = RestClient(
            transport,
            StaticToken(TOKEN),
            call_log=log,
            retry=RetryPolicy(transient_attempts=1, throttled_attempts=1),
        )
        with pytest.raises(NmbrsError) as info:
            client.get(RestOp.USER_INFO)
        client.close()
    error = info.value
    said = " ".join([str(error), error.hint, repr(error), *map(repr, log.records())])
    assert "RESTSECRET" not in said and KEY not in said
    assert ("«redacted»" in said) is quoted  # the server's text is still there, without them
