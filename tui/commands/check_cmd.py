"""`nmbrs-tui check` (placeholder until implemented)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def add_parser(sub: Any, add_connection_options: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = sub.add_parser("check", help="check (not implemented yet)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("check")
