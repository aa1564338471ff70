"""The backend factory: the one place that knows both backends and picks one by ``api``.

Everything above it holds a :class:`~nmbrs_client.backend.Backend` and asks what it can do,
never which one it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from nmbrs_client.ids import ApiKind

if TYPE_CHECKING:
    from nmbrs_client.backend import Backend
    from nmbrs_client.settings import ConnectionSettings


def open_backend(
    settings: ConnectionSettings, *, today: Callable[[], date] = date.today
) -> Backend:
    """The backend for ``settings.api`` (no call is made yet)."""
    if settings.api is ApiKind.REST:
        from nmbrs_client.rest.connect import backend_from_settings

        return backend_from_settings(settings, today=today)
    from nmbrs_client.soap_backend import SoapBackend

    return SoapBackend.from_settings(settings, today=today)
