"""Metric 5: the same calls through the PyPI ``nmbrs`` SDK (serially) vs ``nmbrs-tui check``.

For each workload the check runs first against a demo server in its own process (100 ms per
call); the server records every call it answered with its parameters. The server is reset and
:mod:`bench.sdk_replay` makes exactly those calls, in the same order, serially through the SDK
(how the SDK is pointed at the demo server is described there). The server's per-operation
counts of both runs are compared, so the ratio compares the same work. Both sides include
building their zeep clients; the SDK side excludes ``import nmbrs``, the check side excludes
importing nmbrs_client (both are in the process-level comparison).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.records import Record, median, metric
from bench.rights import check_once, cli_command, cli_environment, ran_a_check
from bench.server_proc import ServerProcess
from nmbrs_demo.reach import demo_settings

LATENCY_MS = 100
SDK_RATIO_TARGET = 10.0  # the serial SDK at least 10× slower on 244 companies
REPO = Path(__file__).resolve().parent.parent


def sdk_replay(base_url: str, calls: list[tuple[str, dict[str, int]]]) -> dict[str, Any]:
    """Replay ``calls`` through the SDK in a subprocess against the demo at ``base_url``;
    its timings plus the process wall."""
    settings = demo_settings(base_url).soap
    request = {
        "base_url": base_url,
        "username": settings.username,
        "token": settings.token.get_secret_value(),
        "domain": settings.domain,
        "calls": calls,
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.sdk_replay"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=240,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"SDK replay failed ({done.returncode}): {done.stderr[-300:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    result["process_s"] = wall
    return result


def check_cli(server: ServerProcess) -> float:
    """Wall seconds of the real ``nmbrs-tui check`` command (a new process) against ``server``."""
    settings = demo_settings(server.base_url).soap
    env = cli_environment(NMBRS_TOKEN=settings.token.get_secret_value())
    started = time.perf_counter()
    done = subprocess.run(
        [
            *cli_command(),
            "check",
            "--base-url",
            server.base_url,
            "--username",
            settings.username,
            "--domain",
            settings.domain or "",
            "--format",
            "json",
            "--quiet",
        ],
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=240,
        check=False,
    )
    elapsed = time.perf_counter() - started
    ran_a_check(done.returncode, "nmbrs-tui check", done.stderr.decode("utf-8", "replace"))
    return elapsed


def compare(
    name: str, scenario: str, latency_ms: int, *, one_company: bool, reps: int, with_cli: bool
) -> list[Record]:
    with ServerProcess(scenario, latency_ms=latency_ms) as server:
        companies = [server.companies[0]] if one_company else None
        checks = [check_once(server, companies=companies) for _ in range(reps)]
        calls = server.recorded()
        check_counts = Counter(op for op, _ in calls)
        server.reset()
        sdk = sdk_replay(server.base_url, calls)
        sdk_counts = Counter(server.stats()["calls"])
        cli_s = check_cli(server) if with_cli else None
    # Both sides include building their clients: the check's clock starts after its client
    # is prepared, so that time is added back here.
    check_s = median(c["elapsed_s"] + c["prepare_s"] for c in checks)
    sdk_s = sdk["build_s"] + sdk["calls_s"]
    records = [
        metric(
            f"peer.{name}",
            sdk_s,
            "s",
            ratio=sdk_s / check_s,
            bound=check_s,
            target=SDK_RATIO_TARGET if name == "large_accountant" else None,
            lower_is_better=False,
            check_s=check_s,
            check_prepare_s=median(c["prepare_s"] for c in checks),
            sdk_serial_s=sdk_s,
            sdk_calls_only_s=sdk["calls_s"],
            sdk_build_s=sdk["build_s"],
            calls=len(calls),
            same_calls=check_counts == sdk_counts,
            latency_ms=latency_ms,
            scenario=scenario,
            check_concurrency=checks[0]["concurrency"],
            check_runs=reps,
            sdk_failures=len(sdk["failures"]),
            sdk_via_zeep=sdk["via_zeep"],
            note="ratio = SDK serial time ÷ nmbrs-tui check time for the same calls (> 1: "
            "nmbrs-tui is faster)",
        )
    ]
    if cli_s is not None:
        records.append(
            metric(
                f"peer.{name}.processes",
                sdk["process_s"],
                "s",
                ratio=sdk["process_s"] / cli_s,
                check_cli_s=cli_s,
                sdk_process_s=sdk["process_s"],
                latency_ms=latency_ms,
                note="whole processes: `python -m bench.sdk_replay` vs `nmbrs-tui check` "
                "(interpreter start and imports included)",
            )
        )
    return records


def run(quick: bool = False) -> list[Record]:
    latency = 20 if quick else LATENCY_MS
    reps = 1 if quick else 3
    records = compare(
        "one_company", "healthy", latency, one_company=True, reps=reps, with_cli=False
    )
    if not quick:  # quick mode (the smoke test) keeps to the one-company workload
        records += compare(
            "all_companies", "healthy", latency, one_company=False, reps=reps, with_cli=True
        )
        records += compare(
            "large_accountant",
            "large-accountant",
            latency,
            one_company=False,
            reps=1,
            with_cli=False,
        )
    return records
