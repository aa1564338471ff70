"""The rules about where a connection may go: Nmbrs' own base URLs per environment and API, and
the cross-field rules (a custom host needs ``environment = "custom"``, REST has no sandbox, …)
that the file schema and the resolved settings both apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from nmbrs_client.hosts import (
    PRODUCTION_API_URL,
)
from nmbrs_client.operations import PRODUCTION_URL, SANDBOX_URL

FIXED_URLS: dict[str, str] = {"production": PRODUCTION_URL, "sandbox": SANDBOX_URL}
REST_FIXED_URLS: dict[str, str] = {"production": PRODUCTION_API_URL + "/"}


def normalize_url(url: str) -> str:
    """Base URLs compare and join reliably only with exactly one trailing slash."""
    return url.strip().rstrip("/") + "/"


def check_url(url: str) -> str:
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


def check_environment_rules(
    environment: str,
    base_url: str | None,
    verify_tls: bool,
    scenario: str | None,
    api: str = "soap",
    *,
    sources: Mapping[str, str] | None = None,
) -> None:
    """The cross-field rules of a connection, for the file schema, the resolved settings and the
    resolver; ``sources`` (by key: environment, base_url, verify_tls, scenario) says where each
    value came from, and the message then names it."""

    def said(key: str) -> str:
        source = (sources or {}).get(key)
        return f" ({source})" if source else ""

    where = f"'{environment}'{said('environment')}"
    if api == "rest" and environment == "sandbox":
        raise ValueError(
            f"the REST API has no sandbox{said('environment')}: use environment 'production' "
            "or 'custom'"
        )
    if environment == "custom" and not base_url:
        raise ValueError(f"environment 'custom'{said('environment')} requires base_url")
    fixed = fixed_urls(api).get(environment)
    if fixed and base_url and normalize_url(base_url) != fixed:
        raise ValueError(
            f"base_url{said('base_url')} is only allowed with environment 'custom' (or equal "
            f"to {fixed} for {where})"
        )
    if not verify_tls and environment != "custom":
        raise ValueError(
            f"verify_tls = false{said('verify_tls')} is allowed only for environment 'custom', "
            f"but the environment is {where}"
        )
    if scenario is not None and environment != "demo":
        raise ValueError(
            f"scenario{said('scenario')} is allowed only for environment 'demo', but the "
            f"environment is {where}"
        )
