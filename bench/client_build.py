"""Metric 2: time to build each service's zeep client, from the bundled WSDLs and from ``?WSDL``.

Each repetition uses a fresh :class:`NmbrsClient` (zeep keeps no parsed WSDL between clients,
so this is what every new connection pays); one throw-away build first takes the import of
zeep out of the numbers. ``client.build_times_ms`` is the client's own measurement.
"""

from __future__ import annotations

from bench.records import Record, median, metric
from bench.server_proc import ServerProcess
from nmbrs_client.client import NmbrsClient
from nmbrs_client.operations import Service
from nmbrs_demo.reach import demo_settings


def run(quick: bool = False) -> list[Record]:
    reps = 1 if quick else 7
    records: list[Record] = []
    with ServerProcess("healthy") as server:
        base = demo_settings(server.base_url)
        NmbrsClient(base).service(Service.DEBTOR)  # warm-up: imports zeep, requests, lxml
        for source in ("bundled", "live"):
            settings = base.with_soap(wsdl=source)
            totals: list[float] = []
            per_service: dict[Service, list[float]] = {s: [] for s in Service}
            for _ in range(reps):
                client = NmbrsClient(settings)
                for service in Service:
                    client.service(service)
                    per_service[service].append(client.build_times_ms[service.value])
                totals.append(sum(client.build_times_ms.values()))
                client.close()
            for service, times in per_service.items():
                records.append(
                    metric(
                        f"client_build.{source}.{service.value}",
                        median(times),
                        "ms",
                        repetitions=reps,
                        wsdl=source,
                    )
                )
            records.append(
                metric(
                    f"client_build.{source}.all_services",
                    median(totals),
                    "ms",
                    repetitions=reps,
                    wsdl=source,
                )
            )
    bundled = next(r for r in records if r["name"] == "client_build.bundled.all_services")
    live = next(r for r in records if r["name"] == "client_build.live.all_services")
    records.append(
        metric(
            "client_build.live_vs_bundled",
            live["value"] / bundled["value"],
            "ratio",
            ratio=live["value"] / bundled["value"],
            live_ms=live["value"],
            bundled_ms=bundled["value"],
        )
    )
    return records
