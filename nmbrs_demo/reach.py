"""How a client reaches a demo Nmbrs: its logins handed to the client, and the settings for one.

The client knows no demo value (:mod:`nmbrs_client.demo_access`); the entry points hand it
:data:`DEMO_ACCESS` (or :func:`demo_access`, which loads nothing else) when a demo is started or
a profile names ``environment = "demo"``. :func:`demo_settings` gives the settings that reach a
demo listening at an address, as :meth:`RunningDemo.settings` does for a started one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from nmbrs_client.demo_access import DemoAccess, SoapLogin
from nmbrs_client.ids import ApiKind
from nmbrs_demo.credentials import (
    DEMO_DOMAIN,
    DEMO_REST_CLIENT_ID,
    DEMO_REST_CLIENT_SECRET,
    DEMO_REST_REDIRECT_URIS,
    DEMO_REST_SUBSCRIPTION_KEY,
    DEMO_TOKEN,
    DEMO_USERNAME,
    IDENTITY_PREFIX,
)

if TYPE_CHECKING:
    from nmbrs_client.settings import ConnectionSettings

DEFAULT_SCENARIO = "healthy"
# The query parameter with which the demo's consent page answers by itself, so a login needs
# no one to click "Allow" (the real identity service has no such thing).
SCRIPTED_CONSENT = "demo_consent=approve"


class _DemoLogins:
    """The embedded demo's logins, as the client asks for them (:class:`DemoAccess`)."""

    def soap_login(self) -> SoapLogin:
        return SoapLogin(DEMO_USERNAME, SecretStr(DEMO_TOKEN), DEMO_DOMAIN)

    def rest_app(self, base_url: str) -> Mapping[str, str]:
        base = base_url.rstrip("/")
        return {
            "client_id": DEMO_REST_CLIENT_ID,
            "client_secret": DEMO_REST_CLIENT_SECRET,
            "subscription_key": DEMO_REST_SUBSCRIPTION_KEY,
            "redirect_uri": DEMO_REST_REDIRECT_URIS[0],
            "base_url": base,
            "identity_url": base + IDENTITY_PREFIX,
        }

    def rest_login(self, base_url: str, scopes: tuple[str, ...]) -> Mapping[str, Any]:
        """The same flow as ``auth login`` (PKCE, state, code exchange); only the consent is
        given by the demo's scripted consent instead of a person clicking "Allow"."""
        import httpx

        from nmbrs_client.rest.auth.credentials import load_credentials
        from nmbrs_client.rest.auth.oauth import LoginError, OAuthFlow

        app = self.rest_app(base_url)
        credentials = load_credentials("demo", environ={}, given=app, use_stores=False)
        flow = OAuthFlow(credentials)
        try:
            pending = flow.start(scopes)
            with httpx.Client(timeout=10.0, follow_redirects=False) as http:
                reply = http.get(f"{pending.url}&{SCRIPTED_CONSENT}")
            landing = reply.headers.get("location", "")
            if reply.status_code not in (302, 303) or not landing:
                raise LoginError(f"the demo identity service answered HTTP {reply.status_code}")
            return flow.finish(pending, landing)
        finally:
            flow.close()


DEMO_ACCESS: DemoAccess = _DemoLogins()


def demo_access() -> DemoAccess:
    """:data:`DEMO_ACCESS`, for a caller that hands it over only when a demo is named."""
    return DEMO_ACCESS


def demo_settings(
    base_url: str,
    scenario: str = DEFAULT_SCENARIO,
    *,
    download_dir: Path | None = None,
    api: ApiKind = ApiKind.SOAP,
) -> ConnectionSettings:
    """Settings for the embedded demo (SOAP or REST) listening at ``base_url``."""
    from pydantic import ValidationError

    from nmbrs_client.config import default_download_dir, resolved_error_text
    from nmbrs_client.errors import ConfigError
    from nmbrs_client.settings import SHARED_FIELDS, TUNING_FIELDS, ConnectionSettings

    part: dict[str, object]
    if api is ApiKind.REST:
        app = DEMO_ACCESS.rest_app(base_url)
        part = {"api": "rest", "base_url": base_url, "identity_url": app["identity_url"]}
        part["client_id"] = app["client_id"]
        part_fields: tuple[str, ...] = ("rest.base_url", "rest.identity_url", "rest.client_id")
    else:
        login = DEMO_ACCESS.soap_login()
        part = {
            "api": "soap",
            "base_url": base_url,
            "username": login.username,
            "domain": login.domain,
            "token": login.token,
            "token_source": "demo",
        }
        part_fields = ("soap.base_url", "soap.username", "soap.domain", "soap.token")
    prov = {field: "default" for field in (*TUNING_FIELDS, *SHARED_FIELDS)}
    prov.update({f: "demo" for f in ("profile_name", "environment", "api", "scenario")})
    prov.update({f: "demo" for f in part_fields})
    if download_dir is not None:
        prov["download_dir"] = "flag"
    try:
        settings = ConnectionSettings.model_validate(
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
        raise ConfigError(resolved_error_text(exc, prov)) from None
    return settings.reaching_demo(DEMO_ACCESS)
