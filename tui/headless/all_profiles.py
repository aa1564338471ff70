"""`nmbrs-tui check --all-profiles`: the rights check for every profile, one summary table.

A support engineer with many customers wants one answer per customer. Each profile gets its
own client (and so its own rate limit and connection pool); at most ``workers`` checks run at
once. A profile that cannot be resolved, cannot connect or crashes becomes a row with its
reason and never stops the others. The exit code is the worst of all rows.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from nmbrs_client import textsafe
from nmbrs_client.exit_codes import VERDICT_GLYPHS, VERDICT_WORDS, ExitCode, verdict_words

DEFAULT_WORKERS = 4
# A row's reason is one line, bounded; long enough for an error and its hint (the command).
REASON_MAX = 320
# A profile that could not log in (or be used) has no rights to count: "–", not 0 or 1.
UNCOUNTED = (ExitCode.CONNECT, ExitCode.USAGE)


@dataclass(frozen=True)
class ProfileOutcome:
    """One row of the summary: a profile's verdict and its counts."""

    profile: str
    environment: str  # where the profile connects: the checked settings', else the config's
    api: str  # soap | rest: likewise
    exit_code: int
    verdict: str
    missing_rights: int | None  # None: the rights were never reached (login failed)
    unverified: int | None  # None: nothing was checked, so nothing was counted
    errors: int | None  # None: the profile was not checked (not an error of a check)
    duration_s: float
    reason: str = ""
    changed: str = "-"  # since this profile's previous recorded check ("-": none to compare)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["duration_s"] = round(self.duration_s, 2)
        return data


@dataclass(frozen=True)
class Place:
    """Where a profile connects: its environment and API, as far as they are known."""

    environment: str
    api: str


def configured_place(profile: Any, api: str | None) -> Place:
    """What the config says of a profile that could not be checked (``api``: the --api flag).

    It is stated, not measured: a row that failed or was not checked still says which customer
    environment and API it was meant for, as the config does. A REST host implies its
    environment as the resolver has it; a SOAP part's environment is the one written.
    """
    from nmbrs_client.config_urls import environment_for_url

    chosen = str(api or profile.api)
    environment = str(profile.environment)
    if chosen == "rest" and environment == "production" and profile.rest.base_url:
        environment = environment_for_url(str(profile.rest.base_url), "rest") or "custom"
    return Place(environment, chosen)


def outcome_of(profile: str, place: Place, report: Any, duration_s: float) -> ProfileOutcome:
    """Summarise a finished report: distinct missing operations plus companies without access."""
    from nmbrs_client.rights.classify import ROW_WIDE, Status
    from nmbrs_client.rights.findings import verdict_causes

    denied_ops = {c.qualified_name for c in report.cells if c.status in ROW_WIDE}
    no_access = {
        c.company_id
        for c in report.cells
        if c.status in (Status.NO_DATA_ACCESS, Status.NOT_VISIBLE)
    }
    account_missing = sum(1 for a in report.account_findings if a.status.is_missing)
    unverified = sum(
        1 for c in report.cells if c.status.value in ("not_applicable", "not_verified")
    )
    # the account rows whose calls failed count too: they are no cells, but they failed
    errors = sum(1 for c in report.cells if c.status is Status.ERROR) + len(report.account_errors)
    code = int(report.exit_code)
    reason = "; ".join(textsafe.line(part) for part in _reasons(report, code))[:REASON_MAX]
    return ProfileOutcome(
        profile=profile,
        environment=place.environment,
        api=place.api,
        exit_code=code,
        verdict=verdict_words(code, verdict_causes(report)),
        missing_rights=(
            None if code in UNCOUNTED else len(denied_ops) + len(no_access) + account_missing
        ),
        unverified=unverified,
        errors=errors,
        duration_s=duration_s,
        reason=reason,
    )


def _reasons(report: Any, code: int) -> list[str]:
    """Why a profile has its verdict, in its own report's words: the account's findings; for
    a result not established that did not stop the check, first its cause and next step (the
    summary's headline), as its account rows hold only the failed calls' messages."""
    from nmbrs_client.rights.classify import Status
    from nmbrs_client.rights.findings import headline

    findings = report.account_findings
    if code != ExitCode.CONNECT or report.stopped is not None:
        return [a.message for a in findings]
    return [headline(report, "en"), *(a.message for a in findings if a.status is not Status.ERROR)]


def failed_outcome(
    profile: str,
    place: Place,
    code: int,
    reason: str,
    duration_s: float,
    errors: int | None = 1,
) -> ProfileOutcome:
    """A profile without a report: nothing was counted, so no count is shown as measured."""
    return ProfileOutcome(
        profile=profile,
        environment=place.environment,
        api=place.api,
        exit_code=code,
        verdict=VERDICT_WORDS.get(code, str(code)),
        missing_rights=None,
        unverified=None,
        errors=errors,
        duration_s=duration_s,
        # an error and its hint may come as two lines: the table's reason is one
        reason=textsafe.line(" ".join(reason.split()))[:REASON_MAX],
    )


def check_profiles(
    names: Sequence[str],
    check_one: Callable[[str], tuple[Place, Any]],
    configured: Callable[[str], Place],
    *,
    workers: int = DEFAULT_WORKERS,
    clock: Callable[[], float] = time.monotonic,
) -> list[ProfileOutcome]:
    """Run ``check_one(name) -> (place, report)`` for every profile, ``workers`` at once.

    Rows come back in the order of ``names``. Any exception of one profile becomes its row,
    placed where ``configured(name)`` says the config meant it to connect.
    """
    from nmbrs_client.errors import ConfigError, NmbrsError, SecretOfOneConnection

    def one(name: str) -> ProfileOutcome:
        started = clock()
        try:
            place, report = check_one(name)
        except SecretOfOneConnection as exc:  # never checked with a secret of another run
            reason = f"not checked: {exc.message}; {exc.hint}"
            elapsed = clock() - started
            where = configured(name)
            return failed_outcome(name, where, ExitCode.NOT_VERIFIED, reason, elapsed, None)
        except ConfigError as exc:
            code, reason = ExitCode.USAGE, str(exc)
        except NmbrsError as exc:
            code, reason = ExitCode.CONNECT, str(exc)
        except Exception as exc:  # one broken profile must not end the run for the others
            code, reason = ExitCode.CONNECT, f"{type(exc).__name__}: {exc}"
        else:
            return outcome_of(name, place, report, clock() - started)
        return failed_outcome(name, configured(name), code, reason, clock() - started)

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="profile") as pool:
        return list(pool.map(one, names))


# Worst first: a profile that cannot be used or reached hides nothing, a finding outranks an
# operation that could not be verified.
_SEVERITY = (ExitCode.USAGE, ExitCode.CONNECT, ExitCode.FINDINGS, ExitCode.NOT_VERIFIED)


def worst_exit(outcomes: Sequence[ProfileOutcome]) -> ExitCode:
    """The exit code of the whole run: the worst row (usage 64 > connect 2 > findings 1 >
    not verified 3 > 0)."""
    return worst_of(o.exit_code for o in outcomes)


def worst_of(codes: Iterable[int]) -> ExitCode:
    """The worst of several exit codes, in the order of :func:`worst_exit`."""
    found = set(codes)
    return next((code for code in _SEVERITY if code in found), ExitCode.OK)


COLUMNS = (
    ("profile", "Profile"),
    ("environment", "Environment"),
    ("api", "API"),
    ("verdict", "Verdict"),
    ("missing_rights", "Missing"),
    ("unverified", "Unverified"),
    ("errors", "Errors"),
    ("duration", "Duration"),
    ("changed", "Changed since last"),
)


def _count(value: int | None) -> str:
    """A count, or a dash where nothing was counted (never a 0 that looks measured)."""
    return "–" if value is None else str(value)


def render_table(outcomes: Sequence[ProfileOutcome]) -> str:
    """A plain-text table (glyph and word per verdict) plus the reasons below it."""
    rows = [
        {
            "profile": textsafe.line(o.profile),
            "environment": textsafe.line(o.environment),
            "api": textsafe.line(o.api),
            "verdict": f"{o.exit_code} {VERDICT_GLYPHS.get(o.exit_code, '')} {o.verdict}",
            "missing_rights": _count(o.missing_rights),
            "unverified": _count(o.unverified),
            "errors": _count(o.errors),
            "duration": f"{o.duration_s:.1f} s",
            "changed": o.changed,
        }
        for o in outcomes
    ]
    widths = {key: max([len(label), *(len(r[key]) for r in rows)]) for key, label in COLUMNS}
    numeric = {"missing_rights", "unverified", "errors", "duration"}

    def line(cells: dict[str, str]) -> str:
        parts = [
            cells[key].rjust(widths[key]) if key in numeric else cells[key].ljust(widths[key])
            for key, _ in COLUMNS
        ]
        return "  ".join(parts).rstrip()

    out = [line(dict(COLUMNS)), line({key: "-" * widths[key] for key, _ in COLUMNS})]
    out.extend(line(r) for r in rows)
    reasons = [o for o in outcomes if o.reason]
    if reasons:
        out.append("")
        out.extend(f"{textsafe.line(o.profile)}: {o.reason}" for o in reasons)
    worst = worst_exit(outcomes)
    out.append("")
    # the worst row's own words: an exit 2 says its cause there as in its row
    words = next((o.verdict for o in outcomes if o.exit_code == worst), VERDICT_WORDS.get(worst))
    out.append(f"{len(outcomes)} profile(s); worst verdict {worst} ({words})")
    return "\n".join(out) + "\n"


def render_json(outcomes: Sequence[ProfileOutcome]) -> str:
    data = {
        "profiles": [o.to_dict() for o in outcomes],
        "exit_code": worst_exit(outcomes),
    }
    return textsafe.json_text(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
