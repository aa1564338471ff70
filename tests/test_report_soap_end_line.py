"""The text and Markdown reports name the end of SOAP support only for a SOAP check: a REST
check's integration already uses the API that remains, and telling its customer to "move to
the REST API before then" would send them looking for a migration they have done."""

from __future__ import annotations

from datetime import datetime

import pytest

from nmbrs_client.ids import ApiKind
from nmbrs_client.rights.report import render
from nmbrs_client.rights.requirements import BUILTIN_PROFILES
from nmbrs_client.rights.results import CheckMode, CompanyRef, RightsReport

SOAP_END = {"en": "stops supporting the SOAP API", "nl": "met de ondersteuning van de SOAP-API"}


def _report(api: ApiKind) -> RightsReport:
    return RightsReport(
        datetime(2026, 12, 7),
        {},
        BUILTIN_PROFILES["integration"],
        CheckMode.DEFAULT,
        4,
        companies=[CompanyRef("c1", "Acme")],
        api=api,
    )


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_only_a_soap_check_names_the_end_of_soap_support(fmt: str, lang: str) -> None:
    sentence = SOAP_END[lang]
    assert sentence in render(_report(ApiKind.SOAP), fmt, lang)
    assert sentence not in render(_report(ApiKind.REST), fmt, lang)
