"""Company-level history endpoints reduced to "current", one rule per kind of record.

REST has no ``*_GetCurrent`` twin (except ``/api/employees/{id}``): the company-level history
endpoints return every employee's whole history, ``{employeeId, <key>: [...]}``. What
"current" means the OpenAPI document does not say, so each rule below reads the fields
it needs tolerantly and falls back when they are missing:

- ``START_DATE`` (employments, contracts, salaries, schedules): the latest ``startDate`` on or
  before today; when none has started yet, the earliest upcoming one; ties and rows without a
  start date are decided by ``createdAt``;
- ``PERIOD`` (departments, functions, personal info, addresses): the latest ``{year, period}``
  not after the company's current period when that is known, tie-break ``createdAt``;
- ``CREATED`` (private infos / BSN): the latest ``createdAt``; rows without one keep list order
  (the last row wins), so a server that sends history oldest-first or unsorted both work.

Bank accounts are not reduced to one row: the current account per ``bankAccountType``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

Row = Mapping[str, Any]


class CurrentRule(StrEnum):
    START_DATE = "start_date"
    PERIOD = "period"
    CREATED = "created"


def parse_instant(value: Any) -> datetime | None:
    """An ISO date or date-time (``Z`` or offset or naive) as an aware UTC datetime."""
    if not isinstance(value, str):
        return None
    try:  # the common case, a clean ISO text (``Z`` included), read as is
        parsed = datetime.fromisoformat(value)
    except ValueError:
        text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
        if not text:
            return None
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            try:
                parsed = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
            except ValueError:
                return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def period_key(value: Any) -> tuple[int, int] | None:
    if not isinstance(value, Mapping):
        return None
    year, period = value.get("year"), value.get("period")
    if isinstance(year, int) and isinstance(period, int):
        return (year, period)
    return None


_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


def run_period(value: Any, fallback: int) -> int:
    """A run's ``periodStart``/``periodEnd``: a period number (as the spec's type says), or,
    under the other reading (open question 4), a date-time whose month is the period."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value.strip().isdigit():
            return int(value.strip())
        instant = parse_instant(value)
        if instant is not None:
            return instant.month
    return fallback


def _created(row: Row) -> datetime:
    return (
        parse_instant(row.get("createdAt"))
        or parse_instant(row.get("changedDate"))
        or parse_instant(row.get("creationDate"))
        or _EPOCH
    )


def current(
    rows: Sequence[Row],
    rule: CurrentRule,
    *,
    today: date,
    current_period: tuple[int, int] | None = None,
) -> Row | None:
    """The current row of one employee's history under ``rule`` (``None`` if empty)."""
    if not rows:
        return None
    if len(rows) == 1:  # every rule picks the only row there is (most histories have one)
        return rows[0]
    indexed = list(enumerate(rows))
    if rule is CurrentRule.START_DATE:
        cutoff = datetime.combine(today, datetime.max.time()).replace(tzinfo=UTC)
        started = []
        upcoming = []
        undated = []
        for index, row in indexed:
            start = parse_instant(row.get("startDate"))
            if start is None:
                undated.append((index, row))
            elif start <= cutoff:
                started.append((start, _created(row), index, row))
            else:
                upcoming.append((start, _created(row), index, row))
        if started:
            return max(started, key=lambda item: item[:3])[3]
        if upcoming:
            return min(upcoming, key=lambda item: (item[0], -item[2]))[3]
        return max(undated, key=lambda item: (_created(item[1]), item[0]))[1]
    if rule is CurrentRule.PERIOD:
        candidates = []
        for index, row in indexed:
            key = period_key(row.get("period"))
            if key is not None and current_period is not None and key > current_period:
                continue
            candidates.append((key or (0, 0), _created(row), index, row))
        if not candidates:  # every row lies after the current period: show the earliest
            return min(indexed, key=lambda item: period_key(item[1].get("period")) or (0, 0))[1]
        return max(candidates, key=lambda item: item[:3])[3]
    return max(indexed, key=lambda item: (_created(item[1]), item[0]))[1]


def current_per_type(rows: Sequence[Row], type_field: str) -> list[Row]:
    """The latest row (by ``createdAt``, then list order) for each value of ``type_field``."""
    best: dict[str, tuple[datetime, int, Row]] = {}
    for index, row in enumerate(rows):
        kind = str(row.get(type_field) or "")
        candidate = (_created(row), index, row)
        if kind not in best or candidate[:2] > best[kind][:2]:
            best[kind] = candidate
    return [item[2] for item in sorted(best.values(), key=lambda item: item[1])]


def wrappers(wrapped: Iterable[Row], key: str) -> Iterator[tuple[str, list[Row]]]:
    """``(employeeId, rows)`` for each ``{employeeId, <key>: [...]}`` wrapper of one endpoint, in
    order, as the wrappers come. Wrappers without an id or with a non-list payload are skipped,
    and so are rows that are not objects."""
    for item in wrapped:
        employee_id = item.get("employeeId")
        rows = item.get(key)
        if isinstance(employee_id, str) and isinstance(rows, list):
            yield employee_id, [row for row in rows if isinstance(row, Mapping)]


def by_employee(wrapped: Iterable[Row], key: str) -> dict[str, list[Row]]:
    """``{employeeId: rows}`` from the ``{employeeId, <key>: [...]}`` wrappers of one endpoint.

    An employee may appear in more than one wrapper (rows can move between pages): their rows
    are joined.
    """
    result: dict[str, list[Row]] = {}
    for employee_id, rows in wrappers(wrapped, key):
        result.setdefault(employee_id, []).extend(rows)
    return result
