"""`nmbrs-tui check --all-profiles --migration`: who of all customers is ready for REST.

An engineer with forty customers needs one table before 1 March 2027: per customer (profile)
the SOAP verdict today, the REST verdict, ready or not, the missing scopes and the days left.
Each profile's SOAP part and REST part are checked with that profile's own credentials (the
``NMBRS_*`` variables belong to one connection, never to the fleet); a profile without a REST
part is "REST not set up", never ready. The exit code is the worst row's.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from nmbrs_client import textsafe
from nmbrs_client.exit_codes import VERDICT_GLYPHS, ExitCode, exit_2_words

if TYPE_CHECKING:
    from tui.headless.migration_cmd import SideNotChecked

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "profile": "Customer",
        "soap": "SOAP today",
        "rest": "REST",
        "verdict": "Ready",
        "missing": "Missing scopes",
        "days": "Days left",
        "ready": "✓ ready",
        "not_ready": "✗ not ready",
        "not_checked": "? not checked",
        "not_set_up": "REST not set up",
        "soap_not_set_up": "no SOAP part",
        "failed": "cannot be checked",
        "summary": "{n} customer(s): {ready} ready, {not_ready} not ready, {unchecked} not "
        "checked; {days} days left until SOAP stops.",
    },
    "nl": {
        "profile": "Klant",
        "soap": "SOAP nu",
        "rest": "REST",
        "verdict": "Klaar",
        "missing": "Ontbrekende scopes",
        "days": "Dagen over",
        "ready": "✓ klaar",
        "not_ready": "✗ niet klaar",
        "not_checked": "? niet gecontroleerd",
        "not_set_up": "REST niet ingericht",
        "soap_not_set_up": "geen SOAP-deel",
        "failed": "kan niet worden gecontroleerd",
        "summary": "{n} klant(en): {ready} klaar, {not_ready} niet klaar, {unchecked} niet "
        "gecontroleerd; nog {days} dagen tot SOAP stopt.",
    },
}
SIDE_WORDS: dict[str, dict[int, str]] = {
    "en": {
        ExitCode.OK: "✓ all allowed",
        ExitCode.FINDINGS: "✗ missing",
        ExitCode.NOT_VERIFIED: "? not verified",
    },
    "nl": {
        ExitCode.OK: "✓ alles toegestaan",
        ExitCode.FINDINGS: "✗ ontbreekt",
        ExitCode.NOT_VERIFIED: "? niet gecontroleerd",
    },
}


SIDE_VALUES = {
    ExitCode.OK: "ok",
    ExitCode.FINDINGS: "findings",
    ExitCode.CONNECT: "connect",
    ExitCode.NOT_VERIFIED: "not_verified",
}


@dataclass(frozen=True)
class FleetRow:
    profile: str
    soap_code: int | None  # the SOAP check's exit code; None: not set up or not checked
    rest_code: int | None  # the REST check's exit code; None: not set up or not checked
    rest_set_up: bool
    verdict: str  # ready | not_ready | not_checked
    missing_scopes: tuple[str, ...]
    days_left: int
    exit_code: int
    reasons: tuple[str, ...] = ()
    soap_set_up: bool = True  # False: the profile has no SOAP part (None then is not a failure)
    soap_why: str | None = None  # why a SOAP part that is set up could not be checked
    rest_why: str | None = None  # why a REST part that is set up could not be checked
    # why a side exits 2 (findings.verdict_causes), which its word in the table names
    soap_causes: tuple[str, ...] = ()
    rest_causes: tuple[str, ...] = ()

    def side_value(self, code: int | None, set_up: bool) -> str:
        if code is None:
            return "not_checked" if set_up else "not_set_up"
        return SIDE_VALUES.get(ExitCode(code), str(code))

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "soap_verdict": self.side_value(self.soap_code, self.soap_set_up),
            "rest_verdict": self.side_value(self.rest_code, self.rest_set_up),
            "verdict": self.verdict,
            "missing_scopes": list(self.missing_scopes),
            "days_left": self.days_left,
            "exit_code": self.exit_code,
            "reasons": list(self.reasons),
            "soap_not_checked_because": self.soap_why,
            "rest_not_checked_because": self.rest_why,
        }

    def failures(self, lang: str) -> tuple[str, ...]:
        """Why each side that is set up could not be checked, in ``lang`` (the plan's words)."""
        from nmbrs_client.rights.migration_plan import WORDS as PLAN_WORDS

        w = PLAN_WORDS[lang]
        return tuple(
            w[key].format(why=why)
            for key, why in (("s_unreached", self.soap_why), ("r_unreached", self.rest_why))
            if why
        )


def _side_word(code: int | None, lang: str, absent: str, causes: tuple[str, ...]) -> str:
    """A side's verdict in the table; an exit 2 names its cause (a gateway refusal is not
    "cannot connect")."""
    if code is None:
        return absent
    if code == ExitCode.CONNECT:
        return f"{VERDICT_GLYPHS[code]} {exit_2_words(causes, lang)}"
    return SIDE_WORDS[lang].get(code, str(code))


def fleet_row(
    name: str,
    soap: Any,
    rest: Any,
    rest_set_up: bool,
    requirement: Any,
    lang: str,
    today: date,
    soap_set_up: bool = True,
    not_checked: Sequence[SideNotChecked] = (),
) -> FleetRow:
    """One customer's row from its two reports (either may be None) and why a side that is
    set up was not checked (``not_checked``, from :func:`profile_sides`)."""
    from nmbrs_client.rights.findings import verdict_causes
    from nmbrs_client.rights.migration import build_migration
    from nmbrs_client.rights.migration_plan import build_plan

    why = {note.api: note.why for note in not_checked if note.set_up}
    report = build_migration(
        requirement, soap=soap, rest=rest, today=today, rest_not_checked=why.get("REST")
    )
    plan = build_plan(report, profile=name, lang=lang)
    reasons = plan.reasons if rest_set_up else (WORDS[lang]["not_set_up"],)
    row = FleetRow(
        profile=name,
        soap_code=None if soap is None else int(soap.exit_code),
        rest_code=None if rest is None else int(rest.exit_code),
        rest_set_up=rest_set_up,
        verdict=plan.verdict.value,
        missing_scopes=plan.missing_scopes,
        days_left=plan.days_left,
        exit_code=int(report.exit_code),
        reasons=reasons,
        soap_set_up=soap_set_up,
        soap_why=why.get("SOAP") if soap is None else None,
        rest_why=why.get("REST") if rest is None else None,
        soap_causes=() if soap is None else tuple(verdict_causes(soap)),
        rest_causes=() if rest is None else tuple(verdict_causes(rest)),
    )
    soap_failed = row.failures(lang)[:1] if row.soap_why else ()  # the plan has REST's
    return replace(row, reasons=(*soap_failed, *row.reasons))


def worst(rows: Sequence[FleetRow]) -> ExitCode:
    from tui.headless.all_profiles import worst_of

    return worst_of(row.exit_code for row in rows)


def _cells(row: FleetRow, lang: str) -> dict[str, str]:
    w = WORDS[lang]
    return {
        "profile": textsafe.line(row.profile),
        "soap": _side_word(
            row.soap_code,
            lang,
            w["failed" if row.soap_set_up else "soap_not_set_up"],
            row.soap_causes,
        ),
        "rest": _side_word(
            row.rest_code, lang, w["failed" if row.rest_set_up else "not_set_up"], row.rest_causes
        ),
        "verdict": w[row.verdict],
        "missing": " ".join(row.missing_scopes) or "—",
        "days": str(row.days_left),
    }


_KEYS = ("profile", "soap", "rest", "verdict", "missing", "days")


def _summary(rows: Sequence[FleetRow], lang: str) -> str:
    verdicts = [row.verdict for row in rows]
    return WORDS[lang]["summary"].format(
        n=len(rows),
        ready=verdicts.count("ready"),
        not_ready=verdicts.count("not_ready"),
        unchecked=verdicts.count("not_checked"),
        days=rows[0].days_left if rows else 0,
    )


def render_text(rows: Sequence[FleetRow], lang: str) -> str:
    w = WORDS[lang]
    table = [_cells(row, lang) for row in rows]
    widths = {k: max([len(w[k]), *(len(c[k]) for c in table)]) for k in _KEYS}

    def line(cells: dict[str, str]) -> str:
        return "  ".join(
            cells[k].rjust(widths[k]) if k == "days" else cells[k].ljust(widths[k]) for k in _KEYS
        ).rstrip()

    out = [line({k: w[k] for k in _KEYS}), line({k: "-" * widths[k] for k in _KEYS})]
    out.extend(line(c) for c in table)
    failed = [(row.profile, why) for row in rows for why in row.failures(lang)]
    if failed:
        out.append("")
        out.extend(f"{textsafe.line(name)}: {why}" for name, why in failed)
    out.extend(["", _summary(rows, lang)])
    return "\n".join(out) + "\n"


def render_markdown(rows: Sequence[FleetRow], lang: str) -> str:
    w = WORDS[lang]
    out = ["| " + " | ".join(w[k] for k in _KEYS) + " |", "|" + "---|" * len(_KEYS)]
    for row in rows:
        cells = _cells(row, lang)
        out.append("| " + " | ".join(textsafe.markdown_inline(cells[k]) for k in _KEYS) + " |")
    failed = [(row.profile, why) for row in rows for why in row.failures(lang)]
    if failed:
        out.append("")
        out.extend(f"- {textsafe.markdown_inline(f'{name}: {why}')}" for name, why in failed)
    out.extend(["", _summary(rows, lang)])
    return "\n".join(out) + "\n"


def render_json(rows: Sequence[FleetRow]) -> str:
    data = {
        "kind": "migration_fleet",
        "days_left": rows[0].days_left if rows else None,
        "profiles": [row.to_dict() for row in rows],
        "exit_code": int(worst(rows)),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def run_fleet(
    args: argparse.Namespace,
    config: Any,
    requirement: Any,
    check_report: Callable[..., Any],
    emit: Callable[[argparse.Namespace, str], int | None],
    *,
    workers: int,
) -> int:
    """Every profile's migration verdict in one table; the worst exit code."""
    from tui.headless.migration_cmd import profile_sides, soap_part_set_up

    names = sorted(config.profiles)
    quiet = argparse.Namespace(**{**vars(args), "quiet": True})
    today = date.today()

    def one(name: str) -> FleetRow:
        try:
            soap, rest, notes = profile_sides(
                quiet, config, name, requirement, check_report, environment_credentials=False
            )
        except Exception as exc:  # one broken profile must not end the run for the others
            why = textsafe.line(f"{type(exc).__name__}: {exc}")
            soap, rest = None, None
            row = fleet_row(name, soap, rest, True, requirement, args.lang, today)
            return FleetRow(**{**row.__dict__, "exit_code": ExitCode.CONNECT, "reasons": (why,)})
        own = config.profiles[name]
        has_soap = soap_part_set_up(args, own)
        row = fleet_row(
            name, soap, rest, own.has_rest, requirement, args.lang, today, has_soap, notes
        )
        if not args.quiet:
            print(f"  {name}: {row.verdict}", file=sys.stderr, flush=True)
        return row

    if not args.quiet:
        print(f"checking {len(names)} profiles on SOAP and REST…", file=sys.stderr, flush=True)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fleet") as pool:
        rows = list(pool.map(one, names))
    if args.format == "json":
        text = render_json(rows)
    elif args.format == "markdown":
        text = render_markdown(rows, args.lang)
    else:
        text = render_text(rows, args.lang)
    failed = emit(args, text)
    return failed if failed is not None else worst(rows)
