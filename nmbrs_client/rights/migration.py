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
from nmbrs_client.rights.report import operation_verdicts
from nmbrs_client.rights.requirements import RequirementProfile
from nmbrs_client.rights.rest_check import RestCheckReport, RestStatus
from nmbrs_client.rights.rest_report import STATUS_WORD as REST_WORD
from nmbrs_client.rights.rest_requirements import GAP_TEXT, Equivalence, RestReplacement
from nmbrs_client.rights.results import SOAP_END_OF_SUPPORT, RightsReport
from nmbrs_client.textsafe import line, markdown_inline

# The REST verdict of one SOAP operation is the worst of its REST calls, in this order.
_REST_ORDER = (
    RestStatus.SCOPE_MISSING,
    RestStatus.NO_SUBSCRIPTION,
    RestStatus.NO_DATA_ACCESS,
    RestStatus.NOT_VISIBLE,
    RestStatus.ERROR,
    RestStatus.NOT_VERIFIED,
    RestStatus.ALLOWED,
)

SOAP_WORD = {
    "en": {
        "allowed": "allowed",
        "endpoint_denied": "endpoint right missing",
        "no_data_access": "no data access",
        "auth_failed": "cannot log in",
        "no_subscription": "no subscription",
        "not_applicable": "not applicable",
        "not_verified": "not verified",
        "error": "not established",
    },
    "nl": {
        "allowed": "toegestaan",
        "endpoint_denied": "API-recht ontbreekt",
        "no_data_access": "geen toegang tot gegevens",
        "auth_failed": "inloggen mislukt",
        "no_subscription": "geen abonnement",
        "not_applicable": "niet van toepassing",
        "not_verified": "niet gecontroleerd",
        "error": "niet vastgesteld",
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
        "scopes": "Scopes waarvoor de klant op REST toestemming moet geven",
        "gaps": "Wat REST niet kan leveren",
        "operation": "SOAP-API-call",
        "consent": "Toestemming op REST geeft een klantlogin of bedrijfslogin van de debiteur, "
        "niet een accountantslogin.",
    },
}


@dataclass(frozen=True)
class MigrationRow:
    replacement: RestReplacement
    soap_status: str | None  # a SOAP Status value, None when no SOAP check ran
    rest_status: RestStatus | None  # None when no REST check ran


@dataclass(frozen=True)
class MigrationReport:
    profile: RequirementProfile
    rows: tuple[MigrationRow, ...]
    scopes: tuple[str, ...]
    today: date
    soap_ran: bool
    rest_ran: bool

    @property
    def days_left(self) -> int:
        return (SOAP_END_OF_SUPPORT - self.today).days

    @property
    def exit_code(self) -> ExitCode:
        """1 when REST would miss something, 3 when it was not (fully) checked, else 0."""
        statuses = {row.rest_status for row in self.rows}
        if statuses & {
            RestStatus.SCOPE_MISSING,
            RestStatus.NO_DATA_ACCESS,
            RestStatus.NO_SUBSCRIPTION,
            RestStatus.NOT_VISIBLE,
        }:
            return ExitCode.FINDINGS
        if not self.rest_ran or statuses & {RestStatus.NOT_VERIFIED, RestStatus.ERROR}:
            return ExitCode.NOT_VERIFIED
        return ExitCode.OK


def _rest_status(item: RestReplacement, rest: RestCheckReport | None) -> RestStatus | None:
    if rest is None or not item.rest_operations:
        return None
    found = {rest.rows[name].status for name in item.rest_operations if name in rest.rows}
    if len(found) == 0:
        return RestStatus.NOT_VERIFIED
    return next(status for status in _REST_ORDER if status in found)


def build_migration(
    profile: RequirementProfile,
    *,
    soap: RightsReport | None,
    rest: RestCheckReport | None,
    today: date,
) -> MigrationReport:
    requirement = profile.rest()
    soap_status: dict[str, str] = {}
    if soap is not None:
        for service, name, status, _basis, _count in operation_verdicts(soap):
            soap_status[f"{service}.{name}"] = str(status)
    rows = tuple(
        MigrationRow(
            item,
            soap_status.get(item.soap_operation) if soap is not None else None,
            _rest_status(item, rest),
        )
        for item in requirement.replacements
    )
    return MigrationReport(
        profile, rows, requirement.scopes, today, soap is not None, rest is not None
    )


def _soap_word(status: str | None, lang: str) -> str:
    if status is None:
        return WORDS[lang]["not_run"]
    return SOAP_WORD[lang].get(status, status)


def _rest_word(row: MigrationRow, lang: str) -> str:
    if row.replacement.equivalence is Equivalence.NONE:
        return WORDS[lang]["none"]
    if row.rest_status is None:
        return WORDS[lang]["not_run"]
    return REST_WORD[lang][row.rest_status]


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


def render_text(report: MigrationReport, lang: str = "en") -> str:
    w = WORDS[lang]
    out = [w["title"], w["days"].format(days=report.days_left), ""]
    out.append(f"{w['profile']}: {line(report.profile.name)} ({line(report.profile.title)})")
    out.extend(["", f"{w['scopes']}:", "  " + " ".join(report.scopes), "  " + w["consent"], ""])
    for row in report.rows:
        out.append(row.replacement.soap_operation)
        out.append(f"  {w['soap']}: {_soap_word(row.soap_status, lang)}")
        out.append(f"  {w['rest']}: {_rest_word(row, lang)}")
        out.extend(f"    {call}" for call in _calls(row, lang))
    gaps = _gap_lines(report, lang)
    if gaps:
        out.extend(["", f"{w['gaps']}:"])
        out.extend(f"  - {gap}" for gap in gaps)
    return "\n".join(out) + "\n"


def render_markdown(report: MigrationReport, lang: str = "en") -> str:
    w = WORDS[lang]
    out = [f"# {w['title']}", "", w["days"].format(days=report.days_left), ""]
    out.append(
        f"**{w['profile']}:** {markdown_inline(report.profile.name)} "
        f"({markdown_inline(report.profile.title)})"
    )
    out.extend(["", f"## {w['scopes']}", "", "`" + " ".join(report.scopes) + "`", ""])
    out.extend([w["consent"], ""])
    out.append(f"| {w['operation']} | {w['soap']} | {w['rest']} | {w['calls']} |")
    out.append("|---|---|---|---|")
    for row in report.rows:
        calls = "<br>".join(markdown_inline(c) for c in _calls(row, lang))
        out.append(
            f"| `{row.replacement.soap_operation}` | {_soap_word(row.soap_status, lang)} | "
            f"{_rest_word(row, lang)} | {calls} |"
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
                "soap_verdict": row.soap_status,
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
