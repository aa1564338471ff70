"""Clean exit: a hang-up ends the dashboard with a non-zero status, a crash leaves a private log."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bench.hangup import one_hangup
from nmbrs_client.exit_codes import ExitCode
from tui.crash import crash_line, write_crash_log


def test_sighup_with_an_unread_terminal_ends_the_process_non_zero() -> None:
    # The terminal is no longer read (a frozen SSH session) when SIGHUP arrives; the process
    # must still go. (How fast is measured by `make bench`, not asserted here.)
    result = one_hangup(timeout_s=30.0)
    assert result["first_frame_seen"] == 1
    assert result["exit_s"] is not None, "still running 30 s after SIGHUP"
    assert result["returncode"] not in (0, None)


def test_crash_log_is_private_and_holds_no_locals(tmp_path: Path) -> None:
    customer = "-".join(["Jan", "de", "Vries"])  # built at run time: not in any source line

    def explode(name: str) -> None:
        secret_local = name.upper()  # noqa: F841 - a local: must not reach the log
        raise ValueError("boom")

    try:
        explode(customer)
    except ValueError as error:
        log = write_crash_log(error, directory=tmp_path / "crashes")
        line = crash_line(error, log)
    assert log is not None
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text()
    assert "ValueError: boom" in text and "explode" in text
    assert customer not in text and customer.upper() not in text
    assert line == f"nmbrs-tui: unexpected error (ValueError); the traceback is in {log}"


async def test_an_unexpected_exception_exits_70_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Static

    from tui.app import NmbrsApp

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    app = NmbrsApp()
    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            # A handler that blows up with customer data in its locals.
            customer = "Bakkerij de Vries B.V."  # noqa: F841
            app.call_later(lambda: (_ for _ in ()).throw(RuntimeError("handler bug")))
            await pilot.pause()
            await pilot.pause()
            app.query_one("#status", Static)
    assert app.return_code == ExitCode.CRASH
    assert app.crash_message is not None and "RuntimeError" in app.crash_message
    logs = list((tmp_path / "nmbrs-tui" / "crashes").glob("crash-*.log"))
    assert len(logs) == 1 and "handler bug" in logs[0].read_text()
    assert str(logs[0]) in app.crash_message
