"""A server that answered, but not with a usable reply, was reached: never "could not be reached".

An HTML error page, a reply that is not SOAP XML or JSON, or another HTTP error comes from a
server the network got to. The report names network or server errors and their next step (the
same cause and step on SOAP and REST); only a server that could not be reached at all (refused,
not found, TLS, no connection in time) stops the check as "could not be reached".
"""

from __future__ import annotations

import json

import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.exit_codes import EXIT_2_CAUSES, EXIT_2_KINDS, ExitCode, verdict_words
from nmbrs_client.rest.client import RestClient, RetryPolicy, StaticToken
from nmbrs_client.rest.prober import RestProber
from nmbrs_client.rest.transport import RestTransport, TransportLimits
from nmbrs_client.rights.engine import RightsEngine
from nmbrs_client.rights.findings import verdict_causes
from nmbrs_client.rights.protocol import CheckOptions, ProbeTuning
from nmbrs_client.rights.report import render
from nmbrs_client.rights.report_words import ERROR_CAUSES, NEXT_STEP, T
from nmbrs_client.rights.requirements import BUILTIN_PROFILES, find_profile
from nmbrs_client.rights.results import RightsReport
from nmbrs_demo.reach import demo_settings
from tests.hostile_server import Behaviour, hostile_server, reply

HTML_500 = reply(
    500, b"<html><head><title>Server Error</title></head><body>oops</body></html>", "text/html"
)
GARBAGE = reply(200, b"\x00\x01 this is neither XML nor JSON {[<", "application/octet-stream")
CASES = {"html_500": HTML_500, "garbage": GARBAGE}

NETWORK_OR_SERVER = f"{EXIT_2_KINDS['en']['not_established']}: {EXIT_2_CAUSES['en']['network'][1]}"


def _soap_check(behaviour: Behaviour) -> RightsReport:
    with hostile_server({"x": behaviour}) as server:
        client = NmbrsClient(demo_settings(server.url("x")))
        try:
            return RightsEngine(
                client, find_profile("integration"), tuning=ProbeTuning(backoff_s=0.0)
            ).run()
        finally:
            client.close()


def _rest_check(behaviour: Behaviour) -> RightsReport:
    with hostile_server({"x": behaviour}) as server:
        transport = RestTransport(
            server.base + "/x/", subscription_key=lambda: "k", limits=TransportLimits()
        )
        client = RestClient(
            transport,
            StaticToken("t", None),
            retry=RetryPolicy(base_delay_s=0.0, max_delay_s=0.0, jitter=0.0),
        )
        try:
            options = CheckOptions()
            profile = BUILTIN_PROFILES["integration"]
            return RestProber(client, profile, options, ProbeTuning(backoff_s=0.0)).run()
        finally:
            client.close()


def _says_server_errors(report: RightsReport) -> None:
    text = render(report, "text", "en")
    assert report.stopped is None, text
    assert report.exit_code == ExitCode.CONNECT
    assert T["en"]["stopped_connect"] not in text
    summary = next(line for line in text.splitlines() if line.startswith("Summary:"))
    assert ERROR_CAUSES["en"]["network"] in summary, summary
    assert NEXT_STEP["en"]["again"] in summary, summary
    assert json.loads(render(report, "json"))["stopped"] is None
    assert verdict_words(report.exit_code, verdict_causes(report)) == NETWORK_OR_SERVER
    dutch = render(report, "text", "nl")
    assert T["nl"]["stopped_connect"] not in dutch


@pytest.mark.parametrize("case", sorted(CASES))
def test_soap_server_that_answers_badly_was_reached(case: str) -> None:
    _says_server_errors(_soap_check(CASES[case]))


@pytest.mark.parametrize("case", sorted(CASES))
def test_rest_server_that_answers_badly_was_reached(case: str) -> None:
    _says_server_errors(_rest_check(CASES[case]))


def test_a_server_that_refuses_the_connection_could_not_be_reached_on_both_apis() -> None:
    with hostile_server({}) as server:
        closed = server.base  # the port is free again once the server has stopped
    settings = demo_settings(f"{closed}/x/soap/v3/")
    client = NmbrsClient(settings)
    try:
        soap = RightsEngine(
            client, find_profile("integration"), tuning=ProbeTuning(retries=0)
        ).run()
    finally:
        client.close()
    rest_client = RestClient(
        RestTransport(closed + "/x/", subscription_key=lambda: "k"),
        StaticToken("t", None),
        retry=RetryPolicy(base_delay_s=0.0, max_delay_s=0.0, jitter=0.0),
    )
    try:
        rest = RestProber(
            rest_client, BUILTIN_PROFILES["integration"], CheckOptions(), ProbeTuning(retries=0)
        ).run()
    finally:
        rest_client.close()
    for report in (soap, rest):
        assert report.stopped == "connect", render(report)
        assert T["en"]["stopped_connect"] in render(report, "text", "en")
        assert (
            verdict_words(report.exit_code, verdict_causes(report))
            == (EXIT_2_KINDS["en"]["connect"])
        )
