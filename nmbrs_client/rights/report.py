"""Render a :class:`RightsReport` as text (terminal), Markdown (a ticket for the customer) or JSON.

The Markdown report is written for the customer, in English or Dutch: what was checked, when
and against which environment, then one action per kind of problem in the words of Nmbrs'
own screens (all missing operations of one service in one step), the account guidance
integrators give, and the days left until Nmbrs stops supporting SOAP. The text report is
for the engineer: the matrix of operations × companies (glyph and word, never colour alone),
the account section, a summary, calls made and time taken. JSON follows
``report.schema.json``.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import replace
from importlib import resources
from typing import Any

from nmbrs_client import textsafe
from nmbrs_client.ids import ApiKind
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.findings import (
    action_text,
    actions,
    cell_reason,
    company_verdict,
    environment_line,
    error_lines,
    errors_heading,
    headline,
    login_step,
    mode_text,
    not_verified_lines,
    operation_verdicts,
    soap_line,
)
from nmbrs_client.rights.report_words import (
    account_advice,
    account_check_name,
    account_text,
    badge,
    check_lang,
    counts_text,
    domain_source_text,
    engineer_note,
    say,
    seconds_text,
)
from nmbrs_client.rights.requirements import RequirementProfile
from nmbrs_client.rights.results import RightsReport

FORMATS = ("text", "markdown", "json")
TEXT_MATRIX_MAX_COMPANIES = 12
# ---------------------------------------------------------------------------- markdown


def _md_escape(text: Any) -> str:
    """A data value inside a Markdown line: one line, Markdown shown literally."""
    return textsafe.markdown_inline(text)


def render_markdown(report: RightsReport, lang: str = "en") -> str:
    lang = check_lang(lang)
    env = report.environment
    prof: RequirementProfile = report.requirements
    out: list[str] = [f"# {say(lang, 'title')}: {_md_escape(prof.title_in(lang))}", ""]
    out += [f"**{say(lang, 'result')}:** {headline(report, lang)}", ""]
    out += [f"## {say(lang, 'checked')}", ""]
    out.append(f"- {say(lang, 'date')}: {report.checked_at.strftime('%Y-%m-%d %H:%M')}")
    out.append(f"- {say(lang, 'environment')}: {_md_escape(environment_line(report))}")
    out.append(f"- {say(lang, 'api_user')}: {_md_escape(env.get('username') or '-')}")
    if env.get("token_override"):
        out.append(f"- ⚠ {_md_escape(env['token_override'])}")
    if report.api is ApiKind.SOAP:
        out.append(
            f"- {say(lang, 'domain')}: {_md_escape(env.get('domain') or '-')}"
            + (
                f" ({_md_escape(domain_source_text(env.get('domain_source'), lang))})"
                if env.get("domain_source")
                else ""
            )
        )
    else:
        out.append(f"- {say(lang, 'granted')}: {_md_escape(_granted_text(report, lang))}")
    out.append(
        f"- {say(lang, 'requirements')}: {_md_escape(prof.name)}, "
        f"{_md_escape(prof.title_in(lang))} "
        f"({len(prof.operations)} {say(lang, 'operations')})"
    )
    names = ", ".join(_md_escape(c.label()) for c in report.companies[:10])
    more = f" … (+{len(report.companies) - 10})" if len(report.companies) > 10 else ""
    out.append(
        f"- {say(lang, 'companies')}: {len(report.companies)}"
        + (f" ({names}{more})" if names else "")
    )
    out.append(f"- {say(lang, 'mode')}: {mode_text(report, lang)}")
    out.append(
        f"- {say(lang, 'calls')}: {report.calls} ({report.retries} {say(lang, 'retries')}), "
        f"{say(lang, 'elapsed')} {seconds_text(report.elapsed_ms, lang)}"
    )
    out.append("")
    found = actions(report)
    # a heading only with something under it: "nothing to change" is said when all is well
    if found or report.exit_code == 0:
        out += [f"## {say(lang, 'actions')}", ""]
    if not found and report.exit_code == 0:
        out.append(say(lang, "nothing"))
    for index, action in enumerate(found, 1):
        # Items are data (company names, domains): escaped; the sentence around them is ours.
        # (Template items are operation names from the catalogue, shown as they are.)
        escaped = (
            action
            if action.kind == "template"
            else replace(action, items=tuple(_md_escape(item) for item in action.items))
        )
        out.append(f"{index}. {action_text(escaped, lang)}")
    if any(a.kind == "template" for a in found):
        out += ["", say(lang, "act_template_note")]
    if found or report.exit_code == 0:
        out.append("")
    errors = error_lines(report, lang)
    if errors:
        out += [f"## {errors_heading(report, lang)}", ""]
        out += [f"- {_md_escape(line)}" for line in errors]
        out.append("")
    unverified = not_verified_lines(report, lang)
    if unverified:
        out += [f"## {say(lang, 'not_verified_heading')}", ""]
        out += [f"- {_md_escape(line)}" for line in unverified]
        out += ["", say(lang, "not_verified_exit"), ""]
    if report.cells:
        total = len(report.companies)
        out += [f"## {say(lang, _rights_heading(report))}", ""]
        out.append(
            f"| {say(lang, 'service')} | {say(lang, 'operation')} | {say(lang, 'status')} "
            f"| {say(lang, 'basis')} |"
        )
        out.append("|---|---|---|---|")
        for service, name, status, basis, count in operation_verdicts(report, lang):
            scope = "" if count == total else " " + say(lang, "on_companies", n=count, total=total)
            out.append(
                f"| {service} | {name} | {badge(status, lang)}{scope} | {_md_escape(basis)} |"
            )
        out += ["", f"## {say(lang, 'data_access')}", ""]
        out.append(f"| {say(lang, 'company')} | {say(lang, 'name')} | {say(lang, 'status')} |")
        out.append("|---|---|---|")
        for company in report.companies:
            status, cells = company_verdict(report, company)
            detail = ""
            if status is Status.ENDPOINT_DENIED:
                n = len({c.operation for c in cells if c.status is Status.ENDPOINT_DENIED})
                detail = " (" + say(lang, "company_denied", n=n) + ")"
                status_text = badge(Status.ALLOWED, lang) + detail
            elif status is Status.ALLOWED:
                status_text = badge(status, lang)
            else:
                reason = cell_reason(cells, status, lang)
                status_text = badge(status, lang) + (f": {_md_escape(reason)}" if reason else "")
            out.append(
                f"| {_md_escape(company.number or company.id)} | {_md_escape(company.name or '')} "
                f"| {status_text} |"
            )
        out.append("")
        out.append(say(lang, "not_listed"))
        out.append("")
    out += [f"## {say(lang, 'account')}", ""]
    for account in report.account:
        out.append(
            f"- {badge(account.status, lang)}: {_md_escape(account_check_name(account.check, lang))}"
            f": {_md_escape(account_text(account, lang))}"
        )
    out.append("")
    out += [f"## {say(lang, 'account_advice')}", ""]
    out.extend(f"- {line}" for line in _advice_lines(report, lang))
    out.append("")
    if report.api is ApiKind.SOAP:  # a REST check's integration already uses what remains
        out += [f"## {say(lang, 'soap')}", "", soap_line(report, lang), ""]
    out += [f"## {say(lang, 'support')}", ""]
    out.extend(f"- {line}" for line in _support_lines(report, lang))
    out.append("")
    return "\n".join(out)


def _advice_lines(report: RightsReport, lang: str) -> list[str]:
    """Which login fits: an API user with a template on SOAP, a consenting login on REST."""
    if report.api is not ApiKind.SOAP:
        return [say(lang, "advice_consent")]
    return [
        say(lang, "advice_dedicated"),
        account_advice(report, lang),
        say(lang, "advice_template"),
    ]


def _rights_heading(report: RightsReport) -> str:
    return "endpoint_rights" if report.api is ApiKind.SOAP else "endpoint_scopes"


def _granted_text(report: RightsReport, lang: str) -> str:
    if report.stopped is not None and report.granted_scopes is None:
        return "-"
    if report.granted_scopes is None:
        return say(lang, "granted_unknown")
    return " ".join(report.granted_scopes) or "-"


def _support_lines(report: RightsReport, lang: str) -> list[str]:
    """Command-line hints, kept out of the customer's part of the report."""
    env = report.environment
    command = login_step(report, lang)
    if command is not None:
        return [command]
    # the options this check ran with, so the command repeats this check, not the default one
    args = ""
    if env.get("environment") == "demo":
        args += " --demo"
        scenario = textsafe.line(env.get("scenario") or "")
        if scenario and scenario != "healthy":
            args += f" --scenario {scenario}"
    elif env.get("profile"):
        args += f" --profile {textsafe.line(env.get('profile'))}"
    if report.api is not ApiKind.SOAP:
        args += f" --api {report.api.value}"
    if report.requirements.name != "integration":
        args += f" --requirements {textsafe.line(report.requirements.name)}"
    if str(report.mode) == "thorough":
        args += " --thorough"
    for company in env.get("named_companies") or ():
        args += f" --company {shlex.quote(textsafe.line(str(company)))}"
    return [say(lang, "support_company"), say(lang, "support_again", args=args)]


# ---------------------------------------------------------------------------- text


def _short(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def render_text(report: RightsReport, lang: str = "en", width: int = 120) -> str:
    lang = check_lang(lang)
    env = report.environment
    prof = report.requirements
    out: list[str] = [f"{say(lang, 'title')}: {prof.title_in(lang)} [{prof.name}]"]
    where = (
        f"{say(lang, 'domain')}: {env.get('domain') or '-'}"
        if report.api is ApiKind.SOAP
        else f"{say(lang, 'granted')}: {_granted_text(report, lang)}"
    )
    out.append(
        f"{say(lang, 'environment')}: {environment_line(report)}  {say(lang, 'api_user')}: "
        f"{env.get('username') or '-'}  {where}"
        f"  {say(lang, 'date')}: {report.checked_at.strftime('%Y-%m-%d %H:%M')}"
    )
    if env.get("token_override"):
        out.append(f"⚠ {textsafe.line(env['token_override'])}")
    # What the customer must change comes first, as in the Markdown: the evidence follows.
    found = actions(report)
    if found:
        out.append("")
        out.append(say(lang, "actions"))
        for index, action in enumerate(found, 1):
            out.append(f"  {index}. {action_text(action, lang)}")
    out.append("")
    out.append(say(lang, "account"))
    for account in report.account:
        out.append(
            f"  {badge(account.status, lang):<16} {account_check_name(account.check, lang):<16} "
            f"{account_text(account, lang)}"
        )
    if report.cells:
        out.append("")
        out.append(say(lang, _rights_heading(report)))
        total = len(report.companies)
        for service, name, status, basis, count in operation_verdicts(report, lang):
            scope = "" if count == total else " " + say(lang, "on_companies", n=count, total=total)
            out.append(f"  {badge(status, lang):<16} {service}.{name}{scope}  [{basis}]")
        out.append("")
        out.extend(_text_matrix(report, lang, width))
    errors = error_lines(report, lang)
    if errors:
        out.append("")
        out.append(errors_heading(report, lang))
        out.extend(f"  - {line}" for line in errors)
    unverified = not_verified_lines(report, lang)
    if unverified:
        out.append("")
        out.append(say(lang, "not_verified_heading"))
        out.extend(f"  - {line}" for line in unverified)
        out.append(f"  {say(lang, 'not_verified_exit')}")
    out.append("")
    out.append(say(lang, "support"))
    out.extend(f"  {line}" for line in _support_lines(report, lang))
    if report.notes:
        out.append(f"  {say(lang, 'probe_inputs')}:")
        out.extend(f"    {engineer_note(note, lang)}" for note in report.notes)
    out.append("")
    out.append(f"{say(lang, 'summary')}: {headline(report, lang)}")
    out.append("  " + counts_text(report.summary(), lang))
    out.append(
        f"  {say(lang, 'calls')}: {report.calls} ({report.retries} {say(lang, 'retries')})  "
        f"{say(lang, 'elapsed')}: "
        f"{seconds_text(report.elapsed_ms, lang, 2)}  {say(lang, 'mode')}: "
        f"{say(lang, 'mode_word_thorough' if report.mode == 'thorough' else 'mode_word_default')}"
        f", {say(lang, 'concurrency')} {report.concurrency}"
    )
    if report.api is ApiKind.SOAP:
        out.append(f"  {soap_line(report, lang)}")
    return "\n".join(out) + "\n"


def _text_matrix(report: RightsReport, lang: str, width: int) -> list[str]:
    companies = list(report.companies)
    hidden_ok = 0
    if len(companies) > TEXT_MATRIX_MAX_COMPANIES:
        shown = [c for c in companies if company_verdict(report, c)[0] is not Status.ALLOWED]
        hidden_ok = len(companies) - len(shown)
        companies = shown
    lines = [say(lang, "matrix")]
    if not companies:
        lines.append("  " + say(lang, "more_ok", n=hidden_ok))
        return lines
    cells = {(c.qualified_name, c.company_id): c for c in report.cells}
    rows = report.row_keys()
    name_width = min(44, max((len(name) for _, name in rows), default=8))
    col_width = max(max(len(badge(s, lang)) for s in Status), 8) + 2
    per_block = max(1, (width - name_width - 4) // col_width)
    for start in range(0, len(companies), per_block):
        block = companies[start : start + per_block]
        header = " " * (name_width + 4) + "".join(
            _short(str(c.number or c.id), col_width - 2).ljust(col_width) for c in block
        )
        lines.append(header.rstrip())
        for service, name in rows:
            row = f"  {_short(name, name_width):<{name_width}}  "
            for company in block:
                cell = cells.get((f"{service}.{name}", company.id))
                text = badge(cell.status, lang) if cell else "?"
                row += text.ljust(col_width)
            lines.append(row.rstrip())
    if hidden_ok:
        lines.append("  " + say(lang, "more_ok", n=hidden_ok))
    return lines


# ---------------------------------------------------------------------------- json


def render_json(report: RightsReport) -> str:
    return textsafe.json_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False)) + "\n"


def load_schema() -> dict[str, Any]:
    """The JSON schema of :func:`render_json` (``report.schema.json`` in this package)."""
    text = (
        resources.files("nmbrs_client.rights")
        .joinpath("report.schema.json")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


def render(report: RightsReport, fmt: str = "text", lang: str = "en") -> str:
    """The report in ``fmt``; text and Markdown never carry a control character (last guard)."""
    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        return textsafe.block(render_markdown(report, lang))
    if fmt == "text":
        return textsafe.block(render_text(report, lang))
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
