"""The REST form of requirement profiles: SOAP → REST table, scopes, TOML extension, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nmbrs_client.operations import OPERATIONS
from nmbrs_client.rest_operations import RestOp
from nmbrs_client.rights.requirements import (
    BUILTIN_PROFILES,
    INTEGRATION_OPERATIONS,
    RequirementsError,
    load_profile_file,
)
from nmbrs_client.rights.rest_requirements import (
    GAP_TEXT,
    OFFLINE_ACCESS,
    SOAP_TO_REST,
    Equivalence,
    Gap,
    rest_form,
)
from tests.rest.contract import spec_document
from tui.cli import main

# The minimum scope set of a read-only REST backend: a scope the OpenAPI document names for each
# read this tool makes, and offline_access for a refresh token.
FACTS_MINIMUM_SCOPES = {
    "offline_access",
    "company.info.read",
    "company.payrollsettings.read",
    "employee.info.read",
    "employee.employment.read",
    "employee.bankaccount.read",
    "employee.document.read",
    "document.read",
}


def _spec_scopes(path: str) -> set[str]:
    operation = spec_document()["paths"][path]["get"]
    found: set[str] = set()
    for requirement in operation.get("security", []):
        for scopes in requirement.values():
            found.update(scopes)
    return found


def test_every_soap_operation_of_the_catalogue_has_a_row() -> None:
    assert set(SOAP_TO_REST) == {op.qualified_name for op in OPERATIONS}


def test_every_seed_operation_has_a_rest_replacement_or_says_none() -> None:
    for name in INTEGRATION_OPERATIONS:
        item = SOAP_TO_REST[name]
        assert item.operations or item.equivalence is Equivalence.NONE, name


def test_only_environment_get_has_no_equivalent() -> None:
    none = [r.soap_operation for r in SOAP_TO_REST.values() if r.equivalence is Equivalence.NONE]
    assert none == ["DebtorService.Environment_Get"]
    assert Gap.NO_DOMAIN in SOAP_TO_REST["DebtorService.Environment_Get"].gaps


def test_payslips_by_run_and_bic_are_named_as_gaps() -> None:
    payslip = SOAP_TO_REST["CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany"]
    assert Gap.PAYSLIPS_BY_PERIOD in payslip.gaps
    assert payslip.rest_operations[-1] is RestOp.DOCUMENT
    assert Gap.NO_BIC in SOAP_TO_REST["EmployeeService.BankAccount_GetListCurrent"].gaps


def test_every_mapped_rest_operation_accepts_exactly_the_documents_scopes() -> None:
    for item in SOAP_TO_REST.values():
        for op in item.operations:
            assert set(op.scopes) == _spec_scopes(op.path), op.path


def test_integration_profile_asks_for_the_minimum_scope_set_of_the_facts() -> None:
    rest = BUILTIN_PROFILES["integration"].rest()
    assert set(rest.scopes) == FACTS_MINIMUM_SCOPES
    assert rest.scopes[0] == OFFLINE_ACCESS


def test_read_twin_or_write_scope_satisfies_an_operation() -> None:
    rest = rest_form("t", ["EmployeeService.Employment_GetAll_AllEmployeesByCompany"])
    assert rest.missing_scopes({"employee.employment", "company.info.read"}) == {}
    assert rest.missing_scopes({"employee.employment.read", "company.info"}) == {}
    missing = rest.missing_scopes({"company.info.read"})
    assert missing == {RestOp.EMPLOYMENTS: ("employee.employment", "employee.employment.read")}


def test_a_missing_scope_asks_for_the_whole_list_again() -> None:
    rest = BUILTIN_PROFILES["integration"].rest()
    assert rest.scopes_to_ask(rest.scopes) == ()
    granted = set(rest.scopes) - {"document.read"}
    again = rest.scopes_to_ask(granted)
    assert set(again) == set(rest.scopes)
    # offline_access alone missing still means a new consent (no refresh token otherwise)
    assert rest.scopes_to_ask(set(rest.scopes) - {OFFLINE_ACCESS})


def test_gap_texts_exist_in_both_languages() -> None:
    for lang in ("en", "nl"):
        assert set(GAP_TEXT[lang]) == set(Gap)
    assert GAP_TEXT["en"][Gap.NO_BIC] != GAP_TEXT["nl"][Gap.NO_BIC]


def test_toml_profile_may_add_rest_operations(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        'title = "T"\noperations = ["EmployeeService.List_GetByCompany"]\n'
        'rest_operations = ["User.Info"]\n',
        encoding="utf-8",
    )
    profile = load_profile_file(path)["p"]
    assert profile.rest_operations == ("user.info",)
    assert "user.info.read" in profile.rest().scopes


def test_toml_profile_with_an_unknown_rest_operation_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        'title = "T"\noperations = ["EmployeeService.List_GetByCompany"]\n'
        'rest_operations = ["employees.absences"]\n',
        encoding="utf-8",
    )
    with pytest.raises(RequirementsError, match="unknown REST operation"):
        load_profile_file(path)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_requirements_show_rest_prints_the_scope_checklist(
    lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["requirements", "show", "integration", "--api", "rest", "--lang", lang]) == 0
    out = capsys.readouterr().out
    checked = {line.strip()[4:] for line in out.splitlines() if line.strip().startswith("[ ]")}
    assert checked == FACTS_MINIMUM_SCOPES
    for name in INTEGRATION_OPERATIONS:
        assert name in out
    assert GAP_TEXT[lang][Gap.NO_BIC] in out


def test_requirements_show_rest_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["requirements", "show", "integration", "--api", "rest", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["scopes"]) == FACTS_MINIMUM_SCOPES
    assert [r["soap_operation"] for r in data["replacements"]] == list(INTEGRATION_OPERATIONS)
