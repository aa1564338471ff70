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

from nmbrs_client import locations
from nmbrs_client.config_names import CONFIG_ENV_VAR, Environment
from nmbrs_client.errors import ConfigError
from nmbrs_client.ids import ApiKind
from nmbrs_client.local_files import expand_user, one_line, parse_toml, read_local_bytes
from nmbrs_client.operations import PRODUCTION_URL, SANDBOX_URL
from nmbrs_client.rest.hosts import (
    DEFAULT_REDIRECT_URI,
    DEMO_IDENTITY_PATH,
    PRODUCTION_API_URL,
    PRODUCTION_IDENTITY_URL,
)
from nmbrs_client.token_sources import find_token

WsdlSource = Literal["bundled", "live"]
FIXED_URLS: dict[str, str] = {"production": PRODUCTION_URL, "sandbox": SANDBOX_URL}
REST_FIXED_URLS: dict[str, str] = {"production": PRODUCTION_API_URL + "/"}

DEFAULT_SCENARIO = "healthy"

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


def fixed_urls(api: str) -> dict[str, str]:
    """Nmbrs' own base URLs of ``api`` by environment (REST has no sandbox)."""
    return REST_FIXED_URLS if api == "rest" else FIXED_URLS


def environment_for_url(url: str, api: str = "soap") -> str | None:
    """``production``/``sandbox`` if ``url`` is one of Nmbrs' fixed endpoints, else ``None``."""
    normalized = normalize_url(url)
    for env, fixed in fixed_urls(api).items():
        if normalized == fixed:
            return env
    return None


def _check_environment_rules(
    environment: str,
    base_url: str | None,
    verify_tls: bool,
    scenario: str | None,
    api: str = "soap",
) -> None:
    """The cross-field rules shared by the file schema and the resolved settings."""
    if api == "rest" and environment == "sandbox":
        raise ValueError("the REST API has no sandbox: use environment 'production' or 'custom'")
    if environment == "custom" and not base_url:
        raise ValueError("environment 'custom' requires base_url")
    fixed = fixed_urls(api).get(environment)
    if fixed and base_url and normalize_url(base_url) != fixed:
        raise ValueError(
            f"base_url is only allowed with environment 'custom' (or equal to "
            f"{fixed} for '{environment}')"
        )
    if not verify_tls and environment != "custom":
        raise ValueError(
            f"verify_tls = false is allowed only for environment 'custom', not '{environment}'"
        )
    if scenario is not None and environment != "demo":
        raise ValueError(f"scenario is allowed only for environment 'demo', not '{environment}'")


# --------------------------------------------------------------------------- file schema

# Bounds of the tuning values. Each field is declared once (in :class:`Tuning`) and shared by
# the file schema and the resolved settings.
TimeoutS = Annotated[float, Field(gt=0, le=600)]
ConnectTimeoutS = Annotated[float, Field(gt=0, le=120)]
Concurrency = Annotated[int, Field(ge=1, le=32)]
RateLimit = Annotated[float, Field(gt=0, le=150)]  # Nmbrs delays callers above 150 calls/s
MaxResponseMb = Annotated[int, Field(ge=1, le=1024)]

SecretPlace = Literal["env", "keyring", "file"]
"""Where a REST secret is kept: an environment variable, the keyring, or the profile's 0600 file."""
TokenStoreKind = Literal["file", "keyring"]
"""Where `auth login` keeps the tokens: a 0600 file in the state folder, or the keyring."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Tuning(_Strict):
    """How a connection behaves, the same for both APIs."""

    timeout_s: TimeoutS = 30.0
    connect_timeout_s: ConnectTimeoutS = 10.0
    concurrency: Concurrency = 12
    rate_limit_per_s: RateLimit = 120.0
    max_response_mb: MaxResponseMb = 80
    verify_tls: bool = True


class SoapOptions(_Strict):
    """SOAP choices that read the same in the file and in the resolved settings."""

    domain: str | None = None
    wsdl: WsdlSource = "bundled"


class SoapProfile(SoapOptions):
    """The SOAP part of a profile: the API user and where its token is."""

    username: str | None = None
    base_url: str | None = None
    token_file: str | None = None
    token: SecretStr | None = None

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _check_url(value)


class RestOptions(_Strict):
    """REST choices that read the same in the file and in the resolved settings.

    Secrets are never in config.toml: only where each one is kept (``None``: the environment,
    then the profile's 0600 file, then the keyring).
    """

    client_id: str | None = None
    redirect_uri: str | None = None
    client_secret_from: SecretPlace | None = None
    subscription_key_from: SecretPlace | None = None
    token_store: TokenStoreKind = "file"


class RestProfile(RestOptions):
    """The REST part of a profile: the hosts (default: Nmbrs' production) and the app."""

    base_url: str | None = None
    identity_url: str | None = None

    @field_validator("base_url", "identity_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _check_url(value)


_LEGACY_SOAP_KEYS = ("username", "domain", "token_file", "token", "wsdl")


def grouped_profile(data: Mapping[str, Any]) -> dict[str, Any]:
    """An older, flat profile table regrouped: SOAP keys into ``soap``; a flat ``base_url``
    into the part of the profile's ``api``."""
    flat = [k for k in (*_LEGACY_SOAP_KEYS, "base_url") if k in data]
    moved = {k: v for k, v in data.items() if k not in flat}
    if not flat:
        return moved
    url_part = "rest" if data.get("api") == "rest" else "soap"
    soap = dict(moved.get("soap") or {})
    soap.update({k: data[k] for k in flat if k != "base_url"})
    if "base_url" in data and url_part == "soap":
        soap["base_url"] = data["base_url"]
    if soap:
        moved["soap"] = soap
    if "base_url" in data and url_part == "rest":
        moved["rest"] = {**dict(moved.get("rest") or {}), "base_url": data["base_url"]}
    return moved


class ProfileConfig(Tuning):
    """One ``[profiles.<name>]`` table: shared choices, a ``soap`` part and a ``rest`` part.

    Older files wrote the SOAP keys directly in the profile table; they are read as the SOAP
    part (a flat ``base_url`` belongs to the profile's ``api``).
    """

    environment: Environment = "production"
    api: ApiKind = Field(ApiKind.SOAP, strict=False)  # which Nmbrs API this profile talks to
    scenario: str | None = None
    soap: SoapProfile = SoapProfile()
    rest: RestProfile = RestProfile()

    @model_validator(mode="before")
    @classmethod
    def _legacy_flat_keys(cls, data: Any) -> Any:
        return grouped_profile(data) if isinstance(data, Mapping) else data

    @property
    def has_rest(self) -> bool:
        """REST is set up: the profile uses it, or names its REST hosts or app."""
        return self.api == "rest" or bool(self.rest.model_fields_set)

    @model_validator(mode="after")
    def _rules(self) -> ProfileConfig:
        # A REST host of the profile implies its environment when resolved (as a base URL
        # in the environment does), so only a missing or contradicting one is refused here.
        rest_url = self.rest.base_url if self.environment != "production" else None
        url = rest_url if self.api == "rest" else self.soap.base_url
        _check_environment_rules(self.environment, url, self.verify_tls, self.scenario, self.api)
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
    # Recorded checks kept per profile in the local history; unset: the default, 50.
    history_keep: int | None = Field(default=None, ge=1, le=100_000)
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


# --------------------------------------------------------------------------- resolved settings


class SoapSettings(SoapOptions):
    """The SOAP part of a connection: the service, the API user and its token."""

    model_config = ConfigDict(strict=False)

    api: Literal["soap"] = "soap"
    base_url: str
    username: str = Field(min_length=1)
    token: SecretStr
    token_source: str

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value)

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""


class RestSettings(RestOptions):
    """The REST part of a connection: the API host, the identity service and the app.

    The secrets themselves are read when the connection opens (``rest.auth.credentials``).
    """

    model_config = ConfigDict(strict=False)

    api: Literal["rest"] = "rest"
    base_url: str
    identity_url: str

    @field_validator("base_url", "identity_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""


class Endpoint(BaseModel):
    """One host a connection calls, where its address came from, and whose host it is."""

    model_config = ConfigDict(frozen=True)

    role: str  # "SOAP API", "REST API", "identity service"
    url: str
    source: str
    kind: Literal["production", "sandbox", "demo", "custom"]

    @property
    def host(self) -> str:
        parts = urlsplit(self.url)
        return parts.netloc or self.url


def endpoint_kind(
    url: str, api: str, environment: str
) -> Literal["production", "sandbox", "demo", "custom"]:
    """``production``/``sandbox`` only for Nmbrs' own hosts; ``demo`` for the embedded demo."""
    if environment == "demo":
        return "demo"
    host = urlsplit(url).hostname or ""
    if api == "rest":
        own = {urlsplit(PRODUCTION_API_URL).hostname, urlsplit(PRODUCTION_IDENTITY_URL).hostname}
        return "production" if host in own else "custom"
    for env, fixed in FIXED_URLS.items():
        if host == urlsplit(fixed).hostname:
            return "production" if env == "production" else "sandbox"
    return "custom"


class ConnectionSettings(Tuning):
    """Everything one connection needs: shared choices plus the part of the API it talks to.

    ``api_settings`` is a :class:`SoapSettings` or a :class:`RestSettings`, never both and never
    a placeholder; :attr:`soap` and :attr:`rest` give the part or say in one line it is absent.
    """

    model_config = ConfigDict(strict=False)

    profile_name: str | None
    environment: Environment
    download_dir: Path
    scenario: str | None = None
    api_settings: SoapSettings | RestSettings = Field(discriminator="api")
    provenance: dict[str, str] = Field(default_factory=dict)
    # False when resolved for one of many profiles (--all-profiles, a switch in the app): the
    # secrets read when the connection opens (REST) leave the environment out too.
    environment_credentials: bool = True

    @model_validator(mode="after")
    def _rules(self) -> ConnectionSettings:
        part = self.api_settings
        if not (part.api == "rest" and self.environment == "demo"):
            _check_environment_rules(
                self.environment, part.base_url, self.verify_tls, self.scenario, part.api
            )
        return self

    @property
    def api(self) -> ApiKind:
        return ApiKind(self.api_settings.api)

    @property
    def soap_part(self) -> SoapSettings | None:
        part = self.api_settings
        return part if isinstance(part, SoapSettings) else None

    @property
    def rest_part(self) -> RestSettings | None:
        part = self.api_settings
        return part if isinstance(part, RestSettings) else None

    @property
    def soap(self) -> SoapSettings:
        part = self.api_settings
        if not isinstance(part, SoapSettings):
            raise ConfigError(
                f"profile '{self.profile_name}' is set up for the REST API, not SOAP",
                hint="Add the SOAP user with `nmbrs-tui config add --api soap`.",
            )
        return part

    @property
    def rest(self) -> RestSettings:
        part = self.api_settings
        if not isinstance(part, RestSettings):
            raise ConfigError(
                f"profile '{self.profile_name}' is set up for the SOAP API, not REST",
                hint=f"Add the REST part with `nmbrs-tui config add --api rest --name "
                f"{self.profile_name or 'NAME'}`.",
            )
        return part

    @property
    def base_url(self) -> str:
        """The base URL of the API this connection calls."""
        return self.api_settings.base_url

    @property
    def host(self) -> str:
        return self.api_settings.host

    def endpoints(self) -> list[Endpoint]:
        """The hosts actually called (REST: the API and the identity service), with sources."""
        part = self.api_settings
        api = part.api
        prov = self.provenance
        found = [
            Endpoint(
                role=f"{api.upper()} API",
                url=part.base_url,
                source=prov.get(f"{api}.base_url", ""),
                kind=endpoint_kind(part.base_url, api, self.environment),
            )
        ]
        if isinstance(part, RestSettings):
            found.append(
                Endpoint(
                    role="identity service",
                    url=part.identity_url,
                    source=prov.get("rest.identity_url", ""),
                    kind=endpoint_kind(part.identity_url, api, self.environment),
                )
            )
        return found

    @property
    def is_production(self) -> bool:
        return any(e.kind == "production" for e in self.endpoints())

    def with_soap(self, **changes: object) -> ConnectionSettings:
        """A copy whose SOAP part has ``changes`` (e.g. another domain)."""
        return self.model_copy(update={"api_settings": self.soap.model_copy(update=changes)})


TUNING_FIELDS: tuple[str, ...] = tuple(Tuning.model_fields)
SHARED_FIELDS: tuple[str, ...] = ("profile_name", "environment", "api", "scenario", "download_dir")
SOAP_FIELDS: tuple[str, ...] = ("base_url", "username", "token", "domain", "wsdl")
REST_FIELDS: tuple[str, ...] = (
    "base_url",
    "identity_url",
    "client_id",
    "redirect_uri",
    "client_secret_from",
    "subscription_key_from",
    "token_store",
)

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
) -> ConnectionSettings:
    """Merge flags (``overrides``) > ``NMBRS_*`` environment > profile > defaults.

    ``overrides`` holds command-line values by setting name; keys whose value is ``None`` count
    as not given, so an argparse namespace can be passed through without filtering. With
    ``environment_credentials=False`` the ``NMBRS_*`` variables are left out: they belong to the
    one connection they were exported for, not to each profile of ``--all-profiles`` or to a
    profile switched to in the app. Only the part of the API in use is resolved: a REST
    connection needs no SOAP user, and back.
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
        part = _resolve_rest(layers, prof, label, env, given)
    else:
        part = _resolve_soap(layers, config, name, prof, label, env, given)

    environment = str(layers.get("environment"))
    if layers.get("verify_tls") is False and environment != "custom":
        raise ConfigError(
            f"verify_tls = false ({layers.prov['verify_tls']}) is allowed only for "
            f"environment 'custom', but the environment is '{environment}' "
            f"({layers.prov['environment']})"
        )
    if layers.get("scenario") is not None and environment != "demo":
        raise ConfigError(
            f"scenario ({layers.prov['scenario']}) is allowed only for environment "
            f"'demo', but the environment is '{environment}' ({layers.prov['environment']})"
        )
    if environment == "demo" and layers.get("scenario") is None:
        put("scenario", DEFAULT_SCENARIO, "default")
    put("profile_name", name, name_source)
    shared = {k: layers.values[k] for k in (*TUNING_FIELDS, *SHARED_FIELDS) if k != "api"}
    try:
        return ConnectionSettings.model_validate(
            {
                **shared,
                "api_settings": part,
                "provenance": dict(layers.prov),
                "environment_credentials": environment_credentials,
            }
        )
    except ValidationError as exc:
        raise ConfigError(_format_resolved_error(exc, layers.prov)) from None


def _resolve_soap(
    layers: _Layers,
    config: AppConfig,
    name: str | None,
    prof: ProfileConfig | None,
    label: str,
    env: EnvironmentVariables,
    given: Mapping[str, object],
) -> dict[str, object]:
    """The SOAP part: base URL (implied by the environment), user, domain, token, WSDL."""
    put = layers.put
    soap = prof.soap if prof is not None else SoapProfile()
    put("soap.wsdl", SoapOptions.model_fields["wsdl"].default, "default")
    put("soap.domain", None, "default")
    put("soap.username", None, "default")
    put("soap.base_url", None, "default")
    for field in ("username", "domain", "base_url", "wsdl"):
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
        if field in ("username", "domain", "base_url", "wsdl") or field in _SHARED_FLAGS
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
    demo = environment == "demo"
    if not layers.get("soap.username"):
        if demo:
            put("soap.username", _demo_constants()[0], "demo")
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
        demo_token=_demo_constants()[1] if demo else None,
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
    if layers.get("rest.identity_url") is None:
        if environment != "demo":
            raise ConfigError(
                f"a custom REST host needs its identity service: set identity_url under "
                f"[profiles.<name>.rest] of {label}, or NMBRS_REST_IDENTITY_URL"
            )
        base = str(layers.get("rest.base_url")).rstrip("/")
        put("rest.identity_url", base + DEMO_IDENTITY_PATH, "demo")
    if layers.get("rest.redirect_uri") is None:
        put("rest.redirect_uri", DEFAULT_REDIRECT_URI, "default")
    return {"api": "rest", **{f: layers.get(f"rest.{f}") for f in REST_FIELDS}}


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


def _format_resolved_error(exc: ValidationError, prov: Mapping[str, str]) -> str:
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
    """Settings for the embedded demo server (SOAP or REST) listening at ``base_url``."""
    part: dict[str, object]
    if api is ApiKind.REST:
        from nmbrs_client.demo_identity import DEMO_REST_CLIENT_ID

        base = base_url.rstrip("/")
        part = {
            "api": "rest",
            "base_url": base_url,
            "identity_url": base + DEMO_IDENTITY_PATH,
            "client_id": DEMO_REST_CLIENT_ID,
        }
        part_fields: tuple[str, ...] = ("rest.base_url", "rest.identity_url", "rest.client_id")
    else:
        username, token, domain = _demo_constants()
        part = {
            "api": "soap",
            "base_url": base_url,
            "username": username,
            "domain": domain,
            "token": SecretStr(token),
            "token_source": "demo",
        }
        part_fields = ("soap.base_url", "soap.username", "soap.domain", "soap.token")
    prov = {field: "default" for field in (*TUNING_FIELDS, *SHARED_FIELDS)}
    prov.update({f: "demo" for f in ("profile_name", "environment", "api", "scenario")})
    prov.update({f: "demo" for f in part_fields})
    if download_dir is not None:
        prov["download_dir"] = "flag"
    try:
        return ConnectionSettings.model_validate(
            {
                "profile_name": "demo",
                "environment": "demo",
                "scenario": scenario,
                "download_dir": download_dir or default_download_dir(),
                "api_settings": part,
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
