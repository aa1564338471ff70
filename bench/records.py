"""One metric = one JSON object: name, value, unit, and ratio/target/met where they apply.

Keeping the record shape in one place keeps every group's output comparable and lets the smoke
test check all of them the same way.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
        record["target_is"] = "ceiling" if lower_is_better else "floor"
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


# A figure taken while the 1-minute load average was above this is not judged (2 cores: more
# than one and a half of them were wanted by something else), nor one taken while other
# processes used more than half a core on average.
UNRELIABLE_LOAD = 1.5
UNRELIABLE_OTHERS_CORES = 0.5


@dataclass(frozen=True)
class CpuSample:
    """Busy CPU seconds of the whole machine and of this process with its reaped children."""

    at: float
    machine_s: float | None
    own_s: float


def cpu_sample() -> CpuSample:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_s = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    machine_s: float | None = None
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        machine_s = (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        pass
    return CpuSample(time.monotonic(), machine_s, own_s)


def others_cores(before: CpuSample, after: CpuSample) -> float | None:
    """How many cores other processes kept busy, on average, between two samples.

    The machine's busy time minus the bench's own (this process and the servers and CLIs it
    started and reaped): the share of the machine the figure did not have.
    """
    wall = after.at - before.at
    if before.machine_s is None or after.machine_s is None or wall <= 0:
        return None
    others = (after.machine_s - before.machine_s) - (after.own_s - before.own_s)
    return round(max(0.0, others) / wall, 2)


def judged(records: list[Record], load_at_start: list[float], others: float | None) -> None:
    """Stamp each record of one group with the machine's state while it was taken.

    ``load_at_start`` is the load average when the group began (the bench's own processes
    raise the average while it runs, so the load at the end is not a fair test of the
    machine); ``others`` the cores other processes used meanwhile. Either over its limit
    marks the figure ``unreliable``: it is printed and kept, never judged.
    """
    why = []
    if load_at_start and load_at_start[0] > UNRELIABLE_LOAD:
        why.append(f"1-min load {load_at_start[0]} > {UNRELIABLE_LOAD} when it began")
    if others is not None and others > UNRELIABLE_OTHERS_CORES:
        why.append(f"other processes used {others} cores meanwhile")
    for record in records:
        record["load_at_start"] = load_at_start
        if others is not None:
            record["others_cores"] = others
        record["unreliable"] = bool(why)
        if why:
            record["unreliable_why"] = "; ".join(why)


def settle(max_wait_s: float, *, below: float = 1.0, step_s: float = 5.0) -> list[float]:
    """Wait (at most ``max_wait_s``) for the 1-minute load to fall to ``below``; the load then.

    The previous group's own load fades from the 1-minute average with a time constant of a
    minute; a group that starts before it has faded is measured on a busier machine.
    """
    deadline = time.monotonic() + max_wait_s
    load = load_average()
    while load and load[0] > below and time.monotonic() < deadline:
        time.sleep(min(step_s, max(0.0, deadline - time.monotonic())))
        load = load_average()
    return load


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
