"""The local history of finished rights checks, so "it worked last week" can be answered.

One SQLite file in the user's state directory (0600 in a 0700 folder). It keeps what a check
decided, never what it read: per cell the operation or REST call, the company id and number,
the status, the basis and the fault code, and per check when, which profile, API and
environment (for the demo, which scenario), the requirement profile, the exit code, the call
count, the duration and the tool version. No employee data, no secret, company names only as
the report shows them.

Two checks compare only when they looked at one world (:class:`CheckedWorld`): the same
profile, API and environment and, for the demo, the same scenario, since each demo scenario
is a different Nmbrs. A demo check recorded before the scenario was (an older history file)
compares with none.

Several checks may finish at once (``check --all-profiles``, two terminals): WAL mode and a
busy time-out let each write wait for the other instead of losing a row. The schema carries
its version in ``PRAGMA user_version`` and grows only through :data:`MIGRATIONS`, so a file
written by any earlier version opens. Any trouble with the file is a :class:`HistoryError`
with a hint; a caller that records a check warns and carries on.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time as time_module
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from nmbrs_client import locations
from nmbrs_client.errors import NmbrsError
from nmbrs_client.private_file import ensure_private_dir
from nmbrs_client.textsafe import line

HISTORY_FILE_NAME = "history.sqlite3"
DEFAULT_KEEP = 50  # checks kept per profile
BUSY_TIMEOUT_MS = 15_000  # a writer waits this long for another before giving up
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}

# Each entry brings the schema from version i to i + 1; never edit a released entry, add one.
MIGRATIONS: tuple[str, ...] = (
    # 1: checks and their cells
    """
    CREATE TABLE checks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        checked_at TEXT NOT NULL,
        profile TEXT NOT NULL,
        api TEXT NOT NULL,
        environment TEXT,
        requirements TEXT NOT NULL,
        exit_code INTEGER NOT NULL,
        calls INTEGER NOT NULL,
        duration_ms REAL NOT NULL,
        tool_version TEXT NOT NULL
    );
    CREATE TABLE cells (
        check_id INTEGER NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
        service TEXT NOT NULL,
        operation TEXT NOT NULL,
        company_id TEXT NOT NULL,
        company_number TEXT,
        status TEXT NOT NULL,
        basis TEXT NOT NULL,
        fault_code INTEGER
    );
    CREATE INDEX cells_by_check ON cells(check_id);
    """,
    # 2: the companies in scope and the granted scopes, so a diff can say what came and went
    """
    ALTER TABLE checks ADD COLUMN granted_scopes TEXT;
    ALTER TABLE checks ADD COLUMN stopped TEXT;
    CREATE TABLE companies (
        check_id INTEGER NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
        company_id TEXT NOT NULL,
        number TEXT,
        name TEXT,
        visible INTEGER
    );
    CREATE INDEX companies_by_check ON companies(check_id);
    CREATE INDEX checks_by_profile ON checks(profile, api, id);
    """,
    # 3: the demo scenario a check ran against, so only checks of one scenario are compared
    """
    ALTER TABLE checks ADD COLUMN scenario TEXT;
    """,
    # 4: why a check exits 2 when it did not stop (a gateway refusal, server errors), as its
    # report's verdict names it; NULL in checks kept before (their cause is not known)
    """
    ALTER TABLE checks ADD COLUMN causes TEXT;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(NmbrsError):
    """The history file cannot be read or written (damaged, locked, no permission)."""


def history_path() -> Path:
    return locations.history_dir() / HISTORY_FILE_NAME


@dataclass(frozen=True)
class StoredCell:
    service: str
    operation: str
    company_id: str
    company_number: str | None
    status: str
    basis: str
    fault_code: int | None

    @property
    def qualified_name(self) -> str:
        return f"{self.service}.{self.operation}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.qualified_name,
            "company_id": self.company_id,
            "company_number": self.company_number,
            "status": self.status,
            "basis": self.basis,
            "fault_code": self.fault_code,
        }


@dataclass(frozen=True)
class StoredCompany:
    company_id: str
    number: str | None
    name: str | None
    visible: bool | None

    def label(self) -> str:
        head = self.number or self.company_id
        return f"{head} {self.name}" if self.name else head


DEMO_ENVIRONMENT = "demo"


@dataclass(frozen=True)
class CheckedWorld:
    """What a check looked at: one profile's environment over one API and, for the demo, one
    scenario. Only checks of one world are compared ("changed since")."""

    profile: str
    api: str
    environment: str | None
    scenario: str | None = None

    @property
    def is_demo(self) -> bool:
        return self.environment == DEMO_ENVIRONMENT

    @property
    def comparable(self) -> bool:
        """False for a demo check whose scenario is not known: it compares with none."""
        return not (self.is_demo and self.scenario is None)

    def nothing_to_compare(self) -> str:
        """Why there is no earlier check to compare with (a note, lower case)."""
        if self.is_demo and self.scenario is None:
            return "the demo scenario of this check was not recorded: nothing to compare"
        return f"no earlier check of {self.in_words()} to compare"

    def in_words(self) -> str:
        """This world in words: "demo scenario healthy", else "this profile, API and
        environment"."""
        if self.is_demo:
            return f"demo scenario {line(self.scenario or '?')}"
        return "this profile, API and environment"

    def differs_from(self, other: CheckedWorld) -> str:
        """How ``other`` is another world than this one ("" when it is this one)."""
        if not other.comparable:
            return "its demo scenario was not recorded"
        for what, mine, theirs in (
            ("profile", self.profile, other.profile),
            ("API", self.api, other.api),
            ("environment", self.environment, other.environment),
            ("demo scenario", self.scenario, other.scenario),
        ):
            if mine != theirs:
                return f"it is of {what} {line(theirs or '-')}, not {line(mine or '-')}"
        return ""


def world_of_settings(settings: Any) -> CheckedWorld:
    """The world a check with ``settings`` looks at (its profile, API, environment, scenario)."""
    environment = str(getattr(settings, "environment", "") or "") or None
    return CheckedWorld(
        profile=profile_key(getattr(settings, "profile_name", None)),
        api=str(settings.api.value),
        environment=environment,
        scenario=_scenario(environment, getattr(settings, "scenario", None)),
    )


def _scenario(environment: str | None, scenario: object) -> str | None:
    """The scenario worth keeping: the demo's (named or a scenario file), else none."""
    return str(scenario) if environment == DEMO_ENVIRONMENT and scenario else None


@dataclass(frozen=True)
class CheckRecord:
    """One finished check as the history keeps it (``id`` is 0 until stored)."""

    checked_at: datetime
    profile: str
    api: str
    environment: str | None
    requirements: str
    exit_code: int
    calls: int
    duration_ms: float
    tool_version: str
    granted_scopes: tuple[str, ...] | None = None
    stopped: str | None = None
    # why it exits 2 (``exit_codes.EXIT_2_CAUSES`` keys, as ``findings.verdict_causes`` gives
    # them); empty for any other exit and for a check kept before causes were
    causes: tuple[str, ...] = ()
    cells: tuple[StoredCell, ...] = ()
    companies: tuple[StoredCompany, ...] = ()
    id: int = 0
    scenario: str | None = None  # the demo's; None elsewhere (and in older histories)

    @property
    def world(self) -> CheckedWorld:
        return CheckedWorld(self.profile, self.api, self.environment, self.scenario)

    @property
    def verdict_causes(self) -> tuple[str, ...]:
        """The causes its verdict is said with: those kept, else (a check kept before causes
        were) its stop reason, else none ("not established")."""
        if self.causes:
            return self.causes
        return (self.stopped,) if self.stopped else ()

    @property
    def local_when(self) -> str:
        """When the check ran, in this machine's time zone, to the minute (as every view shows it)."""
        return self.checked_at.astimezone().strftime("%Y-%m-%d %H:%M")

    def to_dict(self, *, with_cells: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "checked_at": self.checked_at.isoformat(timespec="seconds"),
            "profile": self.profile,
            "api": self.api,
            "environment": self.environment,
            "scenario": self.scenario,
            "requirements": self.requirements,
            "exit_code": self.exit_code,
            "calls": self.calls,
            "duration_ms": round(self.duration_ms, 1),
            "tool_version": self.tool_version,
            "granted_scopes": None if self.granted_scopes is None else list(self.granted_scopes),
            "stopped": self.stopped,
            "causes": list(self.causes),
        }
        if with_cells:
            data["companies"] = [
                {"id": c.company_id, "number": c.number, "name": c.name, "visible": c.visible}
                for c in self.companies
            ]
            data["cells"] = [c.to_dict() for c in self.cells]
        return data


NO_PROFILE = "-"  # a check run from flags alone, without a profile


def profile_key(name: str | None) -> str:
    """The profile a check is filed under (``-`` for one without a profile)."""
    return name or NO_PROFILE


def keep_of(config: Any) -> int:
    """The checks kept per profile: config.toml's ``history_keep``, else :data:`DEFAULT_KEEP`."""
    kept = getattr(config, "history_keep", None)
    return int(kept) if kept else DEFAULT_KEEP


def record_report(
    report: Any,
    tool_version: str,
    path: Path | None = None,
    keep: int = DEFAULT_KEEP,
    causes: Sequence[str] = (),
) -> int:
    """Store a finished report under its own profile, keeping the newest ``keep`` checks of
    that profile; its history id (or a HistoryError). ``causes``: see :func:`record_of`."""
    profile = profile_key((report.environment or {}).get("profile"))
    return History(path).add(record_of(report, profile, tool_version, causes), keep)


def record_of(
    report: Any, profile: str, tool_version: str, causes: Sequence[str] = ()
) -> CheckRecord:
    """What the history keeps of a :class:`~nmbrs_client.rights.results.RightsReport`;
    ``causes``, why it exits 2 (``rights.findings.verdict_causes``: the history is below the
    rights check, so its caller says them)."""
    numbers = {str(c.id): c.number for c in report.companies}
    env = report.environment.get("environment") if report.environment else None
    scenario = report.environment.get("scenario") if report.environment else None
    checked_at = report.checked_at
    if checked_at.tzinfo is None:
        checked_at = checked_at.astimezone()
    return CheckRecord(
        checked_at=checked_at.astimezone(UTC),
        profile=profile,
        api=str(report.api.value),
        environment=None if env is None else str(env),
        scenario=_scenario(None if env is None else str(env), scenario),
        requirements=str(report.requirements.name),
        exit_code=int(report.exit_code),
        calls=int(report.calls),
        duration_ms=float(report.elapsed_ms),
        tool_version=tool_version,
        granted_scopes=None if report.granted_scopes is None else tuple(report.granted_scopes),
        stopped=None if report.stopped is None else str(report.stopped.value),
        causes=tuple(causes),
        cells=tuple(
            StoredCell(
                service=c.service,
                operation=c.operation,
                company_id=str(c.company_id),
                company_number=numbers.get(str(c.company_id)),
                status=str(c.status.value),
                basis=str(c.basis),
                fault_code=c.fault_code,
            )
            for c in report.cells
        ),
        companies=tuple(
            StoredCompany(company_id=str(c.id), number=c.number, name=c.name, visible=c.visible)
            for c in report.companies
        ),
    )


def _trouble(path: Path, exc: BaseException) -> HistoryError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return HistoryError(
        f"check history {path} cannot be used: {reason}",
        hint=f"move {path} aside; a new history starts with the next check",
    )


def _prepare_file(path: Path) -> None:
    """The folder 0700 and the file 0600 before SQLite opens it (SQLite would use the umask)."""
    ensure_private_dir(path.parent, tighten=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`, one migration per step; the version now."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"written by a newer nmbrs-tui (schema {version}, this one knows {SCHEMA_VERSION})"
        )
    for step in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        again = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if again != step:  # another process migrated meanwhile
            conn.execute("ROLLBACK")
            return migrate(conn)
        for statement in MIGRATIONS[step].split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {step + 1}")
        conn.execute("COMMIT")
    return SCHEMA_VERSION


def _is_busy(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in _BUSY_CODES or "locked" in str(exc)


def _open_ready(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode on the current schema, waiting out other processes.

    Switching a new file to WAL and migrating need the file to themselves; SQLite answers "database
    is locked" at once there instead of calling the busy handler, so that step is retried here
    until the busy time-out has passed.
    """
    deadline = time_module.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
            return conn
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()
            if not _is_busy(exc) or time_module.monotonic() + pause > deadline:
                raise
        time_module.sleep(pause)
        pause = min(pause * 2, 0.2)


class History:
    """The history file; every method opens, uses and closes its own connection."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else history_path()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            _prepare_file(self.path)
            conn = _open_ready(self.path)
        except (OSError, sqlite3.Error) as exc:
            raise _trouble(self.path, exc) from None
        try:
            yield conn
        except (OSError, sqlite3.Error) as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise _trouble(self.path, exc) from None
        finally:
            conn.close()

    # ------------------------------------------------------------------ writing
    def add(self, record: CheckRecord, keep: int = DEFAULT_KEEP) -> int:
        """Store one check and drop the oldest of its profile beyond ``keep``; its id."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            cur = conn.execute(
                "INSERT INTO checks (checked_at, profile, api, environment, requirements, "
                "exit_code, calls, duration_ms, tool_version, granted_scopes, stopped, scenario, "
                "causes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.checked_at.isoformat(timespec="seconds"),
                    record.profile,
                    record.api,
                    record.environment,
                    record.requirements,
                    record.exit_code,
                    record.calls,
                    record.duration_ms,
                    record.tool_version,
                    None if record.granted_scopes is None else json.dumps(record.granted_scopes),
                    record.stopped,
                    record.scenario,
                    json.dumps(record.causes) if record.causes else None,
                ),
            )
            check_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        check_id,
                        c.service,
                        c.operation,
                        c.company_id,
                        c.company_number,
                        c.status,
                        c.basis,
                        c.fault_code,
                    )
                    for c in record.cells
                ],
            )
            conn.executemany(
                "INSERT INTO companies VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        check_id,
                        c.company_id,
                        c.number,
                        c.name,
                        None if c.visible is None else int(c.visible),
                    )
                    for c in record.companies
                ],
            )
            self._prune(conn, keep, record.profile)
            conn.execute("COMMIT")
            return check_id

    def prune(self, keep: int = DEFAULT_KEEP, profile: str | None = None) -> int:
        """Keep the newest ``keep`` checks per profile (or of one profile); how many went."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            gone = self._prune(conn, keep, profile)
            conn.execute("COMMIT")
            return gone

    @staticmethod
    def _prune(conn: sqlite3.Connection, keep: int, profile: str | None) -> int:
        keep = max(keep, 0)
        where, params = ("WHERE profile = ?", (profile,)) if profile is not None else ("", ())
        cur = conn.execute(
            "DELETE FROM checks WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER "
            f"(PARTITION BY profile ORDER BY id DESC) AS n FROM checks {where}) WHERE n > ?)",
            (*params, keep),
        )
        return int(cur.rowcount)

    # ------------------------------------------------------------------ reading
    def checks(
        self, profile: str | None = None, api: str | None = None, limit: int | None = None
    ) -> list[CheckRecord]:
        """Checks newest first, without their cells."""
        sql, params = _filtered("SELECT * FROM checks", profile, api)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(limit, 0))
        with self._connect() as conn:
            conn.row_factory = sqlite3.Row
            return [_check_of(row) for row in conn.execute(sql, params)]

    def get(self, check_id: int) -> CheckRecord | None:
        """One check with its cells and companies."""
        with self._connect() as conn:
            conn.row_factory = sqlite3.Row
            row = conn.execute("SELECT * FROM checks WHERE id = ?", (check_id,)).fetchone()
            if row is None:
                return None
            cells = tuple(
                StoredCell(
                    service=r["service"],
                    operation=r["operation"],
                    company_id=r["company_id"],
                    company_number=r["company_number"],
                    status=r["status"],
                    basis=r["basis"],
                    fault_code=r["fault_code"],
                )
                for r in conn.execute(
                    "SELECT * FROM cells WHERE check_id = ? ORDER BY rowid", (check_id,)
                )
            )
            companies = tuple(
                StoredCompany(
                    company_id=r["company_id"],
                    number=r["number"],
                    name=r["name"],
                    visible=None if r["visible"] is None else bool(r["visible"]),
                )
                for r in conn.execute(
                    "SELECT * FROM companies WHERE check_id = ? ORDER BY rowid", (check_id,)
                )
            )
        base = _check_of(row)
        return CheckRecord(**{**base.__dict__, "cells": cells, "companies": companies})

    def find(self, ref: str, world: CheckedWorld, before: int | None = None) -> CheckRecord | None:
        """The check ``ref`` names: ``last`` (of ``world``, before id ``before``), a history
        id (of any world: see :meth:`CheckedWorld.differs_from`), or a date (the last check of
        ``world`` on or before that day, local time). A world that compares with none
        (:attr:`CheckedWorld.comparable`) finds no ``last`` and no date."""
        ref = ref.strip()
        if ref.isdigit():
            return self.get(int(ref))
        if not world.comparable:
            return None
        sql, params = _filtered("SELECT id FROM checks", world.profile, world.api)
        sql += " AND environment IS ? AND scenario IS ?"
        params += [world.environment, world.scenario]
        if before is not None:
            sql += " AND id < ?"
            params.append(before)
        if ref != "last":
            day = parse_day(ref)
            end = datetime.combine(day + timedelta(days=1), time(), tzinfo=None).astimezone(UTC)
            sql += " AND checked_at < ?"
            params.append(end.isoformat(timespec="seconds"))
        sql += " ORDER BY id DESC LIMIT 1"
        with self._connect() as conn:
            row = conn.execute(sql, params).fetchone()
        return None if row is None else self.get(int(row[0]))


def parse_day(text: str) -> date:
    """``YYYY-MM-DD``; a :class:`ValueError` names what is accepted."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not last, a history number or a date (YYYY-MM-DD)") from None


def _filtered(sql: str, profile: str | None, api: str | None) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if profile is not None:
        clauses.append("profile = ?")
        params.append(profile)
    if api is not None:
        clauses.append("api = ?")
        params.append(api)
    return f"{sql} WHERE {' AND '.join(clauses)}", params


def _check_of(row: sqlite3.Row) -> CheckRecord:
    scopes = row["granted_scopes"]
    return CheckRecord(
        id=int(row["id"]),
        checked_at=datetime.fromisoformat(row["checked_at"]),
        profile=row["profile"],
        api=row["api"],
        environment=row["environment"],
        requirements=row["requirements"],
        exit_code=int(row["exit_code"]),
        calls=int(row["calls"]),
        duration_ms=float(row["duration_ms"]),
        tool_version=row["tool_version"],
        granted_scopes=None if scopes is None else tuple(json.loads(scopes)),
        stopped=row["stopped"],
        scenario=row["scenario"],
        causes=_causes(row["causes"]),
    )


def _causes(text: str | None) -> tuple[str, ...]:
    """The kept causes; none from a value this version did not write (a hand-edited file):
    the verdict is then "not established", which is true."""
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return ()
    return tuple(str(cause) for cause in value) if isinstance(value, list) else ()


__all__: Sequence[str] = (
    "DEFAULT_KEEP",
    "SCHEMA_VERSION",
    "CheckRecord",
    "CheckedWorld",
    "History",
    "HistoryError",
    "StoredCell",
    "StoredCompany",
    "history_path",
    "keep_of",
    "record_of",
    "world_of_settings",
)
