"""Key remapping from ``keymap.toml``, next to ``config.toml``.

Every binding has an id (shown in the help screen, ``?``); the file maps ids to keys::

    # ~/.config/nmbrs-tui/keymap.toml
    "app.pane.calllog" = "l"
    "app.help" = "h,f1"

A file that is not valid TOML, an unknown binding id or a value that is not a key string is
reported (a notification in the app) and ignored; the valid entries still apply. Nothing here
imports Textual widgets at module import, so reading the file costs nothing at startup.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

KEYMAP_FILE = "keymap.toml"
_KEY = re.compile(r"^[A-Za-z0-9_+\-]+$|^.$")


@dataclass
class KeymapFile:
    """What ``keymap.toml`` asked for: the entries to apply and the problems to report."""

    path: Path
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return self.path.is_file()


def keymap_path(config_path: str | Path | None = None) -> Path:
    """``keymap.toml`` in the folder of the config file in use."""
    from nmbrs_client.config import resolve_config_path

    return resolve_config_path(config_path).parent / KEYMAP_FILE


def known_binding_ids() -> set[str]:
    """Every binding id the dashboard declares: the key registry's."""
    from tui.keys import binding_ids

    return binding_ids()


def valid_keys(value: str) -> bool:
    """``"l"``, ``"ctrl+l"``, ``"question_mark,f1"`` (Textual key names): comma-separated."""
    parts = [p.strip() for p in value.split(",")]
    return bool(parts) and all(p and _KEY.match(p) for p in parts)


def read_keymap(path: Path, known_ids: Iterable[str] | None = None) -> KeymapFile:
    """Parse and validate ``path``; a missing file is an empty keymap, not a problem."""
    result = KeymapFile(path)
    from nmbrs_client.errors import ConfigError
    from nmbrs_client.local_files import read_toml_file

    if not os.path.lexists(path):
        return result
    try:
        data = read_toml_file(path, "keymap file")
    except ConfigError as exc:
        result.problems.append(f"{exc.message}; default keys are used.")
        return result
    known = set(known_ids) if known_ids is not None else known_binding_ids()
    unknown: list[str] = []
    for binding_id, keys in data.items():
        if binding_id not in known:
            unknown.append(binding_id)
        elif not isinstance(keys, str) or not valid_keys(keys):
            result.problems.append(
                f'{path}: {binding_id!r} must be keys like "l" or "ctrl+l,f2", got '
                f"{keys!r}; ignored."
            )
        else:
            result.keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
    if unknown:
        result.problems.append(
            f"{path}: unknown binding id(s) {', '.join(repr(u) for u in sorted(unknown))}; "
            "ignored. The help screen (?) lists every id."
        )
    return result
