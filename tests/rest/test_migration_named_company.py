"""A company named with `check --migration --company` must be visible on both APIs before the plan
may say "Ready for REST": a company one side does not show was not checked there, and a SOAP
company id means nothing on REST (not checked there: nothing for the customer to change)."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest

import tui.headless.migration_cmd as migration_cmd
from tui.cli import main

SOAP_COMPANY = "20001"  # the demo's first SOAP company id
REST_NUMBER = "1"  # a company number the REST demo lists


def _rest_named(monkeypatch: pytest.MonkeyPatch, rest_company: str) -> None:
    """The REST side is asked for ``rest_company`` (what a person would type for REST), the
    SOAP side for what ``--company`` said."""
    side = migration_cmd._side

    def named_per_api(args: argparse.Namespace, api: str, *rest: Any) -> Any:
        if api == "rest":
            args = argparse.Namespace(**{**vars(args), "companies": [rest_company]})
        return side(args, api, *rest)

    monkeypatch.setattr(migration_cmd, "_side", named_per_api)


def _plan(capsys: pytest.CaptureFixture[str], lang: str, *extra: str) -> tuple[int, Any, str]:
    args = ["check", "--demo", "--migration", "--quiet", "--scenario", "healthy", "--lang", lang]
    code = main([*args, "--company", SOAP_COMPANY, "--format", "json", *extra])
    data = json.loads(capsys.readouterr().out)
    main([*args, "--company", SOAP_COMPANY, *extra])
    return code, data, capsys.readouterr().out


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize(
    ("rest_company", "verdict", "code", "reason"),
    [
        (REST_NUMBER, "ready", 0, None),
        (
            "999",
            "not_ready",
            1,
            {"en": "999 is not visible on REST", "nl": "999 is niet zichtbaar op REST"},
        ),
        (
            SOAP_COMPANY,
            "not_checked",
            3,
            {"en": "20001 was not checked on REST", "nl": "20001 is op REST niet gecontroleerd"},
        ),
    ],
    ids=["visible-on-both", "not-visible-on-rest", "soap-id-on-rest"],
)
def test_a_named_company_is_ready_only_when_both_apis_show_it(
    rest_company: str,
    verdict: str,
    code: int,
    reason: dict[str, str] | None,
    lang: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _rest_named(monkeypatch, rest_company)
    exit_code, data, text = _plan(capsys, lang)
    assert (data["verdict"], exit_code) == (verdict, code)
    head = text.splitlines()[:3]
    if reason is None:
        assert data["reasons"] and not any("REST" in r and "20001" in r for r in data["reasons"])
    else:
        assert [r for r in data["reasons"] if reason[lang] in r]
        assert any(reason[lang] in row for row in head), head  # right under the verdict line


def test_a_soap_id_never_passes_on_rest_unmatched(capsys: pytest.CaptureFixture[str]) -> None:
    """The same --company goes to both sides: a SOAP id is not a REST company, never "ready";
    nor is it the customer's to fix, so no step asks them to give access to it."""
    code = main(["check", "--demo", "--migration", "--quiet", "--company", SOAP_COMPANY])
    out = capsys.readouterr().out
    assert code == 3
    assert out.startswith("Not checked on REST.")
    assert "Company 20001 was not checked on REST" in out.splitlines()[1]
    assert "check --api rest --company ID" in out.splitlines()[1]
    assert "For the customer" not in out and "not visible to this user" not in out
    assert "consent link" not in out


def test_a_soap_id_beside_missing_scopes_is_not_ready_for_the_scopes_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Missing scopes still make the plan not ready; the unmatched id is said, never a step."""
    args = ["check", "--demo", "--migration", "--quiet", "--scenario", "missing-scopes"]
    code = main([*args, "--company", SOAP_COMPANY, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert (data["verdict"], code) == ("not_ready", 1)
    assert any("20001 was not checked on REST" in r for r in data["reasons"])
    customer = " ".join(s["text"] for s in data["steps"] if s["for"] == "customer")
    assert "employee.bankaccount.read" in customer and "20001" not in customer


def test_a_company_not_visible_on_soap_is_not_ready(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--demo", "--migration", "--quiet", "--company", "424242"])
    out = capsys.readouterr().out
    assert code == 1
    assert "Company 424242 is not visible on SOAP" in out
    assert not out.startswith("Ready")
