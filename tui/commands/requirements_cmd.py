"""`nmbrs-tui requirements` (placeholder until implemented)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("requirements", help="requirements (not implemented yet)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("requirements")
