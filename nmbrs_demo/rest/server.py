"""The REST demo on uvicorn, in a background thread, on a loopback port.

Usage::

    with start_rest_demo_server("multi-debtor") as server:
        print(server.base_url)       # http://127.0.0.1:PORT       (paths start with /api/)
        print(server.identity_url)   # http://127.0.0.1:PORT/identity
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

import uvicorn

from nmbrs_client.ids import ApiKind
from nmbrs_demo.credentials import IDENTITY_PREFIX
from nmbrs_demo.host import tcp_listener
from nmbrs_demo.records import DEMO_SEED, DEMO_TODAY
from nmbrs_demo.rest.app import HISTORY_RESOURCES, RestDemo, build_app
from nmbrs_demo.rest.observe import Observer
from nmbrs_demo.rest.readings import Readings
from nmbrs_demo.scenarios import Scenario, scenario_for

START_TIMEOUT_S = 15.0


# The histories an open of a company pages (employments, then the five the contracts are made
# of), then the on-screen department and function fill: made first, as an open soon after the
# start asks for them; the others after.
_OPEN_ASKS = (
    "employments",
    "personalinfo",
    "privateInfos",
    "contracts",
    "salaries",
    "addresses",
    "departments",
    "functions",
)


def _prepared_first(resource: str) -> int:
    return _OPEN_ASKS.index(resource) if resource in _OPEN_ASKS else len(_OPEN_ASKS)


class RestDemoServer:
    """A running REST demo. Stop it with :meth:`stop` or use it as a context manager."""

    def __init__(self, demo: RestDemo, *, host: str, port: int) -> None:
        self.demo = demo
        self.scenario = demo.scenario
        self.readings = demo.readings
        self.world = demo.world
        # Slot for a test's contract recorder (tests/rest_contract.py).
        self.contract: Any = None
        self._socket = tcp_listener(host, port, 512)
        self.host = host
        self.port = int(self._socket.getsockname()[1])
        url_host = f"[{host}]" if ":" in host else host
        if host in ("0.0.0.0", "", "::"):
            url_host = "127.0.0.1"
        self.base_url = f"http://{url_host}:{self.port}"
        self.identity_url = self.base_url + IDENTITY_PREFIX
        demo.identity.issuer = self.identity_url
        config = uvicorn.Config(
            build_app(demo),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=30,
            server_header=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"nmbrs-rest-demo:{self.port}",
            daemon=True,
        )
        self._stopped = False
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise OSError(f"the REST demo server did not start on port {self.port}")
            time.sleep(0.005)

    @property
    def stats(self) -> Any:
        return self.demo.stats

    @property
    def identity(self) -> Any:
        return self.demo.identity

    def add_observer(self, observer: Observer) -> None:
        self.demo.observers.append(observer)

    def remove_observer(self, observer: Observer) -> None:
        if observer in self.demo.observers:
            self.demo.observers.remove(observer)

    def prepare_big_companies(self, min_employees: int) -> None:
        """Make, before they are asked for, the rows of every company with at least
        ``min_employees``: its employee list and its company-level histories, what the
        dashboard pages through when it opens one.

        The world is read-only, so these are the rows the calls will page; the 5,000-employee
        company's otherwise cost the first open about a second of the demo's time. Scopes and
        consent are checked per call as ever.
        """
        if self.scenario.no_employees:
            return
        views, world = self.demo.views, self.world
        for company in world.companies():
            if world.company_size(company.ID) >= min_employees:
                views.employees(company.ID)
                for resource in sorted(HISTORY_RESOURCES, key=_prepared_first):
                    views.history(resource, company.ID)

    def script_token(self) -> str:
        """An access token with every scope of the scenario (what ``demo-server`` prints)."""
        return self.demo.identity.issue_for_script()

    def stop(self) -> None:
        """Stop serving and free the port; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()

    @property
    def running(self) -> bool:
        return not self._stopped

    def __enter__(self) -> RestDemoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"RestDemoServer({self.base_url!r}, scenario={self.scenario.name!r})"


def start_rest_demo_server(
    scenario: Scenario | str = "healthy",
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    latency_ms: int | None = None,
    readings: Mapping[str, str] | None = None,
    log_calls: bool = False,
    today: date | None = None,
    clock: Callable[[], float] = time.time,
) -> RestDemoServer:
    """Start the REST demo in a background thread; return once it accepts calls.

    ``readings`` maps reading names to values (defaults: the strictest); ``clock`` drives token
    and code expiry, so tests can move time on without waiting.
    """
    from nmbrs_demo.worlds import shared_world

    chosen = scenario_for(scenario, "rest")
    if latency_ms is not None:
        if latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        chosen = replace(chosen, latency_ms=latency_ms)
    day = today or DEMO_TODAY
    seed = chosen.seed if chosen.seed is not None else DEMO_SEED
    world = shared_world(seed, day, chosen.size)
    demo = RestDemo(
        chosen, world, Readings(ApiKind.REST, readings), clock=clock, log_calls=log_calls
    )
    return RestDemoServer(demo, host=host, port=port)
