"""The rights check of 152 companies while the SOAP demo throttles: every cell still verified.

Three calls in ten are told to slow down (HTTP 429 or 503 with ``Retry-After: 1``, or a SOAP
fault asking to slow down). Throttling says nothing about rights: the client waits and tries
again, the check's one retry budget leaves throttling to its deadline, and no cell may end as
``error``. Reported: the time, the throttled replies the server sent, the client's retries and
the cells in ``error`` (target 0), against the large-accountant world's first 152 visible
companies at the usual 100 ms per call.
"""

from __future__ import annotations

import time
from collections import Counter

from bench.records import Record, metric
from bench.server_proc import ServerProcess
from nmbrs_client.client import NmbrsClient
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.engine import RightsEngine
from nmbrs_client.rights.protocol import CheckOptions
from nmbrs_client.rights.requirements import find_profile
from nmbrs_demo.reach import demo_settings

COMPANIES = 152
LATENCY_MS = 100
THROTTLE = {
    "throttle_rate": 0.3,
    "throttle_kinds": frozenset({"429", "503", "slow-down"}),
    "throttle_retry_after_s": 1,
}


def run(quick: bool = False) -> list[Record]:
    latency = 20 if quick else LATENCY_MS
    count = 12 if quick else COMPANIES
    with ServerProcess("large-accountant", latency_ms=latency, changes=THROTTLE) as server:
        settings = demo_settings(server.base_url, scenario="large-accountant")
        lister = NmbrsClient(settings)
        try:
            visible = [c.ID for c in lister.companies()][:count]
        finally:
            lister.close()
        server.reset()
        client = NmbrsClient(settings)
        engine = RightsEngine(
            client, find_profile("integration"), CheckOptions(companies=tuple(visible))
        )
        started = time.perf_counter()
        report = engine.run()
        elapsed = time.perf_counter() - started
        client.close()
        stats = server.stats()
    statuses = Counter({int(k): v for k, v in stats["statuses"].items()})
    errors = sum(1 for cell in report.cells if cell.status is Status.ERROR)
    retries = client.retry_stats.snapshot()
    return [
        metric(
            "throttled_check.companies_152.errors",
            errors,
            "cells",
            target=0,
            companies=len(visible),
            cells=len(report.cells),
            exit_code=int(report.exit_code),
            note=None if errors == 0 else "a throttled call ended as error: see the retries",
        ),
        metric(
            "throttled_check.companies_152.elapsed",
            elapsed,
            "s",
            latency_ms=latency,
            companies=len(visible),
            calls=report.calls,
            throttled_http=statuses[429] + statuses[503],
            status_429=statuses[429],
            status_503=statuses[503],
            client_retries=retries["retries"],
            client_gave_up=retries["gave_up"],
        ),
    ]
