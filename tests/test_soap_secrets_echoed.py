"""A SOAP server that echoes the token never gets any part of it printed.

The client scrubbed its token from a fault's or transport problem's text once that text was
made, but an HTML page's title is cut to 80 characters first, so a token near the cut kept its
first characters ('token=TOP…'), and a token echoed inside markup came back XML-escaped, which
the plain replace did not find. The transport now takes the token, plain and escaped, out of
the reply's bytes before anything reads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.errors import NmbrsError
from tests.hostile_server import Answer, answering, settings_for

PLAIN = "TOPSECRET0123456789abcdef0123456789abcdef"
MARKUP = "TOPSECRET<&>0123456789abcdef"


def _echo(mode: str) -> Callable[[BaseHTTPRequestHandler, bytes], Answer]:
    def answer(_request: BaseHTTPRequestHandler, sent: bytes) -> Answer:
        found = re.search(rb"Token>([^<]*)<", sent)
        token = found.group(1) if found else b""  # as the request carries it: escaped
        if mode == "html":
            page = b"<html><head><title>Bad gateway " + b"x" * 50 + b" " + token
            return Answer(502, page + b"</title></head></html>", "text/html")
        fault = (
            b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
            b"<soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>"
            b"---> 1001: the token " + token.replace(b"&", b"&amp;") + b" is wrong"
            b"</faultstring></soap:Fault></soap:Body></soap:Envelope>"
        )
        return Answer(500, fault, "text/xml; charset=utf-8")

    return answer


@pytest.mark.parametrize("mode", ["html", "fault-escaped-twice"])
@pytest.mark.parametrize("token", [PLAIN, MARKUP])
def test_no_part_of_an_echoed_token_is_in_the_error_or_the_call_log(mode: str, token: str) -> None:
    with answering(_echo(mode)) as base:
        client = NmbrsClient(settings_for(f"{base}/soap/v3/", token=token))
        with pytest.raises(NmbrsError) as info:
            client.call("DebtorService.Environment_Get")
        client.close()
    said = " ".join([str(info.value), repr(info.value), *map(repr, client.call_log.records())])
    assert "TOPSECRET" not in said and "TOP…" not in said
    assert "«re" in said  # the server's text is still quoted, around the marker
