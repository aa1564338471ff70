"""Writing config.toml and token files: a small TOML serializer and private, atomic writes.

The standard library reads TOML but cannot write it, and the schema is small (tables of strings,
numbers, booleans and string lists), so a careful serializer here avoids a dependency. Files are
written to a temporary sibling with mode 0600 and renamed into place, so a crash never leaves a
half-written config and the token is never readable by others, not even for a moment.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nmbrs_client.config import read_config_dict, validate_config_dict
from nmbrs_client.config_schema import AppConfig, grouped_profile
from nmbrs_client.config_urls import fixed_urls
from nmbrs_client.errors import ConfigError
from nmbrs_client.private_file import write_private_file_exactly

PROFILE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_TOP_LEVEL_ORDER = ("default_profile", "download_dir")


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _string(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        if any(isinstance(item, Mapping) for item in value):
            raise ValueError("arrays of tables are not part of the config schema")
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise ValueError(f"cannot write a {type(value).__name__} to config.toml")


def dump_toml(data: Mapping[str, Any]) -> str:
    """Serialize nested dicts of TOML scalars / string lists; ``tomllib.loads`` round-trips it."""
    lines: list[str] = []
    _dump_table(data, (), lines)
    return "\n".join(lines).strip("\n") + "\n"


def _dump_table(data: Mapping[str, Any], prefix: tuple[str, ...], lines: list[str]) -> None:
    scalars = [(k, v) for k, v in data.items() if not isinstance(v, Mapping)]
    if not prefix:
        scalars.sort(
            key=lambda kv: (
                _TOP_LEVEL_ORDER.index(kv[0])
                if kv[0] in _TOP_LEVEL_ORDER
                else len(_TOP_LEVEL_ORDER)
            )
        )
    tables = [(k, v) for k, v in data.items() if isinstance(v, Mapping)]
    if prefix and (scalars or not tables):
        lines.append("")
        lines.append("[" + ".".join(_key(p) for p in prefix) + "]")
    for key, value in scalars:
        if value is None:
            continue
        lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in tables:
        _dump_table(value, (*prefix, key), lines)


def private_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600, atomically (temp file + rename)."""
    write_private_file_exactly(path, text.encode("utf-8"), overwrite=True)


def write_config(path: Path, data: Mapping[str, Any]) -> AppConfig:
    """Validate ``data`` against the schema, then write it to ``path`` (mode 0600)."""
    config = validate_config_dict(data, path)
    try:
        private_write(path, dump_toml(data))
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or type(exc).__name__}") from None
    return config


def write_token_file(path: Path, token: str) -> None:
    """Store a token alone on one line in a file only its owner can read."""
    token = token.strip()
    if not token or any(ch.isspace() for ch in token):
        raise ConfigError("the token must be one word without spaces")
    try:
        private_write(path, token + "\n")
    except OSError as exc:
        raise ConfigError(
            f"cannot write token file {path}: {exc.strerror or type(exc).__name__}"
        ) from None


def merged_profile(
    existing: Mapping[str, Any] | None, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """A profile table with ``changes`` applied; keys set to ``None``/"" are removed.

    ``changes`` may hold a ``soap`` and a ``rest`` table, merged key by key into the profile's
    parts (an older flat profile is first regrouped). Keys that no longer fit the new
    environment (a base_url for production, a scenario outside the demo) are dropped, so
    switching a profile's environment does not leave it invalid.
    """
    profile = grouped_profile(dict(existing or {}))
    for key, value in changes.items():
        if key in ("soap", "rest") and isinstance(value, Mapping):
            part = dict(profile.get(key) or {})
            for sub, sub_value in value.items():
                if sub_value is None or sub_value == "":
                    part.pop(sub, None)
                else:
                    part[sub] = sub_value
            if part:
                profile[key] = part
            else:
                profile.pop(key, None)
        elif value is None or value == "":
            profile.pop(key, None)
        else:
            profile[key] = value
    environment = profile.get("environment", "production")
    for api in ("soap", "rest"):
        hosts = profile.get(api)
        if isinstance(hosts, dict) and environment in fixed_urls(api):
            hosts.pop("base_url", None)
            if api == "rest":
                hosts.pop("identity_url", None)
            if not hosts:
                profile.pop(api)
    if environment != "demo":
        profile.pop("scenario", None)
    if environment != "custom" and profile.get("verify_tls") is False:
        profile.pop("verify_tls", None)
    return profile


def add_profile(
    path: Path, name: str, changes: Mapping[str, Any], *, make_default: bool = False
) -> tuple[AppConfig, bool]:
    """Create or update ``[profiles.<name>]`` keeping everything else; returns (config, created).

    The profile becomes ``default_profile`` when asked, or when the file has no default yet.
    """
    if not PROFILE_NAME_PATTERN.fullmatch(name):
        raise ConfigError(
            f"invalid profile name {name!r}: use letters, digits, '-' or '_' (at most 64)"
        )
    data: dict[str, Any] = read_config_dict(path) if path.exists() else {}
    validate_config_dict(data, path)  # refuse to rewrite a file that is already broken
    profiles = dict(data.get("profiles") or {})
    created = name not in profiles
    profiles[name] = merged_profile(profiles.get(name), changes)
    data["profiles"] = profiles
    if make_default or not data.get("default_profile"):
        data["default_profile"] = name
    return write_config(path, data), created
