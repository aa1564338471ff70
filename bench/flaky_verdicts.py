"""How often the rights check reaches a conclusive verdict under the ``flaky`` scenario.

The ``flaky`` demo scenario answers one call in five below SOAP (HTML 500, truncated XML,
reset, time-out, empty reply). With the default settings a check should still end conclusive
(exit 0 or 1, every cell established) in at least 9 of 10 seeded runs. Measured here, not in
a timed test: each run takes seconds and the result depends on the retry policy, not on the
machine. One record: the conclusive runs out of ``RUNS``, with the exit codes and retries.

Run: ``python -m bench --only flaky_verdicts``.
"""

from __future__ import annotations

from dataclasses import replace

from bench.records import Record, metric
from nmbrs_client.client import NmbrsClient
from nmbrs_client.rights.engine import RightsEngine
from nmbrs_client.rights.requirements import find_profile
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.scenarios import load_scenario
from nmbrs_demo.server import start_demo_server

RUNS = 10
TARGET = 9


def one_run(seed: int) -> tuple[int, int, int]:
    """(exit code, calls, error cells) of one check against a flaky server with ``seed``."""
    scenario = replace(load_scenario("flaky"), seed=seed)
    with start_demo_server(scenario, latency_ms=0) as server:
        client = NmbrsClient(demo_settings(server.base_url, "flaky"))
        try:
            report = RightsEngine(client, find_profile("integration")).run()
        finally:
            client.close()
    errors = sum(1 for c in report.cells if c.status.value == "error")
    return report.exit_code, report.calls, errors


def run(quick: bool = False) -> list[Record]:
    runs = 3 if quick else RUNS
    codes: list[int] = []
    calls: list[int] = []
    for seed in range(1, runs + 1):
        code, made, _errors = one_run(seed)
        codes.append(code)
        calls.append(made)
    conclusive = sum(1 for code in codes if code in (0, 1))
    return [
        metric(
            "flaky_verdicts.conclusive_runs",
            conclusive,
            f"of {runs} runs",
            target=TARGET * runs / RUNS,
            lower_is_better=False,
            exit_codes=codes,
            calls=calls,
            note="flaky scenario, default settings, seeds 1..N",
        )
    ]


if __name__ == "__main__":
    import json

    for record in run():
        print(json.dumps(record))
