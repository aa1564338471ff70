"""Configuration: ``config.toml`` profiles, environment and flags → one ConnectionSettings.

A support engineer juggles several customers' environments, so connections are named profiles
in a TOML file; environment variables and command-line flags override them for a single run.
The result records, for every value, where it came from (``provenance``) so ``config show`` and
the dashboard can explain a surprising connection. Every problem becomes one
:class:`~nmbrs_client.errors.ConfigError` naming the file, the key and the fix; a token never
appears in any message, repr or dump.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import (
    SecretStr,
    ValidationError,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from nmbrs_client import locations
from nmbrs_client.config_names import CONFIG_ENV_VAR
from nmbrs_client.config_schema import (
    AppConfig,
    ProfileConfig,
    RestProfile,
    SoapProfile,
    TokenStoreKind,
    format_validation_error,
)
from nmbrs_client.config_urls import (
    FIXED_URLS,
    check_environment_rules,
    environment_for_url,
    fixed_urls,
    normalize_url,
)
from nmbrs_client.demo_access import DemoAccess, DemoAccessSource
from nmbrs_client.errors import ConfigError
from nmbrs_client.hosts import (
    DEFAULT_REDIRECT_URI,
    PRODUCTION_API_URL,
    PRODUCTION_IDENTITY_URL,
)
from nmbrs_client.ids import ApiKind
from nmbrs_client.local_files import expand_user, one_line, parse_toml, read_local_bytes
from nmbrs_client.settings import (
    REST_FIELDS,
    SHARED_FIELDS,
    TUNING_FIELDS,
    ConnectionSettings,
    SoapSettings,
)
from nmbrs_client.token_sources import find_token

DEFAULT_SCENARIO = "healthy"

_NO_PROFILE_HINT = (
    "Add a profile with `nmbrs-tui config add`, or set NMBRS_USERNAME and "
    "NMBRS_TOKEN, or try the embedded demo with `nmbrs-tui --demo`."
)


# --------------------------------------------------------------------------- locating & loading


def default_config_path() -> Path:
    """``<user config dir>/nmbrs-tui/config.toml`` as platformdirs defines it."""
    return locations.config_file()


def resolve_config_path(path: Path | str | None = None) -> Path:
    """Explicit path (``--config``) > ``NMBRS_TUI_CONFIG`` > the platform default."""
    if path is not None and str(path):
        return expand_user(path)
    from_env = os.environ.get(CONFIG_ENV_VAR, "").strip()
    if from_env:
        return expand_user(from_env)
    return default_config_path()


def default_download_dir() -> Path:
    return locations.downloads_dir()


def read_config_dict(path: Path) -> dict[str, Any]:
    """Parse the TOML file into a plain dict, with file/line in any error."""
    raw = read_local_bytes(path, "config file")  # regular file, size-capped, never blocks
    try:
        return parse_toml(raw.decode("utf-8"), str(path))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: invalid TOML: {exc}{_shown_line(raw, exc)}",
            hint="Fix the line shown; strings need double quotes.",
        ) from None


def _shown_line(raw: bytes, exc: tomllib.TOMLDecodeError) -> str:
    """The offending line of the file, quoted (tomllib only gives its number)."""
    lineno = getattr(exc, "lineno", None)
    if lineno is None:
        import re

        match = re.search(r"line (\d+)", str(exc))
        lineno = int(match.group(1)) if match else None
    lines = raw.decode("utf-8", "replace").splitlines()
    if not lineno or not 1 <= lineno <= len(lines):
        return ""
    from nmbrs_client import textsafe

    text = textsafe.line(lines[lineno - 1])
    # A token written in the file must not end up on screen: show only the key then.
    key, sep, _value = text.partition("=")
    if sep and "token" in key.lower():
        text = f"{key}= …"
    return f"\n  line {lineno}: {text[:200]}"


def validate_config_dict(data: Mapping[str, Any], path: Path) -> AppConfig:
    try:
        config = AppConfig.model_validate(dict(data))
    except ValidationError as exc:
        raise ConfigError(
            format_validation_error(exc, str(path)),
            hint="`nmbrs-tui config --help` lists the keys of config.toml.",
        ) from None
    return config.with_origin(path, True)


def load_config(path: Path | None = None) -> AppConfig:
    """Read and validate config.toml; a missing file is an empty configuration."""
    resolved = resolve_config_path(path)
    if not resolved.exists():
        return AppConfig().with_origin(resolved, False)
    return validate_config_dict(read_config_dict(resolved), resolved)


_SHARED_FLAGS: tuple[str, ...] = ("environment", "scenario", "download_dir", *TUNING_FIELDS)

# Keys a caller may override (command-line flags); ``base_url`` is the base URL of the API in
# use. The token itself is deliberately absent: a token on the command line ends up in shell
# history and process listings.
OVERRIDABLE: frozenset[str] = frozenset(
    {*TUNING_FIELDS, "environment", "api", "scenario", "download_dir", "base_url"}
    | {"username", "domain", "token_file", "wsdl"}
    | {"identity_url", "client_id", "redirect_uri"}
    | {"client_secret_from", "subscription_key_from", "token_store"}
)


class EnvironmentVariables(BaseSettings):
    """The ``NMBRS_*`` variables that override a profile for one run."""

    model_config = SettingsConfigDict(env_prefix="NMBRS_", env_ignore_empty=True, extra="ignore")

    profile: str | None = None
    username: str | None = None
    token: SecretStr | None = None
    domain: str | None = None
    base_url: str | None = None
    api: ApiKind | None = None
    rest_base_url: str | None = None
    rest_identity_url: str | None = None
    rest_client_id: str | None = None
    rest_redirect_uri: str | None = None
    rest_token_store: TokenStoreKind | None = None


def _choose_profile(
    config: AppConfig, profile: str | None, env: EnvironmentVariables, has_username: bool
) -> tuple[str | None, str]:
    where = str(config.path) if config.path else "config.toml"
    defined = ", ".join(sorted(config.profiles)) or "none"

    def must_exist(name: str, source: str) -> tuple[str, str]:
        if name not in config.profiles:
            raise ConfigError(
                f"profile '{one_line(name)}' ({source}) is not defined in {where} "
                f"(defined: {defined})",
                hint=f"Add it with `nmbrs-tui config add --name {one_line(name)}` (REST: add "
                f"`--api rest`, or log in with `nmbrs-tui auth login -P {one_line(name)}`).",
            )
        return name, source

    if profile:
        return must_exist(profile, "flag")
    if env.profile:
        return must_exist(env.profile, "env NMBRS_PROFILE")
    if config.default_profile:
        return must_exist(config.default_profile, "config file default_profile")
    if len(config.profiles) == 1:
        return next(iter(config.profiles)), "only profile in config file"
    if config.profiles:
        raise ConfigError(
            f"{where} defines several profiles ({defined}) and no default_profile",
            hint="Choose one with --profile NAME or NMBRS_PROFILE, or set default_profile.",
        )
    if has_username:
        return None, "none"
    state = "does not exist" if not config.exists else "defines no profiles"
    raise ConfigError(
        f"no connection profile configured ({where} {state}). {_NO_PROFILE_HINT}",
        hint=_NO_PROFILE_HINT,
    )


class _Layers:
    """Values by key with the source of each; later layers override earlier ones."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.prov: dict[str, str] = {}

    def put(self, key: str, value: object, source: str) -> None:
        self.values[key] = value
        self.prov[key] = source

    def get(self, key: str) -> object:
        return self.values.get(key)


def resolve_settings(
    config: AppConfig,
    *,
    profile: str | None = None,
    overrides: Mapping[str, object] | None = None,
    environment_credentials: bool = True,
    demo_access: DemoAccessSource | None = None,
) -> ConnectionSettings:
    """Merge flags (``overrides``) > ``NMBRS_*`` environment > profile > defaults.

    ``overrides`` holds command-line values by setting name; keys whose value is ``None`` count
    as not given, so an argparse namespace can be passed through without filtering. With
    ``environment_credentials=False`` the ``NMBRS_*`` variables are left out: they belong to the
    one connection they were exported for, not to each profile of ``--all-profiles`` or to a
    profile switched to in the app. Only the part of the API in use is resolved: a REST
    connection needs no SOAP user, and back. ``demo_access`` gives the demo's logins when the
    environment is ``demo`` (the client knows none): what such a profile leaves out.
    """
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = sorted(set(given) - OVERRIDABLE)
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(unknown)} (allowed: {', '.join(sorted(OVERRIDABLE))})"
        )
    try:
        env = (
            EnvironmentVariables()
            if environment_credentials
            else EnvironmentVariables.model_construct()
        )
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, "environment variables")) from None

    name, name_source = _choose_profile(
        config, profile, env, bool(env.username or given.get("username"))
    )
    prof = config.profiles.get(name) if name else None
    label = f"profile {name}"
    layers = _Layers()
    put = layers.put

    for field in (*TUNING_FIELDS, "environment", "api", "scenario"):
        put(field, ProfileConfig.model_fields[field].default, "default")
    put("download_dir", default_download_dir(), "default")
    if config.download_dir:
        put("download_dir", _expand_path(config.download_dir, config.path), "config file")
    if prof is not None:
        for field in (*TUNING_FIELDS, "environment", "api", "scenario"):
            if field in prof.model_fields_set:
                put(field, getattr(prof, field), label)
    if env.api is not None:
        put("api", env.api, "env NMBRS_API")
    if "api" in given:
        put("api", given["api"], "flag")
    api = str(layers.get("api"))
    if api == "rest":
        part = _resolve_rest(layers, prof, label, env, given, demo_access)
    else:
        part = _resolve_soap(
            layers, config, name, prof, label, env, given, demo_access, environment_credentials
        )

    environment = str(layers.get("environment"))
    prov = layers.prov
    sources = {key: prov[key] for key in ("environment", "verify_tls", "scenario")}
    sources["base_url"] = prov.get(f"{api}.base_url", "")
    scenario = layers.get("scenario")
    try:  # the rule the settings apply too; here it can say where each value came from
        check_environment_rules(
            environment,
            str(part["base_url"]),
            layers.get("verify_tls") is not False,
            None if scenario is None else str(scenario),
            api,
            sources=sources,
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if environment == "demo" and layers.get("scenario") is None:
        put("scenario", DEFAULT_SCENARIO, "default")
    put("profile_name", name, name_source)
    shared = {k: layers.values[k] for k in (*TUNING_FIELDS, *SHARED_FIELDS) if k != "api"}
    try:
        settings = ConnectionSettings.model_validate(
            {
                **shared,
                "api_settings": part,
                "provenance": dict(layers.prov),
                "environment_credentials": environment_credentials,
            }
        )
    except ValidationError as exc:
        raise ConfigError(resolved_error_text(exc, layers.prov)) from None
    if environment == "demo" and demo_access is not None:
        return settings.reaching_demo(demo_access())
    return settings


# The SOAP values a profile, a variable or a flag sets as they are (the token has its sources).
_SOAP_LAYERED: tuple[str, ...] = ("wsdl", "domain", "username", "base_url")


def _resolve_soap(
    layers: _Layers,
    config: AppConfig,
    name: str | None,
    prof: ProfileConfig | None,
    label: str,
    env: EnvironmentVariables,
    given: Mapping[str, object],
    demo_access: DemoAccessSource | None,
    environment_credentials: bool = True,
) -> dict[str, object]:
    """The SOAP part: base URL (implied by the environment), user, domain, token, WSDL."""
    put = layers.put
    soap = prof.soap if prof is not None else SoapProfile()
    for field in _SOAP_LAYERED:
        put(f"soap.{field}", SoapProfile.model_fields[field].default, "default")
    for field in _SOAP_LAYERED:
        if field in soap.model_fields_set:
            put(f"soap.{field}", getattr(soap, field), label)
    env_layer = {
        field: (value, f"env NMBRS_{field.upper()}")
        for field, value in (
            ("username", env.username),
            ("domain", env.domain),
            ("base_url", env.base_url),
        )
        if value is not None
    }
    _apply_layer(env_layer, layers, "soap")
    flag_layer = {
        field: (value, "flag")
        for field, value in given.items()
        if field in _SOAP_LAYERED or field in _SHARED_FLAGS
    }
    _apply_layer(flag_layer, layers, "soap")

    environment = str(layers.get("environment"))
    if environment in FIXED_URLS:
        fixed = FIXED_URLS[environment]
        base = layers.get("soap.base_url")
        if not (isinstance(base, str) and normalize_url(base) == fixed):
            put("soap.base_url", fixed, layers.prov["environment"])
    elif not layers.get("soap.base_url"):
        if environment == "demo":
            raise ConfigError(
                f"{label} uses environment 'demo' without base_url: set "
                "base_url to a running `nmbrs-tui demo-server`, or use --demo"
            )
        raise ConfigError(
            f"environment 'custom' requires base_url: set it in {label} "
            "of the config file, NMBRS_BASE_URL or --base-url"
        )
    demo = _demo(demo_access, environment)
    login = demo.soap_login() if demo is not None else None
    if not layers.get("soap.username"):
        if login is not None:
            put("soap.username", login.username, "demo")
        else:
            raise ConfigError(
                f"no username for {label if name else 'this connection'}: set username "
                f"in [profiles.{name or '<name>'}] of {config.path or 'config.toml'}, "
                "NMBRS_USERNAME or --username (a REST profile: --api rest)"
            )
    token_file_value = given.get("token_file") or soap.token_file
    token_file_source = "flag" if given.get("token_file") else label
    found = find_token(
        profile_name=name,
        env_token=env.token,
        token_file=_expand_path(str(token_file_value), config.path) if token_file_value else None,
        token_file_source=token_file_source,
        config_token=soap.token,
        config_path=config.path,
        demo_token=login.token.get_secret_value() if login is not None else None,
        withheld=not environment_credentials,
    )
    put("soap.token", "«set»", found.source)
    return {
        "api": "soap",
        **{f: layers.get(f"soap.{f}") for f in ("base_url", "username", "domain", "wsdl")},
        "token": found.token,
        "token_source": found.source,
    }


_REST_ENV = {
    "base_url": "rest_base_url",
    "identity_url": "rest_identity_url",
    "client_id": "rest_client_id",
    "redirect_uri": "rest_redirect_uri",
    "token_store": "rest_token_store",
}


def _resolve_rest(
    layers: _Layers,
    prof: ProfileConfig | None,
    label: str,
    env: EnvironmentVariables,
    given: Mapping[str, object],
    demo_access: DemoAccessSource | None,
) -> dict[str, object]:
    """The REST part: API host and identity service (Nmbrs' production unless told), the app."""
    put = layers.put
    rest = prof.rest if prof is not None else RestProfile()
    for field in REST_FIELDS:
        put(f"rest.{field}", RestProfile.model_fields[field].default, "default")
    profile_layer = {
        field: (getattr(rest, field), label)
        for field in REST_FIELDS
        if field in rest.model_fields_set
    }
    _apply_layer(profile_layer, layers, "rest")
    env_layer = {
        field: (getattr(env, attr), f"env NMBRS_{attr.upper()}")
        for field, attr in _REST_ENV.items()
        if getattr(env, attr) is not None
    }
    flag_layer = {
        field: (value, "flag")
        for field, value in given.items()
        if field in REST_FIELDS or field in _SHARED_FLAGS
    }
    _apply_layer(env_layer, layers, "rest")
    _apply_layer(flag_layer, layers, "rest")

    environment = str(layers.get("environment"))
    if environment == "sandbox":
        raise ConfigError(
            f"the REST API has no sandbox ({layers.prov['environment']}): use a demo "
            "environment of Nmbrs with environment 'production', or 'custom' with base_url"
        )
    source = layers.prov["environment"]
    if environment == "production":
        put("rest.base_url", PRODUCTION_API_URL, source)
        if layers.get("rest.identity_url") is None:
            put("rest.identity_url", PRODUCTION_IDENTITY_URL, source)
    elif not layers.get("rest.base_url"):
        raise ConfigError(
            f"environment '{environment}' ({source}) requires the REST base URL: set "
            f"base_url under [profiles.<name>.rest] of {label}, NMBRS_REST_BASE_URL or "
            "--base-url"
        )
    demo = _demo(demo_access, environment)
    if layers.get("rest.identity_url") is None:
        if demo is None and environment == "demo":
            raise ConfigError(
                f"{label} uses environment 'demo', whose logins only nmbrs-tui itself hands "
                "over: set identity_url under [profiles.<name>.rest], or use --demo"
            )
        if demo is None:
            raise ConfigError(
                f"a custom REST host needs its identity service: set identity_url under "
                f"[profiles.<name>.rest] of {label}, or NMBRS_REST_IDENTITY_URL"
            )
        app = demo.rest_app(str(layers.get("rest.base_url")))
        put("rest.identity_url", app["identity_url"], "demo")
    if layers.get("rest.redirect_uri") is None:
        put("rest.redirect_uri", DEFAULT_REDIRECT_URI, "default")
    return {"api": "rest", **{f: layers.get(f"rest.{f}") for f in REST_FIELDS}}


def _demo(source: DemoAccessSource | None, environment: str) -> DemoAccess | None:
    """The demo's logins, for a connection to the demo only (asked for only then)."""
    return source() if source is not None and environment == "demo" else None


def _apply_layer(layer: Mapping[str, tuple[object, str]], layers: _Layers, api: str) -> None:
    """Apply one precedence layer; a base_url in it implies its environment."""
    if "base_url" in layer and "environment" not in layer:
        url, source = layer["base_url"]
        implied = environment_for_url(str(url), api)
        if implied is None:
            current = str(layers.get("environment"))
            implied = current if current in ("custom", "demo") else "custom"
        layers.put("environment", implied, source)
    elif "base_url" in layer and "environment" in layer:
        env_value = str(layer["environment"][0])
        url = str(layer["base_url"][0])
        fixed = fixed_urls(api)
        if env_value in fixed and normalize_url(url) != fixed[env_value]:
            raise ConfigError(
                f"base_url {url} does not match environment '{env_value}' "
                f"({layer['base_url'][1]}): use environment 'custom'"
            )
    for field, (value, source) in layer.items():
        shared = field in TUNING_FIELDS or field in SHARED_FIELDS
        layers.put(field if shared else f"{api}.{field}", value, source)


def resolved_error_text(exc: ValidationError, prov: Mapping[str, str]) -> str:
    parts = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = [str(p) for p in err["loc"] if str(p) not in ("api_settings", "soap", "rest")]
        field = loc[0] if loc else ""
        msg = str(err["msg"]).removeprefix("Value error, ")
        source = prov.get(field) or prov.get(f"soap.{field}") or prov.get(f"rest.{field}", "?")
        parts.append(f"{field} ({source}): {msg}" if field else msg)
    return "invalid connection settings: " + "; ".join(parts)


def _expand_path(value: str, config_path: Path | None) -> Path:
    """``~`` expands; a relative path is relative to the config file's folder."""
    path = expand_user(value)
    if not path.is_absolute() and config_path is not None:
        path = config_path.parent / path
    return path


def load_settings(
    config_path: Path | str | None = None,
    *,
    profile: str | None = None,
    overrides: Mapping[str, object] | None = None,
    demo_access: DemoAccessSource | None = None,
) -> ConnectionSettings:
    """Convenience for commands: load the config file and resolve one connection."""
    path = resolve_config_path(config_path)
    return resolve_settings(
        load_config(path), profile=profile, overrides=overrides, demo_access=demo_access
    )


def describe_settings(settings: ConnectionSettings) -> list[tuple[str, str, str]]:
    """``(setting, shown value, provenance)`` rows of the API in use; secrets only by source.

    REST rows name where each secret is found (``secret_sources``, supplied by the caller that
    looked; this module never reads a REST secret).
    """
    prov = settings.provenance
    rows: list[tuple[str, str, str]] = []

    def row(name: str, value: object, source_key: str | None = None) -> None:
        if value is None:
            shown = "(none)"
        else:
            shown = str(value).lower() if isinstance(value, bool) else str(value)
        rows.append((name, shown, prov.get(source_key or name, "")))

    row("profile_name", settings.profile_name)
    row("api", settings.api.value)
    row("environment", settings.environment)
    part = settings.api_settings
    if isinstance(part, SoapSettings):
        row("base_url", part.base_url, "soap.base_url")
        row("username", part.username, "soap.username")
        rows.append(("token", f"«set, from {part.token_source}»", part.token_source))
        shown_domain = part.domain if part.domain else "(discover with Environment_Get)"
        rows.append(("domain", shown_domain, prov.get("soap.domain", "")))
        row("wsdl", part.wsdl, "soap.wsdl")
    else:
        for field in REST_FIELDS:
            row(f"rest.{field}", getattr(part, field))
    for field in TUNING_FIELDS:
        row(field, getattr(settings, field))
    row("download_dir", settings.download_dir)
    row("scenario", settings.scenario)
    return rows
