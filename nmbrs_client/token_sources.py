"""Where the API token comes from, checked in a fixed order, with file-permission safety.

The token is the only secret the tool holds, so it is read from the least exposed place that
has it (environment, a private token file, the system keyring, and last the config file itself)
and every error names the place and the fix, never the token. The keyring is optional: it is
used only when the ``keyring`` package happens to be importable.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from nmbrs_client.errors import ConfigError, SecretOfOneConnection
from nmbrs_client.local_files import read_local_text

KEYRING_SERVICE = "nmbrs-tui"
TOKEN_FILE_MAX_BYTES = 64 * 1024  # a token is a few dozen characters
ENV_TOKEN_SOURCE = "env NMBRS_TOKEN"
_INSTEAD_OF = ", instead of "
# The variables that name one connection: they apply to the connection they were set for (the
# profile named with --profile, or the only/default one), never to every profile of a run.
CONNECTION_ENV_VARS = (
    "NMBRS_TOKEN",
    "NMBRS_USERNAME",
    "NMBRS_DOMAIN",
    "NMBRS_BASE_URL",
    "NMBRS_API",
    "NMBRS_REST_TOKEN",
    "NMBRS_REST_CLIENT_SECRET",
    "NMBRS_SUBSCRIPTION_KEY",
)


def connection_env_vars_set(environ: Mapping[str, str] | None = None) -> list[str]:
    """The connection variables that are set (non-empty), to say that they were left out."""
    env = os.environ if environ is None else environ
    return [name for name in CONNECTION_ENV_VARS if env.get(name, "").strip()]


def env_override_note(token_source: str | None) -> str | None:
    """A sentence when NMBRS_TOKEN replaced a token the profile stores itself, else None.

    A profile whose own token is wrong must not look healthy because of a variable exported
    for another customer, so every place that shows the connection says so.
    """
    prefix = ENV_TOKEN_SOURCE + _INSTEAD_OF
    if token_source and token_source.startswith(prefix):
        return f"NMBRS_TOKEN is used instead of {token_source[len(prefix) :]}"
    return None


@dataclass(frozen=True)
class FoundToken:
    """A token and a human-readable description of where it was found."""

    token: SecretStr
    source: str


def group_or_other_bits(path: Path) -> int | None:
    """Permission bits granting group/others access, or ``None`` where POSIX modes do not apply."""
    if os.name != "posix":
        return None
    return stat.S_IMODE(path.stat().st_mode) & 0o077


def is_owner_only(path: Path) -> bool:
    """True if only the owner may read/write ``path`` (mode & 0o077 == 0, or not POSIX)."""
    bits = group_or_other_bits(path)
    return bits is None or bits == 0


def read_token_file(path: Path) -> SecretStr:
    """Read a token file, refusing missing, unreadable, empty or group/world-readable files."""
    if not path.exists():
        raise ConfigError(
            f"token file {path} does not exist",
            hint=f"Create it with the API token on one line, then `chmod 600 {path}`.",
        )
    if not path.is_file():
        raise ConfigError(
            f"token file {path} is not a regular file",
            hint="token_file must point to a file holding only the API token.",
        )
    if not is_owner_only(path):
        mode = stat.S_IMODE(path.stat().st_mode)
        raise ConfigError(
            f"token file {path} is readable by group or others "
            f"(mode {mode:04o}): run `chmod 600 {path}`",
            hint="A token file must be private to its owner.",
        )
    text = read_local_text(path, "token file", limit=TOKEN_FILE_MAX_BYTES)
    token = text.strip()
    if not token:
        raise ConfigError(
            f"token file {path} is empty",
            hint="Put the API token (Nmbrs → User profile → API token) in it.",
        )
    return SecretStr(token)


def keyring_token(profile_name: str | None) -> SecretStr | None:
    """The token stored in the system keyring for this profile, if keyring is available."""
    if not profile_name:
        return None
    try:
        import keyring
    except ImportError:
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE, profile_name)
    except Exception:  # any backend failure means "no keyring", never a crash
        return None
    if not value or not str(value).strip():
        return None
    return SecretStr(str(value).strip())


def _stored_token_place(
    profile_name: str | None, token_file: Path | None, config_token: SecretStr | None
) -> str | None:
    """Where the profile keeps a token of its own (that an environment token overrides)."""
    owner = f"profile {profile_name}" if profile_name else "the command line"
    if token_file is not None:
        return f"the token file of {owner}"
    if keyring_token(profile_name) is not None:
        return f"the keyring token of {owner}"
    if config_token is not None and config_token.get_secret_value().strip():
        return f"the config-file token of {owner}"
    return None


def find_token(
    *,
    profile_name: str | None,
    env_token: SecretStr | None,
    token_file: Path | None,
    token_file_source: str,
    config_token: SecretStr | None,
    config_path: Path | None,
    demo_token: str | None = None,
    withheld: bool = False,
) -> FoundToken:
    """Pick the token: NMBRS_TOKEN, token_file, keyring, config ``token``, demo; else explain.

    ``withheld``: the profile is one of many (``--all-profiles``), so NMBRS_TOKEN was left out;
    when it is the only token there is, the profile is not checked rather than unusable.
    """
    if env_token is not None and env_token.get_secret_value().strip():
        stored = _stored_token_place(profile_name, token_file, config_token)
        source = ENV_TOKEN_SOURCE if stored is None else ENV_TOKEN_SOURCE + _INSTEAD_OF + stored
        return FoundToken(SecretStr(env_token.get_secret_value().strip()), source)
    if token_file is not None:
        label = f"token file {token_file}"
        return FoundToken(
            read_token_file(token_file), label if token_file_source != "flag" else f"{label} (flag)"
        )
    from_keyring = keyring_token(profile_name)
    if from_keyring is not None:
        return FoundToken(from_keyring, f"keyring {KEYRING_SERVICE}/{profile_name}")
    if config_token is not None and config_token.get_secret_value().strip():
        if config_path is not None and config_path.exists() and not is_owner_only(config_path):
            mode = stat.S_IMODE(config_path.stat().st_mode)
            raise ConfigError(
                f"{config_path} holds a token but is readable by group or others "
                f"(mode {mode:04o}): run `chmod 600 {config_path}`",
                hint="Or move the token to a token_file, or to the NMBRS_TOKEN variable.",
            )
        return FoundToken(SecretStr(config_token.get_secret_value().strip()), "config file")
    if demo_token is not None:
        return FoundToken(SecretStr(demo_token), "demo")
    if withheld and profile_name and os.environ.get("NMBRS_TOKEN", "").strip():
        raise SecretOfOneConnection(profile_name, "API token", "NMBRS_TOKEN")
    where = f"profile '{profile_name}'" if profile_name else "this connection"
    raise ConfigError(
        f'no API token for {where}: set NMBRS_TOKEN, or add token_file = "<path>" '
        f"to the profile in {config_path or 'config.toml'} (file mode 600)",
        hint="`nmbrs-tui config add` can write a private token file for you.",
    )
