"""One profile model: the schema of ``config.toml`` and the parts the resolved settings share.

A profile and the connection resolved from it hold the same fields, so each is declared once:
the tuning (:class:`Tuning`), what the connection is (:class:`ProfileChoices`: environment,
demo scenario) and each API's part (:class:`SoapPart`, :class:`RestPart`, with the one URL
rule). A part is generic in whether its values may be missing: optional in the file
(:class:`SoapProfile`, :class:`RestProfile`), required once resolved
(:mod:`nmbrs_client.settings`). Also the file's own keys, requirement profiles, and one line per
problem when the file does not fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar

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

from nmbrs_client.config_names import Environment
from nmbrs_client.config_urls import check_environment_rules, check_url
from nmbrs_client.ids import ApiKind

WsdlSource = Literal["bundled", "live"]

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


Text = TypeVar("Text", str, str | None)
"""A part's text value: ``str | None`` in the file (it may be left out), ``str`` once resolved."""
Token = TypeVar("Token", SecretStr, SecretStr | None)
"""The SOAP token: ``SecretStr | None`` in the file, ``SecretStr`` once resolved."""


def _given(default: None = None) -> Any:
    """A field a part may leave out in the file but not once resolved: ``None`` is checked
    against the field's type, so a resolved part without it is refused."""
    return Field(default=default, validate_default=True)


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


class ProfileChoices(Tuning):
    """What a connection is, the same in a profile and once resolved: the tuning, the
    environment and (only for the demo) its scenario; the environment rule lives here."""

    environment: Environment = "production"
    scenario: str | None = None

    def check_rules(self, base_url: str | None, api: str) -> None:
        """The cross-field rules (a custom host, TLS, a scenario) for the API's base URL."""
        check_environment_rules(self.environment, base_url, self.verify_tls, self.scenario, api)


class SoapPart(_Strict, Generic[Text, Token]):
    """The SOAP fields: the service, the API user, its token, the domain and the WSDL."""

    base_url: Text = _given()
    username: Text = _given()
    token: Token = _given()
    domain: str | None = None
    wsdl: WsdlSource = "bundled"

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value)

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class SoapProfile(SoapPart[str | None, SecretStr | None]):
    """The SOAP part of a profile in the file: also where its token is kept (``token_file``)."""

    token_file: str | None = None


class RestPart(_Strict, Generic[Text]):
    """The REST fields: the API host, the identity service and the app.

    Secrets are never in config.toml: only where each one is kept (``None``: the environment,
    then the profile's 0600 file, then the keyring).
    """

    base_url: Text = _given()
    identity_url: Text = _given()
    client_id: str | None = None
    redirect_uri: str | None = None
    client_secret_from: SecretPlace | None = None
    subscription_key_from: SecretPlace | None = None
    token_store: TokenStoreKind = "file"

    @field_validator("base_url", "identity_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value)


class RestProfile(RestPart[str | None]):
    """The REST part of a profile in the file (hosts left out: Nmbrs' production)."""


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


class ProfileConfig(ProfileChoices):
    """One ``[profiles.<name>]`` table: shared choices, a ``soap`` part and a ``rest`` part.

    Older files wrote the SOAP keys directly in the profile table; they are read as the SOAP
    part (a flat ``base_url`` belongs to the profile's ``api``).
    """

    api: ApiKind = Field(ApiKind.SOAP, strict=False)  # which Nmbrs API this profile talks to
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
        self.check_rules(rest_url if self.api == "rest" else self.soap.base_url, self.api)
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
