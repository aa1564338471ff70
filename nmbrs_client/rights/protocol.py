"""What the rights engine needs from a client: a typed contract instead of ``Any``.

:class:`~nmbrs_client.client.NmbrsClient` fits it; so do the small fakes of the unit tests.
Read-only properties, so implementations may narrow the types (``Literal``, frozen models).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from nmbrs_client.calllog import CallRecord
from nmbrs_client.client import ClientSettings, DomainState
from nmbrs_client.operations import Operation


class CallCounter(Protocol):
    """A call log the engine can count the calls in (every attempt, retries included)."""

    def subscribe(self, callback: Callable[[CallRecord], None]) -> Callable[[], None]: ...


class RightsClient(Protocol):
    """One client for one account; ``call`` is made from several worker threads at once."""

    @property
    def settings(self) -> ClientSettings: ...
    @property
    def base_url(self) -> str: ...
    @property
    def host(self) -> str: ...
    @property
    def username(self) -> str: ...
    @property
    def domain(self) -> str | None: ...
    @property
    def domain_state(self) -> DomainState: ...
    @property
    def domain_source(self) -> str: ...
    @property
    def domain_fault_code(self) -> int | None: ...
    @property
    def call_log(self) -> CallCounter | None: ...

    def ensure_domain(self) -> str | None: ...

    def call(self, operation: Operation, *, discover_domain: bool = True, **params: Any) -> Any: ...
