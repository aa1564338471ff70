"""``python -m tools.bench_table``: the README's performance table from ``bench/results.json``.

The table is written between ``<!-- bench:begin -->`` and ``<!-- bench:end -->`` in README.md,
so the numbers there always come from one run of ``make bench`` and never by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.records import UNRELIABLE_LOAD, UNRELIABLE_OTHERS_CORES

REPO = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

# What each target metric measures, in the words of the README.
LABELS = {
    # in the order of the speed issue's table
    "rights.cli.large_accountant": "`check --demo --scenario large-accountant --latency-ms "
    "100`, its summary.elapsed_ms (bound: max(3 round trips, calls ÷ rate))",
    "rights.all_companies.large_accountant": "default check, `large-accountant`, 100 ms "
    "(bound: max(3 round trips, calls ÷ rate))",
    "rights.one_company.default": "default check, one company, 100 ms (bound: 3 round trips)",
    "rights.all_companies.healthy": "default check, all 6 demo companies, 100 ms",
    "rights.all_companies.large_accountant_thorough": "`check --thorough`, `large-accountant`, "
    "100 ms (bound: calls ÷ limiter rate)",
    "rights.thorough_peak_rss": "peak RSS of `check --thorough` on `large-accountant`",
    "big_company.open": "open the 5,000-employee company: every reply in, rows final "
    "(0 ms, demo server in its own process)",
    "big_company.open_demo": "… the same in `nmbrs-tui --demo`",
    "big_company.peak_rss_demo": "RSS with that company open, `--demo`",
    "big_company.peak_rss": "peak RSS with that company open (demo server in its own process)",
    "startup.first_frame": "first frame of `nmbrs-tui --demo` (bound: a minimal Textual app, "
    "same run; ratio: the median of back-to-back pairs' own ratios)",
    "peer.large_accountant": "serial PyPI SDK ÷ nmbrs-tui, same calls, 244 companies",
    "rest_rights.large_accountant.100ms.c8": "REST check, `large-accountant`, 100 ms, "
    "concurrency 8 (bound: max(round trips, calls × RTT ÷ concurrency))",
    "rest_rights.large_accountant.100ms.c1": "… the same at concurrency 1",
    "rest_rights.cli.large_accountant.100ms": "… `check --demo --api rest` from the command "
    "line, its summary.elapsed_ms",
    "rest_open.rest_open_big_company.100ms": "REST open of the 5,000-employee company, 100 ms "
    "(bound: pages ÷ concurrency × RTT)",
    "rest_open.rest_payslip_document_task.0ms": "REST payslip through the document task, 0 ms "
    "(bound: the server's ready time + 2 round trips)",
    "big_company.list_show": "show 5,000 rows once the data is there",
    "big_company.filter_keystroke": "filter keystroke on 5,000 rows",
}


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def _higher_is_better(record: dict[str, Any]) -> bool:
    """A floor target (the SDK ratio, the flaky check's conclusive runs) as the record says
    (``target_is``); a record written before it said so is read from its own judgement: a
    target met above it, or missed below it, is a floor, not a ceiling."""
    if "target_is" in record:
        return bool(record["target_is"] == "floor")
    compared = float(record["ratio"] if "ratio" in record else record["value"])
    target = float(record["target"])
    return bool(record.get("met")) == (compared > target) and compared != target


def _row(record: dict[str, Any]) -> str:
    unit = record["unit"]
    spread = (
        f" ({_number(record['min'])}–{_number(record['max'])}, {record['runs']} runs)"
        if "min" in record and record.get("runs", 1) > 1
        else ""
    )
    bound = _number(record["bound"]) + f" {unit}" if "bound" in record else ""
    ratio = _number(record["ratio"]) if "ratio" in record else ""
    target = record["target"]
    sign = "≥" if _higher_is_better(record) else "≤"
    # a figure taken on a busy machine is shown, never judged
    holds = "unreliable" if record.get("unreliable") else ("✓" if record["met"] else "✗")
    start = "/".join(_number(v) for v in record.get("load_at_start", []))
    end = "/".join(_number(v) for v in record.get("load_avg", []))
    load = f"{start} → {end}" if start else end
    others = _number(record["others_cores"]) if "others_cores" in record else ""
    label = LABELS.get(record["name"], record["name"])
    return (
        f"| {label} | {_number(record['value'])} {unit}{spread} | {bound} | {ratio} | "
        f"{sign} {_number(target)} {holds} | {load} | {others} |"
    )


def table(document: dict[str, Any]) -> str:
    machine = document["machine"]
    metrics = [m for m in document["metrics"] if "target" in m]
    order = list(LABELS)
    metrics.sort(key=lambda m: order.index(m["name"]) if m["name"] in order else len(order))
    lines = [
        f"Latest run: {document['taken_at']}, {machine['cpu']}, {machine['cores']} cores, "
        f"Python {machine['python']}, {machine['system']}; {document['total_seconds']} s for "
        f"{len(document['metrics'])} metrics. The machine is shared: each metric carries the "
        "load average (1/5/15 min) when its group began → when it was taken, and the cores "
        "other processes used meanwhile; a figure that began above a 1-min load of "
        f"{UNRELIABLE_LOAD} or shared the machine with more than {UNRELIABLE_OTHERS_CORES} "
        "busy cores is marked unreliable, not judged.",
        "",
        "| metric | median (range) | bound | ratio | target | load | others' cores |",
        "|---|---|---|---|---|---|---|",
        *(_row(m) for m in metrics),
    ]
    return "\n".join(lines)


def main() -> int:
    results = REPO / "bench" / "results.json"
    readme = REPO / "README.md"
    document = json.loads(results.read_text(encoding="utf-8"))
    text = readme.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        print(f"README.md has no {BEGIN} … {END} block", file=sys.stderr)
        return 1
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    readme.write_text(f"{head}{BEGIN}\n{table(document)}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
