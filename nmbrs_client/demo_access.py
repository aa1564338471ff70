"""What the client needs from a demo Nmbrs to reach it: :class:`DemoAccess`, handed in.

The client knows that an environment called ``demo`` exists, never how to log in to it: the
package that runs the demo supplies a :class:`DemoAccess` (through the entry points, which may
import it), so no demo value lives in the client and the client never imports the demo.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import SecretStr


@dataclass(frozen=True)
class SoapLogin:
    """The SOAP API user of a demo: the values a profile of the demo may leave out."""

    username: str
    token: SecretStr
    domain: str


class DemoAccess(Protocol):
    """How to reach a demo Nmbrs at a given address, without a person at a browser."""

    def soap_login(self) -> SoapLogin:
        """The demo's SOAP API user."""
        ...

    def rest_app(self, base_url: str) -> Mapping[str, str]:
        """The demo's REST app for the API at ``base_url``: ``client_id``, ``client_secret``,
        ``subscription_key``, ``redirect_uri``, ``base_url`` and ``identity_url``."""
        ...

    def rest_login(self, base_url: str, scopes: tuple[str, ...]) -> Mapping[str, Any]:
        """A complete OAuth login to the demo at ``base_url`` as its app (the token response),
        with no one to click "Allow"."""
        ...


DemoAccessSource = Callable[[], DemoAccess]
"""Gives the :class:`DemoAccess` when a demo is named; called only then, so naming no demo
imports nothing of it."""
