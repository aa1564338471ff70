"""A demo server in its own process, so client and server do not share one GIL.

In one process the server's XML rendering and the client's parsing take turns on the GIL, which
inflates every timed call (a 5,000-row list answers 3× slower). A real Nmbrs is on another
machine; a child process on a 2-core box is the closest stand-in. The parent talks to the child
over a pipe: ``stats()``, ``reset()`` and ``recorded()`` (every call as ``(operation, params)``,
used to replay exactly the same calls through another client).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any


def _serve(
    conn: Connection,
    scenario: str,
    latency_ms: int,
    rate_limit: bool,
    changes: dict[str, Any] | None = None,
    prepare_big: bool = False,
) -> None:
    from nmbrs_demo.own_process_main import PREPARE_FROM_EMPLOYEES
    from nmbrs_demo.scenarios import load_scenario
    from nmbrs_demo.server import start_demo_server
    from nmbrs_demo.stats import ServerStats

    chosen = replace(
        load_scenario(scenario), latency_ms=latency_ms, rate_limit=rate_limit, **(changes or {})
    )
    server = start_demo_server(chosen)
    calls: list[tuple[str, dict[str, int]]] = []
    original = server.handlers.call

    def recording(qualified: str, params: dict[str, int]) -> Any:
        calls.append((qualified, dict(params)))  # list.append is atomic under the GIL
        return original(qualified, params)

    server.handlers.call = recording  # type: ignore[method-assign]
    if prepare_big:  # as the demo `nmbrs-tui --demo` starts does, before anyone asks
        server.prepare_big_companies(PREPARE_FROM_EMPLOYEES)
        calls.clear()
    big = server.world.big_company_id() if hasattr(server.world, "big_company_id") else None
    conn.send(
        {
            "base_url": server.base_url,
            "big_company": big,
            "companies": [c.ID for c in server.world.companies()],
        }
    )
    try:
        while True:
            command = conn.recv()
            if command == "stats":
                conn.send(server.stats.snapshot())
            elif command == "recorded":
                conn.send(list(calls))
            elif command == "reset":
                calls.clear()
                server.stats = ServerStats()
                server.rate_limiter.max_in_window = 0
                server.rate_limiter._arrivals.clear()
                conn.send("ok")
            else:
                break
    except EOFError:
        pass
    finally:
        server.stop()


class ServerProcess:
    """Start with ``ServerProcess("healthy", latency_ms=100)``; use as a context manager."""

    def __init__(
        self,
        scenario: str = "healthy",
        *,
        latency_ms: int = 0,
        rate_limit: bool = True,
        changes: dict[str, Any] | None = None,
        prepare_big: bool = False,
    ) -> None:
        """``changes`` are Scenario fields set on top of ``scenario`` (e.g. the throttle).

        ``prepare_big``: render the big companies' whole-company replies before the server
        reports it is up, as the demo that ``nmbrs-tui --demo`` starts does once it is up;
        otherwise the first open of such a company pays the demo's one-off rendering (about
        a second), which is the stand-in server's cost and not the app's.
        """
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(
            target=_serve,
            args=(child, scenario, latency_ms, rate_limit, changes, prepare_big),
            daemon=True,
            name=f"demo-server-{scenario}",
        )
        self._process.start()
        child.close()
        if not self._conn.poll(60):
            self._process.kill()
            raise RuntimeError("the demo server process did not start within 60 s")
        info = self._conn.recv()
        self.base_url: str = info["base_url"]
        self.big_company: int | None = info["big_company"]
        self.companies: list[int] = info["companies"]
        self.scenario = scenario
        self.latency_ms = latency_ms

    def _ask(self, command: str) -> Any:
        self._conn.send(command)
        return self._conn.recv()

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self._ask("stats")
        return result

    def recorded(self) -> list[tuple[str, dict[str, int]]]:
        result: list[tuple[str, dict[str, int]]] = self._ask("recorded")
        return result

    def reset(self) -> None:
        self._ask("reset")

    def stop(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(OSError):
                self._conn.send("stop")
            self._process.join(10)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(5)
        self._conn.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
