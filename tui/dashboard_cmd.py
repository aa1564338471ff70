"""`nmbrs-tui` (no sub-command): open the dashboard.

Only Textual and the shell are imported here; config parsing, the client (zeep) and the demo
server load inside the app's connect worker, after the first frame. Set
``NMBRS_TUI_EXIT_AFTER_FIRST_FRAME=1`` to print the time to the first frame on stderr and exit
(benchmarks); the clock starts at ``NMBRS_TUI_T0`` (a ``time.time()`` value written by the
benchmark just before starting the process) or else at the process start time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from nmbrs_client.exit_codes import ExitCode

EXIT_AFTER_FIRST_FRAME = "NMBRS_TUI_EXIT_AFTER_FIRST_FRAME"
T0_ENV = "NMBRS_TUI_T0"


def process_started_perf() -> float:
    """``time.perf_counter()`` value of the moment this process started (best effort)."""
    now_wall, now_perf = time.time(), time.perf_counter()
    t0 = os.environ.get(T0_ENV, "").strip()
    if t0:
        try:
            return now_perf - (now_wall - float(t0))
        except ValueError:
            pass
    try:  # Linux: start time in clock ticks after boot, compared with the uptime
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        started_ticks = int(fields[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            up = float(uptime.read().split()[0])
        age = up - started_ticks / os.sysconf("SC_CLK_TCK")
        return now_perf - max(age, 0.0)
    except (OSError, ValueError, IndexError):
        return now_perf


def run(args: argparse.Namespace) -> int:
    from tui.app import NmbrsApp
    from tui.connect import LaunchOptions

    exit_early = os.environ.get(EXIT_AFTER_FIRST_FRAME, "") not in ("", "0")
    from nmbrs_client.launch import preflight

    preflight(LaunchOptions.from_args(args))  # ConfigError: one line and exit 64 from tui.cli
    if getattr(args, "scenario", None):
        # A typo must end here with exit 64, as `check` does, not in a "Connection failed" view.
        # A scenario the chosen demo cannot play is refused the same way.
        from nmbrs_demo.scenarios import load_scenario, scenario_for

        scenario = load_scenario(args.scenario)  # ConfigError: one line and exit 64
        if getattr(args, "demo", False):
            scenario_for(scenario, getattr(args, "api", None) or "soap")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal the app would run unseen until killed (cron, a pipe, CI).
        print(
            "nmbrs-tui: the dashboard needs a terminal; for scripts use `nmbrs-tui check` "
            "or `nmbrs-tui runs`.",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    app = NmbrsApp(
        LaunchOptions.from_args(args),
        theme=getattr(args, "theme", None),
        exit_after_first_frame=exit_early,
        started_at=process_started_perf() if exit_early else None,
    )
    result = app.run(mouse=not getattr(args, "no_mouse", False))
    if exit_early and app.first_frame_s is not None:
        print(f"first frame after {app.first_frame_s * 1000:.0f} ms", file=sys.stderr)
    # app.run() gives None after a crash or a forced exit: the return code says what happened.
    code = int(result) if result is not None else int(app.return_code or 0)
    if threads_holding_exit():
        # A call is still on its way (a server that does not answer): the terminal is
        # restored, so leave without waiting for it.
        leave_now(code)
    return code


def threads_holding_exit() -> bool:
    """True when a thread other than this one is still alive.

    A non-daemon thread is joined at interpreter exit, and so is every worker of a
    ``ThreadPoolExecutor``, daemon or not (its pages or fan-out started from a daemon worker):
    either would hold ``q`` until its call ends, up to the read timeout.
    """
    import threading

    me = threading.current_thread()
    return any(t is not me and t.is_alive() for t in threading.enumerate())


def leave_now(code: int) -> None:
    """End the process without joining threads, after what a normal exit would still do:
    flush the output and run the exit handlers (a demo session's token folder is removed)."""
    import atexit

    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(code)
