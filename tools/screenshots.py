"""Regenerate ``screenshots/*.svg`` from the demo: one per pane plus the masked employee detail.

Run with ``make screenshots`` (or ``python -m tools.screenshots [--out DIR] [--size 120x40]``).
The app runs headless against the embedded demo server with ``deterministic=True``, so the
pictures only change when the UI does; personal data stays masked as it is by default.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

from nmbrs_client import locations

SHOTS: dict[str, tuple[str, ...]] = {
    "1-connection": ("1",),
    "2-rights": ("2",),
    "3-companies": ("3",),
    "4-employees": ("3", "enter"),
    "5-payroll": ("3", "enter", "5"),
    "6-calllog": ("6",),
    "employee-detail": ("3", "enter", "enter"),
}


async def _settle(pilot: Any, timeout: float = 30.0) -> None:
    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline and quiet < 3:
        await pilot.pause(0.05)
        busy = any(w.is_running for w in app.workers) or app.connection_info.busy
        quiet = 0 if busy else quiet + 1
    await pilot.pause()


async def take(
    name: str, keys: tuple[str, ...], out: Path, size: tuple[int, int], settings: Any
) -> Path:
    from tui.app import NmbrsApp

    app = NmbrsApp(settings=settings, deterministic=True)
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)
        path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(out)))
    return path


async def main_async(out: Path, size: tuple[int, int], scenario: str) -> list[Path]:
    from nmbrs_client.ids import ApiKind
    from nmbrs_demo import start

    out.mkdir(parents=True, exist_ok=True)
    with start(ApiKind.SOAP, scenario, 0) as demo:
        return [await take(name, keys, out, size, demo.settings()) for name, keys in SHOTS.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.screenshots", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--size", default="120x40", help="terminal size, e.g. 120x40")
    parser.add_argument("--scenario", default="healthy", help="demo scenario to show")
    args = parser.parse_args(argv)
    width, _, height = args.size.partition("x")
    # The app records its checks and reads its config: in a home of its own, so the pictures
    # never show (nor add to) the user's own history.
    with (
        tempfile.TemporaryDirectory(prefix="nmbrs-screenshots-home-") as home,
        mock.patch.dict(os.environ, locations.environment_under(Path(home))),
    ):
        shots = asyncio.run(main_async(args.out, (int(width), int(height)), args.scenario))
    for path in shots:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
