"""The "Not verified" section says a reason shared by many operations once, naming them all.

With no employee to call them with (the ``no-employees`` demo), several operations are not
verified for one and the same reason; repeated per operation, that long reason buried which
operations it held for. The text and Markdown reports, in English and Dutch, on both APIs,
give it one line with every such operation named.
"""

from __future__ import annotations

import json

import pytest

from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.rights.report_words import say
from tui.cli import main


def _check(capsys: pytest.CaptureFixture[str], api: str, *args: str) -> tuple[int, str]:
    code = main(["check", "--demo", "--api", api, "--scenario", "no-employees", "-q", *args])
    return code, capsys.readouterr().out


def _section(report: str, heading: str) -> list[str]:
    """The bullet lines under ``heading`` (text: ``  - ``, Markdown: ``- ``)."""
    lines = report.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().lstrip("# ") == heading)
    bullets = []
    for line in lines[start + 1 :]:
        if line.strip().startswith("- "):
            bullets.append(line.strip()[2:])
        elif bullets:
            break
    return bullets


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("api", ["soap", "rest"])
def test_a_shared_reason_is_one_line_naming_every_operation(
    capsys: pytest.CaptureFixture[str], api: str, fmt: str, lang: str
) -> None:
    code, out = _check(capsys, api, "--format", "json")
    assert code == ExitCode.NOT_VERIFIED
    results = json.loads(out)["results"]
    unverified = [r for r in results if r["status"] == "not_verified"]
    operations = list(dict.fromkeys(f"{r['service']}.{r['operation']}" for r in unverified))
    reasons = {r["message"] for r in unverified}
    assert len(operations) > 1 and len(reasons) == 1  # what this demo gives
    code, report = _check(capsys, api, "--format", fmt, "--lang", lang)
    assert code == ExitCode.NOT_VERIFIED
    [line] = _section(report, say(lang, "not_verified_heading"))
    for operation in operations:
        assert operation.replace("_", "\\_") in line or operation in line, (operation, line)
    assert say(lang, "not_verified_group", why="", n=len(operations), ops="").strip() in line
