"""Every folder nmbrs-tui keeps files in, in one place (the only module that asks platformdirs).

Where a file lives is decided here and nowhere else, so a reader finds every place the app
touches on disk in one screen, and tests move them all with the ``XDG_*`` variables.

- config: ``config.toml`` and the REST app registrations (``rest/<profile>.toml``);
- state: the REST token store, the check history, crash logs (things the app keeps for itself);
- downloads: the default folder for payslips, exports, reports and bundles.

Nothing here creates a folder: each writer creates its own, private, when it first writes
(:func:`nmbrs_client.private_file.ensure_private_dir`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "nmbrs-tui"
CONFIG_FILE_NAME = "config.toml"

# What platformdirs reads to place the folders below (XDG on Linux, HOME elsewhere): setting
# them all moves every one of them.
FOLDER_VARIABLES = {
    "HOME": "home",
    "XDG_CONFIG_HOME": "home/.config",
    "XDG_STATE_HOME": "home/.local/state",
    "XDG_DATA_HOME": "home/.local/share",
    "XDG_CACHE_HOME": "home/.cache",
    "XDG_DOWNLOAD_DIR": "home/Downloads",
}


def config_dir() -> Path:
    """``config.toml`` and the REST app registrations."""
    return Path(platformdirs.user_config_dir(APP_NAME))


def config_file() -> Path:
    """The config file used when neither ``--config`` nor ``NMBRS_TUI_CONFIG`` names one."""
    return config_dir() / CONFIG_FILE_NAME


def state_dir() -> Path:
    """What the app keeps for itself between runs (tokens, history, crash logs)."""
    return Path(platformdirs.user_state_dir(APP_NAME))


def tokens_dir() -> Path:
    """The REST token store's files (one per profile, when the keyring is not used)."""
    return state_dir() / "rest-tokens"


def history_dir() -> Path:
    """The local history of finished checks (one SQLite file)."""
    return state_dir() / "history"


def crash_log_dir() -> Path:
    """Tracebacks of crashes, one private file each (never on the terminal)."""
    return state_dir() / "crashes"


def downloads_dir() -> Path:
    """The default folder for what the user saves (``download_dir`` in the config overrides)."""
    return Path(platformdirs.user_downloads_dir()) / APP_NAME


def own_folders() -> tuple[Path, ...]:
    """Every folder above that the app may create or write in (under the current environment)."""
    return (config_dir(), state_dir(), downloads_dir())


def environment_under(root: Path) -> Mapping[str, str]:
    """The variables that put every folder above under ``root``, for runs that must leave the
    user's own folders alone: the test suite, the bench, the screenshots."""
    return {name: str(root / relative) for name, relative in FOLDER_VARIABLES.items()}
