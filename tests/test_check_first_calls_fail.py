"""The account's own first calls fail, so no company could be probed: not established (exit 2).

A server that answers the environment, debtor and company lists with an error that carries no
Nmbrs code leaves nothing checked. That is "could not be established", with the error kind's
next step and the failed calls listed under that heading, on SOAP and REST alike; never "not
verified (nothing to call it with)" (exit 3), which promises a section that is not there.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from nmbrs_client.client import NmbrsClient
from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.rights.engine import RightsEngine
from nmbrs_client.rights.report import render
from nmbrs_client.rights.report_words import NEXT_STEP
from nmbrs_client.rights.requirements import find_profile
from nmbrs_client.rights.results import RightsReport
from nmbrs_demo.reach import demo_settings
from tests.hostile_server import hostile_server, soap_fault
from tests.rest.test_rest_check import probe_demo_through


def _says_not_established(report: RightsReport, failed: set[str], kind: str) -> None:
    assert report.exit_code == ExitCode.CONNECT
    assert not report.cells
    text = render(report, "text", "en")
    assert "nothing to call" not in text and '"Not verified"' not in text
    summary = next(line for line in text.splitlines() if line.startswith("Summary:"))
    # not "some rights could not be established": none was
    assert summary.startswith("Summary: No right could be established (")
    assert NEXT_STEP["en"][kind] in summary
    rows = sum(1 for a in report.account if a.status.value == "error")
    counts = text.split(summary + "\n", 1)[1].splitlines()[0]
    assert counts.endswith(f"(0 cells, 0 probed) · {rows} account checks failed"), counts
    section = text.split("Could not be established:", 1)[1].split("\n\n", 1)[0]
    listed = {line.split(":", 1)[0].strip(" -") for line in section.splitlines()[1:]}
    assert failed <= listed
    data = json.loads(render(report, "json"))
    assert data["exit_code"] == ExitCode.CONNECT and data["summary"]["account_errors"] == rows
    dutch = render(report, "markdown", "nl")
    assert "niets om mee te" not in dutch.lower()


def test_soap_environment_and_both_lists_faulting_without_a_code_is_not_established() -> None:
    with hostile_server({"f": soap_fault("Something went wrong")}) as server:
        client = NmbrsClient(demo_settings(server.url("f")))
        try:
            report = RightsEngine(client, find_profile("integration")).run()
        finally:
            client.close()
    assert {a.check for a in report.account if a.status.value == "error"} >= {
        "environment_get",
        "debtors",
        "companies",
    }
    _says_not_established(report, {"environment_get", "debtors", "companies"}, "fault")


class _FailingFirstCalls:
    """The REST demo, except the account's first calls answer a bare 500 (no Nmbrs code)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if re.fullmatch(r"/api/(user/info|debtors|companies)", request.url.path):
            return httpx.Response(500, text="Internal Server Error")
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_rest_user_info_debtors_and_companies_failing_with_a_500_is_not_established() -> None:
    report: Any = probe_demo_through(_FailingFirstCalls())
    _says_not_established(report, {"user", "debtors", "companies"}, "again")
