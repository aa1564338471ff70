"""The bench's discipline: each figure carries the load it was taken under, a figure taken on a
busy machine is marked unreliable, and the README table shows it so (no timing here)."""

from __future__ import annotations

from typing import Any

from bench.__main__ import summary
from bench.records import CpuSample, judged, median, metric, others_cores
from tools.bench_table import table


def _figure(value: float = 1.0) -> dict[str, Any]:
    return metric("rest_rights.x", value, "s", bound=1.0, ratio=value, target=1.3)


def test_a_figure_begun_above_a_load_of_one_and_a_half_is_unreliable() -> None:
    calm, busy = [_figure()], [_figure()]
    judged(calm, [1.4, 2.0, 2.0], 0.1)
    judged(busy, [1.6, 0.5, 0.5], 0.1)
    assert calm[0]["unreliable"] is False and calm[0]["load_at_start"] == [1.4, 2.0, 2.0]
    assert busy[0]["unreliable"] is True
    assert "1-min load 1.6" in busy[0]["unreliable_why"]


def test_a_figure_that_shared_the_machine_with_other_work_is_unreliable() -> None:
    records = [_figure()]
    judged(records, [0.2, 0.2, 0.2], 0.9)
    assert records[0]["unreliable"] is True
    assert "0.9 cores" in records[0]["unreliable_why"]


def test_others_cores_is_the_machine_busy_time_less_the_bench_own() -> None:
    before = CpuSample(at=100.0, machine_s=50.0, own_s=10.0)
    after = CpuSample(at=110.0, machine_s=65.0, own_s=20.0)  # 15 s busy, 10 s of it our own
    assert others_cores(before, after) == 0.5
    assert others_cores(before, CpuSample(at=110.0, machine_s=None, own_s=20.0)) is None


def test_every_record_carries_the_load_when_it_was_made() -> None:
    assert len(_figure()["load_avg"]) in (0, 3)


def test_an_unreliable_figure_is_printed_and_tabled_but_never_judged() -> None:
    missed = _figure(2.0)  # ratio 2 against a target of 1.3: a miss, if it counted
    judged([missed], [3.0, 3.0, 3.0], 1.2)
    assert missed["met"] is False
    line = summary([missed]).splitlines()[1]
    assert "unreliable" in line and "| NO |" not in line
    document = {
        "taken_at": "t",
        "machine": {"cpu": "c", "cores": 2, "python": "3", "system": "s"},
        "total_seconds": 1.0,
        "metrics": [missed],
    }
    row = table(document).splitlines()[-1]
    assert "unreliable" in row and "✗" not in row
    assert "3/3/3" in row  # the load it began under


def test_before_and_after_are_compared_metric_by_metric_with_their_loads() -> None:
    from bench.ab import compare

    def run(value: float, load: float) -> list[dict[str, Any]]:
        return [{"name": "g.m", "value": value, "unit": "s", "ab_load_at_start": [load, 0, 0]}]

    calm = compare([run(8.0, 0.5), run(8.4, 0.6)], [run(4.0, 0.4), run(4.2, 0.7)])
    assert calm[1] == "g.m | 8.2 s | 4.1 s | 0.5 | – | 0.5, 0.6, 0.4, 0.7 | yes"
    busy = compare([run(8.0, 0.5)], [run(4.0, 1.6)])
    assert busy[1].endswith("| unreliable")
    assert compare([run(8.0, 0.5)], [[]]) == calm[:1]  # only metrics both sides measured


def test_a_metric_judged_by_its_ratio_is_compared_by_its_ratio_too() -> None:
    from bench.ab import compare

    def run(value: float, bound: float) -> list[dict[str, Any]]:
        record = {"name": "g.m", "value": value, "unit": "s", "ab_load_at_start": [0.5, 0, 0]}
        return [{**record, "bound": bound, "ratio": round(value / bound, 3)}]

    # the value fell, but so did the bound measured beside it: the ratio did not move
    line = compare([run(0.40, 0.30), run(0.44, 0.33)], [run(0.36, 0.27), run(0.36, 0.27)])[1]
    assert "| 1.33 → 1.33 |" in line


def test_a_floor_is_tabled_as_at_least_and_a_ceiling_as_at_most() -> None:
    floor = metric(
        "flaky_verdicts.conclusive_runs", 10, "of 10 runs", target=9, lower_is_better=False
    )
    missed_floor = metric("x.runs", 7, "runs", target=9, lower_is_better=False)
    floor_met_exactly = metric("y.runs", 9, "runs", target=9, lower_is_better=False)
    ceiling_met_exactly = metric("z.s", 9, "s", target=9)
    ceiling = _figure(1.1)
    document = {
        "taken_at": "t",
        "machine": {"cpu": "c", "cores": 2, "python": "3", "system": "s"},
        "total_seconds": 1.0,
        "metrics": [floor, missed_floor, floor_met_exactly, ceiling_met_exactly, ceiling],
    }
    rows = table(document).splitlines()[-5:]
    assert "≥ 9 ✓" in rows[0] and "≥ 9 ✗" in rows[1] and "≤ 1.3 ✓" in rows[4]
    # at its target, a floor and a ceiling are both met: the record says which it is
    assert "≥ 9 ✓" in rows[2] and "≤ 9 ✓" in rows[3]


def test_the_first_frame_ratio_is_the_median_of_pair_ratios_and_counts_every_pair() -> None:
    from bench.startup import pair_ratios, quartiles

    def start(seconds: float | None) -> dict[str, float | None]:
        return {"first_frame_s": seconds}

    # One slow minimal-app run (pair 2) and one pair where the app drew nothing (pair 4).
    pairs = [
        (start(0.22), start(0.20)),
        (start(0.22), start(0.40)),
        (start(0.24), start(0.20)),
        (start(None), start(0.20)),
        (start(0.23), start(0.20)),
    ]
    ratios = pair_ratios(pairs)
    assert [round(r, 2) for r in ratios] == [1.1, 0.55, 1.2, 1.15]
    assert round(median(ratios), 3) == 1.125  # the slow run moves its own pair, not the figure
    low, high = quartiles(ratios)
    assert low < median(ratios) < high
