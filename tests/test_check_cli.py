"""`nmbrs-tui check`: exit codes, formats on stdout, progress on stderr, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from nmbrs_client.rights.report import load_schema
from tui.cli import main


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--demo", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_healthy_exit_0_json_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, "--company", "20001", "--company", "20002", "--format", "json")
    assert code == 0
    data = json.loads(out)  # nothing but the report on stdout
    jsonschema.validate(data, load_schema())
    assert data["exit_code"] == 0
    assert [c["id"] for c in data["companies"]] == [20001, 20002]
    assert "[account]" in err and "[done]" in err


def test_missing_rights_exit_1_markdown_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = check(
        capsys,
        "--scenario",
        "missing-rights",
        "--company",
        "20001",
        "--format",
        "markdown",
        "--lang",
        "nl",
        "--quiet",
    )
    assert code == 1
    assert out.startswith("# Controle API-rechten Nmbrs")
    assert "zet Department_GetCurrent, Function_GetCurrent" in out


def test_restricted_scope_named_company_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(
        capsys, "--scenario", "restricted-scope", "--company", "20005", "--format", "json", "-q"
    )
    assert code == 1
    data = json.loads(out)
    named = {r["status"] for r in data["results"] if r["company_id"] == 20005}
    assert named == {"not_visible"}
    # 20005 is in no list of this user: its column says so, and a visible company is added
    # as a column so the endpoint rights are still probed.
    probe = [c for c in data["companies"] if c["id"] != 20005]
    assert len(probe) == 1 and probe[0]["visible"] is True
    assert {r["status"] for r in data["results"] if r["company_id"] == probe[0]["id"]} == {
        "allowed"
    }
    assert any(a["check"] == "company" and "not visible" in a["message"] for a in data["account"])


@pytest.mark.parametrize("scenario,expected", [("bad-token", 2), ("no-subscription", 1)])
def test_account_problems(capsys: pytest.CaptureFixture[str], scenario: str, expected: int) -> None:
    code, out, _ = check(capsys, "--scenario", scenario, "--format", "text", "-q")
    assert code == expected
    assert "Account" in out


def test_thorough_and_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    code, out, err = check(
        capsys,
        "--company",
        "20001",
        "--thorough",
        "--format",
        "markdown",
        "--output",
        str(target),
        "--concurrency",
        "2",
    )
    assert code == 0 and out == ""
    assert str(target) in err
    text = target.read_text(encoding="utf-8")
    assert "thorough (every cell probed)" in text


def test_text_report_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, "--company", "20001", "-q")
    assert code == 0
    assert "Matrix (operations × companies)" in out
    assert "✓ allowed" in out and "Calls:" in out


def test_unknown_operation_in_requirements_file_is_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "req.toml"
    path.write_text(
        'title = "x"\noperations = ["EmployeeService.Function_GetCurent"]\n', encoding="utf-8"
    )
    code, out, err = check(capsys, "--requirements", str(path))
    assert code == 64 and out == ""
    assert "EmployeeService.Function_GetCurrent" in err


@pytest.mark.parametrize(
    "args", [["--concurrency", "0"], ["--format", "pdf"], ["--requirements", "nope"]]
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    try:
        code = main(["check", "--demo", *args])
    except SystemExit as exc:  # argparse choices
        code = int(exc.code or 0)
    capsys.readouterr()
    assert code == 64


def test_scenario_without_demo_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "check",
            "--scenario",
            "healthy",
            "--base-url",
            "http://127.0.0.1:9/soap/v3/",
            "--username",
            "a@b.nl",
        ]
    )
    capsys.readouterr()
    assert code == 64


def test_text_report_puts_the_fix_first_and_repeats_the_options_used(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["check", "--demo", "--scenario", "missing-rights", "--latency-ms", "0", "-q"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.index("What to change in Nmbrs") < out.index("Account") < out.index("Matrix")
    again = next(line for line in out.splitlines() if "Run the check again" in line)
    assert "`nmbrs-tui check --demo --scenario missing-rights`" in again


@pytest.mark.parametrize("api", ["soap", "rest"])
def test_the_run_again_command_repeats_the_companies_named(
    capsys: pytest.CaptureFixture[str], api: str
) -> None:
    import json

    import jsonschema

    from nmbrs_client.rights.report import load_schema

    named = ["20002", "20003"] if api == "soap" else ["2", "3"]
    argv = ["check", "--demo", "--api", api, "-q", "--company", named[0], "--company", named[1]]
    main(argv)  # the verdict is another test's business: this one is about the command
    out = capsys.readouterr().out
    again = next(line for line in out.splitlines() if "check again after the changes" in line)
    assert f"--company {named[0]} --company {named[1]}`" in again
    main([*argv, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, load_schema())
    assert data["environment"]["named_companies"] == named


def test_a_named_company_is_shell_quoted_in_the_run_again_command(demo_server: object) -> None:
    from nmbrs_client.rights.report import render
    from tests.test_rights_report import run

    report = run(demo_server).with_named_companies(["20001", "a b;rm -rf ~\x1b[2J"])
    for fmt in ("text", "markdown"):
        text = render(report, fmt, "en")
        again = next(line for line in text.splitlines() if "again after the changes" in line)
        assert "--company 20001 --company 'a b;rm -rf ~" in again
        assert "\x1b" not in again


def test_ctrl_c_says_what_was_done_and_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl+C during a long check: exit 130 with one line of what was done, never silence."""
    from nmbrs_client import connect as backend_module
    from nmbrs_client.exit_codes import ExitCode

    real_open = backend_module.open_backend

    def interrupted_open(settings: object) -> object:
        backend = real_open(settings)  # type: ignore[arg-type]
        real_prober = backend.rights_prober

        def prober(profile: object, options: object) -> object:
            inner = real_prober(profile, options)  # type: ignore[arg-type]

            class Interrupted:
                def run(self) -> None:
                    inner.run()  # some real work first, then the user presses Ctrl+C
                    raise KeyboardInterrupt

            return Interrupted()

        backend.rights_prober = prober  # type: ignore[method-assign,assignment]
        return backend

    monkeypatch.setattr(backend_module, "open_backend", interrupted_open)
    code = main(["check", "--demo", "--latency-ms", "0", "-q", "--thorough"])
    captured = capsys.readouterr()
    assert code == ExitCode.INTERRUPTED
    assert captured.out == ""
    line = next(ln for ln in captured.err.splitlines() if "interrupted" in ln)
    calls = int(line.split("after ")[1].split(" call")[0])
    cells, total = line.split("call(s) and ")[1].split(" cells")[0].split(" of ")
    assert calls > 0 and int(cells) == int(total) > 0 and "no report" in line
