"""The REST demo's readings: one per question the OpenAPI document and Nmbrs' pages leave open.

Where the facts leave a question open (what a missing scope's 403 looks like, how long a
document task stays pending, …) the demo can answer each plausible way. Each way is a
*reading* with a name and a fixed set of values; ``choices[0]`` is the default and is the
answer hardest on a client (``why_default`` says why), so code that passes against the
defaults does not lean on a lucky guess. They are chosen with ``--reading name=value``
(repeatable, the same syntax as the SOAP demo's readings) or
``start_rest_demo_server(readings={...})``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from nmbrs_client.errors import ConfigError
from nmbrs_client.ids import ApiKind


@dataclass(frozen=True)
class Reading:
    """One open question and the answers the demo can give; ``choices[0]`` is the default."""

    name: str
    api: ApiKind
    question: str
    choices: tuple[str, ...]
    why_default: str

    @property
    def default(self) -> str:
        return self.choices[0]


REGISTRY: dict[str, Reading] = {}


def register(*readings: Reading) -> None:
    """Add readings to the shared registry (each demo registers its own at import)."""
    for reading in readings:
        if reading.name in REGISTRY and REGISTRY[reading.name] != reading:
            raise ValueError(f"reading {reading.name!r} registered twice with different meanings")
        if not reading.choices:
            raise ValueError(f"reading {reading.name!r} has no choices")
        REGISTRY[reading.name] = reading


def readings_for(api: ApiKind) -> list[Reading]:
    return [r for r in REGISTRY.values() if r.api is api]


class Readings(Mapping[str, str]):
    """The chosen value of every reading of one API (defaults filled in), read-only."""

    def __init__(self, api: ApiKind, chosen: Mapping[str, str] | None = None) -> None:
        self.api = api
        values = {r.name: r.default for r in readings_for(api)}
        for name, value in (chosen or {}).items():
            reading = REGISTRY.get(name)
            if reading is None:
                known = ", ".join(sorted(values)) or "none"
                raise ConfigError(
                    f"Unknown reading {name!r}.", hint=f"Readings of the {api} demo: {known}."
                )
            if reading.api is not api:
                # A reading of the other API: harmless, the other demo uses it.
                continue
            if value not in reading.choices:
                raise ConfigError(
                    f"Reading {name!r} cannot be {value!r}.",
                    hint=f"Choose one of: {', '.join(reading.choices)}.",
                )
            values[name] = value
        self._values = values

    def __getitem__(self, name: str) -> str:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def is_default(self, name: str) -> bool:
        return self._values[name] == REGISTRY[name].default

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._values.items() if not self.is_default(k)}
        return f"Readings({self.api}, {changed})"


def parse_reading_args(items: Iterable[str]) -> dict[str, str]:
    """``["name=value", …]`` from the command line → a dict; one clear error per bad item."""
    chosen: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise ConfigError(
                f"--reading {item!r} is not name=value.",
                hint="For example: --reading missing-scope-403=empty-body",
            )
        if name not in REGISTRY:
            raise ConfigError(
                f"Unknown reading {name!r}.",
                hint=f"Known readings: {', '.join(sorted(REGISTRY)) or 'none'}.",
            )
        chosen[name] = value
    return chosen


class R(StrEnum):
    """Reading names, so code never spells them twice."""

    MISSING_SCOPE_403 = "missing-scope-403"
    SUBSCRIPTION_KEY = "subscription-key"
    DOCUMENT_PENDING_POLLS = "document-pending-polls"
    DOCUMENT_REFETCH = "document-refetch"
    PAYSLIP_NO_RUN = "payslip-no-run"
    PAYSLIP_SEVERAL_RUNS = "payslip-several-runs"
    ANNUAL_STATEMENT_EARLY = "annual-statement-early"
    RUN_PERIODS = "run-periods"
    TOKEN_CLAIMS = "token-claims"
    INTROSPECTION = "introspection"
    REDIRECT_URI = "redirect-uri"
    MULTI_DEBTOR_COMPANIES = "multi-debtor-companies"
    ERROR_CONTENT_TYPE = "error-content-type"
    RETRY_AFTER = "retry-after"
    ID_MAPPING = "id-mapping"
    HISTORY_ORDER = "history-order"


REST_READINGS = (
    Reading(
        R.MISSING_SCOPE_403,
        ApiKind.REST,
        "Q1: the body of a 403 for a missing scope",
        ("problem-40303", "empty-body", "insufficient-scope"),
        "40303 is also the data-access code, so a client that trusts the code misreads a "
        "missing scope as a tag/filter problem; it must compare granted and required scopes.",
    ),
    Reading(
        R.SUBSCRIPTION_KEY,
        ApiKind.REST,
        "Q2: status and body for a missing or wrong X-Subscription-Key",
        ("gateway-401", "problem-401", "problem-403"),
        "An API-gateway 401 whose JSON is not an ErrorResponse: the client must not assume "
        "every 401 body parses, nor that every 401 is about the token.",
    ),
    Reading(
        R.DOCUMENT_PENDING_POLLS,
        ApiKind.REST,
        "Q3: how many fetches of a document task answer 202 before the PDF",
        ("3", "0", "1", "10", "never"),
        "Several 202s make a client poll with back-off; 'never' tests its give-up bound.",
    ),
    Reading(
        R.DOCUMENT_REFETCH,
        ApiKind.REST,
        "Q3: whether a document task can be fetched again after it delivered the PDF",
        ("gone", "repeatable"),
        "A task that answers 404 after delivery punishes a client that fetches twice.",
    ),
    Reading(
        R.PAYSLIP_NO_RUN,
        ApiKind.REST,
        "Q3: payslipperperiod for a period without a payslip",
        ("task-then-404", "not-found"),
        "A task id first and the 404 only from /api/documents: the failure comes late.",
    ),
    Reading(
        R.PAYSLIP_SEVERAL_RUNS,
        ApiKind.REST,
        "Q3: payslipperperiod for a period with several runs (corrections)",
        ("latest", "merged"),
        "Only the latest run's payslip: earlier slips of the period cannot be had over REST.",
    ),
    Reading(
        R.ANNUAL_STATEMENT_EARLY,
        ApiKind.REST,
        "Q3: annualstatement before the year's last payroll run",
        ("not-found", "partial"),
        "No statement until the year is complete, as the spec's description says.",
    ),
    Reading(
        R.RUN_PERIODS,
        ApiKind.REST,
        "Q4: what a run's periodStart/periodEnd hold",
        ("period-numbers", "date-times"),
        "Integers, as the spec's type says (its date-time format is ignored); a client "
        "reading them as dates gets nonsense it must notice.",
    ),
    Reading(
        R.TOKEN_CLAIMS,
        ApiKind.REST,
        "Q5: the claims inside the access token",
        ("minimal", "scopes"),
        "A JWT-shaped token without scope or debtor claims: the granted scopes can only come "
        "from the token response.",
    ),
    Reading(
        R.INTROSPECTION,
        ApiKind.REST,
        "Q5: whether /connect/introspect accepts an ordinary app's client credentials",
        ("refused", "allowed"),
        "Refused (invalid_client): a client must not depend on introspection.",
    ),
    Reading(
        R.REDIRECT_URI,
        ApiKind.REST,
        "Q6: whether a loopback redirect URI may use any port",
        ("exact", "loopback-any-port"),
        "Only the registered URIs, exactly: a client that picks a random port fails.",
    ),
    Reading(
        R.MULTI_DEBTOR_COMPANIES,
        ApiKind.REST,
        "Q7: /api/companies under a consent that spans several debtors",
        ("refused-40306", "merged"),
        "403/40306 as seen on a live tenant: the client must walk debtors → companies.",
    ),
    Reading(
        R.ERROR_CONTENT_TYPE,
        ApiKind.REST,
        "Q8: the content type of error bodies",
        ("application/problem+json", "application/json"),
        "problem+json breaks a client that only parses an exact application/json.",
    ),
    Reading(
        R.RETRY_AFTER,
        ApiKind.REST,
        "Q9: whether a 429 carries Retry-After",
        ("absent", "seconds", "alternate"),
        "No header, as in the spec: the client needs its own back-off.",
    ),
    Reading(
        R.ID_MAPPING,
        ApiKind.REST,
        "Q10: whether REST ids reveal the SOAP ids",
        ("opaque", "embedded"),
        "Opaque UUIDs: SOAP and REST records can only be matched by number and name.",
    ),
    Reading(
        R.HISTORY_ORDER,
        ApiKind.REST,
        "Q11: the order of entries in history endpoints",
        ("unsorted", "chronological"),
        "A fixed but unsorted order: the client must pick 'current' by its own rule.",
    ),
)

register(*REST_READINGS)

__all__ = ["REST_READINGS", "R"]
