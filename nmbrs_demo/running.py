"""One way to start the embedded demo, whichever API it speaks: :func:`start_demo`.

The dashboard (``--demo``), the headless commands (``check --demo``, ``runs --demo``,
``check --migration --demo``) and ``demo-server`` all start the demo here and get a
:class:`RunningDemo`: where it listens, the settings that reach it and the lines a person or a
script needs to reach it from elsewhere. Which server class serves which API is this module's
business, not its callers'.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from nmbrs_client.ids import ApiKind
from nmbrs_demo.reach import DEFAULT_SCENARIO, demo_settings

if TYPE_CHECKING:
    from nmbrs_client.settings import ConnectionSettings
    from nmbrs_demo.own_process import DemoProcess
    from nmbrs_demo.readings import Readings as SoapReadings
    from nmbrs_demo.rest.server import RestDemoServer
    from nmbrs_demo.scenarios import Scenario
    from nmbrs_demo.server import DemoServer


@dataclass(frozen=True, eq=False)
class RunningDemo:
    """A demo server of one API that accepts calls until :meth:`stop`.

    ``server`` is the server itself, or a :class:`~nmbrs_demo.own_process.DemoProcess` when it
    runs in a process of its own (then only where it listens is known here).
    """

    api: ApiKind
    scenario: str
    latency_ms: int | None
    server: DemoServer | RestDemoServer | DemoProcess

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def answers(self, api: ApiKind, scenario: str, latency_ms: int | None) -> bool:
        """Whether this demo is the one these options ask for (so a reconnect may reuse it)."""
        return (self.api, self.scenario, self.latency_ms) == (api, scenario, latency_ms)

    def settings(self, download_dir: Path | None = None) -> ConnectionSettings:
        """The connection settings that reach this demo (its public demo credentials)."""
        return demo_settings(self.base_url, self.scenario, download_dir=download_dir, api=self.api)

    def reach(self) -> dict[str, str]:
        """What another process needs to reach this demo, by name (all public demo values).

        SOAP: the base URL, user, token and domain. REST: the environment variables a script
        exports (base URL, a token with every scope of the scenario, subscription key, the
        identity service and the demo app), the names ``nmbrs-tui`` reads.
        """
        from nmbrs_demo.credentials import (
            DEMO_DOMAIN,
            DEMO_REST_CLIENT_ID,
            DEMO_REST_CLIENT_SECRET,
            DEMO_REST_SUBSCRIPTION_KEY,
            DEMO_TOKEN,
            DEMO_USERNAME,
        )

        if self.api is ApiKind.REST:
            server = cast("RestDemoServer", self.server)  # start_demo pairs them
            return {
                "NMBRS_REST_BASE_URL": server.base_url,
                "NMBRS_REST_TOKEN": server.script_token(),
                "NMBRS_SUBSCRIPTION_KEY": DEMO_REST_SUBSCRIPTION_KEY,
                "NMBRS_REST_IDENTITY_URL": server.identity_url,
                "NMBRS_REST_CLIENT_ID": DEMO_REST_CLIENT_ID,
                "NMBRS_REST_CLIENT_SECRET": DEMO_REST_CLIENT_SECRET,
            }
        return {
            "base URL": self.base_url,
            "username": DEMO_USERNAME,
            "token": DEMO_TOKEN,
            "domain": DEMO_DOMAIN,
            "WSDL": f"{self.base_url}EmployeeService.asmx?WSDL",
        }

    @property
    def speaks_shell(self) -> bool:
        """Its :meth:`description` is shell syntax (comments and ``NAME=value``) a script evals."""
        return self.api is ApiKind.REST

    def description(self, builtins: str) -> list[str]:
        """What ``demo-server`` prints: the demo, its scenario and readings, how to reach it
        (of a demo served in this process: ``demo-server`` never starts one elsewhere)."""
        reach = self.reach()
        scenario = cast("DemoServer | RestDemoServer", self.server).scenario.name
        if self.speaks_shell:
            readings = cast("RestDemoServer", self.server).readings
            changed = {k: v for k, v in readings.items() if not readings.is_default(k)}
            lines = [f"# Demo Nmbrs REST API, scenario {scenario!r} ({builtins} are built in)"]
            if changed:
                lines.append(
                    "# readings: " + ", ".join(f"{k}={v}" for k, v in sorted(changed.items()))
                )
            return lines + [f"{name}={shlex.quote(value)}" for name, value in reach.items()]
        lines = [f"Demo Nmbrs SOAP v3 server, scenario {scenario!r} ({builtins} are built in)"]
        for name, value in reach.items():
            lines.append(f"  {name:<9}: {value}")
            if name == "domain":
                soap_readings = cast("DemoServer", self.server).readings
                lines.append(f"  {'readings':<9}: {soap_readings.describe()}")
        return lines

    def stop(self) -> None:
        """Stop serving and free the port; idempotent."""
        self.server.stop()

    def __enter__(self) -> RunningDemo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_demo(
    api: ApiKind = ApiKind.SOAP,
    scenario: Scenario | str = DEFAULT_SCENARIO,
    latency_ms: int | None = None,
    readings: Mapping[str, str] | SoapReadings | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    log_calls: bool = False,
    own_process: bool = False,
) -> RunningDemo:
    """Start the demo of ``api`` in a daemon thread; return once it accepts calls.

    ``latency_ms`` None keeps the scenario's latency; ``readings`` choose answers to the open
    questions (the REST demo's by name; the SOAP demo's by name or as its ``Readings``, over
    the scenario's own). A scenario the API's demo cannot play is refused with a ``ConfigError``.
    ``own_process`` runs it as a child process on a local port (the dashboard's ``--demo``: the
    demo's work then takes neither the dashboard's time nor its memory).
    """
    name = scenario if isinstance(scenario, str) else scenario.name
    if own_process:
        from nmbrs_demo.own_process import start_in_own_process

        if readings is not None or not isinstance(scenario, str):
            raise TypeError("a demo in its own process takes a scenario name, no readings")
        return RunningDemo(api, name, latency_ms, start_in_own_process(api, name, latency_ms))
    server: DemoServer | RestDemoServer
    if api is ApiKind.REST:
        from nmbrs_demo.readings import Readings as SoapReadings
        from nmbrs_demo.rest.server import start_rest_demo_server

        if isinstance(readings, SoapReadings):
            raise TypeError("the REST demo takes its readings by name")
        server = start_rest_demo_server(
            scenario,
            host=host,
            port=port,
            latency_ms=latency_ms,
            readings=readings,
            log_calls=log_calls,
        )
    else:
        from nmbrs_demo.server import start_demo_server

        server = start_demo_server(
            scenario,
            host=host,
            port=port,
            latency_ms=latency_ms,
            log_calls=log_calls,
            readings=readings,
        )
    return RunningDemo(api, name, latency_ms, server)
