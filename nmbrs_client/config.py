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
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from nmbrs_client.backend import ApiKind
from nmbrs_client.config_names import CONFIG_ENV_VAR, Environment
from nmbrs_client.errors import ConfigError
from nmbrs_client.local_files import expand_user, one_line, parse_toml, read_local_bytes
from nmbrs_client.operations import PRODUCTION_URL, SANDBOX_URL
from nmbrs_client.token_sources import FoundToken, find_token

APP_NAME = "nmbrs-tui"
CONFIG_FILE_NAME = "config.toml"
ApiName = Literal["soap", "rest"]  # the values of nmbrs_client.backend.ApiKind
WsdlSource = Literal["bundled", "live"]
FIXED_URLS: dict[str, str] = {"production": PRODUCTION_URL, "sandbox": SANDBOX_URL}

DEFAULT_SCENARIO = "healthy"
REST_PLACEHOLDER_USER = "(OAuth login)"
REST_PLACEHOLDER_TOKEN = "(not used by REST)"
REST_TOKEN_SOURCE = "REST: token store of `nmbrs-tui auth login`"

_NO_PROFILE_HINT = (
    "Add a profile with `nmbrs-tui config add`, or set NMBRS_USERNAME and "
    "NMBRS_TOKEN, or try the embedded demo with `nmbrs-tui --demo`."
)


# --------------------------------------------------------------------------- shared rules


def normalize_url(url: str) -> str:
    """Base URLs compare and join reliably only with exactly one trailing slash."""
    return url.strip().rstrip("/") + "/"


def _check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url must be an http(s) URL with a host, got {url!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("base_url must not carry credentials, a query or a fragment")
    return normalize_url(url)


def environment_for_url(url: str) -> str | None:
    """``production``/``sandbox`` if ``url`` is one of Nmbrs' fixed endpoints, else ``None``."""
    normalized = normalize_url(url)
    for env, fixed in FIXED_URLS.items():
        if normalized == fixed:
            return env
    return None


def _check_environment_rules(
    environment: str, base_url: str | None, verify_tls: bool, scenario: str | None
) -> None:
    """The cross-field rules shared by the file schema and the resolved settings."""
    if environment == "custom" and not base_url:
        raise ValueError("environment 'custom' requires base_url")
    fixed = FIXED_URLS.get(environment)
    if fixed and base_url and normalize_url(base_url) != fixed:
        raise ValueError(
            f"base_url is only allowed with environment 'custom' (or equal to "
            f"{FIXED_URLS[environment]} for '{environment}')"
        )
    if not verify_tls and environment != "custom":
        raise ValueError(
            f"verify_tls = false is allowed only for environment 'custom', not '{environment}'"
        )
    if scenario is not None and environment != "demo":
        raise ValueError(f"scenario is allowed only for environment 'demo', not '{environment}'")


# --------------------------------------------------------------------------- file schema

# Bounds of the tuning values, shared by the file schema and the resolved settings (the
# defaults sit beside each field, identical in both models).
TimeoutS = Annotated[float, Field(gt=0, le=600)]
ConnectTimeoutS = Annotated[float, Field(gt=0, le=120)]
Concurrency = Annotated[int, Field(ge=1, le=32)]
RateLimit = Annotated[float, Field(gt=0, le=150)]  # Nmbrs delays callers above 150 calls/s
MaxResponseMb = Annotated[int, Field(ge=1, le=1024)]


class ProfileConfig(BaseModel):
    """One ``[profiles.<name>]`` table as written in config.toml (types checked strictly)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    username: str | None = None
    domain: str | None = None
    environment: Environment = "production"
    api: ApiName = "soap"  # which Nmbrs API this profile talks to
    base_url: str | None = None
    token_file: str | None = None
    token: SecretStr | None = None
    timeout_s: TimeoutS = 30.0
    connect_timeout_s: ConnectTimeoutS = 10.0
    concurrency: Concurrency = 12
    rate_limit_per_s: RateLimit = 120.0
    wsdl: WsdlSource = "bundled"
    verify_tls: bool = True
    max_response_mb: MaxResponseMb = 80
    scenario: str | None = None

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _check_url(value)

    @model_validator(mode="after")
    def _rules(self) -> ProfileConfig:
        _check_environment_rules(self.environment, self.base_url, self.verify_tls, self.scenario)
        return self


class RequirementProfileConfig(BaseModel):
    """A ``[requirements.<name>]`` table: extra rights requirements (checked further elsewhere)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    title: str
    description: str = ""
    operations: list[str] = Field(default_factory=list)
    # REST operations needed beyond the replacements of ``operations`` (names of RestOp).
    rest_operations: list[str] | None = None


class AppConfig(BaseModel):
    """The whole config.toml, plus where it was read from (``path``, ``exists``)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    default_profile: str | None = None
    download_dir: str | None = None
    profiles: dict[str, ProfileConfig] = Field(default_factory=dict)
    requirements: dict[str, RequirementProfileConfig] = Field(default_factory=dict)

    _path: Path | None = PrivateAttr(default=None)
    _exists: bool = PrivateAttr(default=False)

    @property
    def path(self) -> Path | None:
        """The file this configuration was loaded from (or would be), if any."""
        return self._path

    @property
    def exists(self) -> bool:
        return self._exists

    def with_origin(self, path: Path | None, exists: bool) -> AppConfig:
        self._path = path
        self._exists = exists
        return self


_SECTION_MODELS: dict[str, type[BaseModel]] = {
    "profiles": ProfileConfig,
    "requirements": RequirementProfileConfig,
}


def _allowed_keys(parent: tuple[Any, ...]) -> list[str]:
    if not parent:
        return list(AppConfig.model_fields)
    model = _SECTION_MODELS.get(str(parent[0]))
    return list(model.model_fields) if model is not None and len(parent) == 2 else []


def format_validation_error(exc: ValidationError, where: str) -> str:
    """One line per problem, keyed by dotted path; never echoes input values (tokens)."""
    parts: list[str] = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = tuple(err["loc"])
        dotted = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(_allowed_keys(loc[:-1]))
            parts.append(f"unknown key '{dotted}' (allowed: {allowed})")
            continue
        msg = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{dotted}: {msg}" if dotted else msg)
    return f"{where}: " + "; ".join(parts)


# --------------------------------------------------------------------------- locating & loading


def default_config_path() -> Path:
    """``<user config dir>/nmbrs-tui/config.toml`` as platformdirs defines it."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / CONFIG_FILE_NAME


def resolve_config_path(path: Path | str | None = None) -> Path:
    """Explicit path (``--config``) > ``NMBRS_TUI_CONFIG`` > the platform default."""
    if path is not None and str(path):
        return expand_user(path)
    from_env = os.environ.get(CONFIG_ENV_VAR, "").strip()
    if from_env:
        return expand_user(from_env)
    return default_config_path()


def default_download_dir() -> Path:
    return Path(platformdirs.user_downloads_dir()) / APP_NAME


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


# --------------------------------------------------------------------------- resolved settings


class ConnectionSettings(BaseModel):
    """Everything the client needs for one connection, with the origin of every value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile_name: str | None
    environment: Environment
    api: ApiKind = ApiKind.SOAP
    base_url: str
    username: str = Field(min_length=1)
    token: SecretStr
    token_source: str
    domain: str | None = None
    timeout_s: TimeoutS = 30.0
    connect_timeout_s: ConnectTimeoutS = 10.0
    concurrency: Concurrency = 12
    rate_limit_per_s: RateLimit = 120.0
    wsdl: WsdlSource = "bundled"
    verify_tls: bool = True
    max_response_mb: MaxResponseMb = 80
    download_dir: Path
    scenario: str | None = None
    provenance: dict[str, str] = Field(default_factory=dict)

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value)

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _rules(self) -> ConnectionSettings:
        _check_environment_rules(self.environment, self.base_url, self.verify_tls, self.scenario)
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""


SETTING_FIELDS: tuple[str, ...] = tuple(
    name for name in ConnectionSettings.model_fields if name not in ("provenance", "token_source")
)

# Keys a caller may override (command-line flags). The token itself is deliberately absent:
# a token on the command line ends up in shell history and process listings.
OVERRIDABLE: frozenset[str] = frozenset(
    set(ProfileConfig.model_fields) - {"token"} | {"download_dir"}
)

_PROFILE_VALUE_FIELDS = tuple(
    f for f in ProfileConfig.model_fields if f not in ("token", "token_file")
)


class EnvironmentVariables(BaseSettings):
    """The ``NMBRS_*`` variables that override a profile for one run."""

    model_config = SettingsConfigDict(env_prefix="NMBRS_", env_ignore_empty=True, extra="ignore")

    profile: str | None = None
    username: str | None = None
    token: SecretStr | None = None
    domain: str | None = None
    base_url: str | None = None
    api: ApiName | None = None


def _choose_profile(
    config: AppConfig, profile: str | None, env: EnvironmentVariables, has_username: bool
) -> tuple[str | None, str]:
    where = str(config.path) if config.path else "config.toml"
    defined = ", ".join(sorted(config.profiles)) or "none"

    def must_exist(name: str, source: str) -> tuple[str, str]:
        if name not in config.profiles:
            raise ConfigError(
                f"profile '{one_line(name)}' ({source}) is not defined in {where} (defined: {defined})",
                hint=f"Add it with `nmbrs-tui config add --name {one_line(name)}`, or pick another one.",
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


def resolve_settings(
    config: AppConfig,
    *,
    profile: str | None = None,
    overrides: Mapping[str, object] | None = None,
    environment_credentials: bool = True,
) -> ConnectionSettings:
    """Merge flags (``overrides``) > ``NMBRS_*`` environment > profile > defaults.

    ``overrides`` holds command-line values by setting name; keys whose value is ``None`` count
    as not given, so an argparse namespace can be passed through without filtering. With
    ``environment_credentials=False`` the ``NMBRS_*`` variables are left out: they belong to the
    one connection they were exported for, not to each profile of ``--all-profiles`` or to a
    profile switched to in the app.
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
    profile_label = f"profile {name}"

    values: dict[str, object] = {}
    prov: dict[str, str] = {}

    def put(field: str, value: object, source: str) -> None:
        values[field] = value
        prov[field] = source

    for field in _PROFILE_VALUE_FIELDS:
        put(field, ProfileConfig.model_fields[field].default, "default")
    put("download_dir", default_download_dir(), "default")
    if config.download_dir:
        put("download_dir", _expand_path(config.download_dir, config.path), "config file")

    if prof is not None:
        for field in _PROFILE_VALUE_FIELDS:
            if field in prof.model_fields_set:
                put(field, getattr(prof, field), profile_label)

    env_layer = {
        field: (value, f"env NMBRS_{field.upper()}")
        for field, value in (
            ("username", env.username),
            ("domain", env.domain),
            ("base_url", env.base_url),
            ("api", env.api),
        )
        if value is not None
    }
    _apply_layer(env_layer, values, put)
    flag_layer = {
        field: (value, "flag") for field, value in given.items() if field not in ("token_file",)
    }
    _apply_layer(flag_layer, values, put)

    environment = str(values["environment"])
    if environment in FIXED_URLS:
        fixed = FIXED_URLS[environment]
        base = values.get("base_url")
        if not (isinstance(base, str) and normalize_url(base) == fixed):
            put("base_url", fixed, prov["environment"])
    elif not values.get("base_url"):
        if environment == "demo":
            raise ConfigError(
                f"{profile_label} uses environment 'demo' without base_url: set "
                "base_url to a running `nmbrs-tui demo-server`, or use --demo"
            )
        raise ConfigError(
            f"environment 'custom' requires base_url: set it in {profile_label} "
            "of the config file, NMBRS_BASE_URL or --base-url"
        )

    if values["verify_tls"] is False and environment != "custom":
        raise ConfigError(
            f"verify_tls = false ({prov['verify_tls']}) is allowed only for "
            f"environment 'custom', but the environment is '{environment}' "
            f"({prov['environment']})"
        )
    if values.get("scenario") is not None and environment != "demo":
        raise ConfigError(
            f"scenario ({prov['scenario']}) is allowed only for environment "
            f"'demo', but the environment is '{environment}' "
            f"({prov['environment']})"
        )
    demo = environment == "demo"
    if demo and values.get("scenario") is None:
        put("scenario", DEFAULT_SCENARIO, "default")
    # A REST connection authenticates with OAuth (`nmbrs-tui auth login`), not a SOAP user
    # and token: those values stay placeholders, and the REST backend ignores them.
    rest = str(values.get("api")) == "rest"
    if not values.get("username"):
        if demo:
            put("username", _demo_constants()[0], "demo")
        elif rest:
            put("username", REST_PLACEHOLDER_USER, "REST: OAuth login")
        else:
            raise ConfigError(
                f"no username for {profile_label if name else 'this connection'}: set username "
                f"in [profiles.{name or '<name>'}] of {config.path or 'config.toml'}, "
                "NMBRS_USERNAME or --username"
            )

    token_file_value = given.get("token_file") or (prof.token_file if prof else None)
    token_file_source = "flag" if given.get("token_file") else profile_label
    found = (
        FoundToken(SecretStr(REST_PLACEHOLDER_TOKEN), REST_TOKEN_SOURCE)
        if rest
        else find_token(
            profile_name=name,
            env_token=env.token,
            token_file=_expand_path(str(token_file_value), config.path)
            if token_file_value
            else None,
            token_file_source=token_file_source,
            config_token=prof.token if prof else None,
            config_path=config.path,
            demo_token=_demo_constants()[1] if demo else None,
        )
    )
    prov["token"] = found.source
    prov["profile_name"] = name_source

    try:
        return ConnectionSettings.model_validate(
            {
                **values,
                "profile_name": name,
                "token": found.token,
                "token_source": found.source,
                "provenance": {f: prov[f] for f in SETTING_FIELDS},
            }
        )
    except ValidationError as exc:
        raise ConfigError(_format_resolved_error(exc, prov)) from None


def _apply_layer(
    layer: Mapping[str, tuple[object, str]], values: dict[str, object], put: Any
) -> None:
    """Apply one precedence layer; a base_url in it implies its environment."""
    if "base_url" in layer and "environment" not in layer:
        url, source = layer["base_url"]
        implied = environment_for_url(str(url))
        if implied is None:
            current = str(values.get("environment"))
            implied = current if current in ("custom", "demo") else "custom"
        put("environment", implied, source)
    elif "base_url" in layer and "environment" in layer:
        env_value = str(layer["environment"][0])
        url = str(layer["base_url"][0])
        if env_value in FIXED_URLS and normalize_url(url) != FIXED_URLS[env_value]:
            raise ConfigError(
                f"base_url {url} does not match environment '{env_value}' "
                f"({layer['base_url'][1]}): use environment 'custom'"
            )
    for field, (value, source) in layer.items():
        put(field, value, source)


def _format_resolved_error(exc: ValidationError, prov: Mapping[str, str]) -> str:
    parts = []
    for err in exc.errors(include_input=False, include_url=False):
        field = str(err["loc"][0]) if err["loc"] else ""
        msg = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{field} ({prov.get(field, '?')}): {msg}" if field else msg)
    return "invalid connection settings: " + "; ".join(parts)


def _expand_path(value: str, config_path: Path | None) -> Path:
    """``~`` expands; a relative path is relative to the config file's folder."""
    path = expand_user(value)
    if not path.is_absolute() and config_path is not None:
        path = config_path.parent / path
    return path


def _demo_constants() -> tuple[str, str, str]:
    """(username, token, domain) the embedded demo server accepts."""
    from nmbrs_client.demo_identity import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USERNAME

    return DEMO_USERNAME, DEMO_TOKEN, DEMO_DOMAIN


def demo_settings(
    base_url: str,
    scenario: str = DEFAULT_SCENARIO,
    *,
    download_dir: Path | None = None,
    api: ApiKind = ApiKind.SOAP,
) -> ConnectionSettings:
    """Settings for the embedded demo server listening at ``base_url``."""
    username, token, domain = _demo_constants()
    values: dict[str, object] = {
        field: ProfileConfig.model_fields[field].default for field in _PROFILE_VALUE_FIELDS
    }
    values.update(
        environment="demo",
        api=api,
        base_url=base_url,
        username=username,
        domain=domain,
        scenario=scenario,
        download_dir=download_dir or default_download_dir(),
    )
    prov = {field: "default" for field in SETTING_FIELDS}
    prov.update(
        {
            f: "demo"
            for f in (
                "profile_name",
                "environment",
                "api",
                "base_url",
                "username",
                "domain",
                "token",
                "scenario",
            )
        }
    )
    if download_dir is not None:
        prov["download_dir"] = "flag"
    try:
        return ConnectionSettings.model_validate(
            {
                **values,
                "profile_name": "demo",
                "token": SecretStr(token),
                "token_source": "demo",
                "provenance": prov,
            }
        )
    except ValidationError as exc:
        raise ConfigError(_format_resolved_error(exc, prov)) from None


def load_settings(
    config_path: Path | str | None = None,
    *,
    profile: str | None = None,
    overrides: Mapping[str, object] | None = None,
) -> ConnectionSettings:
    """Convenience for commands: load the config file and resolve one connection."""
    path = resolve_config_path(config_path)
    return resolve_settings(load_config(path), profile=profile, overrides=overrides)


def describe_settings(settings: ConnectionSettings) -> list[tuple[str, str, str]]:
    """``(setting, shown value, provenance)`` rows; the token shows only where it came from."""
    rows: list[tuple[str, str, str]] = []
    for field in SETTING_FIELDS:
        source = settings.provenance.get(field, "")
        if field == "token":
            rows.append((field, f"«set, from {settings.token_source}»", source))
            continue
        value = getattr(settings, field)
        if value is None:
            shown = "(discover with Environment_Get)" if field == "domain" else "(none)"
        else:
            shown = str(value).lower() if isinstance(value, bool) else str(value)
        rows.append((field, shown, source))
    return rows
