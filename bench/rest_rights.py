"""The REST rights check on ``large-accountant``, against the REST demo in its own process.

What ``nmbrs-tui check --api rest`` runs (:class:`nmbrs_client.rest.prober.RestProber`)
is timed end to end, at 0 and 100 ms per call, with the default concurrency and with 1. The REST
API publishes no rate limit, so the bound is the SOAP formula without its limiter term:
``max(critical path, calls × latency ÷ concurrency)``, where the critical path is 8 round trips
(user info, debtors and companies at once, refused for a multi-debtor consent → companies per
debtor → the sample ids: employees, runs, run employees, beside the per-company probes → the
probes → the document task → its first poll and the PDF). Each record also carries what the
check itself reports as its elapsed time, and the client's window at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench.records import Record, metric, miss_note
from bench.rights import cli_check
from nmbrs_client.rest.client import RestClient, StaticToken
from nmbrs_client.rest.connect import MAX_CONCURRENCY
from nmbrs_client.rest.prober import RestProber
from nmbrs_client.rest.transport import RestTransport
from nmbrs_client.rights.protocol import CheckOptions
from nmbrs_client.rights.requirements import find_profile

CRITICAL_ROUND_TRIPS = 8
TARGET_RATIO = 1.3
DEFAULT_CONCURRENCY = 8


@contextmanager
def rest_demo_process(scenario: str, latency_ms: int) -> Iterator[dict[str, str]]:
    """``nmbrs-tui demo-server --api rest`` in its own process; its shell lines as a dict."""
    command = [
        sys.executable,
        "-m",
        "tui.cli",
        "demo-server",
        "--api",
        "rest",
        "--port",
        "0",
        "--scenario",
        scenario,
        "--latency-ms",
        str(latency_ms),
    ]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    values: dict[str, str] = {}
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while "NMBRS_SUBSCRIPTION_KEY" not in values and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if "=" in line and not line.startswith("#"):
                key, _, value = line.strip().partition("=")
                values[key] = value.strip("'")
        if "NMBRS_REST_BASE_URL" not in values:
            raise RuntimeError("the REST demo server did not start")
        yield values
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def check_once(demo: dict[str, str], concurrency: int) -> dict[str, Any]:
    key = demo["NMBRS_SUBSCRIPTION_KEY"]
    transport = RestTransport(demo["NMBRS_REST_BASE_URL"], subscription_key=lambda: key)
    client = RestClient(transport, StaticToken(demo["NMBRS_REST_TOKEN"]), concurrency=concurrency)
    check = RestProber(client, find_profile("integration"), CheckOptions(concurrency=concurrency))
    started = time.perf_counter()
    report = check.run()
    elapsed = time.perf_counter() - started
    client.close()
    return {
        "elapsed": elapsed,
        "calls": report.calls,
        "exit": report.exit_code,
        "summary_s": report.elapsed_ms / 1000,  # what `check` prints as summary.elapsed_ms
        "window": client.window.limit,
        "throttled": client.window.throttled,
    }


def cli_large_accountant(latency_ms: int) -> Record:
    """``check --demo --api rest --scenario large-accountant`` as a user runs it, judged by the
    ``summary.elapsed_ms`` it prints (the REST demo in the same process)."""
    summary, wall = cli_check(
        "--demo",
        "--api",
        "rest",
        "--scenario",
        "large-accountant",
        "--latency-ms",
        str(latency_ms),
    )
    latency = latency_ms / 1000
    bound = max(CRITICAL_ROUND_TRIPS * latency, summary["calls"] * latency / MAX_CONCURRENCY)
    elapsed = summary["elapsed_ms"] / 1000
    return metric(
        f"rest_rights.cli.large_accountant.{latency_ms}ms",
        elapsed,
        "s",
        ratio=elapsed / bound,
        target=TARGET_RATIO,
        bound=bound,
        calls=summary["calls"],
        concurrency=MAX_CONCURRENCY,
        exit_code=summary["exit_code"],
        process_wall_s=wall,
        note="`check --demo --api rest --scenario large-accountant` from the command line: "
        "summary.elapsed_ms",
    )


def run(quick: bool = False) -> list[Record]:
    records: list[Record] = []
    if not quick:
        records.append(cli_large_accountant(100))
    latencies = (0, 100) if not quick else (0,)
    for latency_ms in latencies:
        with rest_demo_process("large-accountant", latency_ms) as demo:
            check_once(demo, DEFAULT_CONCURRENCY)  # warm-up: the demo builds its world once
            for concurrency in (DEFAULT_CONCURRENCY, 1):
                if quick and concurrency == 1:
                    continue
                result = check_once(demo, concurrency)
                latency = latency_ms / 1000
                bound = max(CRITICAL_ROUND_TRIPS * latency, result["calls"] * latency / concurrency)
                ratio = result["elapsed"] / bound if bound else None
                records.append(
                    metric(
                        f"rest_rights.large_accountant.{latency_ms}ms.c{concurrency}",
                        result["elapsed"],
                        "s",
                        target=TARGET_RATIO if ratio is not None else None,
                        ratio=ratio,
                        bound=bound if bound else None,
                        calls=result["calls"],
                        exit_code=result["exit"],
                        summary_elapsed_s=result["summary_s"],
                        window_at_end=result["window"],
                        throttled=result["throttled"],
                        note=miss_note(
                            result["elapsed"],
                            bound * TARGET_RATIO,
                            "s",
                            "REST calls per company are bound by latency ÷ concurrency",
                        )
                        if bound
                        else "0 ms latency: no bound, the time is the client's and demo's CPU",
                    )
                )
    return records
