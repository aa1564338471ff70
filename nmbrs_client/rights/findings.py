"""What a rights report means: the customer's actions, kinds of error, verdicts per operation
and company, and the headline.

Both renderers (:mod:`nmbrs_client.rights.report`) and the migration plan use these, so the
text, the Markdown and the plan never disagree about what is missing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from nmbrs_client import textsafe
from nmbrs_client.exit_codes import ExitCode, verdict_text, verdict_words
from nmbrs_client.ids import ApiKind
from nmbrs_client.operations import Service
from nmbrs_client.rights import nmbrs_words
from nmbrs_client.rights.basis import BasisKind
from nmbrs_client.rights.classify import Status, Unverified
from nmbrs_client.rights.report_words import (
    ERROR_CAUSES,
    ERROR_KINDS,
    NEXT_STEP,
    REFRESH_WITHHELD,
    REST_ERROR_KINDS,
    SERVICE_LABEL,
    account_check_name,
    account_text,
    basis_text,
    engineer_note,
    format_date,
    say,
)
from nmbrs_client.rights.results import SOAP_END_OF_SUPPORT, CellResult, CompanyRef, RightsReport


@dataclass(frozen=True)
class Action:
    """One thing the customer must do, with what it applies to."""

    # credentials | domain | subscription | template | scope | no_companies | not_visible |
    # consent | scope_or_access | debtor_access | not_applicable
    kind: str
    service: Service | None = None
    items: tuple[str, ...] = ()


# A company list that failed this way says nothing about what the user can see: a list that
# could not be read is for "run the check again", a missing scope has its own step.
_NOT_THE_CUSTOMERS = frozenset(
    {Status.ERROR, Status.NOT_VERIFIED, Status.ALLOWED, Status.SCOPE_MISSING}
)


def _services_by_name() -> dict[str, Service]:
    return {s.value: s for s in Service}


def actions(report: RightsReport) -> list[Action]:
    """One action per problem class; all missing operations of one service in one step."""
    found: list[Action] = []
    for account in report.account_findings:
        if account.check == "credentials" and account.status is Status.AUTH_FAILED:
            found.append(Action("credentials"))
        elif account.check == "domain":
            found.append(
                Action(
                    "domain",
                    items=(
                        report.right_domain or "",
                        str(
                            report.environment.get("saved_domain")
                            or report.environment.get("domain")
                            or ""
                        ),
                    ),
                )
            )
        elif account.check == "subscription":
            code = "" if account.fault_code is None else str(account.fault_code)
            found.append(Action("subscription", items=(code,)))
        elif account.check == "companies" and account.status not in _NOT_THE_CUSTOMERS:
            found.append(Action("no_companies"))
        elif account.check == "debtor_companies" and account.status is Status.NO_DATA_ACCESS:
            found.append(Action("debtor_access", items=(account.value or "",)))
    services = _services_by_name()
    if report.scopes_to_ask:
        found.append(Action("consent", items=report.scopes_to_ask))
    unsettled: dict[str, str] = {}  # a refusal that is a missing scope or missing access
    for account in report.account_findings:
        if account.status is Status.SCOPE_MISSING and report.granted_scopes is None:
            unsettled.setdefault(account.check, account.message)
    for cell in report.cells_with(Status.SCOPE_MISSING):
        if cell.basis.kind is not BasisKind.GRANTED_SCOPES and not report.scopes_to_ask:
            unsettled.setdefault(cell.operation, cell.message)
    for op, why in unsettled.items():
        found.append(Action("scope_or_access", items=(op, why)))
    denied: dict[Service, list[str]] = {}
    for cell in report.cells_with(Status.ENDPOINT_DENIED):
        service = services[cell.service]
        names = denied.setdefault(service, [])
        if cell.operation not in names:
            names.append(cell.operation)
    for service in (Service.EMPLOYEE, Service.COMPANY, Service.DEBTOR):
        if service in denied:
            found.append(Action("template", service, tuple(sorted(denied[service], key=str.lower))))
    no_access = []
    not_visible = []
    for company in report.companies:
        if company.visible is False:
            not_visible.append(company.label())
        elif any(
            c.company_id == company.id and c.status is Status.NO_DATA_ACCESS for c in report.cells
        ):
            no_access.append(company.label())
    for label in not_visible:
        found.append(Action("not_visible", items=(label,)))
    if no_access:
        found.append(Action("scope", items=tuple(no_access)))
    if any(c.status is Status.AUTH_FAILED for c in report.cells) and not any(
        a.kind == "credentials" for a in found
    ):
        found.append(Action("credentials"))
    na = {c.qualified_name: c.message for c in report.cells_with(Status.NOT_APPLICABLE)}
    if na:
        found.append(
            Action("not_applicable", items=tuple(f"{op} ({why})" for op, why in na.items()))
        )
    return found


def error_kind(cell: CellResult) -> str:
    """The kind of an ``error`` cell, as the prober recorded it (never read from the text)."""
    kind = cell.error_kind or "other"
    return kind if kind in ERROR_KINDS["en"] else "other"


def errors_by_kind(report: RightsReport) -> list[tuple[str, int, list[str]]]:
    """``(kind, cells, operations)`` for the results still not established after retries."""
    groups: dict[str, list[CellResult]] = {}
    for cell in report.cells_with(Status.ERROR):
        groups.setdefault(error_kind(cell), []).append(cell)
    out = []
    for kind, cells in sorted(groups.items(), key=lambda item: -len(item[1])):
        ops = list(dict.fromkeys(c.operation for c in cells))
        out.append((kind, len(cells), ops))
    return out


def not_verified(report: RightsReport) -> list[tuple[str, str]]:
    """``(operation, reason and what would make it verifiable)`` per unverified operation."""
    found: dict[str, str] = {}
    for cell in report.cells_with(Status.NOT_VERIFIED):
        found.setdefault(cell.qualified_name, cell.message)
    return list(found.items())


def error_lines(report: RightsReport, lang: str) -> list[str]:
    """The results not established, by kind, and the account checks that could not be read
    (a company list lost to a quota or a gateway page) while the check went on; an account
    row that is no finding (who consented) is in the account section only."""
    words = dict(ERROR_KINDS[lang])
    if report.api is ApiKind.REST:
        words.update(REST_ERROR_KINDS[lang])
    lines = [
        say(lang, "errors_kind", n=n, kind=words.get(kind, kind), ops=", ".join(ops[:6]))
        for kind, n, ops in errors_by_kind(report)
    ]
    if report.stopped is None:
        lines += [
            f"{account_check_name(a.check, lang)}: {account_text(a, lang)}"
            for a in report.account_not_established
        ]
    return lines


def not_verified_groups(report: RightsReport) -> list[tuple[str, list[str]]]:
    """``(reason, operations)``: the unverified operations that share a reason under it once
    (a login this run may not refresh, or no employee to call them with, leaves many)."""
    groups: dict[str, list[str]] = {}
    for op, why in not_verified(report):
        groups.setdefault(why, []).append(op)
    return list(groups.items())


def not_verified_lines(report: RightsReport, lang: str) -> list[str]:
    """One line per reason, naming every operation it holds for."""
    lines = []
    for why, ops in not_verified_groups(report):
        said = engineer_note(why, lang)
        if len(ops) == 1:
            lines.append(say(lang, "not_verified_line", op=ops[0], why=said))
        else:
            lines.append(say(lang, "not_verified_group", why=said, n=len(ops), ops=", ".join(ops)))
    return lines


def action_text(action: Action, lang: str) -> str:
    if action.kind == "credentials":
        return say(lang, "act_credentials", token_path=nmbrs_words.TOKEN_PATH[lang])
    if action.kind == "domain":
        right, saved = action.items
        return (
            say(lang, "act_domain", domain=right, saved=saved)
            if right
            else say(lang, "act_domain_unknown")
        )
    if action.kind == "subscription":
        code = action.items[0] if action.items else ""
        word = "fout" if lang == "nl" else "error"
        return say(lang, "act_subscription", code=f" ({word} {code})" if code else "")
    if action.kind == "no_companies":
        return say(lang, "act_no_companies")
    if action.kind == "template" and action.service is not None:
        return say(
            lang,
            "act_template",
            path=nmbrs_words.TEMPLATE_PATH[lang],
            service=SERVICE_LABEL[lang][action.service],
            ops=", ".join(action.items),
        )
    if action.kind == "scope":
        what = ", ".join(action.items)
        label = say(lang, "companies").lower()
        return say(
            lang,
            "act_scope",
            tags=nmbrs_words.DEBTOR_TAGS[lang],
            filter=nmbrs_words.CLIENT_FILTER[lang],
            what=f"{label} {what}"
            if len(action.items) > 1
            else f"{say(lang, 'company').lower()} {what}",
        )
    if action.kind == "debtor_access":
        return say(
            lang, "act_debtor_access", what=action.items[0], tags=nmbrs_words.DEBTOR_TAGS[lang]
        )
    if action.kind == "errors":
        return say(lang, "act_errors", n=action.items[0])
    if action.kind == "not_visible":
        return say(lang, "act_not_visible", what=action.items[0])
    if action.kind == "consent":
        return say(lang, "act_consent", scopes=" ".join(action.items))
    if action.kind == "scope_or_access":
        return say(
            lang,
            "act_scope_or_access",
            ops=action.items[0],
            why=action.items[1],
            path=nmbrs_words.TEMPLATE_USERS_PATH[lang],
        )
    return say(lang, "act_na", what="; ".join(action.items))


def operation_verdicts(
    report: RightsReport, lang: str = "en"
) -> list[tuple[str, str, Status, str, int]]:
    """Per required operation: (service, operation, status, basis, companies with that status).

    The endpoint verdict of an operation is what its row probe found: denied wins, then
    allowed (possibly only on the reachable companies), then not applicable, then errors.
    """
    rows = []
    for service, name in report.row_keys():
        cells = [c for c in report.cells if c.service == service and c.operation == name]
        counts = Counter(c.status for c in cells)
        status = Status.ERROR
        for candidate in (
            Status.ENDPOINT_DENIED,
            Status.SCOPE_MISSING,
            Status.AUTH_FAILED,
            Status.NO_SUBSCRIPTION,
            Status.ALLOWED,
            Status.NOT_VERIFIED,
            Status.NOT_APPLICABLE,
            Status.ERROR,
            Status.NO_DATA_ACCESS,
            Status.NOT_VISIBLE,
        ):
            if counts[candidate]:
                status = candidate
                break
        probed = next((c for c in cells if c.probed and c.status is status), None)
        chosen = probed or next((c for c in cells if c.status is status), None)
        if chosen is None:
            basis = ""
        elif chosen.probed:
            company = report.company(chosen.company_id)
            where = company.label() if company is not None and company.number else None
            basis = say(lang, "basis_probed_on", id=where or chosen.company_id)
        else:
            basis = basis_text(chosen.basis, lang)
        if status in (Status.NOT_APPLICABLE, Status.NOT_VERIFIED) and chosen is not None:
            basis = chosen.message if lang == "en" else say(lang, "basis_nothing")
            if lang != "en" and chosen.unverified is Unverified.REFRESH_WITHHELD:
                basis = REFRESH_WITHHELD[lang]  # there was something to probe with: no login
        rows.append((service, name, status, basis, counts[status]))
    return rows


def cell_reason(cells: list[CellResult], status: Status, lang: str) -> str:
    """Why a company has ``status``: the check's message in English; in another language the
    fault code, with Nmbrs' own words quoted when a probe got them (never our English)."""
    chosen = next((c for c in cells if c.status is status and c.message), None)
    if chosen is None:
        return ""
    if lang == "en":
        return chosen.message
    code = chosen.fault_code
    if code is None:
        return basis_text(chosen.basis, lang)
    quoted = f" “{chosen.message}”" if chosen.probed else ""
    return f"fout {code}{quoted}"


def company_verdict(report: RightsReport, company: CompanyRef) -> tuple[Status, list[CellResult]]:
    cells = [c for c in report.cells if c.company_id == company.id]
    statuses = {c.status for c in cells}
    for status in (
        Status.NOT_VISIBLE,
        Status.NO_DATA_ACCESS,
        Status.AUTH_FAILED,
        Status.NO_SUBSCRIPTION,
        Status.ERROR,
        Status.ENDPOINT_DENIED,
        Status.SCOPE_MISSING,
        Status.NOT_VERIFIED,
        Status.NOT_APPLICABLE,
    ):
        if status in statuses:
            return status, cells
    return Status.ALLOWED, cells


# A cell with one of these holds no verdict on its right: it was not established.
_NO_VERDICT = frozenset({Status.ERROR, Status.NOT_VERIFIED, Status.NOT_APPLICABLE})


def headline(report: RightsReport, lang: str) -> str:
    if report.stopped == "auth_failed":
        return say(lang, "stopped_auth")
    if report.stopped == "connect":
        return say(lang, "stopped_connect")
    if report.stopped == "cancelled":
        return say(lang, "stopped_cancelled")
    if report.stopped == "token_refused":
        return say(lang, "stopped_token")
    if report.stopped == "subscription_key":
        return say(lang, "stopped_key")
    if report.stopped == "token_or_key":
        return say(lang, "stopped_token_or_key")
    code = report.exit_code
    if code == 0:
        return say(lang, "ok")
    if code == 1:
        return say(lang, "findings")
    if code == 3:
        if any(a.status is Status.NOT_VERIFIED for a in report.account_findings):
            return say(lang, "unverified_login")
        return say(lang, "unverified_headline")
    some = any(c.status not in _NO_VERDICT for c in report.cells)
    return say(
        lang,
        "errors_headline" if some else "none_established_headline",
        causes=", ".join(ERROR_CAUSES[lang][cause] for cause in _named_causes(report)),
        steps=next_steps(error_causes(report), lang),
    )


def login_step(report: RightsReport, lang: str) -> str | None:
    """The engineer's command for a refused REST token or subscription key, or None."""
    profile = textsafe.line(report.environment.get("profile") or "<profile>")
    key = _LOGIN_STEPS.get(str(report.stopped))
    return None if key is None else say(lang, key, profile=profile)


_LOGIN_STEPS = {
    "token_refused": "support_login",
    "subscription_key": "support_key",
    "token_or_key": "support_token_or_key",
}


def stop_steps(report: RightsReport, lang: str) -> list[str]:
    """What the report says to do, beside its headline's own step: each thing to change in
    Nmbrs, and the engineer's command for a refused token or key. The Rights pane says these
    for a check that judged nothing, in the report's words, never a wording of its own."""
    steps = [action_text(action, lang) for action in actions(report)]
    command = login_step(report, lang)
    return [*steps, command] if command else steps


def _named_causes(report: RightsReport) -> list[str]:
    """The causes of what was not established, as ERROR_CAUSES names them, in its order."""
    kinds = {_cause(kind) for kind in error_causes(report)}
    return [cause for cause in ERROR_CAUSES["en"] if cause in kinds]


def verdict_causes(report: RightsReport) -> list[str]:
    """Why the check exits 2 (none for any other exit): its stop reason, else the causes of
    what was not established; keys of ``exit_codes.EXIT_2_CAUSES``, so a verdict names the
    cause the headline names."""
    if report.exit_code != ExitCode.CONNECT:
        return []
    if report.stopped is not None:
        return [report.stopped.value]
    return _named_causes(report)


def verdict_line(report: RightsReport, lang: str) -> str:
    """The exit code the check gives, in words that name its cause, and its headline: how a
    screen says a check's verdict in one line, from the same places the ``check`` command's
    exit status and its report's summary come from."""
    code = report.exit_code
    said = verdict_text(code, verdict_words(code, verdict_causes(report)))
    return f"{said} — {headline(report, lang)}"


def _cause(kind: str) -> str:
    return kind if kind in ERROR_CAUSES["en"] else "network"


# the steps that already end with running the check again
_RERUN_SAID = frozenset({"quota", "tls", "too_large", "throttled", "out_of_time", "fault"})


def next_steps(kinds: set[str], lang: str) -> str:
    """What to do about results not established of these kinds: each cause its own step, in
    one order, and "run the check again" only where a retry can change the answer and no
    step said it already."""
    steps = [kind for kind in NEXT_STEP[lang] if kind in kinds and kind != "again"]
    if not steps or (kinds - set(steps) and not _RERUN_SAID & set(steps)):
        steps.append("again")
    return "; ".join(NEXT_STEP[lang][step] for step in steps)


def errors_heading(report: RightsReport, lang: str) -> str:
    """The heading over what was not established, with the next step of each of its causes."""
    return say(lang, "errors_heading", steps=next_steps(error_causes(report), lang))


def error_causes(report: RightsReport) -> set[str]:
    """The kinds of what was not established: the error cells and, while the check went on,
    the account rows that could not be read and count (findings)."""
    causes = {error_kind(cell) for cell in report.cells_with(Status.ERROR)}
    if report.stopped is None:
        causes |= {a.error_kind or "other" for a in report.account_not_established}
    return causes


def soap_line(report: RightsReport, lang: str) -> str:
    days = report.days_left()
    date_text = format_date(SOAP_END_OF_SUPPORT, lang)
    if days >= 0:
        return say(lang, "soap_text", date=date_text, days=days)
    return say(lang, "soap_passed", date=date_text, days=-days)


def mode_text(report: RightsReport, lang: str) -> str:
    return say(lang, "mode_thorough" if report.mode == "thorough" else "mode_default")


def environment_line(report: RightsReport) -> str:
    env = report.environment
    parts = [str(env.get("base_url") or "")]
    if env.get("environment"):
        parts.append(f"({env['environment']})")
    return " ".join(parts)
