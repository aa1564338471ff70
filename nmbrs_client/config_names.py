"""Names the command line needs before anything is parsed: no pydantic, no file access.

Kept apart from :mod:`nmbrs_client.config` so that building ``nmbrs-tui``'s argument parser
(which runs before the dashboard's first frame) does not import pydantic-settings.
"""

from __future__ import annotations

from typing import Literal, get_args

CONFIG_ENV_VAR = "NMBRS_TUI_CONFIG"

Environment = Literal["production", "sandbox", "demo", "custom"]
ENVIRONMENTS: tuple[str, ...] = get_args(Environment)
