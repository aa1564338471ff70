"""`nmbrs-tui demo-server`: run the embedded demo Nmbrs (SOAP v3 and/or REST) in the foreground.

Useful to point another client (an SDK, SoapUI, curl) at a realistic Nmbrs without a real
environment. It binds to loopback unless told otherwise: the demo data is fictitious, but
the server has no TLS and fixed, published credentials. With ``--api rest`` it prints
shell-style ``NAME=value`` lines (base URL, a token, the subscription key, the identity URL,
the demo client id and secret) so scripts and outside clients can use it at once.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from nmbrs_client.errors import ConfigError
from nmbrs_client.ids import ApiKind
from tui.headless.options import API_CHOICES

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_parser(sub: Any) -> None:
    from tui.headless.options import SCENARIO_NAMES

    parser = sub.add_parser(
        "demo-server",
        help="run the embedded demo Nmbrs server (SOAP v3 or REST)",
        description="Serve the demo Nmbrs SOAP v3 services or REST API until Ctrl-C.",
    )
    parser.add_argument(
        "--api",
        choices=[*API_CHOICES, "both"],
        default="soap",
        help="which API to serve (default soap; rest adds the identity service)",
    )
    parser.add_argument(
        "--reading",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="answer an open question one way (repeatable; default: the strictest reading). "
        "SOAP readings (values in the README): employee-type, empty-list, environment-header, "
        "environment-reply, fault-order, payslip-rights, company-scope-fault, fault-text",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, loopback only)"
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default 0: a free port)")
    parser.add_argument(
        "--scenario",
        default="healthy",
        help="built-in scenario name or a scenario TOML file (default healthy); " + SCENARIO_NAMES,
    )
    parser.add_argument(
        "--latency-ms", type=int, default=None, help="extra latency per call in milliseconds"
    )
    parser.add_argument(
        "--log-calls",
        action="store_true",
        help="print one line per call (operation, status, ms) to stderr",
    )
    parser.set_defaults(handler=run)


def _soap_reading(item: str) -> bool:
    from nmbrs_demo.readings import SWITCHES

    return item.partition("=")[0].strip().lower().replace("_", "-") in SWITCHES


def run(args: argparse.Namespace) -> int:
    from nmbrs_demo.readings import parse_reading_args as parse_soap_readings
    from nmbrs_demo.rest.readings import parse_reading_args
    from nmbrs_demo.scenarios import builtin_names, load_scenario

    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port must be between 0 and 65535, got {args.port}.")
    if args.latency_ms is not None and args.latency_ms < 0:
        raise ConfigError(f"--latency-ms must not be negative, got {args.latency_ms}.")
    if args.api == "both" and args.port:
        raise ConfigError("--port cannot be given with --api both (the two APIs need two ports).")
    scenario = load_scenario(args.scenario)
    # One --reading flag for both demos: the SOAP demo's switches are its own, the rest the
    # REST demo's (each rejects names neither knows).
    soap_items = [item for item in args.reading if _soap_reading(item)]
    readings = parse_reading_args([item for item in args.reading if not _soap_reading(item)])
    soap_readings = parse_soap_readings(soap_items, scenario.readings)
    if args.host not in _LOOPBACK:
        print(
            f"warning: binding to {args.host}: the demo server has no TLS and well-known "
            "credentials; anyone who can reach this address can call it.",
            file=sys.stderr,
        )
    from nmbrs_demo import start

    apis = (ApiKind.SOAP, ApiKind.REST) if args.api == "both" else (ApiKind(args.api),)
    readings_of: dict[ApiKind, Any] = {ApiKind.SOAP: soap_readings, ApiKind.REST: readings}
    demos: list[Any] = []
    try:
        for api in apis:
            demos.append(
                start(
                    api,
                    scenario,
                    args.latency_ms,
                    readings_of[api],
                    host=args.host,
                    port=args.port,
                    log_calls=args.log_calls,
                )
            )
    except OSError as exc:
        for demo in demos:
            demo.stop()
        raise ConfigError(f"Cannot listen on {args.host}:{args.port}: {exc.strerror}.") from None
    except BaseException:
        for demo in demos:
            demo.stop()
        raise

    builtins = ", ".join(builtin_names())
    for demo in demos:
        for line in demo.description(builtins):
            print(line)
    # With REST every stdout line stays shell syntax (comments and NAME=value).
    shell = any(demo.speaks_shell for demo in demos)
    print(f"{'# ' if shell else ''}Press Ctrl-C to stop.", flush=True)
    return _serve_until_stopped(demos)


def _serve_until_stopped(servers: list[Any]) -> int:
    stop = threading.Event()
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            server.stop()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)
        print("Demo server stopped.", file=sys.stderr)
    return 0
