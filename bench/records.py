"""One metric = one JSON object: name, value, unit, and ratio/target/met where they apply.

Keeping the record shape in one place keeps every group's output comparable and lets the smoke
test check all of them the same way.
"""

from __future__ import annotations

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
    note: str | None = None,
    **context: Any,
) -> Record:
    """Build one record; ``met`` is filled in when a target is given."""
    record: Record = {"name": name, "value": round(float(value), 3), "unit": unit}
    if ratio is not None:
        record["ratio"] = round(float(ratio), 3)
    if target is not None:
        record["target"] = target
        compared = float(record["ratio"] if ratio is not None else record["value"])
        record["met"] = bool(compared <= target) if lower_is_better else bool(compared >= target)
    for key, extra in context.items():
        record[key] = round(extra, 3) if isinstance(extra, float) else extra
    if note:
        record["note"] = note
    return record


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
