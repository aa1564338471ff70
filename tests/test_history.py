"""The check history: schema and migrations, privacy, concurrency, damage, retention."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nmbrs_client import history as history_module
from nmbrs_client.history import (
    MIGRATIONS,
    SCHEMA_VERSION,
    CheckedWorld,
    CheckRecord,
    History,
    HistoryError,
    StoredCell,
    StoredCompany,
    history_path,
)
from nmbrs_client.rights.results import RightsReport
from tests.config_isolation import isolate_state


@pytest.fixture()
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_state(tmp_path, monkeypatch)


ACME_SOAP = CheckedWorld("acme", "soap", "production")


def _record(profile: str = "acme", status: str = "allowed", **extra: object) -> CheckRecord:
    values: dict[str, object] = {
        "checked_at": datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        "profile": profile,
        "api": "soap",
        "environment": "production",
        "requirements": "integration",
        "exit_code": 0 if status == "allowed" else 1,
        "calls": 12,
        "duration_ms": 800.0,
        "tool_version": "0.1.0",
        "cells": (
            StoredCell(
                "EmployeeService", "Function_GetCurrent", "1", "20001", status, "probed", None
            ),
        ),
        "companies": (StoredCompany("1", "20001", "Acme B.V.", True),),
    }
    values.update(extra)
    return CheckRecord(**values)  # type: ignore[arg-type]


def test_the_history_lives_in_the_state_dir_private_in_wal_mode(state: Path) -> None:
    history = History()
    check_id = history.add(_record())
    path = history_path()
    assert path.is_relative_to(state)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    stored = history.get(check_id)
    assert stored is not None
    assert stored.cells == _record().cells and stored.companies == _record().companies
    assert stored.to_dict()["exit_code"] == 0


def test_a_history_of_schema_version_1_migrates_and_keeps_its_checks(state: Path) -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute(
            "INSERT INTO checks (checked_at, profile, api, environment, requirements, exit_code,"
            " calls, duration_ms, tool_version) VALUES"
            " ('2026-11-30T08:00:00+00:00', 'acme', 'soap', 'production', 'integration', 1, 9,"
            " 500.0, '0.0.9')"
        )
        conn.execute(
            "INSERT INTO cells VALUES (1, 'EmployeeService', 'Function_GetCurrent', '1', '20001',"
            " 'endpoint_denied', 'probed', 1002)"
        )
        conn.execute("PRAGMA user_version = 1")
    history = History(path)
    old = history.get(1)
    assert old is not None and old.exit_code == 1 and old.granted_scopes is None
    assert [c.status for c in old.cells] == ["endpoint_denied"] and old.companies == ()
    history.add(_record())
    assert [c.id for c in history.checks("acme")] == [2, 1]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_history_from_a_newer_version_is_refused_not_rewritten(state: Path) -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(HistoryError, match="newer"):
        History().add(_record())


def test_a_damaged_file_is_one_history_error_with_what_to_do(state: Path) -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError) as caught:
        History().add(_record())
    assert "move" in caught.value.hint and str(path) in caught.value.hint


def test_retention_keeps_the_newest_per_profile(state: Path) -> None:
    history = History()
    for _ in range(5):
        history.add(_record("acme"), keep=3)
    history.add(_record("other"), keep=3)
    assert len(history.checks("acme")) == 3
    assert [c.id for c in history.checks("acme")] == [5, 4, 3]
    assert len(history.checks("other")) == 1
    assert history.get(1) is None  # its cells went with it (cascade)
    assert history.prune(keep=1) == 2
    assert [c.id for c in history.checks()] == [6, 5]


def test_find_last_a_number_and_a_date(state: Path) -> None:
    history = History()
    first = history.add(_record(checked_at=datetime(2026, 11, 2, 10, 0, tzinfo=UTC)))
    second = history.add(_record(status="endpoint_denied"))
    assert (found := history.find("last", ACME_SOAP)) is not None and found.id == second
    before = history.find("last", ACME_SOAP, before=second)
    assert before is not None and before.id == first
    assert (by_day := history.find("2026-11-15", ACME_SOAP)) is not None
    assert by_day.id == first
    assert history.find("2026-11-01", ACME_SOAP) is None
    assert history.find("last", CheckedWorld("acme", "rest", "production")) is None
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        history.find("yesterday", ACME_SOAP)


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from nmbrs_client.history import CheckRecord, History, StoredCell
    cells = tuple(
        StoredCell("S", f"Op{i}", "1", None, "allowed", "probed", None) for i in range(20)
    )
    history = History()
    for n in range(int(sys.argv[2])):
        history.add(CheckRecord(datetime.now(UTC), sys.argv[1], "soap", None, "integration",
                                0, 1, 1.0, "test", cells=cells), keep=1000)
    """
)


def test_processes_writing_at_once_lose_no_row(state: Path) -> None:
    """Four writers on a new file: the WAL switch and the schema must wait for each other too."""
    runs = 40
    names = ("one", "two", "three", "four")
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, name, str(runs)], stderr=subprocess.PIPE)
        for name in names
    ]
    for writer in writers:
        _out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    history = History()
    assert [len(history.checks(name)) for name in names] == [runs] * len(names)
    with sqlite3.connect(history_path()) as conn:
        assert conn.execute("SELECT COUNT(*) FROM cells").fetchone()[0] == len(names) * runs * 20


def test_a_file_busy_at_opening_is_retried_not_lost(
    state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite may refuse the WAL switch or the schema step at once, without waiting: retried."""
    real_migrate = history_module.migrate
    refusals = iter([sqlite3.OperationalError("database is locked")] * 2)
    pauses: list[float] = []

    def migrate_after_refusals(conn: sqlite3.Connection) -> int:
        refusal = next(refusals, None)
        if refusal is not None:
            raise refusal
        return real_migrate(conn)

    monkeypatch.setattr(history_module, "migrate", migrate_after_refusals)
    monkeypatch.setattr("nmbrs_client.history.time_module.sleep", pauses.append)
    History().add(_record())
    assert len(pauses) == 2
    assert len(History().checks("acme")) == 1


def test_a_file_that_stays_busy_is_one_history_error(
    state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter(range(0, 10_000, 5))  # seconds on a fake monotonic clock

    def always_locked(conn: sqlite3.Connection) -> int:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(history_module, "migrate", always_locked)
    monkeypatch.setattr("nmbrs_client.history.time_module.monotonic", lambda: float(next(clock)))
    monkeypatch.setattr("nmbrs_client.history.time_module.sleep", lambda _s: None)
    with pytest.raises(HistoryError, match="database is locked"):
        History().add(_record())


def test_the_short_summary_counts_in_words_that_agree_with_the_number() -> None:
    from nmbrs_client.rights.changes import compare, short_summary

    companies = tuple(StoredCompany(str(i), f"2000{i}", None, True) for i in (1, 2, 3))
    before = _record(companies=companies, granted_scopes=("a.read", "b.read", "c.read"))
    after = _record(companies=companies[:1], granted_scopes=("a.read", "b.read"))
    assert short_summary(compare(before, after)) == "2 companies left, 1 scope lost"
    assert short_summary(compare(after, before), "nl") == "2 bedrijven erbij, 1 scope erbij"


def test_a_version_2_history_opens_and_its_demo_checks_of_unknown_scenario_compare_with_none(
    state: Path,
) -> None:
    """Checks recorded before the demo scenario was are kept and listed; a demo one among
    them cannot be told from another scenario's, so it is nobody's baseline. A check of a
    real environment compares as before (its world has no scenario)."""
    path = history_path()
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        for step in MIGRATIONS[:2]:
            conn.executescript(step)
        for environment in ("demo", "production"):
            conn.execute(
                "INSERT INTO checks (checked_at, profile, api, environment, requirements, "
                "exit_code, calls, duration_ms, tool_version) VALUES ('2026-11-30T08:00:00+00:00',"
                f" 'acme', 'soap', '{environment}', 'integration', 0, 9, 500.0, '0.0.9')"
            )
        conn.execute("PRAGMA user_version = 2")
    history = History(path)
    old_demo, old_production = history.get(1), history.get(2)
    assert old_demo is not None and old_demo.scenario is None and not old_demo.world.comparable
    assert old_production is not None and old_production.world.comparable
    healthy = CheckedWorld("acme", "soap", "demo", "healthy")
    assert history.find("last", healthy) is None  # the old demo check is not of "healthy"
    assert history.find("2026-12-01", healthy) is None
    assert history.find("last", ACME_SOAP) == old_production  # production: as before
    assert healthy.differs_from(old_demo.world) == "its demo scenario was not recorded"
    new = history.add(_record(environment="demo", scenario="healthy"))
    found = history.find("last", healthy)
    assert found is not None and found.id == new and found.scenario == "healthy"
    assert history.find("last", healthy, before=new) is None
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4


def test_a_demo_check_records_its_scenario_and_a_real_one_records_none() -> None:
    from types import SimpleNamespace

    from nmbrs_client.history import world_of_settings
    from nmbrs_client.ids import ApiKind

    def settings(environment: str, scenario: str | None) -> SimpleNamespace:
        return SimpleNamespace(
            profile_name="acme", api=ApiKind.REST, environment=environment, scenario=scenario
        )

    assert world_of_settings(settings("demo", "flaky")) == CheckedWorld(
        "acme", "rest", "demo", "flaky"
    )
    assert world_of_settings(settings("production", "flaky")).scenario is None
    missing = world_of_settings(settings("demo", "missing-rights"))
    assert missing.differs_from(world_of_settings(settings("demo", "flaky"))) == (
        "it is of demo scenario flaky, not missing-rights"
    )
    assert missing.nothing_to_compare() == (
        "no earlier check of demo scenario missing-rights to compare"
    )


def _gateway_refused_report() -> RightsReport:
    """A REST check whose every call the API gateway refused: not established, no stop."""
    from nmbrs_client.ids import ApiKind
    from nmbrs_client.rights.classify import Status
    from nmbrs_client.rights.requirements import BUILTIN_PROFILES
    from nmbrs_client.rights.results import AccountResult, CheckMode

    return RightsReport(
        datetime(2026, 12, 7, tzinfo=UTC),
        {"profile": "acme"},
        BUILTIN_PROFILES["integration"],
        CheckMode.DEFAULT,
        4,
        account=[
            AccountResult("debtors", Status.ERROR, "refused", error_kind="gateway"),
            AccountResult("companies", Status.ERROR, "refused", error_kind="gateway"),
        ],
        api=ApiKind.REST,
    )


def test_a_check_not_established_keeps_its_cause_and_says_it_in_the_exit_2_words(
    state: Path,
) -> None:
    """A check that exits 2 without a stop (the gateway refused it) keeps why, so the last
    check is said in the words of the report's own verdict, not "not established" alone."""
    from nmbrs_client.exit_codes import EXIT_2_CAUSES, verdict_words
    from nmbrs_client.history import record_of
    from nmbrs_client.rights.findings import verdict_causes

    report = _gateway_refused_report()
    history = History()
    check_id = history.add(record_of(report, "acme", "0.1.0", verdict_causes(report)))
    stored = history.get(check_id)
    (listed,) = history.checks("acme")
    assert stored is not None and stored.exit_code == 2 and stored.stopped is None
    assert stored.causes == listed.causes == ("gateway",)
    assert stored.to_dict()["causes"] == ["gateway"]
    words = verdict_words(stored.exit_code, stored.verdict_causes)
    assert EXIT_2_CAUSES["en"]["gateway"][1] in words
    stopped = history.get(history.add(_record(exit_code=2, stopped="connect")))
    assert stopped is not None and stopped.verdict_causes == ("connect",)


def test_a_history_of_schema_version_3_loads_its_checks_without_a_cause(state: Path) -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        for step in MIGRATIONS[:3]:
            conn.executescript(step)
        conn.execute(
            "INSERT INTO checks (checked_at, profile, api, environment, requirements, exit_code,"
            " calls, duration_ms, tool_version, granted_scopes, stopped, scenario) VALUES"
            " ('2026-11-30T08:00:00+00:00', 'acme', 'rest', 'production', 'integration', 2, 3,"
            " 500.0, '0.0.9', NULL, NULL, NULL)"
        )
        conn.execute("PRAGMA user_version = 3")
    history = History(path)
    old = history.get(1)
    assert old is not None and old.exit_code == 2 and old.causes == ()
    assert old.verdict_causes == ()  # said as "not established": nothing more is known
    assert [c.id for c in history.checks("acme")] == [1]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
