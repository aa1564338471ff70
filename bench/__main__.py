"""``python -m bench [--quick] [--only GROUP ...]``: run every metric group, print and save.

Each record is printed as one JSON line as soon as its group finishes, and all of them are
written to ``bench/results.json`` together with the machine they were taken on. A group that
breaks prints an ``error`` record instead: benchmarks never fail a build.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.records import Record

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


def run_group(name: str, quick: bool) -> list[Record]:
    module = importlib.import_module(f"bench.{name}")
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


def summary(records: list[Record]) -> str:
    """The targets, one line each: median (range), bound, ratio, target, met, load."""
    lines = ["metric | median (range) | bound | ratio | target | met | load 1/5/15 min"]
    for r in records:
        if "target" not in r:
            continue
        spread = f" ({r['min']}–{r['max']})" if "min" in r else ""
        load = "/".join(str(v) for v in r.get("load_avg", []))
        lines.append(
            f"{r['name']} | {r['value']} {r['unit']}{spread} | {r.get('bound', '–')} | "
            f"{r.get('ratio', '–')} | {r['target']} | {'yes' if r['met'] else 'NO'} | {load}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one repetition, small data")
    parser.add_argument("--only", nargs="+", choices=GROUPS, help="run only these groups")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results: list[Record] = []
    for name in args.only or GROUPS:
        for record in run_group(name, args.quick):
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
    print(
        f"wrote {args.output} ({len(results)} metrics, {document['total_seconds']} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
