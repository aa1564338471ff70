"""A migration plan per customer: the verdict first, then numbered steps a customer can follow.

The side-by-side migration report (:mod:`nmbrs_client.rights.migration`) answers "what does
each SOAP call become"; a customer and an integrator need "are we ready, and what do we do".
The plan reads the same two :class:`RightsReport` (SOAP today, REST) and says: ready for REST,
not ready and why, or not checked and why; then the customer's steps (which login consents,
exactly which scopes are missing, how to consent again, the rights Nmbrs must grant), the
integrator's steps (app registration, redirect URI, subscription key), the SOAP fixes that
still matter until SOAP stops, and what REST cannot give per required SOAP call. The words are
Nmbrs' own, as in the rights report, in English or Dutch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from nmbrs_client.dutch import MONTHS_NL
from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.hosts import DEFAULT_REDIRECT_URI
from nmbrs_client.rights.classify import MISSING_STATUSES, Status
from nmbrs_client.rights.findings import action_text, actions, error_causes, next_steps
from nmbrs_client.rights.migration import MigrationReport
from nmbrs_client.rights.rest_requirements import GAP_TEXT, Equivalence
from nmbrs_client.rights.results import SOAP_END_OF_SUPPORT, RightsReport, StopReason
from nmbrs_client.textsafe import line, markdown_inline


class Verdict(StrEnum):
    READY = "ready"
    NOT_READY = "not_ready"
    NOT_CHECKED = "not_checked"


class Audience(StrEnum):
    CUSTOMER = "customer"
    INTEGRATOR = "integrator"


@dataclass(frozen=True)
class Step:
    """One thing to do, for whom, and (for a consent) exactly which scopes."""

    audience: Audience
    kind: str  # login | consent | rights | register_app | subscription_key | switch
    text: str
    scopes: tuple[str, ...] = ()
    done: bool = False  # the REST check already used it (an app that logged in is registered)


@dataclass(frozen=True)
class MigrationPlan:
    profile: str
    lang: str
    verdict: Verdict
    reasons: tuple[str, ...]
    days_left: int
    missing_scopes: tuple[str, ...]
    steps: tuple[Step, ...]
    soap_fixes: tuple[str, ...]
    gaps: tuple[tuple[str, tuple[str, ...]], ...]  # (SOAP operation, what REST cannot give)


WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Migration plan: from the Nmbrs SOAP API to the REST API",
        "ready": "Ready for REST.",
        "not_ready": "Not ready for REST.",
        "not_checked": "Not checked on REST.",
        "days": "{days} days left: Nmbrs stops the SOAP API on {end}.",
        "why": "Why",
        "profile": "Requirement profile",
        "customer": "For the customer",
        "integrator": "For the integrator",
        "soap_fixes": "SOAP fixes that still matter until {end}",
        "no_soap_fixes": "none: SOAP gives everything the integration needs",
        "soap_not_checked": "SOAP was not checked",
        "gaps": "What REST cannot give",
        "done": "(done: the REST check used it)",
        "r_not_set_up": "REST is not set up for this customer: no REST profile, no check.",
        "r_unreached": "REST could not be checked: {why}",
        "s_unreached": "SOAP could not be checked: {why}",
        "r_login": "REST refused the login: {why}",
        "r_scopes": "{n} scopes missing from the consent: {scopes}.",
        "r_scope": "1 scope missing from the consent: {scopes}.",
        "r_denied": "REST refuses {ops}.",
        "r_unverified": "Not verified on REST: {ops}.",
        "r_not_established": "Could not be established on REST ({steps}): {ops}.",
        "r_ready": "Every required REST call answered with the consent given.",
        "r_not_visible": "Company {company} is not visible on {api}: a wrong id or number, or "
        "outside this login's scope; nothing was checked for it there.",
        "r_unmatched": "Company {company} was not checked on REST: that is its SOAP id, which "
        "REST does not know; check it there by its REST company id or number: "
        "nmbrs-tui check --api rest --company ID.",
        "s_login": "Log in to Nmbrs with a client login or company login of the debtor (Master "
        "Client or Master Bedrijfslogin), not an accountant master login: only those can give "
        "consent to the REST API.",
        "s_consent": "Give consent again to the app, this time also for exactly these missing "
        "scopes: {missing}. A consent cannot be widened: the new one replaces the old one, so "
        "the consent screen asks for all of: {all}.",
        "s_consent_first": "Give consent to the app for: {all}.",
        "s_relogin": "Log in again through the app's login link (the stored login is refused).",
        "s_register": "Register the app in Nmbrs' partner portal: My Integrations → new "
        "integration, type Web, with the redirect URI {uri} (at most five per app). Keep the "
        "client id and the client secret (the secret is shown once).",
        "s_key": "Subscribe to a product on the developer portal (Products → subscribe → "
        "Profile → Subscriptions → Primary key) and send that key as X-Subscription-Key on "
        "every call.",
        "s_link": "Send the customer the consent link for: {all} (nmbrs-tui auth login -P "
        "{profile} prints it).",
        "s_switch": "Move the integration to the REST calls below before {end}.",
    },
    "nl": {
        "title": "Overstapplan: van de Nmbrs SOAP-API naar de REST-API",
        "ready": "Klaar voor REST.",
        "not_ready": "Nog niet klaar voor REST.",
        "not_checked": "Niet gecontroleerd op REST.",
        "days": "Nog {days} dagen: Nmbrs stopt op {end} met de SOAP-API.",
        "why": "Waarom",
        "profile": "Eisenprofiel",
        "customer": "Voor de klant",
        "integrator": "Voor de integrator",
        "soap_fixes": "SOAP-aanpassingen die tot {end} nog nodig zijn",
        "no_soap_fixes": "geen: SOAP levert alles wat de koppeling nodig heeft",
        "soap_not_checked": "SOAP is niet gecontroleerd",
        "gaps": "Wat REST niet kan leveren",
        "done": "(gedaan: de REST-controle gebruikte dit al)",
        "r_not_set_up": "REST is voor deze klant niet ingericht: geen REST-profiel, geen controle.",
        "r_unreached": "REST kon niet worden gecontroleerd: {why}",
        "s_unreached": "SOAP kon niet worden gecontroleerd: {why}",
        "r_login": "REST weigert de aanmelding: {why}",
        "r_scopes": "{n} scopes ontbreken in de toestemming: {scopes}.",
        "r_scope": "1 scope ontbreekt in de toestemming: {scopes}.",
        "r_denied": "REST weigert {ops}.",
        "r_unverified": "Niet gecontroleerd op REST: {ops}.",
        "r_not_established": "Niet vastgesteld op REST ({steps}): {ops}.",
        "r_ready": "Elke benodigde REST-aanroep gaf antwoord met de gegeven toestemming.",
        "r_not_visible": "Bedrijf {company} is niet zichtbaar op {api}: een verkeerd id of "
        "nummer, of buiten het bereik van deze login; er is daar niets voor gecontroleerd.",
        "r_unmatched": "Bedrijf {company} is op REST niet gecontroleerd: dat is het SOAP-id, "
        "dat REST niet kent; controleer het daar met het REST-bedrijfs-id of -nummer: "
        "nmbrs-tui check --api rest --company ID.",
        "s_login": "Log in Nmbrs in met een klantlogin of bedrijfslogin van de debiteur (Master "
        "Client of Master Bedrijfslogin), niet met een accountantslogin: alleen die kunnen "
        "toestemming geven voor de REST-API.",
        "s_consent": "Geef de koppeling opnieuw toestemming, nu ook voor precies deze "
        "ontbrekende scopes: {missing}. Een toestemming kan niet worden uitgebreid: de nieuwe "
        "vervangt de oude, dus het toestemmingsscherm vraagt om al deze scopes: {all}.",
        "s_consent_first": "Geef de koppeling toestemming voor: {all}.",
        "s_relogin": "Meld u opnieuw aan via de aanmeldlink van de koppeling (de opgeslagen "
        "aanmelding wordt geweigerd).",
        "s_register": "Registreer de koppeling in het partnerportaal van Nmbrs: My Integrations "
        "→ nieuwe integratie, soort Web, met als terugstuuradres (veld Redirect URI) {uri} "
        "(hoogstens vijf per koppeling). Bewaar de client-id en het clientgeheim (het geheim wordt één keer "
        "getoond).",
        "s_key": "Neem op het ontwikkelaarsportaal een abonnement op een product (Products → "
        "subscribe → Profile → Subscriptions → Primary key) en stuur die sleutel bij elke "
        "aanroep mee als X-Subscription-Key.",
        "s_link": "Stuur de klant de toestemmingslink voor: {all} (nmbrs-tui auth login -P "
        "{profile} maakt hem aan).",
        "s_switch": "Zet de koppeling vóór {end} over op de REST-aanroepen hieronder.",
    },
}

_LOGIN_STOPS = frozenset(
    {
        StopReason.AUTH_FAILED,
        StopReason.TOKEN_REFUSED,
        StopReason.SUBSCRIPTION_KEY,
        StopReason.TOKEN_OR_KEY,
    }
)


def end_date(lang: str) -> str:
    """1 March 2027 as each language writes it."""
    day, year = SOAP_END_OF_SUPPORT.day, SOAP_END_OF_SUPPORT.year
    if lang == "nl":
        return f"{day} {MONTHS_NL[SOAP_END_OF_SUPPORT.month - 1]} {year}"
    return f"{day} {SOAP_END_OF_SUPPORT.strftime('%B')} {year}"


def missing_scopes(rest: RightsReport) -> tuple[str, ...]:
    """The scopes the consent lacks: asked for and not granted (all asked when unknown)."""
    if rest.granted_scopes is None:
        return tuple(rest.scopes_to_ask)
    granted = set(rest.granted_scopes)
    return tuple(scope for scope in rest.scopes_to_ask if scope not in granted)


def _stopped_by_login(rest: RightsReport) -> bool:
    """The check reached Nmbrs and was refused (a login or key to fix), not a network fault."""
    return rest.stopped in _LOGIN_STOPS


def _verdict(report: MigrationReport, w: dict[str, str], lang: str) -> tuple[Verdict, list[str]]:
    rest = report.rest
    if rest is None and report.rest_not_checked:
        return Verdict.NOT_CHECKED, [w["r_unreached"].format(why=report.rest_not_checked)]
    if rest is None:
        return Verdict.NOT_CHECKED, [w["r_not_set_up"]]
    unreached = dict(report.unreached(lang))
    if "REST" in unreached:
        if _stopped_by_login(rest):
            return Verdict.NOT_READY, [w["r_login"].format(why=unreached["REST"])]
        return Verdict.NOT_CHECKED, [w["r_unreached"].format(why=unreached["REST"])]
    reasons = [
        w["r_not_visible"].format(company=company, api=api)
        for api, company, soap_id in report.not_visible()
        if not soap_id
    ]
    # a SOAP id REST cannot match says nothing about REST: not checked, never not ready
    unmatched = [w["r_unmatched"].format(company=company) for company in report.unmatched()]
    missing = missing_scopes(rest)
    if missing:
        key = "r_scope" if len(missing) == 1 else "r_scopes"
        reasons.append(w[key].format(n=len(missing), scopes=", ".join(missing)))
    needed = [r for r in report.rows if r.replacement.equivalence is not Equivalence.NONE]
    denied = [
        r.replacement.soap_operation
        for r in needed
        if r.rest_status in MISSING_STATUSES and r.rest_status is not Status.SCOPE_MISSING
    ]
    if denied:
        reasons.append(w["r_denied"].format(ops=", ".join(denied)))
    if reasons or any(r.rest_status in MISSING_STATUSES for r in needed):
        return Verdict.NOT_READY, reasons + unmatched
    open_ = [
        r.replacement.soap_operation
        for r in needed
        if r.rest_status in (None, Status.ERROR, Status.NOT_VERIFIED)
    ]
    if open_:
        # a quota or a gateway page is not "nothing to call it with": each its next step
        if rest.exit_code == ExitCode.CONNECT:
            steps = next_steps(error_causes(rest), lang)
            reason = w["r_not_established"].format(steps=steps, ops=", ".join(open_))
        else:
            reason = w["r_unverified"].format(ops=", ".join(open_))
        return Verdict.NOT_CHECKED, [reason, *unmatched]
    if unmatched:
        return Verdict.NOT_CHECKED, unmatched
    return Verdict.READY, [w["r_ready"]]


def _customer_steps(
    report: MigrationReport, verdict: Verdict, lang: str, w: dict[str, str]
) -> list[Step]:
    rest = report.rest
    asked = tuple(rest.scopes_to_ask) if rest is not None and rest.scopes_to_ask else report.scopes
    if verdict is Verdict.READY:
        return []
    steps = [Step(Audience.CUSTOMER, "login", w["s_login"])]
    if rest is None or (verdict is Verdict.NOT_CHECKED and rest.stopped is not None):
        steps.append(
            Step(
                Audience.CUSTOMER,
                "consent",
                w["s_consent_first"].format(all=" ".join(asked)),
                asked,
            )
        )
        return steps
    if rest.stopped is not None:
        steps.append(Step(Audience.CUSTOMER, "login", w["s_relogin"]))
        return steps
    missing = missing_scopes(rest)
    if missing:
        text = w["s_consent"].format(missing=" ".join(missing), all=" ".join(asked))
        steps.append(Step(Audience.CUSTOMER, "consent", text, missing))
    unmatched = set(report.unmatched())
    for action in actions(rest):
        if action.kind in ("consent", "not_applicable"):
            continue
        if action.kind == "not_visible" and {line(item) for item in action.items} <= unmatched:
            continue  # a SOAP id REST does not know: nothing for the customer to change
        steps.append(Step(Audience.CUSTOMER, "rights", action_text(action, lang)))
    if _only_unmatched(report, verdict) and len(steps) == 1:
        return []  # only the engineer can go on: name the company as REST knows it
    return steps


def _only_unmatched(report: MigrationReport, verdict: Verdict) -> bool:
    """REST answered everything it was asked; what is open is a named SOAP id it cannot
    match, which no consent or right of the customer's changes."""
    rest = report.rest
    return (
        verdict is Verdict.NOT_CHECKED
        and rest is not None
        and rest.stopped is None
        and bool(report.unmatched())
        and all(row.rest_status is Status.ALLOWED for row in report.rows if row.rest_status)
    )


def _integrator_steps(
    report: MigrationReport, verdict: Verdict, profile: str, lang: str
) -> list[Step]:
    w = WORDS[lang]
    rest = report.rest
    reached = rest is not None and rest.stopped is None
    asked = tuple(rest.scopes_to_ask) if rest is not None and rest.scopes_to_ask else report.scopes
    steps = [
        Step(
            Audience.INTEGRATOR,
            "register_app",
            w["s_register"].format(uri=DEFAULT_REDIRECT_URI),
            done=reached,
        ),
        Step(Audience.INTEGRATOR, "subscription_key", w["s_key"], done=reached),
    ]
    if verdict is not Verdict.READY and not _only_unmatched(report, verdict):
        text = w["s_link"].format(all=" ".join(asked), profile=profile)
        steps.append(Step(Audience.INTEGRATOR, "consent_link", text, asked))
    steps.append(Step(Audience.INTEGRATOR, "switch", w["s_switch"].format(end=end_date(lang))))
    return steps


def _soap_fixes(soap: RightsReport | None, lang: str) -> tuple[str, ...]:
    if soap is None:
        return ()
    return tuple(action_text(a, lang) for a in actions(soap) if a.kind != "not_applicable")


def _gaps(report: MigrationReport, lang: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    found = []
    for row in report.rows:
        texts = tuple(GAP_TEXT[lang][gap] for gap in row.replacement.gaps)
        if row.replacement.equivalence is Equivalence.NONE and not texts:
            texts = (WORDS_NONE[lang],)
        if texts:
            found.append((row.replacement.soap_operation, texts))
    return tuple(found)


WORDS_NONE = {"en": "no REST equivalent", "nl": "geen REST-equivalent"}


def build_plan(report: MigrationReport, *, profile: str, lang: str = "en") -> MigrationPlan:
    """The plan for one customer from its migration report (both sides, or what ran)."""
    w = WORDS[lang]
    verdict, reasons = _verdict(report, w, lang)
    steps = [
        *_customer_steps(report, verdict, lang, w),
        *_integrator_steps(report, verdict, profile, lang),
    ]
    rest = report.rest
    missing = missing_scopes(rest) if rest is not None and rest.stopped is None else ()
    return MigrationPlan(
        profile=profile,
        lang=lang,
        verdict=verdict,
        reasons=tuple(line(r) for r in reasons),
        days_left=report.days_left,
        missing_scopes=missing,
        steps=tuple(steps),
        soap_fixes=_soap_fixes(report.soap, lang),
        gaps=_gaps(report, lang),
    )


def headline(plan: MigrationPlan) -> str:
    """The verdict and the days left, in one line: what the plan starts with."""
    w = WORDS[plan.lang]
    days = w["days"].format(days=plan.days_left, end=end_date(plan.lang))
    return f"{w[plan.verdict.value]} {days}"


def _numbered(plan: MigrationPlan, audience: Audience) -> list[tuple[int, Step]]:
    numbered = list(enumerate(plan.steps, start=1))
    return [(n, s) for n, s in numbered if s.audience is audience]


def render_text(plan: MigrationPlan, report: MigrationReport) -> str:
    w = WORDS[plan.lang]
    out = [headline(plan)]
    out.extend(f"  {reason}" for reason in plan.reasons)
    out.extend(["", w["title"]])
    out.append(
        f"{w['profile']}: {line(report.profile.name)} ({line(report.profile.title_in(plan.lang))})"
    )
    for audience in (Audience.CUSTOMER, Audience.INTEGRATOR):
        steps = _numbered(plan, audience)
        if steps:
            out.extend(["", f"{w[audience.value]}:"])
            for number, step in steps:
                done = f" {w['done']}" if step.done else ""
                out.append(f"  {number}. {line(step.text)}{done}")
    out.extend(["", w["soap_fixes"].format(end=end_date(plan.lang)) + ":"])
    if report.soap is None:
        out.append(f"  - {w['soap_not_checked']}")
    else:
        out.extend(f"  - {line(fix)}" for fix in plan.soap_fixes or (w["no_soap_fixes"],))
    if plan.gaps:
        out.extend(["", f"{w['gaps']}:"])
        for operation, texts in plan.gaps:
            out.append(f"  {operation}")
            out.extend(f"    - {text}" for text in texts)
    return "\n".join(out) + "\n"


def render_markdown(plan: MigrationPlan, report: MigrationReport) -> str:
    w = WORDS[plan.lang]
    out = [f"**{markdown_inline(headline(plan))}**", ""]
    out.extend(f"- {markdown_inline(reason)}" for reason in plan.reasons)
    out.extend(["", f"# {w['title']}", ""])
    out.append(
        f"{w['profile']}: {markdown_inline(report.profile.name)} "
        f"({markdown_inline(report.profile.title_in(plan.lang))})"
    )
    for audience in (Audience.CUSTOMER, Audience.INTEGRATOR):
        steps = _numbered(plan, audience)
        if steps:
            out.extend(["", f"## {w[audience.value]}", ""])
            for number, step in steps:
                done = f" {w['done']}" if step.done else ""
                out.append(f"{number}. {markdown_inline(step.text)}{done}")
    out.extend(["", f"## {w['soap_fixes'].format(end=end_date(plan.lang))}", ""])
    if report.soap is None:
        out.append(f"- {w['soap_not_checked']}")
    else:
        out.extend(f"- {markdown_inline(fix)}" for fix in plan.soap_fixes or (w["no_soap_fixes"],))
    if plan.gaps:
        out.extend(["", f"## {w['gaps']}", ""])
        for operation, texts in plan.gaps:
            out.append(f"- `{operation}`: " + " ".join(markdown_inline(t) for t in texts))
    return "\n".join(out) + "\n"


def plan_dict(plan: MigrationPlan) -> dict[str, Any]:
    return {
        "verdict": plan.verdict.value,
        "reasons": list(plan.reasons),
        "days_left": plan.days_left,
        "missing_scopes": list(plan.missing_scopes),
        "steps": [
            {
                "number": number,
                "for": step.audience.value,
                "kind": step.kind,
                "text": step.text,
                "scopes": list(step.scopes),
                "done": step.done,
            }
            for number, step in enumerate(plan.steps, start=1)
        ],
        "soap_fixes": list(plan.soap_fixes),
        "rest_gaps": [{"soap_operation": op, "gaps": list(texts)} for op, texts in plan.gaps],
    }


def render(report: MigrationReport, fmt: str, lang: str, *, profile: str) -> str:
    """The plan first, then the side-by-side report under it (JSON: both in one object)."""
    from nmbrs_client.rights.migration import render as render_report
    from nmbrs_client.rights.migration import report_dict

    plan = build_plan(report, profile=profile, lang=lang)
    if fmt == "json":
        return (
            json.dumps({**plan_dict(plan), **report_dict(report)}, indent=2, ensure_ascii=False)
            + "\n"
        )
    if fmt == "markdown":
        return render_markdown(plan, report) + "\n" + render_report(report, fmt, lang)
    return render_text(plan, report) + "\n" + render_report(report, fmt, lang)
