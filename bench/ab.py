"""``python -m bench.ab REF --only GROUP ...``: before and after a change, in the same run.

A before/after pair taken an hour apart compares two machines (the load moves more than most
changes do), so this runs the chosen groups of the commit ``REF`` (before) and of this working
tree (after) alternately in one invocation, ``--rounds`` times each, every run in its own
process and each stamped with the load average when it began. It prints, per metric, the
median before and after, their quotient, the median of each side's own ratio to its bound
where the metric has one (a change judged by its target is judged by that ratio, and a bound
measured in the same run moves with the machine), and the loads, and marks the pair unreliable when any
of its runs began above a 1-minute load of 1.5. The commit is checked out in a temporary git
worktree and run with this environment's Python; nothing is written to ``bench/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.records import UNRELIABLE_LOAD, load_average, median, settle

REPO = Path(__file__).resolve().parent.parent


def run_tree(tree: Path, groups: list[str], quick: bool, settle_s: float) -> list[dict[str, Any]]:
    """One ``python -m bench`` of ``tree`` in its own process; its records, stamped."""
    load = settle(settle_s) if settle_s > 0 else load_average()
    with tempfile.TemporaryDirectory(prefix="bench-ab-") as folder:
        output = Path(folder) / "results.json"
        command = [sys.executable, "-m", "bench", "--only", *groups, "--output", str(output)]
        command += ["--quick"] if quick else []
        if "--settle-s" in (tree / "bench" / "__main__.py").read_text("utf-8"):
            command += ["--settle-s", "0"]  # settled here, once before the whole run
        env = {**os.environ, "PYTHONPATH": str(tree)}  # that tree's code, not this one's
        done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
        if not output.exists():
            raise RuntimeError(f"the bench of {tree} wrote no results:\n{done.stderr[-2000:]}")
        records: list[dict[str, Any]] = json.loads(output.read_text("utf-8"))["metrics"]
    for record in records:
        record["ab_load_at_start"] = load
    return records


def compare(before: list[list[dict[str, Any]]], after: list[list[dict[str, Any]]]) -> list[str]:
    """One line per metric both sides measured: medians, after ÷ before, loads, reliability."""

    def by_name(runs: list[list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        for records in runs:
            for record in records:
                found.setdefault(record["name"], []).append(record)
        return found

    old, new = by_name(before), by_name(after)
    lines = [
        "metric | before | after | after ÷ before | ratio to bound before → after"
        " | 1-min loads at start | reliable"
    ]
    for name in [n for n in new if n in old]:
        pair = old[name] + new[name]
        if any(r.get("unit") == "error" for r in pair):
            lines.append(f"{name} | error | error | – | – | – | –")
            continue
        was = median(r["value"] for r in old[name])
        now = median(r["value"] for r in new[name])
        loads = [r["ab_load_at_start"][0] for r in pair if r.get("ab_load_at_start")]
        calm = all(load <= UNRELIABLE_LOAD for load in loads)
        unit = new[name][0]["unit"]
        change = f"{now / was:.3g}" if was else "–"
        ratios = "–"
        if all("ratio" in r for r in pair):
            ratio_was = median(r["ratio"] for r in old[name])
            ratio_now = median(r["ratio"] for r in new[name])
            ratios = f"{ratio_was:.3g} → {ratio_now:.3g}"
        lines.append(
            f"{name} | {was:.4g} {unit} | {now:.4g} {unit} | {change} | {ratios} | "
            f"{', '.join(f'{load:g}' for load in loads)} | {'yes' if calm else 'unreliable'}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__)
    parser.add_argument("ref", help="the commit to compare with (before)")
    parser.add_argument("--only", nargs="+", required=True, help="the bench groups to run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each side, alternated")
    parser.add_argument("--quick", action="store_true", help="pass --quick to each run")
    parser.add_argument(
        "--settle-s", type=float, default=90.0, help="wait for the load to fade before each run"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-ab-tree-") as folder:
        tree = Path(folder) / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), args.ref],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        try:
            before: list[list[dict[str, Any]]] = []
            after: list[list[dict[str, Any]]] = []
            for round_number in range(max(1, args.rounds)):
                # alternate which side goes first, so neither always follows the other's load
                sides = [(before, tree), (after, REPO)]
                for runs, where in sides if round_number % 2 == 0 else sides[::-1]:
                    runs.append(run_tree(where, args.only, args.quick, args.settle_s))
                    print(f"round {round_number + 1}: ran {where}", file=sys.stderr, flush=True)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=REPO, capture_output=True
            )
    print("\n".join(compare(before, after)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
