"""``python -m bench [--quick] [--only GROUP ...]``: run every metric group, print and save.

Each record is printed as one JSON line as soon as its group finishes, and all of them are
written to ``bench/results.json`` together with the machine they were taken on. A group that
breaks prints an ``error`` record instead: benchmarks never fail a build.

The machine may be shared, so each group first waits for the load left by the previous one
to fade, and each record carries the load average when its group began and when it was made,
and how many cores other processes used meanwhile; a figure taken on a busy machine is marked
``unreliable`` and never judged (see :func:`bench.records.judged`). A comparison (the app and a
minimal app, the check and the SDK) is always measured within one group, in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

from bench.records import Record, cpu_sample, judged, load_average, others_cores, settle
from nmbrs_client import locations

GROUPS = (
    "startup",
    "hangup",
    "client_build",
    "rights",
    "rest_rights",
    "peer",
    "big_company",
    "server_throughput",
    "rest_open",
    "flaky_verdicts",
    "throttled_check",
)
RESULTS = Path(__file__).with_name("results.json")


def machine() -> dict[str, Any]:
    """What the numbers were taken on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def run_group(name: str, quick: bool, settle_s: float = 0.0) -> list[Record]:
    """One group's records, each stamped with the machine's load while it ran."""
    module = importlib.import_module(f"bench.{name}")
    load_at_start = settle(settle_s) if settle_s > 0 else load_average()
    before = cpu_sample()
    started = time.perf_counter()
    try:
        records: list[Record] = module.run(quick=quick)
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        records = [
            {
                "name": f"{name}.error",
                "value": 0,
                "unit": "error",
                "error": f"{type(exc).__name__}: {exc}"[:300],
            }
        ]
    judged(records, load_at_start, others_cores(before, cpu_sample()))
    for record in records:
        record.setdefault("group", name)
    print(
        json.dumps(
            {
                "name": f"{name}.group_seconds",
                "value": round(time.perf_counter() - started, 2),
                "unit": "s",
                "group": name,
            }
        ),
        file=sys.stderr,
        flush=True,
    )
    return records


def verdict(record: Record) -> str:
    """'yes', 'NO', or 'unreliable' for a figure taken on a busy machine (never judged)."""
    if record.get("unreliable"):
        return "unreliable"
    return "yes" if record["met"] else "NO"


def summary(records: list[Record]) -> str:
    """The targets, one line each: median (range), bound, ratio, target, met, load at its
    start and at its end, and the cores other processes used meanwhile."""
    lines = [
        "metric | median (range) | bound | ratio | target | met | "
        "load 1/5/15 min at start → end | others' cores"
    ]
    for r in records:
        if "target" not in r:
            continue
        spread = f" ({r['min']}–{r['max']})" if "min" in r else ""
        start = "/".join(str(v) for v in r.get("load_at_start", []))
        end = "/".join(str(v) for v in r.get("load_avg", []))
        lines.append(
            f"{r['name']} | {r['value']} {r['unit']}{spread} | {r.get('bound', '–')} | "
            f"{r.get('ratio', '–')} | {r['target']} | {verdict(r)} | {start} → {end} | "
            f"{r.get('others_cores', '–')}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one repetition, small data")
    parser.add_argument("--only", nargs="+", choices=GROUPS, help="run only these groups")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file")
    parser.add_argument(
        "--settle-s",
        type=float,
        default=None,
        help="before each group, wait up to this long for the 1-min load to fall to 1 "
        "(default 90, 0 with --quick)",
    )
    args = parser.parse_args(argv)
    settle_s = args.settle_s if args.settle_s is not None else (0.0 if args.quick else 90.0)
    started = time.perf_counter()
    results: list[Record] = []
    # Every command and app the bench runs keeps its config, history, tokens and downloads in a
    # home of its own: a timed check must not read the user's config nor write their history.
    with (
        tempfile.TemporaryDirectory(prefix="nmbrs-bench-home-") as home,
        mock.patch.dict(os.environ, locations.environment_under(Path(home))),
    ):
        for name in args.only or GROUPS:
            for record in run_group(name, args.quick, settle_s):
                print(json.dumps(record, ensure_ascii=False), flush=True)
                results.append(record)
    document = {
        "taken_at": datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "quick": args.quick,
        "total_seconds": round(time.perf_counter() - started, 1),
        "metrics": results,
    }
    args.output.write_text(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(summary(results), file=sys.stderr)
    unreliable = [r["name"] for r in results if r.get("unreliable") and "target" in r]
    if unreliable:
        print(
            f"{len(unreliable)} figures were taken on a busy machine and are marked unreliable "
            "(not judged): run the bench again on an idle machine",
            file=sys.stderr,
        )
    print(
        f"wrote {args.output} ({len(results)} metrics, {document['total_seconds']} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
