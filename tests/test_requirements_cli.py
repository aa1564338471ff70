"""`nmbrs-tui requirements list|show`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main


def test_list_shows_builtins_and_config_profiles(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[requirements.payroll]\ntitle = "Payroll export"\n'
        'operations = ["CompanyService.Run_GetList"]\n',
        encoding="utf-8",
    )
    assert main(["requirements", "--config", str(config), "list"]) == 0
    out = capsys.readouterr().out
    assert "integration" in out and "app" in out and "Payroll export" in out
    assert "[built in]" in out and f"[{config}]" in out and "built-in" not in out


def test_show_groups_by_service_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["requirements", "show", "integration"]) == 0
    out = capsys.readouterr().out
    employee = out.index("Employee Service")
    company = out.index("Company Service")
    assert employee < out.index("[ ] List_GetByCompany") < company
    assert company < out.index("[ ] Run_GetList")
    assert out.count("[ ] ") == 11
    assert "User accounts → Template Users" in out
    assert main(["requirements", "show", "integration", "--lang", "nl"]) == 0
    nl = capsys.readouterr().out
    assert "Instellingen (hoogste niveau) → Gebruikersaccounts → Template Users" in nl
    assert "Salaris-/HR-koppeling" in nl and "Payroll/HR" not in nl
    # where the profile is defined, in words of the reader's language
    assert "Defined in: nmbrs-tui itself (built in)" in out
    assert "Vastgelegd in: nmbrs-tui zelf (ingebouwd)" in nl
    assert "built-in" not in out + nl and "Bron" not in nl


def test_show_json_and_unknown(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["requirements", "show", "app", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "DebtorService.Environment_Get" not in data["operations"]
    path = tmp_path / "bad.toml"
    path.write_text('title = "x"\noperations = ["Employee.List_getByCompanyy"]\n', encoding="utf-8")
    assert main(["requirements", "show", str(path)]) == 64
    assert "EmployeeService.List_GetByCompany" in capsys.readouterr().err
    assert main(["requirements", "show", "nope"]) == 64
