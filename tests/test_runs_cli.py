"""`nmbrs-tui runs` and the CLI's answers to bad input: one clear line, a meaningful exit code."""

from __future__ import annotations

import json

import pytest

from nmbrs_demo import DEMO_TOKEN
from nmbrs_demo.server import DemoServer
from tui.cli import main


@pytest.fixture
def demo_env(demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("NMBRS_TOKEN", DEMO_TOKEN)
    return [
        "--base-url",
        demo_server.base_url,
        "--username",
        "demo@example.com",
        "--domain",
        "demo",
    ]


def test_runs_lists_the_runs_of_a_year(
    demo_server: DemoServer, demo_env: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    world = demo_server.world
    company = world.companies()[0].ID
    year = world.today.year - 1
    assert (
        main(
            ["runs", *demo_env, "--company", str(company), "--year", str(year), "--format", "json"]
        )
        == 0
    )
    listed = json.loads(capsys.readouterr().out)
    assert [r["ID"] for r in listed] == [r.ID for r in world.runs(company, year)]


def test_a_year_with_no_runs_says_so(
    demo_env: list[str], demo_server: DemoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    company = demo_server.world.companies()[0].ID
    assert main(["runs", *demo_env, "--company", str(company), "--year", "2010"]) == 1
    err = capsys.readouterr().err
    assert "no payroll runs in 2010" in err and "--year" in err


def test_an_unknown_company_explains_the_scope_fault(
    demo_env: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["runs", *demo_env, "--company", "424242"]) == 1
    err = capsys.readouterr().err
    assert "2004" in err and "company filter" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["runs", "--demo", "--company", "abc"],
        ["runs", "--demo", "--company", "1", "--year", "twenty"],
        ["runs", "--demo", "--company", "1", "--year", "1850"],
        ["runs", "--demo", "--company", "-3"],
        ["runs", "--demo", "--profile", "acme", "--company", "1"],
        ["runs", "--scenario", "flaky", "--company", "1"],
        ["check", "--demo", "--company", "x1"],
        ["check", "--demo", "--base-url", "http://127.0.0.1:1/soap/v3/"],
        ["check", "--format", "pdf"],
        ["--no-such-flag"],
    ],
)
def test_bad_input_is_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 64
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err


def test_bad_token_exits_2(
    demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NMBRS_TOKEN", "wrong")
    assert (
        main(
            [
                "runs",
                "--base-url",
                demo_server.base_url,
                "--username",
                "demo@example.com",
                "--company",
                str(demo_server.world.companies()[0].ID),
            ]
        )
        == 2
    )
    assert "1001" in capsys.readouterr().err


def test_runs_text_has_a_header_row(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runs", "--demo", "--company", "20001"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Run", "id", "Run", "Periods", "Run", "at", "Status", "Description"]
    assert len(lines) > 1 and lines[1].split()[0].isdigit()
