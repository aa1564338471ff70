"""Requirement profiles: built-ins, case-insensitive names, files, closest-name errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from nmbrs_client.config_schema import AppConfig
from nmbrs_client.operations import OPERATIONS
from nmbrs_client.rights.requirements import (
    BUILTIN_PROFILES,
    RequirementsError,
    available_profiles,
    find_profile,
    resolve_operations,
)

SEED = [
    "BankAccount_GetListCurrent",
    "Department_GetCurrent",
    "Employment_GetAll_AllEmployeesByCompany",
    "Function_GetCurrent",
    "List_getByCompany",
    "PersonalInfo_GetCurrent",
    "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany",
    "Schedule_GetAll_AllEmployeesByCompany",
    "Salarydocuments_getannualstatementPDF",
]


def test_integration_profile_is_the_seed_list_in_nmbrs_casing() -> None:
    profile = BUILTIN_PROFILES["integration"]
    assert len(profile.operations) == 11
    employee = [f"EmployeeService.{name}" for name in SEED]
    company = [
        "CompanyService.Run_getlist",
        "CompanyService.SalaryDocuments_getEmployeepayslipsPDFbyRunCompany",
    ]
    assert profile.operations == resolve_operations(employee + company, "test")
    assert "EmployeeService.List_GetByCompany" in profile.qualified_names
    assert "EmployeeService.SalaryDocuments_GetAnnualStatementPDF" in profile.qualified_names
    groups = dict(profile.by_service())
    assert [op.service.value for op in profile.operations].count("EmployeeService") == 9
    assert len(groups) == 2


def test_app_profile_is_the_catalogue_without_environment_get() -> None:
    names = BUILTIN_PROFILES["app"].qualified_names
    assert "DebtorService.Environment_Get" not in names
    assert len(names) == len(OPERATIONS) - 1


def test_unknown_operation_names_the_closest_real_one(tmp_path: Path) -> None:
    with pytest.raises(RequirementsError) as err:
        resolve_operations(["EmployeeService.Departmen_GetCurrent"], "here")
    assert "EmployeeService.Department_GetCurrent" in str(err.value)
    path = tmp_path / "acme.toml"
    path.write_text(
        'title = "Acme"\noperations = ["Employee.List_getbycompany", '
        '"CompanyService.Run_GetLst"]\n',
        encoding="utf-8",
    )
    with pytest.raises(RequirementsError) as err:
        find_profile(str(path))
    assert "CompanyService.Run_GetList" in str(err.value)


def test_profile_from_file_and_config(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(
        'title = "Acme HR"\ndescription = "d"\noperations = '
        '["employee.list_getbycompany", "EmployeeService.PersonalInfo_GetCurrent"]\n',
        encoding="utf-8",
    )
    profile = find_profile(str(path))
    assert profile.name == "acme" and profile.title == "Acme HR"
    assert profile.qualified_names == [
        "EmployeeService.List_GetByCompany",
        "EmployeeService.PersonalInfo_GetCurrent",
    ]
    multi = tmp_path / "multi.toml"
    multi.write_text(
        '[requirements.a]\ntitle = "A"\noperations = ["Run_GetList"]\n'
        '[requirements.b]\ntitle = "B"\noperations = ["Function_GetCurrent"]\n',
        encoding="utf-8",
    )
    with pytest.raises(RequirementsError):
        find_profile(str(multi))
    assert find_profile(f"{multi}:b").qualified_names == ["EmployeeService.Function_GetCurrent"]
    config = AppConfig.model_validate(
        {
            "requirements": {
                "payroll": {"title": "Payroll", "operations": ["CompanyService.run_getlist"]}
            }
        }
    )
    assert find_profile("payroll", config).qualified_names == ["CompanyService.Run_GetList"]
    assert set(available_profiles(config)) == {"integration", "app", "payroll"}
    with pytest.raises(RequirementsError) as err:
        find_profile("nope", config)
    assert "integration" in str(err.value)
