"""What the rights engine needs from a client: a typed contract instead of ``Any``.

:class:`~nmbrs_client.client.NmbrsClient` fits it; so do the small fakes of the unit tests.
Read-only properties, so implementations may narrow the types (``Literal``, frozen models).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from nmbrs_client.calllog import CallRecord
from nmbrs_client.client import ClientSettings, DomainState
from nmbrs_client.ids import EntityId
from nmbrs_client.operations import Operation
from nmbrs_client.retry import CheckBudget, check_deadline_s

if TYPE_CHECKING:
    from nmbrs_client.rights.results import RightsEvent, RightsReport


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

    def prepare(self) -> None:
        """Do before the check's first call what every client does once (build its services)."""
        ...

    def call(self, operation: Operation, *, discover_domain: bool = True, **params: Any) -> Any: ...


@dataclass(frozen=True)
class CheckOptions:
    """How to run one rights check, whatever the API: what the commands and the pane choose.

    ``fetch_documents`` builds and downloads one document where the API needs a separate
    download call (REST); ``environment`` names the profile, environment and scenario for the
    report.
    """

    companies: tuple[EntityId, ...] | None = None
    thorough: bool = False
    concurrency: int | None = None
    fetch_documents: bool = True
    on_event: Callable[[RightsEvent], None] | None = None
    cancel_event: threading.Event | None = None
    clock: Callable[[], datetime] | None = None
    environment: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProbeTuning:
    """How hard a prober tries, which no command chooses: the defaults are the product's.

    ``retries`` rounds on top of the client's own retries for a call that failed for a passing
    reason, the first pause between them (``backoff_s``, doubling; None: the prober's own),
    the whole check's deadline (None: from the connection's time-outs) and the clock it is
    kept on. Tests and the bench set them: no pauses, a fake clock, a short deadline.
    """

    retries: int = 2
    backoff_s: float | None = None
    deadline_s: float | None = None
    monotonic: Callable[[], float] = time.monotonic

    def budget(self, read_timeout_s: float, connect_timeout_s: float) -> CheckBudget:
        """The check's one retry budget and deadline (the same rule on both APIs)."""
        deadline = self.deadline_s or check_deadline_s(read_timeout_s, connect_timeout_s)
        return CheckBudget(deadline, clock=self.monotonic)


DEFAULT_OPTIONS = CheckOptions()  # every company, the default mode, the client's concurrency
DEFAULT_TUNING = ProbeTuning()


class Prober(Protocol):
    """One rights check over one backend: the SOAP engine and the REST prober both fit."""

    def run(self) -> RightsReport:
        """Run the check (blocking) and return the report; never raises for API trouble."""
        ...

    def cancel(self) -> None: ...
