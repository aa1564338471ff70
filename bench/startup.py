"""Metric 1: cold start of ``nmbrs-tui --demo`` to its first frame, and import times.

The app runs in a pseudo-terminal (Textual needs one) of 120×40 with TERM=xterm-256color and
``NMBRS_TUI_EXIT_AFTER_FIRST_FRAME=1``. The clock starts just before the process is spawned.
"First frame" here is the moment the pty has received the full first screen (the cursor
addressed the bottom row); the app's own report ("first frame after N ms", timed from
``NMBRS_TUI_T0``) is recorded too when it reaches the terminal.

The yardstick is a minimal Textual app started the same way. The two start back to back in
pairs (11, the one going first alternating) and the ratio is the median of the pairs' own
ratios: with starts of ~0.2 s, one slow start moved a ratio of medians of 5 runs a side by
0.1; here it moves one pair of eleven. Every pair is kept, with the spread recorded.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from bench.records import Record, median, metric

ROWS, COLS = 40, 120
FIRST_FRAME_RATIO_TARGET = 1.15
REPORTED = re.compile(rb"first frame after (\d+) ms")
REPO = Path(__file__).resolve().parent.parent


def _command() -> list[str]:
    script = Path(sys.executable).with_name("nmbrs-tui")
    if script.exists():
        return [str(script), "--demo"]
    return [
        sys.executable,
        "-c",
        "import sys; from tui.cli import main; sys.exit(main())",
        "--demo",
    ]


def _minimal_command() -> list[str]:
    return [sys.executable, "-m", "bench.minimal_app"]


def one_start(timeout_s: float = 30.0, command: list[str] | None = None) -> dict[str, float | None]:
    """Spawn the app once; seconds to the first full frame, to exit, and as the app reports."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    env = dict(
        os.environ,
        TERM="xterm-256color",
        COLUMNS=str(COLS),
        LINES=str(ROWS),
        NMBRS_TUI_EXIT_AFTER_FIRST_FRAME="1",
        NMBRS_TUI_T0=repr(time.time()),
    )
    bottom = f"\x1b[{ROWS};1H".encode()
    started = time.perf_counter()
    process = subprocess.Popen(
        command or _command(),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=REPO,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    output = b""
    first_frame: float | None = None
    report_seen: float | None = None
    deadline = started + timeout_s
    try:
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
            if first_frame is None and bottom in output:
                first_frame = time.perf_counter() - started
            if report_seen is None and REPORTED.search(output):
                report_seen = time.perf_counter() - started
        try:
            process.wait(timeout=max(0.1, deadline - time.perf_counter()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    finally:
        os.close(master)
    exited = time.perf_counter() - started
    found = REPORTED.search(output)
    return {
        "first_frame_s": first_frame,
        "exit_s": exited,
        "reported_s": int(found.group(1)) / 1000 if found else None,
        "report_seen_s": report_seen,
        "returncode": float(process.returncode or 0),
    }


def _median_in_fresh_process(code: str, reps: int) -> float:
    """Run ``code`` (which prints seconds on its last line) in new interpreters; the median."""
    times = []
    for _ in range(reps):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=True,
            timeout=60,
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return median(times)


def import_time(module: str, reps: int) -> float:
    """Median seconds to import ``module`` in a fresh interpreter (interpreter start excluded)."""
    code = (
        "import time; t = time.perf_counter(); import "
        + module
        + "; print(time.perf_counter() - t)"
    )
    return _median_in_fresh_process(code, reps)


def first_client_build(reps: int) -> float:
    """Median seconds, in a fresh process, to import the client and build all three services."""
    code = (
        "import time; t = time.perf_counter()\n"
        "from nmbrs_client.client import NmbrsClient\n"
        "from nmbrs_client.config import resolve_settings\n"
        "from nmbrs_client.config_schema import AppConfig\n"
        "from nmbrs_client.operations import Service\n"
        "soap = {'base_url': 'http://127.0.0.1:9/soap/v3/', 'username': 'u', 'token': 't'}\n"
        "one = {'profiles': {'b': {'environment': 'custom', 'soap': soap}}}\n"
        "c = NmbrsClient(resolve_settings(AppConfig.model_validate(one)))\n"
        "[c.service(s) for s in Service]\n"
        "print(time.perf_counter() - t)"
    )
    return _median_in_fresh_process(code, reps)


def compile_bytecode() -> None:
    """Write the project's ``.pyc`` files, as ``pip install`` does for an installed package.

    With ``PYTHONDONTWRITEBYTECODE`` set (common in containers and CI) no start ever writes
    them, and each start would compile every module of the project from source (tens of
    milliseconds), a cost Textual (compiled at install) and the minimal app do not pay and no
    installed ``nmbrs-tui`` pays either. ``py_compile`` writes them whatever that variable says.
    """
    import compileall

    for package in ("tui", "nmbrs_client", "nmbrs_demo", "bench"):
        compileall.compile_dir(REPO / package, quiet=1)


FIRST_FRAME_PAIRS = 11


def paired_starts(pairs: int) -> list[tuple[dict[str, float | None], dict[str, float | None]]]:
    """``pairs`` (app, minimal app) starts, back to back, the one going first alternating.

    Each pair shares the machine's load of its moment, and neither side always follows the
    other (a start warms caches and leaves work behind for the next), so one slow moment moves
    one pair's ratio, not a whole side's median.
    """
    found = []
    for index in range(pairs):
        if index % 2 == 0:
            app = one_start()
            minimal = one_start(command=_minimal_command())
        else:
            minimal = one_start(command=_minimal_command())
            app = one_start()
        found.append((app, minimal))
    return found


def pair_ratios(
    pairs: list[tuple[dict[str, float | None], dict[str, float | None]]],
) -> list[float]:
    """App ÷ minimal app of each pair where both drew their first frame (every such pair)."""
    ratios = []
    for app, minimal in pairs:
        app_s, minimal_s = app["first_frame_s"], minimal["first_frame_s"]
        if app_s is not None and minimal_s:
            ratios.append(app_s / minimal_s)
    return ratios


def quartiles(values: list[float]) -> tuple[float, float]:
    """First and third quartile (the middle half's edges), the spread a median comes with."""
    if len(values) < 2:
        return values[0], values[0]
    first, _, third = statistics.quantiles(values, n=4, method="inclusive")
    return first, third


def run(quick: bool = False) -> list[Record]:
    records: list[Record] = []
    compile_bytecode()
    if not quick:  # warm the page cache and .pyc files: "cold" = a new process, not a cold disk
        one_start()
        one_start(command=_minimal_command())
    pairs = paired_starts(1 if quick else FIRST_FRAME_PAIRS)
    starts = [app for app, _ in pairs]
    minimal_frames = [m["first_frame_s"] for _, m in pairs if m["first_frame_s"] is not None]
    frames = [s["first_frame_s"] for s in starts if s["first_frame_s"] is not None]
    exits = [float(s["exit_s"] or 0) for s in starts]
    reported = [s["reported_s"] for s in starts if s["reported_s"] is not None]
    seen = [s["report_seen_s"] for s in starts if s["report_seen_s"] is not None]
    ratios = pair_ratios(pairs)
    if frames and minimal_frames and ratios:
        value = median(frames)
        yardstick = median(minimal_frames)
        low, high = quartiles(ratios)
        records.append(
            metric(
                "startup.first_frame",
                value,
                "s",
                bound=yardstick,
                ratio=median(ratios),
                target=FIRST_FRAME_RATIO_TARGET,
                samples=frames,
                minimal_app_s=yardstick,
                minimal_app_min_s=min(minimal_frames),
                minimal_app_max_s=max(minimal_frames),
                minimal_app_samples=[round(s, 3) for s in minimal_frames],
                pair_ratios=[round(r, 3) for r in ratios],
                pair_ratio_quartiles=[round(low, 3), round(high, 3)],
                pair_ratio_min_max=[round(min(ratios), 3), round(max(ratios), 3)],
                ratio_of_medians=round(value / yardstick, 3),
                app_reported_s=median(reported) if reported else None,
                wall_to_report_s=median(seen) if seen else None,
                note="ratio = median over "
                f"{len(ratios)} back-to-back pairs (order alternating) of nmbrs-tui --demo ÷ a "
                "minimal Textual app (bench.minimal_app), each the first full frame on a 120×40 "
                "pty; every pair counts, none is dropped; the pair ratios' quartiles and "
                "min/max are the spread, ratio_of_medians the former statistic",
            )
        )
    records.append(
        metric(
            "startup.process_exit_after_first_frame",
            median(exits),
            "s",
            runs=len(exits),
            note=None if frames else "the first frame was not seen on the pty",
        )
    )
    import_reps = 1 if quick else 5
    for module in ("nmbrs_client", "nmbrs_client.client", "tui.app"):
        records.append(
            metric(
                f"startup.import.{module}",
                import_time(module, import_reps) * 1000,
                "ms",
                runs=import_reps,
            )
        )
    records.append(
        metric(
            "startup.first_client_build_fresh_process",
            first_client_build(import_reps) * 1000,
            "ms",
            runs=import_reps,
            note="import nmbrs_client.client + zeep, build all 3 services from the bundled WSDLs",
        )
    )
    return records
