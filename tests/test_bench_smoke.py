"""Smoke test of the benchmarks: every group runs in quick mode and returns sane records.

Benchmarks are not tests of speed; this only keeps the bench code from rotting (a renamed
API, a changed widget) by running each group once with tiny data and checking the records.
"""

from __future__ import annotations

import json
import math

import pytest

from bench import __main__ as bench_main

REQUIRED = {"name": str, "value": float, "unit": str}


def check_records(group: str, records: list[dict[str, object]]) -> None:
    assert records, f"{group} returned no records"
    names = [r["name"] for r in records]
    assert len(names) == len(set(names)), f"duplicate metric names in {group}: {names}"
    for record in records:
        json.dumps(record)  # JSON-serialisable, as printed
        assert isinstance(record["name"], str) and record["name"].startswith(group + "."), record
        assert not str(record["name"]).endswith(".error"), record
        assert isinstance(record["unit"], str) and record["unit"], record
        value = record["value"]
        assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, record
        if "ratio" in record:
            ratio = record["ratio"]
            assert isinstance(ratio, (int, float)) and ratio > 0, record
        if "target" in record:
            assert isinstance(record["met"], bool), record
        # the machine's state while it was taken, on every figure
        assert isinstance(record["unreliable"], bool), record
        assert isinstance(record["load_at_start"], list) and "load_avg" in record, record


@pytest.mark.parametrize(
    "group",
    [
        "client_build",
        "server_throughput",
        "big_company",
        "startup",
        "flaky_verdicts",
        "rest_rights",
    ],
)
def test_group_quick(group: str) -> None:
    records = bench_main.run_group(group, quick=True)
    check_records(group, records)


def test_rights_and_peer_quick() -> None:
    rights = bench_main.run_group("rights", quick=True)
    check_records("rights", rights)
    one = next(r for r in rights if r["name"] == "rights.one_company.default")
    assert one["calls"] > 0 and one["critical_path_s"] > 0
    peer = bench_main.run_group("peer", quick=True)
    check_records("peer", peer)
    assert all(r["same_calls"] is True for r in peer if "same_calls" in r)


def test_main_writes_results(tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "results.json"
    assert bench_main.main(["--quick", "--only", "client_build", "--output", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["machine"]["cores"] >= 1
    check_records("client_build", document["metrics"])
