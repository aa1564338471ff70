"""Calls and elapsed time of the rights check on the ``large-accountant`` demo environment.

One record per combination of scope (one company, all companies), injected latency (0 and
100 ms) and mode (concurrency 1, the default concurrency, ``--thorough``), printed as JSON
lines ``{"name", "value", "unit", ...}``. The demo server runs in this process; the client
applies its usual global rate limit (below Nmbrs' 150 calls per second).

Run: ``python -m bench.rights_bench [--quick]`` (``--quick`` skips the slow combinations).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from nmbrs_client.client import NmbrsClient
from nmbrs_client.rights.engine import RightsEngine
from nmbrs_client.rights.protocol import CheckOptions
from nmbrs_client.rights.requirements import find_profile
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.server import start_demo_server

SCENARIO = "large-accountant"
MODES: tuple[tuple[str, int | None, bool], ...] = (
    ("concurrency-1", 1, False),
    ("default", None, False),
    ("thorough", None, True),
)


def measure(
    latency_ms: int,
    *,
    companies: list[int] | None,
    concurrency: int | None,
    thorough: bool,
    profile: str = "integration",
) -> dict[str, Any]:
    """Run one check against a fresh demo server; elapsed seconds, calls, cells, exit code."""
    server = start_demo_server(SCENARIO, latency_ms=latency_ms)
    client = NmbrsClient(demo_settings(server.base_url, SCENARIO))
    try:
        started = time.perf_counter()
        report = RightsEngine(
            client,
            find_profile(profile),
            CheckOptions(
                companies=tuple(companies or ()) or None, concurrency=concurrency, thorough=thorough
            ),
        ).run()
        elapsed = time.perf_counter() - started
        return {
            "elapsed_s": elapsed,
            "calls": report.calls,
            "cells": len(report.cells),
            "companies": len(report.companies),
            "exit_code": report.exit_code,
            "concurrency": report.concurrency,
            "server_max_calls_per_second": server.rate_limiter.max_in_window,
        }
    finally:
        client.close()
        server.stop()


def records(quick: bool = False) -> list[dict[str, Any]]:
    """Every combination as metric records (two per run: seconds and calls)."""
    out: list[dict[str, Any]] = []
    for latency in (0, 100):
        for scope, companies in (("one-company", [20001]), ("all-companies", None)):
            for mode, concurrency, thorough in MODES:
                slow = latency == 100 and scope == "all-companies" and mode != "default"
                if quick and slow:
                    continue
                result = measure(
                    latency, companies=companies, concurrency=concurrency, thorough=thorough
                )
                name = f"rights.{scope}.{mode}.latency-{latency}ms"
                context = {k: v for k, v in result.items() if k != "elapsed_s"}
                out.append(
                    {
                        "name": f"{name}.elapsed",
                        "value": round(result["elapsed_s"], 3),
                        "unit": "s",
                        **context,
                    }
                )
                out.append(
                    {"name": f"{name}.calls", "value": result["calls"], "unit": "calls", **context}
                )
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for record in records(quick="--quick" in args):
        print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
