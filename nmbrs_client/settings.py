"""One resolved connection: :class:`ConnectionSettings`, the shared choices plus the part of the
API it talks to (:class:`SoapSettings` or :class:`RestSettings`), with where each value came
from and the hosts it calls (:class:`Endpoint`).

Each class is the profile's own model (:mod:`nmbrs_client.config_schema`) with its values
required: no field is declared again here. Built by
:func:`nmbrs_client.config.resolve_settings` (a profile, the environment and flags) or for the
embedded demo; never read from a file directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    field_validator,
    model_validator,
)

from nmbrs_client.config_schema import ProfileChoices, RestPart, SoapPart, Tuning
from nmbrs_client.config_urls import FIXED_URLS
from nmbrs_client.demo_access import DemoAccess
from nmbrs_client.errors import ConfigError
from nmbrs_client.hosts import (
    PRODUCTION_API_URL,
    PRODUCTION_IDENTITY_URL,
)
from nmbrs_client.ids import ApiKind
from nmbrs_client.textsafe import NOT_XML


class SoapSettings(SoapPart[str, SecretStr]):
    """The SOAP part of a connection: the service, the API user and its token, all present."""

    model_config = ConfigDict(strict=False)

    api: Literal["soap"] = "soap"
    token_source: str

    @model_validator(mode="after")
    def _user(self) -> SoapSettings:
        if not self.username:
            raise ValueError("username must not be empty")
        return self

    @field_validator("username", "token", "domain")
    @classmethod
    def _sendable(cls, value: Any) -> Any:
        """Each goes in every request's SOAP header: one character XML cannot carry (a stray
        control character pasted with the token) and no call can be sent at all, which is
        the configuration's fault, not a reply's. The value itself is never quoted."""
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if text and NOT_XML.search(text):
            raise ValueError(
                "holds a control character or other character that cannot be sent to Nmbrs "
                "in a SOAP request; copy it again"
            )
        return value

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""


class RestSettings(RestPart[str]):
    """The REST part of a connection: the API host, the identity service and the app.

    The secrets themselves are read when the connection opens (``rest.auth.credentials``).
    """

    model_config = ConfigDict(strict=False)

    api: Literal["rest"] = "rest"

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


class ConnectionSettings(ProfileChoices):
    """Everything one connection needs: shared choices plus the part of the API it talks to.

    ``api_settings`` is a :class:`SoapSettings` or a :class:`RestSettings`, never both and never
    a placeholder; :attr:`soap` and :attr:`rest` give the part or say in one line it is absent.
    """

    model_config = ConfigDict(strict=False)

    profile_name: str | None
    download_dir: Path
    api_settings: SoapSettings | RestSettings = Field(discriminator="api")
    provenance: dict[str, str] = Field(default_factory=dict)
    # False when resolved for one of many profiles (--all-profiles, a switch in the app): the
    # secrets read when the connection opens (REST) leave the environment out too.
    environment_credentials: bool = True
    # How to log in to a demo (environment "demo"), handed in by whoever named the demo.
    _demo_access: DemoAccess | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _rules(self) -> ConnectionSettings:
        part = self.api_settings
        if not (part.api == "rest" and self.environment == "demo"):
            self.check_rules(part.base_url, part.api)
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

    def check_environment(self) -> dict[str, str | None]:
        """Where a check runs, as its report records it (profile, environment, scenario)."""
        return {
            "profile": self.profile_name,
            "environment": str(self.environment) or None,
            "scenario": self.scenario,
        }

    def reaching_demo(self, access: DemoAccess | None) -> ConnectionSettings:
        """A copy that logs in to its demo with ``access`` (the demo package supplies it)."""
        copy = self.model_copy()
        copy._demo_access = access
        return copy

    @property
    def demo_access(self) -> DemoAccess:
        """How to log in to the demo this connection reaches; one line if nobody said."""
        if self._demo_access is None:
            raise ConfigError(
                f"environment 'demo' of profile '{self.profile_name}' is reached only from "
                "nmbrs-tui itself: its demo logins are not known here",
                hint="Start the demo with --demo, or give the profile its own credentials "
                "with environment 'custom'.",
            )
        return self._demo_access

    def with_soap(self, **changes: object) -> ConnectionSettings:
        """A copy whose SOAP part has ``changes`` (e.g. another domain)."""
        return self.model_copy(update={"api_settings": self.soap.model_copy(update=changes)})


TUNING_FIELDS: tuple[str, ...] = tuple(Tuning.model_fields)
SHARED_FIELDS: tuple[str, ...] = ("profile_name", "environment", "api", "scenario", "download_dir")
REST_FIELDS: tuple[str, ...] = tuple(RestPart.model_fields)
