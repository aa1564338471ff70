"""The SOAP → REST migration report: one page a support engineer sends before the switch.

Per required SOAP operation: the REST calls that replace it and the scopes they accept, what REST
cannot give back, today's SOAP verdict (when a SOAP check ran) and the REST verdict (when a REST
check ran), side by side, with the days left until SOAP stops on 1 March 2027.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.rights.classify import MISSING_STATUSES, Status
from nmbrs_client.rights.findings import operation_verdicts
from nmbrs_client.rights.report_words import account_line
from nmbrs_client.rights.requirements import RequirementProfile
from nmbrs_client.rights.rest_requirements import (
    ACCOUNT_OPERATIONS,
    GAP_TEXT,
    Equivalence,
    Replacement,
)
from nmbrs_client.rights.results import SOAP_END_OF_SUPPORT, RightsReport
from nmbrs_client.textsafe import line, markdown_inline

# The verdict of one SOAP operation on REST is the worst of its REST calls, in this order.
_WORST_FIRST = (
    Status.ENDPOINT_DENIED,
    Status.SCOPE_MISSING,
    Status.AUTH_FAILED,
    Status.NO_SUBSCRIPTION,
    Status.NO_DATA_ACCESS,
    Status.NOT_VISIBLE,
    Status.ERROR,
    Status.NOT_VERIFIED,
    Status.NOT_APPLICABLE,
    Status.ALLOWED,
)
# REST account calls are judged in the account section, under these checks
_ACCOUNT_CHECK = {"debtors": "debtors", "debtor.companies": "debtor_companies"}

STATUS_WORD: dict[str, dict[Status, str]] = {
    "en": {
        Status.ALLOWED: "allowed",
        Status.ENDPOINT_DENIED: "endpoint right missing",
        Status.SCOPE_MISSING: "scope missing",
        Status.NO_DATA_ACCESS: "no data access",
        Status.NOT_VISIBLE: "not visible",
        Status.AUTH_FAILED: "cannot log in",
        Status.NO_SUBSCRIPTION: "no subscription",
        Status.NOT_APPLICABLE: "not applicable",
        Status.NOT_VERIFIED: "not verified",
        Status.ERROR: "not established",
    },
    "nl": {
        Status.ALLOWED: "toegestaan",
        Status.ENDPOINT_DENIED: "API-recht ontbreekt",
        Status.SCOPE_MISSING: "scope ontbreekt",
        Status.NO_DATA_ACCESS: "geen toegang tot gegevens",
        Status.NOT_VISIBLE: "niet zichtbaar",
        Status.AUTH_FAILED: "inloggen mislukt",
        Status.NO_SUBSCRIPTION: "geen abonnement",
        Status.NOT_APPLICABLE: "niet van toepassing",
        Status.NOT_VERIFIED: "niet gecontroleerd",
        Status.ERROR: "niet vastgesteld",
    },
}

WORDS = {
    "en": {
        "title": "Moving from the Nmbrs SOAP API to the REST API",
        "days": "Nmbrs stops the SOAP API on 1 March 2027: {days} days left.",
        "profile": "Requirement profile",
        "soap": "SOAP today",
        "rest": "REST",
        "calls": "REST calls (any listed scope is enough)",
        "none": "no REST equivalent",
        "not_run": "not checked",
        "unreached": "could not be checked (see above)",
        "unreached_line": "{api} could not be checked: {reason}. Run the check again once it "
        "can be reached; nothing below is a {api} verdict.",
        "scopes": "Scopes the customer must consent to on REST",
        "gaps": "What REST cannot give",
        "operation": "SOAP operation",
        "consent": "Consent on REST is given by a client login or a company login of the debtor, "
        "not by an accountant login.",
    },
    "nl": {
        "title": "Overstap van de Nmbrs SOAP-API naar de REST-API",
        "days": "Nmbrs stopt op 1 maart 2027 met de SOAP-API: nog {days} dagen.",
        "profile": "Eisenprofiel",
        "soap": "SOAP nu",
        "rest": "REST",
        "calls": "REST-aanroepen (één van de genoemde scopes is genoeg)",
        "none": "geen REST-equivalent",
        "not_run": "niet gecontroleerd",
        "unreached": "kon niet worden gecontroleerd (zie boven)",
        "unreached_line": "{api} kon niet worden gecontroleerd: {reason}. Controleer opnieuw "
        "zodra het bereikbaar is; niets hieronder is een {api}-uitkomst.",
        "scopes": "Scopes waarvoor de klant op REST toestemming moet geven",
        "gaps": "Wat REST niet kan leveren",
        "operation": "SOAP-aanroep",
        "consent": "Toestemming op REST geeft een klantlogin of bedrijfslogin van de debiteur, "
        "niet een accountantslogin.",
    },
}


@dataclass(frozen=True)
class MigrationRow:
    replacement: Replacement
    soap_status: Status | None  # None when no SOAP check ran (or it could not reach Nmbrs)
    rest_status: Status | None  # None when no REST check ran (or it could not reach Nmbrs)


@dataclass(frozen=True)
class MigrationReport:
    """Both sides of one profile, each a :class:`RightsReport` of its API (or not run)."""

    profile: RequirementProfile
    rows: tuple[MigrationRow, ...]
    scopes: tuple[str, ...]
    today: date
    soap: RightsReport | None = None
    rest: RightsReport | None = None
    # why a REST side that is set up did not run (one line); None: it ran, or there is none
    rest_not_checked: str | None = None

    @property
    def soap_ran(self) -> bool:
        return self.soap is not None

    @property
    def rest_ran(self) -> bool:
        return self.rest is not None

    @property
    def days_left(self) -> int:
        return (SOAP_END_OF_SUPPORT - self.today).days

    def unreached(self, lang: str = "en") -> list[tuple[str, str]]:
        """``(api, why)`` for each side that ran but could not reach or log in to Nmbrs; in
        Dutch the line's fixed kind is said in Dutch before it (its server text as it came)."""
        found = []
        for api, report in (("SOAP", self.soap), ("REST", self.rest)):
            if report is not None and report.stopped is not None:
                first = next(iter(report.account_findings), None)
                why = str(report.stopped) if first is None else account_line(first, lang)
                found.append((api, line(why)))
        return found

    def not_visible(self) -> list[tuple[str, str, bool]]:
        """``(api, company, is_soap_id)`` for each named company a side's company lists do not
        return: the plan cannot be ready for a company one of the APIs does not show.
        ``is_soap_id``: REST missed a SOAP company id, which means nothing on REST (only the
        company number is shared, and it repeats across debtors), so it could not be matched."""
        soap_ids = set()
        if self.soap is not None and self.soap.stopped is None:
            soap_ids = {str(c.id) for c in self.soap.companies if c.visible}
        found = []
        for api, report in (("SOAP", self.soap), ("REST", self.rest)):
            if report is None or report.stopped is not None:
                continue
            for company in report.companies:
                if company.visible is False:
                    unmatched = api == "REST" and str(company.id) in soap_ids
                    found.append((api, line(company.label()), unmatched))
        return found

    def unmatched(self) -> list[str]:
        """Named SOAP ids REST could not match: nothing is known of them on REST, which is
        neither missing nor allowed."""
        return [company for _api, company, soap_id in self.not_visible() if soap_id]

    @property
    def exit_code(self) -> ExitCode:
        """2 when a side could not be reached, 1 when REST would miss something or a named
        company is not visible on a side (as the plain check says it), 3 when REST
        was not (fully) checked or a named SOAP id could not be matched there, else 0."""
        if self.unreached():
            return ExitCode.CONNECT
        statuses = {row.rest_status for row in self.rows}
        if (
            any(not soap_id for _api, _company, soap_id in self.not_visible())
            or statuses & MISSING_STATUSES
            or (self.rest is not None and self.rest.scopes_to_ask)
        ):
            return ExitCode.FINDINGS
        if Status.ERROR in statuses:
            return ExitCode.CONNECT
        if (
            not self.rest_ran
            or self.unmatched()
            or statuses & {Status.NOT_VERIFIED, Status.NOT_APPLICABLE}
        ):
            return ExitCode.NOT_VERIFIED
        return ExitCode.OK


def _verdicts(report: RightsReport) -> dict[str, Status]:
    """Each matrix row's verdict (``service.operation``), plus the REST account calls."""
    found = {
        f"{service}.{name}": status for service, name, status, _b, _n in operation_verdicts(report)
    }
    for op in ACCOUNT_OPERATIONS:
        check = _ACCOUNT_CHECK.get(op.value)
        result = next((a for a in report.account if a.check == check), None)
        found[f"REST.{op.value}"] = Status.ALLOWED if result is None else result.status
    return found


def _worst(statuses: list[Status]) -> Status:
    if not statuses:
        return Status.NOT_VERIFIED
    return next(status for status in _WORST_FIRST if status in statuses)


def build_migration(
    profile: RequirementProfile,
    *,
    soap: RightsReport | None,
    rest: RightsReport | None,
    today: date,
    rest_not_checked: str | None = None,
) -> MigrationReport:
    """Side by side, per required SOAP operation: today's SOAP verdict and the REST one.

    ``rest_not_checked``: why a REST side that is set up could not run, so the plan says that
    and never "REST is not set up"."""
    requirement = profile.rest()
    soap_seen = _verdicts(soap) if soap is not None and soap.stopped is None else None
    rest_seen = _verdicts(rest) if rest is not None and rest.stopped is None else None
    rows = []
    for item in requirement.replacements:
        soap_status = None if soap_seen is None else soap_seen.get(item.soap_operation)
        rest_status = None
        if rest_seen is not None and item.rest_operations:
            rest_status = _worst(
                [
                    rest_seen[k]
                    for k in (f"REST.{n.value}" for n in item.rest_operations)
                    if k in rest_seen
                ]
            )
        rows.append(MigrationRow(item, soap_status, rest_status))
    why = rest_not_checked if rest is None else None
    return MigrationReport(profile, tuple(rows), requirement.scopes, today, soap, rest, why)


def _side_word(report: MigrationReport, api: str, status: Status | None, lang: str) -> str:
    if any(side == api for side, _why in report.unreached()):
        return WORDS[lang]["unreached"]
    if status is None:
        return WORDS[lang]["not_run"]
    return STATUS_WORD[lang][status]


def _soap_word(report: MigrationReport, row: MigrationRow, lang: str) -> str:
    return _side_word(report, "SOAP", row.soap_status, lang)


def _rest_word(report: MigrationReport, row: MigrationRow, lang: str) -> str:
    if row.replacement.equivalence is Equivalence.NONE:
        return WORDS[lang]["none"]
    return _side_word(report, "REST", row.rest_status, lang)


def _calls(row: MigrationRow, lang: str) -> list[str]:
    ops = row.replacement.operations
    if not ops:
        return [WORDS[lang]["none"]]
    return [f"GET {op.path} ({', '.join(op.scopes)})" for op in ops]


def _gap_lines(report: MigrationReport, lang: str) -> list[str]:
    seen: list[str] = []
    for row in report.rows:
        for gap in row.replacement.gaps:
            text = GAP_TEXT[lang][gap]
            if text not in seen:
                seen.append(text)
    return seen


def _unreached_lines(report: MigrationReport, lang: str) -> list[str]:
    lines = [
        WORDS[lang]["unreached_line"].format(api=api, reason=why)
        for api, why in report.unreached(lang)
    ]
    return [*lines, ""] if lines else []


def render_text(report: MigrationReport, lang: str = "en") -> str:
    w = WORDS[lang]
    out = [w["title"], w["days"].format(days=report.days_left), ""]
    out.extend(_unreached_lines(report, lang))
    out.append(
        f"{w['profile']}: {line(report.profile.name)} ({line(report.profile.title_in(lang))})"
    )
    out.extend(["", f"{w['scopes']}:", "  " + " ".join(report.scopes), "  " + w["consent"], ""])
    for row in report.rows:
        out.append(row.replacement.soap_operation)
        out.append(f"  {w['soap']}: {_soap_word(report, row, lang)}")
        out.append(f"  {w['rest']}: {_rest_word(report, row, lang)}")
        out.extend(f"    {call}" for call in _calls(row, lang))
    gaps = _gap_lines(report, lang)
    if gaps:
        out.extend(["", f"{w['gaps']}:"])
        out.extend(f"  - {gap}" for gap in gaps)
    return "\n".join(out) + "\n"


def render_markdown(report: MigrationReport, lang: str = "en") -> str:
    w = WORDS[lang]
    out = [f"# {w['title']}", "", w["days"].format(days=report.days_left), ""]
    out.extend(f"**{markdown_inline(text)}**" for text in _unreached_lines(report, lang))
    out.append(
        f"**{w['profile']}:** {markdown_inline(report.profile.name)} "
        f"({markdown_inline(report.profile.title_in(lang))})"
    )
    out.extend(["", f"## {w['scopes']}", "", "`" + " ".join(report.scopes) + "`", ""])
    out.extend([w["consent"], ""])
    out.append(f"| {w['operation']} | {w['soap']} | {w['rest']} | {w['calls']} |")
    out.append("|---|---|---|---|")
    for row in report.rows:
        calls = "<br>".join(markdown_inline(c) for c in _calls(row, lang))
        out.append(
            f"| `{row.replacement.soap_operation}` | {markdown_inline(_soap_word(report, row, lang))} | "
            f"{markdown_inline(_rest_word(report, row, lang))} | {calls} |"
        )
    gaps = _gap_lines(report, lang)
    if gaps:
        out.extend(["", f"## {w['gaps']}", ""])
        out.extend(f"- {markdown_inline(gap)}" for gap in gaps)
    return "\n".join(out) + "\n"


def report_dict(report: MigrationReport) -> dict[str, Any]:
    return {
        "kind": "migration",
        "profile": report.profile.name,
        "days_until_soap_ends": report.days_left,
        "rest_scopes": list(report.scopes),
        "soap_checked": report.soap_ran,
        "rest_checked": report.rest_ran,
        "unreached": [{"api": api, "reason": why} for api, why in report.unreached()],
        "exit_code": report.exit_code,
        "operations": [
            {
                "soap_operation": row.replacement.soap_operation,
                "equivalence": row.replacement.equivalence.value,
                "rest_operations": [
                    {"path": op.path, "scopes": list(op.scopes)}
                    for op in row.replacement.operations
                ],
                "gaps": [gap.value for gap in row.replacement.gaps],
                "soap_verdict": row.soap_status.value if row.soap_status else None,
                "rest_verdict": row.rest_status.value if row.rest_status else None,
            }
            for row in report.rows
        ],
    }


def render(report: MigrationReport, fmt: str = "text", lang: str = "en") -> str:
    if fmt == "json":
        return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return render_markdown(report, lang)
    return render_text(report, lang)
