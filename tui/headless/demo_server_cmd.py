"""`nmbrs-tui demo-server`: run the embedded demo Nmbrs SOAP v3 server in the foreground.

Useful to point another client (an SDK, SoapUI, curl) at a realistic Nmbrs without a real
environment. It binds to loopback unless told otherwise: the demo data is fictitious, but
the server has no TLS and fixed, published credentials.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from nmbrs_client.errors import ConfigError

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "demo-server",
        help="run the embedded demo Nmbrs SOAP v3 server",
        description="Serve the demo Nmbrs SOAP v3 services until Ctrl-C.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, loopback only)"
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default 0: a free port)")
    parser.add_argument(
        "--scenario",
        default="healthy",
        help="built-in scenario name or a scenario TOML file (default healthy)",
    )
    parser.add_argument(
        "--latency-ms", type=int, default=None, help="extra latency per call in milliseconds"
    )
    parser.add_argument(
        "--api",
        choices=("soap", "rest"),
        default="soap",
        help="which Nmbrs API the demo serves (default soap)",
    )
    parser.add_argument(
        "--log-calls",
        action="store_true",
        help="print one line per call (operation, status, ms) to stderr",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from nmbrs_demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USERNAME
    from nmbrs_demo.scenarios import builtin_names, load_scenario
    from nmbrs_demo.server import start_demo_server

    if args.api != "soap":
        raise ConfigError(
            "the REST demo server is not available in this version yet; use --api soap"
        )
    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port must be between 0 and 65535, got {args.port}.")
    if args.latency_ms is not None and args.latency_ms < 0:
        raise ConfigError(f"--latency-ms must not be negative, got {args.latency_ms}.")
    scenario = load_scenario(args.scenario)
    if args.host not in _LOOPBACK:
        print(
            f"warning: binding to {args.host}: the demo server has no TLS and well-known "
            "credentials; anyone who can reach this address can call it.",
            file=sys.stderr,
        )
    try:
        server = start_demo_server(
            scenario,
            host=args.host,
            port=args.port,
            latency_ms=args.latency_ms,
            log_calls=args.log_calls,
        )
    except OSError as exc:
        raise ConfigError(f"Cannot listen on {args.host}:{args.port}: {exc.strerror}.") from None

    # The demo token is public and fixed (it is the same in every copy of nmbrs-tui), so
    # printing it here does not expose any secret.
    print(
        f"Demo Nmbrs SOAP v3 server, scenario {scenario.name!r}"
        f" ({', '.join(builtin_names())} are built in)"
    )
    print(f"  base URL : {server.base_url}")
    print(f"  username : {DEMO_USERNAME}")
    print(f"  token    : {DEMO_TOKEN}")
    print(f"  domain   : {DEMO_DOMAIN}")
    print(f"  WSDL     : {server.base_url}EmployeeService.asmx?WSDL")
    print("Press Ctrl-C to stop.", flush=True)

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
        server.stop()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)
        print("Demo server stopped.", file=sys.stderr)
    return 0
