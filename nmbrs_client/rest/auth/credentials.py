"""The app's REST credentials: client id, client secret, subscription key, and the URLs.

A confidential client: every deployer registers their own app and keeps its secret, so these
come from the environment, a private file or the keyring, never from the command line (argv
is visible to every user of the machine) and never into any output. The order, first match
per value: environment (``NMBRS_REST_CLIENT_ID``, ``NMBRS_REST_CLIENT_SECRET``,
``NMBRS_SUBSCRIPTION_KEY``, ``NMBRS_REST_REDIRECT_URI``, ``NMBRS_REST_BASE_URL``,
``NMBRS_REST_IDENTITY_URL``), then the profile's file ``<config dir>/rest/<profile>.toml``
(refused unless mode 0600), then the keyring (service ``nmbrs-tui-rest``, user
``<profile>:client_secret`` / ``<profile>:subscription_key``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from nmbrs_client import locations
from nmbrs_client.errors import ConfigError
from nmbrs_client.hosts import (
    DEFAULT_REDIRECT_URI,
    PRODUCTION_API_URL,
    PRODUCTION_IDENTITY_URL,
)
from nmbrs_client.local_files import read_toml_file
from nmbrs_client.token_sources import is_owner_only

if TYPE_CHECKING:
    from nmbrs_client.settings import ConnectionSettings

KEYRING_SERVICE = "nmbrs-tui-rest"

ENV = {
    "client_id": "NMBRS_REST_CLIENT_ID",
    "client_secret": "NMBRS_REST_CLIENT_SECRET",
    "subscription_key": "NMBRS_SUBSCRIPTION_KEY",
    "redirect_uri": "NMBRS_REST_REDIRECT_URI",
    "base_url": "NMBRS_REST_BASE_URL",
    "identity_url": "NMBRS_REST_IDENTITY_URL",
}
_SECRET = ("client_secret", "subscription_key")


@dataclass(frozen=True)
class RestCredentials:
    profile: str
    client_id: str | None
    client_secret: SecretStr | None
    subscription_key: SecretStr | None
    redirect_uri: str
    base_url: str
    identity_url: str
    sources: Mapping[str, str]  # value name → where it came from (never the value)

    def require_app(self) -> tuple[str, SecretStr]:
        if not self.client_id or self.client_secret is None:
            raise ConfigError(
                f"no REST app credentials for profile '{self.profile}': set "
                "NMBRS_REST_CLIENT_ID and NMBRS_REST_CLIENT_SECRET, or write them to "
                f"{credentials_path(self.profile)} (mode 600)",
                hint="Register an app in Nmbrs' partner portal (My Integrations) to get them.",
            )
        return self.client_id, self.client_secret


def credentials_path(profile: str) -> Path:
    return locations.config_dir() / "rest" / f"{_safe(profile)}.toml"


def _safe(profile: str) -> str:
    cleaned = "".join(ch for ch in profile if ch.isalnum() or ch in "-_.")
    if not cleaned or cleaned.startswith("."):
        raise ConfigError(f"profile name {profile!r} cannot name a file")
    return cleaned


def _file_values(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    if not is_owner_only(path):
        mode = stat.S_IMODE(path.stat().st_mode)
        raise ConfigError(
            f"{path} holds REST secrets but is readable by group or others (mode {mode:04o}): "
            f"run `chmod 600 {path}`"
        )
    data = read_toml_file(path, "REST credentials file")
    unknown = set(data) - set(ENV)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    return {key: str(value).strip() for key, value in data.items() if str(value).strip()}


def _keyring_value(profile: str, name: str) -> str | None:
    try:
        import keyring
    except ImportError:
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE, f"{profile}:{name}")
    except Exception:  # any backend failure means "no keyring"
        return None
    return str(value).strip() or None if value else None


def load_credentials(
    profile: str,
    *,
    environ: Mapping[str, str] | None = None,
    given: Mapping[str, str] | None = None,
    use_stores: bool = True,
    settings: ConnectionSettings | None = None,
) -> RestCredentials:
    """Resolve every value for ``profile``; ``given`` supplies values last (a demo's app).

    ``use_stores=False`` reads neither the profile's file nor the keyring (a demo, whose
    values are handed in, must not pick up a real app's secrets). With the profile's resolved
    ``settings`` the hosts, client id and redirect URI are the profile's (flags and variables
    already applied), and each secret is read where the profile keeps it: the environment
    still wins for one run, and its source then says so.
    """
    env = os.environ if environ is None else environ
    path = credentials_path(profile)
    from_file = _file_values(path) if use_stores else {}
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    rest = settings.rest if settings is not None else None
    for name, variable in ENV.items():
        place = getattr(rest, f"{name}_from", None) if rest is not None else None
        configured = getattr(rest, name, None) if rest is not None else None
        if rest is not None and name not in _SECRET and configured:
            values[name] = str(configured).rstrip("/") if "url" in name else str(configured)
            sources[name] = settings.provenance.get(f"rest.{name}", "profile") if settings else ""
            continue
        if env.get(variable, "").strip():
            values[name], sources[name] = env[variable].strip(), f"env {variable}"
            if place in ("file", "keyring"):
                sources[name] += f" (overrides the profile's {place})"
        elif name in from_file and place in (None, "file"):
            values[name], sources[name] = from_file[name], f"file {path}"
        elif (
            use_stores
            and name in _SECRET
            and place in (None, "keyring")
            and (found := _keyring_value(profile, name))
        ):
            values[name], sources[name] = found, f"keyring {KEYRING_SERVICE}/{profile}:{name}"
        elif given and name in given:
            values[name], sources[name] = given[name], "demo"
    secret = values.get("client_secret")
    key = values.get("subscription_key")
    return RestCredentials(
        profile=profile,
        client_id=values.get("client_id"),
        client_secret=SecretStr(secret) if secret else None,
        subscription_key=SecretStr(key) if key else None,
        redirect_uri=values.get("redirect_uri", DEFAULT_REDIRECT_URI),
        base_url=values.get("base_url", PRODUCTION_API_URL).rstrip("/"),
        identity_url=values.get("identity_url", PRODUCTION_IDENTITY_URL).rstrip("/"),
        sources=sources,
    )


def secret_place_hint(profile: str, name: str, place: str | None) -> str:
    """Where to put a missing secret, following the profile's choice."""
    variable = ENV[name]
    if place == "env":
        return f"set {variable}"
    if place == "keyring":
        return f"store it in the keyring (service {KEYRING_SERVICE}, user {profile}:{name})"
    if place == "file":
        return f'write {name} = "…" to {credentials_path(profile)} (mode 600)'
    return f"set {variable}, or write it to {credentials_path(profile)} (mode 600)"


def store_secret(profile: str, name: str, place: str, secret: str) -> Callable[[], None]:
    """Keep one secret of ``profile`` in its 0600 file or the keyring; returns the undo.

    Called by ``config add`` with a secret typed at a hidden prompt or read from stdin, never
    from argv. The file keeps its other keys.
    """
    if name not in _SECRET:
        raise ConfigError(f"{name} is not a REST secret")
    secret = secret.strip()
    if not secret or any(ch.isspace() for ch in secret):
        raise ConfigError(f"the {name.replace('_', ' ')} must be one word without spaces")
    if place == "keyring":
        try:
            import keyring
        except ImportError:
            raise ConfigError(
                "the keyring is not available here (pip install keyring)",
                hint="Keep the secret in the profile's file or the environment instead.",
            ) from None
        user = f"{profile}:{name}"
        try:
            keyring.set_password(KEYRING_SERVICE, user, secret)
        except Exception as exc:  # a backend failure: one line, never the secret
            raise ConfigError(f"the keyring refused the secret: {type(exc).__name__}") from None
        return lambda: _forget_keyring(user)
    if place != "file":
        raise ConfigError(f"a secret kept in {place!r} is not stored by nmbrs-tui")
    from nmbrs_client.config_writer import dump_toml, private_write

    path = credentials_path(profile)
    before = _file_values(path)
    private_write(path, dump_toml({**before, name: secret}))

    def undo() -> None:
        if before:
            private_write(path, dump_toml(before))
        else:
            path.unlink(missing_ok=True)

    return undo


def _forget_keyring(user: str) -> None:
    try:
        import keyring

        keyring.delete_password(KEYRING_SERVICE, user)
    except Exception:  # already gone, or no keyring: nothing to undo
        return
