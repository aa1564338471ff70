"""The REST rights report as text, Markdown and JSON, in English and Dutch.

Same shape as the SOAP report: a headline, what the customer must change, what could not be
established (run again, or what would make it checkable), then the matrix. Every text that
came from Nmbrs passes the shared sanitiser; Markdown cells are escaped.
"""

from __future__ import annotations

import json
from typing import Any

from nmbrs_client.rest.operations import OPERATIONS as REST_OPERATIONS
from nmbrs_client.rights.rest_check import (
    RestCheckReport,
    RestStatus,
    StopKind,
)
from nmbrs_client.textsafe import line as one_line
from nmbrs_client.textsafe import markdown_inline as markdown_cell

GLYPH = {
    RestStatus.ALLOWED: "✓",
    RestStatus.SCOPE_MISSING: "✗",
    RestStatus.NO_DATA_ACCESS: "⊘",
    RestStatus.NO_SUBSCRIPTION: "$",
    RestStatus.NOT_VISIBLE: "?",
    RestStatus.NOT_VERIFIED: "…",
    RestStatus.ERROR: "!",
}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Nmbrs REST rights check",
        "ok": "Every required REST call is allowed for every checked company.",
        "findings": "The customer must change something in Nmbrs (see below).",
        "unverified": "Not everything could be verified: nothing is missing so far, but see "
        "'Not verified'.",
        "auth": "The check could not log in: {reason}",
        "connect": "The check could not reach Nmbrs: {reason}",
        "subscription": "The Nmbrs environment has no valid subscription.",
        "profile": "Profile",
        "user": "Consenting user",
        "debtors": "Debtors",
        "companies": "Companies in reach",
        "granted": "Granted scopes",
        "unknown_grant": "unknown (the token did not say; verdicts rest on probes only)",
        "multi": "The consent spans several debtors: /api/companies refuses it, so companies "
        "were read per debtor (no action needed).",
        "change": "What to change in Nmbrs",
        "consent": "Consent again with these scopes (a consent cannot be widened): {scopes}",
        "access": "Give the consenting login access to {company} (tags/filters of its template "
        "user in Nmbrs: Gebruikersaccounts → Template Users).",
        "visible": "{company}: not visible: wrong id, or outside this login's reach.",
        "sub_fix": "Ask Nmbrs to restore the subscription of the environment.",
        "account": "Only a client login or a company login can consent to a REST integration; an "
        "accountant master login cannot. If the wrong kind of user consented, have a client or "
        "company login of the debtor consent instead.",
        "not_verified": "Not verified",
        "errors": "Could not be established: run again",
        "matrix": "Calls × companies",
        "calls": "{calls} calls made",
        "days": "SOAP ends on 1 March 2027: {days} days left.",
        "basis": "basis",
    },
    "nl": {
        "title": "Nmbrs REST-rechtencontrole",
        "ok": "Alle benodigde REST-aanroepen zijn toegestaan voor elk gecontroleerd bedrijf.",
        "findings": "De klant moet iets aanpassen in Nmbrs (zie hieronder).",
        "unverified": "Niet alles kon worden gecontroleerd: er ontbreekt tot nu toe niets, maar "
        "zie 'Niet gecontroleerd'.",
        "auth": "De controle kon niet inloggen: {reason}",
        "connect": "De controle kon Nmbrs niet bereiken: {reason}",
        "subscription": "De Nmbrs-omgeving heeft geen geldig abonnement.",
        "profile": "Profiel",
        "user": "Gebruiker die toestemming gaf",
        "debtors": "Debiteuren",
        "companies": "Bereikbare bedrijven",
        "granted": "Toegekende scopes",
        "unknown_grant": "onbekend (het token zegt het niet; de uitkomst berust alleen op "
        "proefaanroepen)",
        "multi": "De toestemming geldt voor meerdere debiteuren: /api/companies weigert dat, dus "
        "de bedrijven zijn per debiteur opgehaald (geen actie nodig).",
        "change": "Wat er in Nmbrs moet veranderen",
        "consent": "Geef opnieuw toestemming voor deze scopes (een toestemming kan niet worden "
        "uitgebreid): {scopes}",
        "access": "Geef de login die toestemming gaf toegang tot {company} (tags/filters van de "
        "Template User in Nmbrs: Gebruikersaccounts → Template Users).",
        "visible": "{company}: niet zichtbaar: verkeerd nummer, of buiten het bereik van deze "
        "login.",
        "sub_fix": "Vraag Nmbrs het abonnement van de omgeving te herstellen.",
        "account": "Alleen een klantlogin of een bedrijfslogin kan toestemming geven voor een "
        "REST-koppeling, een accountantslogin niet. Gaf de verkeerde soort gebruiker "
        "toestemming, laat dan een klant- of bedrijfslogin van de debiteur dat doen.",
        "not_verified": "Niet gecontroleerd",
        "errors": "Kon niet worden vastgesteld: voer de controle opnieuw uit",
        "matrix": "Aanroepen × bedrijven",
        "calls": "{calls} aanroepen gedaan",
        "days": "SOAP stopt op 1 maart 2027: nog {days} dagen.",
        "basis": "basis",
    },
}

STATUS_WORD = {
    "en": {
        RestStatus.ALLOWED: "allowed",
        RestStatus.SCOPE_MISSING: "scope missing",
        RestStatus.NO_DATA_ACCESS: "no data access",
        RestStatus.NO_SUBSCRIPTION: "no subscription",
        RestStatus.NOT_VISIBLE: "not visible",
        RestStatus.NOT_VERIFIED: "not verified",
        RestStatus.ERROR: "not established",
    },
    "nl": {
        RestStatus.ALLOWED: "toegestaan",
        RestStatus.SCOPE_MISSING: "scope ontbreekt",
        RestStatus.NO_DATA_ACCESS: "geen toegang tot gegevens",
        RestStatus.NO_SUBSCRIPTION: "geen abonnement",
        RestStatus.NOT_VISIBLE: "niet zichtbaar",
        RestStatus.NOT_VERIFIED: "niet gecontroleerd",
        RestStatus.ERROR: "niet vastgesteld",
    },
}


def _w(lang: str, key: str, **values: Any) -> str:
    return WORDS[lang][key].format(**values)


def _headline(report: RestCheckReport, lang: str) -> str:
    if report.stopped is StopKind.AUTH_FAILED:
        return _w(lang, "auth", reason=one_line(report.stop_reason))
    if report.stopped is StopKind.CONNECT:
        return _w(lang, "connect", reason=one_line(report.stop_reason))
    if report.stopped is StopKind.NO_SUBSCRIPTION:
        return _w(lang, "subscription")
    return {0: _w(lang, "ok"), 1: _w(lang, "findings"), 3: _w(lang, "unverified")}.get(
        report.exit_code, _w(lang, "findings")
    )


def _company_label(report: RestCheckReport, company_id: str) -> str:
    for company in report.companies:
        if company.id == company_id:
            return one_line(company.label())
    return one_line(company_id)


def _actions(report: RestCheckReport, lang: str) -> list[str]:
    lines: list[str] = []
    if report.scopes_to_ask:
        lines.append(_w(lang, "consent", scopes=" ".join(report.scopes_to_ask)))
    if report.stopped is StopKind.NO_SUBSCRIPTION:
        lines.append(_w(lang, "sub_fix"))
    for company_id, column in report.columns.items():
        if column.status is RestStatus.NO_DATA_ACCESS:
            lines.append(_w(lang, "access", company=_company_label(report, company_id)))
    for company in report.companies:
        if not company.visible:
            lines.append(_w(lang, "visible", company=one_line(company.id)))
    if lines or report.stopped is StopKind.AUTH_FAILED:
        lines.append(_w(lang, "account"))
    return lines


def _open_rows(report: RestCheckReport, status: RestStatus) -> list[str]:
    lines = []
    for name, verdict in report.rows.items():
        if verdict.status is status:
            path = REST_OPERATIONS[name].path
            lines.append(f"GET {path}: {one_line(verdict.reason)}")
    return lines


def _facts(report: RestCheckReport, lang: str) -> list[tuple[str, str]]:
    granted = report.granted_scopes
    facts = [
        (_w(lang, "profile"), one_line(report.requirement.profile_name)),
        (_w(lang, "user"), one_line(report.user.get("email") or report.user.get("name") or "–")),
        (_w(lang, "debtors"), ", ".join(one_line(d["name"] or d["id"]) for d in report.debtors)),
        (_w(lang, "companies"), str(len([c for c in report.companies if c.visible]))),
        (
            _w(lang, "granted"),
            " ".join(sorted(granted)) if granted is not None else _w(lang, "unknown_grant"),
        ),
    ]
    return facts


def render_text(report: RestCheckReport, lang: str = "en") -> str:
    out = [_w(lang, "title"), _headline(report, lang), ""]
    out.extend(f"{k}: {v}" for k, v in _facts(report, lang))
    if report.multi_debtor:
        out.append(_w(lang, "multi"))
    for heading, lines in _sections(report, lang):
        out.extend(["", heading])
        out.extend(f"  - {line}" for line in lines)
    out.extend(["", _w(lang, "matrix")])
    companies = [c for c in report.companies if c.id in report.columns or not c.visible]
    for name, row in report.rows.items():
        cells = [report.cells.get((name, c.id)) for c in companies]
        marks = " ".join(GLYPH[c.status] if c else " " for c in cells)
        word = STATUS_WORD[lang][row.status]
        out.append(f"  {REST_OPERATIONS[name].path:<56} {word:<16} [{row.basis.value}] {marks}")
    out.extend(["", _w(lang, "calls", calls=report.calls), _w(lang, "days", days=report.days_left)])
    return "\n".join(out) + "\n"


def _sections(report: RestCheckReport, lang: str) -> list[tuple[str, list[str]]]:
    sections = []
    actions = _actions(report, lang)
    if actions:
        sections.append((_w(lang, "change"), actions))
    unverified = _open_rows(report, RestStatus.NOT_VERIFIED)
    if unverified:
        sections.append((_w(lang, "not_verified"), unverified))
    errors = _open_rows(report, RestStatus.ERROR)
    if errors:
        sections.append((_w(lang, "errors"), errors))
    return sections


def render_markdown(report: RestCheckReport, lang: str = "en") -> str:
    out = [f"# {_w(lang, 'title')}", "", markdown_cell(_headline(report, lang)), ""]
    out.extend(f"- **{k}:** {markdown_cell(v)}" for k, v in _facts(report, lang))
    if report.multi_debtor:
        out.append(f"- {markdown_cell(_w(lang, 'multi'))}")
    for heading, lines in _sections(report, lang):
        out.extend(["", f"## {heading}", ""])
        out.extend(f"- {markdown_cell(line)}" for line in lines)
    out.extend(["", f"## {_w(lang, 'matrix')}", ""])
    companies = [c for c in report.companies if c.id in report.columns or not c.visible]
    header = ["REST", _w(lang, "basis"), *(markdown_cell(c.label()) for c in companies)]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    for name, row in report.rows.items():
        cells = [report.cells.get((name, c.id)) for c in companies]
        marks = [f"{GLYPH[c.status]} {STATUS_WORD[lang][c.status]}" if c else "–" for c in cells]
        path = markdown_cell(REST_OPERATIONS[name].path)
        out.append("| " + " | ".join([f"`{path}`", row.basis.value, *marks]) + " |")
    out.extend(
        ["", _w(lang, "calls", calls=report.calls), "", _w(lang, "days", days=report.days_left)]
    )
    return "\n".join(out) + "\n"


def report_dict(report: RestCheckReport) -> dict[str, Any]:
    return {
        "api": "rest",
        "profile": report.requirement.profile_name,
        "granted_scopes": sorted(report.granted_scopes)
        if report.granted_scopes is not None
        else None,
        "scopes_to_ask": list(report.scopes_to_ask),
        "missing_scopes": {k.value: list(v) for k, v in report.missing_scopes.items()},
        "multi_debtor": report.multi_debtor,
        "user": {k: one_line(v) for k, v in report.user.items()},
        "debtors": [{k: one_line(v) for k, v in d.items()} for d in report.debtors],
        "companies": [
            {k: one_line(v) if isinstance(v, str) else v for k, v in c.to_dict().items()}
            for c in report.companies
        ],
        "stopped": report.stopped.value if report.stopped else None,
        "stop_reason": one_line(report.stop_reason),
        "fetch_documents": report.fetch_documents,
        "operations": [
            {"name": name.value, "path": REST_OPERATIONS[name].path, **v.to_dict()}
            for name, v in report.rows.items()
        ],
        "columns": [{"company_id": cid, **v.to_dict()} for cid, v in report.columns.items()],
        "cells": [
            {"operation": name.value, "company_id": cid, **v.to_dict()}
            for (name, cid), v in report.cells.items()
        ],
        "summary": report.summary(),
        "days_until_soap_ends": report.days_left,
    }


def render(report: RestCheckReport, fmt: str = "text", lang: str = "en") -> str:
    if fmt == "json":
        return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return render_markdown(report, lang)
    return render_text(report, lang)
