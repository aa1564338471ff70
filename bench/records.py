"""One metric = one JSON object: name, value, unit, and ratio/target/met where they apply.

Keeping the record shape in one place keeps every group's output comparable and lets the smoke
test check all of them the same way.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any

Record = dict[str, Any]


def metric(
    name: str,
    value: float,
    unit: str,
    *,
    target: float | None = None,
    lower_is_better: bool = True,
    ratio: float | None = None,
    bound: float | None = None,
    samples: Iterable[float] | None = None,
    note: str | None = None,
    **context: Any,
) -> Record:
    """Build one record; ``met`` is filled in when a target is given.

    ``bound`` is what the ratio is taken against (``ratio = value / bound`` unless given);
    ``samples`` are the repetitions the value is the median of (their range is kept). Every
    record carries the machine's load average when it was made: the box is shared.
    """
    record: Record = {"name": name, "value": round(float(value), 3), "unit": unit}
    # A target is for the ratio when a ratio is given, else for the value itself (a bound
    # given alone only adds the informative value ÷ bound).
    target_of_ratio = ratio is not None
    if bound is not None:
        record["bound"] = round(float(bound), 3)
        if ratio is None and bound:
            ratio = float(value) / float(bound)
    if samples is not None:
        values = [float(v) for v in samples]
        if values:
            record["runs"] = len(values)
            record["min"] = round(min(values), 3)
            record["max"] = round(max(values), 3)
    if ratio is not None:
        record["ratio"] = round(float(ratio), 3)
    if target is not None:
        record["target"] = target
        compared = float(record["ratio"] if target_of_ratio else record["value"])
        record["met"] = bool(compared <= target) if lower_is_better else bool(compared >= target)
    for key, extra in context.items():
        record[key] = round(extra, 3) if isinstance(extra, float) else extra
    if note:
        record["note"] = note
    record["load_avg"] = load_average()
    return record


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages (empty where the system does not tell)."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return []


def median(values: Iterable[float]) -> float:
    return float(statistics.median(list(values)))


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``func`` took, and what it returned."""
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def miss_note(value: float, target: float, unit: str, fix: str) -> str | None:
    """'misses by X (Y %): fix' when ``value`` is above ``target``, else None."""
    if value <= target:
        return None
    over = value - target
    share = over / target * 100 if target else float("inf")
    return f"misses the target by {over:.3g} {unit} ({share:.0f} %); {fix}"
