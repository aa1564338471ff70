"""Metric 1: cold start of ``nmbrs-tui --demo`` to its first frame, and import times.

The app runs in a pseudo-terminal (Textual needs one) of 120×40 with TERM=xterm-256color and
``NMBRS_TUI_EXIT_AFTER_FIRST_FRAME=1``. The clock starts just before the process is spawned.
"First frame" here is the moment the pty has received the full first screen (the cursor
addressed the bottom row); the app's own report ("first frame after N ms", timed from
``NMBRS_TUI_T0``) is recorded too when it reaches the terminal.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
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


def run(quick: bool = False) -> list[Record]:
    reps = 1 if quick else 5
    records: list[Record] = []
    compile_bytecode()
    if not quick:  # warm the page cache and .pyc files: "cold" = a new process, not a cold disk
        one_start()
        one_start(command=_minimal_command())
    starts = []
    minimal_frames: list[float] = []
    for _ in range(reps):  # alternated, so a change in the machine's load hits both alike
        starts.append(one_start())
        minimal = one_start(command=_minimal_command())
        if minimal["first_frame_s"] is not None:
            minimal_frames.append(minimal["first_frame_s"])
    frames = [s["first_frame_s"] for s in starts if s["first_frame_s"] is not None]
    exits = [float(s["exit_s"] or 0) for s in starts]
    reported = [s["reported_s"] for s in starts if s["reported_s"] is not None]
    seen = [s["report_seen_s"] for s in starts if s["report_seen_s"] is not None]
    if frames and minimal_frames:
        value = median(frames)
        yardstick = median(minimal_frames)
        records.append(
            metric(
                "startup.first_frame",
                value,
                "s",
                bound=yardstick,
                ratio=value / yardstick,
                target=FIRST_FRAME_RATIO_TARGET,
                samples=frames,
                minimal_app_s=yardstick,
                minimal_app_min_s=min(minimal_frames),
                minimal_app_max_s=max(minimal_frames),
                app_reported_s=median(reported) if reported else None,
                wall_to_report_s=median(seen) if seen else None,
                note="ratio = nmbrs-tui --demo ÷ a minimal Textual app (bench.minimal_app), "
                "first full frame on a 120×40 pty, runs alternated",
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
