"""Metrics 3 and 4: the rights check against the demo server at 100 ms per call.

The engine (:class:`nmbrs_client.rights.engine.RightsEngine`, what ``nmbrs-tui check`` runs)
is timed end to end with a fresh client each run, against a demo server in its own process.
Bounds:

- one company: the critical path, 3 round trips (lists → company-level probes and the
  employee/run ids → per-employee probes and the payslip), i.e. ``3 × latency``;
- all companies: ``max(critical path, calls ÷ client rate limit, calls × latency ÷
  concurrency)``; the server's own count of the most calls in any one second must stay ≤ 150.
"""

from __future__ import annotations

import time
from typing import Any

from bench.records import Record, metric, miss_note
from bench.server_proc import ServerProcess
from nmbrs_client.calllog import CallRecord
from nmbrs_client.client import NmbrsClient
from nmbrs_client.rights.engine import RightsEngine
from nmbrs_client.rights.protocol import CheckOptions
from nmbrs_client.rights.requirements import find_profile
from nmbrs_demo.reach import demo_settings

LATENCY_MS = 100
CRITICAL_ROUND_TRIPS = 3
# the targets of the speed issue's table: ratio to the bound, and the thorough check's memory
ONE_COMPANY_TARGET = 1.2
ALL_COMPANIES_TARGET = 1.2
LARGE_TARGET = 1.2  # large-accountant, default check
THOROUGH_TARGET = 1.15
THOROUGH_RSS_TARGET_MB = 150.0
NMBRS_CAP_PER_S = 150


def check_once(
    server: ServerProcess,
    *,
    companies: list[int] | None = None,
    concurrency: int | None = None,
    thorough: bool = False,
) -> dict[str, Any]:
    """Run one check against ``server``; elapsed seconds, calls, and what the server saw."""
    server.reset()
    settings = demo_settings(server.base_url, scenario=server.scenario)
    client = NmbrsClient(settings)
    engine = RightsEngine(
        client,
        find_profile("integration"),
        CheckOptions(
            companies=tuple(companies or ()) or None, concurrency=concurrency, thorough=thorough
        ),
    )
    # Built before the check's clock starts, as RightsEngine.run does itself (and the
    # dashboard's connect step): timed apart, so a comparison that counts it can add it.
    prepare_started = time.perf_counter()
    client.prepare()
    prepare_s = time.perf_counter() - prepare_started
    started = time.perf_counter()
    report = engine.run()
    elapsed = time.perf_counter() - started
    client.close()
    stats = server.stats()
    records = client.call_log.calls()
    slowest = max(records, key=lambda r: r.duration_ms, default=None)
    return {
        "chain": call_chain(records) if len(records) <= 600 else None,
        "slowest": (
            f"{slowest.operation} (company {slowest.company_id}) {slowest.duration_ms:.0f} ms"
        )
        if slowest
        else None,
        "elapsed_s": elapsed,
        "engine_elapsed_s": report.elapsed_ms / 1000,
        "prepare_s": prepare_s,
        "calls": report.calls,
        "exit_code": report.exit_code,
        "companies": len(report.companies),
        "concurrency": engine.concurrency,
        "rate_limit_per_s": float(settings.rate_limit_per_s),
        "server_calls": sum(stats["calls"].values()),
        "max_calls_per_second": stats["max_calls_per_second"],
        "delayed_calls": stats["delayed_calls"],
    }


def call_chain(records: list[CallRecord]) -> list[str]:
    """The longest chain of calls where each one started only after the previous one ended.

    That is the number of round trips the check really waited for, one after another.
    """
    spans = sorted(
        (
            r.started_at.timestamp(),
            r.started_at.timestamp() + r.duration_ms / 1000,
            r.operation.split(".", 1)[1],
        )
        for r in records
    )
    best: list[list[str]] = []
    for start, _end, name in spans:
        before = [
            best[i] for i, (_s, end, _n) in enumerate(spans[: len(best)]) if end <= start + 0.001
        ]
        best.append([*max(before, key=len, default=[]), name])
    return max(best, key=len, default=[])


def bound_s(run: dict[str, Any], latency_ms: int) -> float:
    """What no client can beat: the critical path, or the calls at the limiter's rate."""
    latency = latency_ms / 1000
    calls, rate = float(run["calls"]), float(run["rate_limit_per_s"])
    return float(max(CRITICAL_ROUND_TRIPS * latency, calls / rate))


def cli_command() -> list[str]:
    """``nmbrs-tui`` as a user runs it: the installed script, else the module."""
    import sys
    from pathlib import Path

    script = Path(sys.executable).with_name("nmbrs-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui.cli"]


def cli_environment(**extra: str) -> dict[str, str]:
    """The environment of a timed ``nmbrs-tui`` run: this one, with a config folder of its own.

    The machine's own ``config.toml`` (a default profile of the other API, say) must not
    decide what the timed command connects to: it made ``check --base-url`` answer exit 64
    at once, a time that looked like a very fast check.
    """
    import os
    import tempfile

    return {**os.environ, "XDG_CONFIG_HOME": tempfile.mkdtemp(prefix="bench-config-"), **extra}


def ran_a_check(exit_code: int, what: str, stderr: str = "") -> None:
    """Raise unless ``exit_code`` is a verdict (0-3): anything else timed no check."""
    if not 0 <= exit_code <= 3:
        raise RuntimeError(f"{what} ran no check (exit {exit_code}): {stderr[-300:]}")


def _one_company(latency_ms: int, quick: bool) -> list[Record]:
    records: list[Record] = []
    critical = CRITICAL_ROUND_TRIPS * latency_ms / 1000
    with ServerProcess("healthy", latency_ms=latency_ms) as server:
        company = [server.companies[0]]
        if not quick:  # warm-up: first zeep import, demo data caches
            check_once(server, companies=company)
        default = check_once(server, companies=company)
        serial = check_once(server, companies=company, concurrency=1)
    ratio = default["elapsed_s"] / critical
    records.append(
        metric(
            "rights.one_company.default",
            default["elapsed_s"],
            "s",
            ratio=ratio,
            target=ONE_COMPANY_TARGET,
            bound=critical,
            critical_path_s=critical,
            latency_ms=latency_ms,
            calls=default["calls"],
            concurrency=default["concurrency"],
            round_trips=len(default["chain"] or []),
            chain=" → ".join(default["chain"] or []),
            note=miss_note(
                ratio,
                ONE_COMPANY_TARGET,
                "× critical path",
                f"the check waited for {len(default['chain'] or [])} round trips one "
                f"after another (see chain), the bound assumes {CRITICAL_ROUND_TRIPS} "
                "(lists → company-level probes, which yield the employee and run ids → "
                "per-employee probes and the payslip); starting the links of the chain "
                "that do not need each other's answers together would close it",
            ),
        )
    )
    records.append(
        metric(
            "rights.one_company.concurrency_1",
            serial["elapsed_s"],
            "s",
            ratio=serial["elapsed_s"] / critical,
            critical_path_s=critical,
            latency_ms=latency_ms,
            calls=serial["calls"],
            concurrency=1,
        )
    )
    records.append(
        metric(
            "rights.one_company.speedup",
            serial["elapsed_s"] / default["elapsed_s"],
            "ratio",
            ratio=serial["elapsed_s"] / default["elapsed_s"],
            default_s=default["elapsed_s"],
            concurrency_1_s=serial["elapsed_s"],
        )
    )
    return records


def _all_companies(
    name: str, scenario: str, latency_ms: int, thorough: bool, runs: int = 1
) -> Record:
    """The check over every company. With ``runs`` > 1, as for one company: a warm-up first
    (a fresh demo process builds its records on the first answers, which a running Nmbrs
    does not), then the median of ``runs`` checks, each on a fresh client."""
    with ServerProcess(scenario, latency_ms=latency_ms) as server:
        if runs > 1:
            check_once(server, thorough=thorough)
        timed = sorted(
            (check_once(server, thorough=thorough) for _ in range(runs)),
            key=lambda r: float(r["elapsed_s"]),
        )
    run = timed[len(timed) // 2]
    bound = bound_s(run, latency_ms)
    ratio = run["elapsed_s"] / bound
    fix = (
        "start the biggest company's whole-company lists first, so they overlap with the "
        "many small calls instead of finishing last"
        if thorough
        else "a cheap column probe (Company_GetCurrentPeriod or Run_GetList instead of the "
        "whole employee list, which is 5,000 rows for the biggest company) would close it"
    )
    target = LARGE_TARGET if scenario == "large-accountant" else ALL_COMPANIES_TARGET
    note = miss_note(
        ratio,
        target,
        "× bound",
        f"the slowest single call was {run['slowest']}; {fix}",
    )
    if run["max_calls_per_second"] > NMBRS_CAP_PER_S:
        note = (note + "; " if note else "") + "exceeded 150 calls/s"
    return metric(
        name,
        run["elapsed_s"],
        "s",
        ratio=ratio,
        target=target,
        bound=bound,
        latency_ms=latency_ms,
        scenario=scenario,
        mode="thorough" if thorough else "default",
        calls=run["calls"],
        companies=run["companies"],
        concurrency=run["concurrency"],
        rate_limit_per_s=run["rate_limit_per_s"],
        max_calls_per_second=run["max_calls_per_second"],
        under_nmbrs_cap=run["max_calls_per_second"] <= NMBRS_CAP_PER_S,
        server_delayed_calls=run["delayed_calls"],
        slowest_call=run["slowest"],
        round_trips=len(run["chain"]) if run["chain"] is not None else None,
        samples=[r["elapsed_s"] for r in timed],
        note=note,
    )


def cli_check(*args: str) -> tuple[dict[str, Any], float]:
    """``nmbrs-tui check --format json ARGS`` as a user runs it (a new process): the report's
    ``summary`` (its ``elapsed_ms`` is what the user is shown) and the process's wall time."""
    import json
    import subprocess
    from pathlib import Path

    started = time.perf_counter()
    done = subprocess.run(
        [*cli_command(), "check", *args, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parent.parent,
        env=cli_environment(),
    )
    wall = time.perf_counter() - started
    try:
        summary: dict[str, Any] = json.loads(done.stdout)["summary"]
    except (ValueError, KeyError) as exc:
        raise RuntimeError(f"check gave no JSON report (exit {done.returncode})") from exc
    summary["exit_code"] = done.returncode
    return summary, wall


def cli_large_accountant(latency_ms: int) -> Record:
    """The issue's own measurement: ``check --demo --scenario large-accountant`` from the
    command line, judged by the ``summary.elapsed_ms`` it prints (the demo in its process)."""
    summary, wall = cli_check(
        "--demo", "--scenario", "large-accountant", "--latency-ms", str(latency_ms)
    )
    rate = float(demo_settings("http://127.0.0.1").rate_limit_per_s)
    bound = bound_s({"calls": summary["calls"], "rate_limit_per_s": rate}, latency_ms)
    elapsed = summary["elapsed_ms"] / 1000
    return metric(
        "rights.cli.large_accountant",
        elapsed,
        "s",
        ratio=elapsed / bound,
        target=LARGE_TARGET,
        bound=bound,
        latency_ms=latency_ms,
        calls=summary["calls"],
        exit_code=summary["exit_code"],
        process_wall_s=wall,
        note="`check --demo --scenario large-accountant` as a user runs it: summary.elapsed_ms",
    )


def run(quick: bool = False) -> list[Record]:
    latency = 20 if quick else LATENCY_MS
    records = _one_company(latency, quick)
    runs = 1 if quick else 3
    records.append(_all_companies("rights.all_companies.healthy", "healthy", latency, False, runs))
    if not quick:  # same code path as healthy, only bigger: too slow for the smoke test
        records.append(cli_large_accountant(latency))
        records.append(
            _all_companies(
                "rights.all_companies.large_accountant", "large-accountant", latency, False, runs
            )
        )
        records += thorough_cli(latency)
    return records


def thorough_cli(latency_ms: int) -> list[Record]:
    """``nmbrs-tui check --thorough`` as a user runs it (a new process) on large-accountant:
    its wall time against calls ÷ limiter rate, and its peak RSS (from ``wait4``)."""
    import os
    import subprocess
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    with ServerProcess("large-accountant", latency_ms=latency_ms) as server:
        server.reset()
        settings = demo_settings(server.base_url).soap
        env = cli_environment(NMBRS_TOKEN=settings.token.get_secret_value())
        started = time.perf_counter()
        process = subprocess.Popen(
            [
                *cli_command(),
                "check",
                "--thorough",
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
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=repo,
            env=env,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stats = server.stats()
    stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    ran_a_check(process.returncode, "check --thorough", stderr)
    calls = sum(stats["calls"].values())
    rate = float(demo_settings(server.base_url).rate_limit_per_s)
    bound = calls / rate
    peak_mb = usage.ru_maxrss / 1024
    ratio = elapsed / bound
    return [
        metric(
            "rights.all_companies.large_accountant_thorough",
            elapsed,
            "s",
            bound=bound,
            ratio=ratio,
            target=THOROUGH_TARGET,
            latency_ms=latency_ms,
            calls=calls,
            rate_limit_per_s=rate,
            exit_code=process.returncode,
            max_calls_per_second=stats["max_calls_per_second"],
            under_nmbrs_cap=stats["max_calls_per_second"] <= NMBRS_CAP_PER_S,
            server_delayed_calls=stats["delayed_calls"],
            note="wall time of the `check --thorough` process (start included) ÷ "
            "(calls the server answered ÷ the client's rate limit)",
        ),
        metric(
            "rights.thorough_peak_rss",
            peak_mb,
            "MB",
            bound=THOROUGH_RSS_TARGET_MB,
            target=THOROUGH_RSS_TARGET_MB,
            note="peak RSS of the `check --thorough` process on large-accountant",
        ),
    ]
