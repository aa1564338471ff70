"""`nmbrs-tui requirements list|show`: the rights profiles an integration can be checked against.

``show`` prints a profile grouped by service, in the form a customer ticks it off in Nmbrs'
API template editor, in English or Dutch, so it can be pasted into an e-mail as is.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nmbrs_client.ids import ApiKind
from tui.headless.options import API_CHOICES

# The consent screen is where a REST customer says yes (Nmbrs support, "Visma Nmbrs REST API
# voor accountants": only a client login or a company login may consent, never an accountant
# master login).
REST_CONSENT = {
    "en": "In Nmbrs the customer consents to these scopes when the integration asks for access "
    "(with a client login or a company login, not an accountant login). Consent cannot be "
    "widened later: a missing scope means consenting again with the whole list.",
    "nl": "De klant geeft in Nmbrs toestemming voor deze scopes wanneer de koppeling om toegang "
    "vraagt (met een klantlogin of bedrijfslogin, niet met een accountantslogin). Een "
    "toestemming kan later niet worden uitgebreid: ontbreekt er een scope, dan moet opnieuw "
    "toestemming worden gegeven voor de hele lijst.",
}
REST_LABELS = {
    "en": {
        "scopes": "Scopes to consent to",
        "calls": "REST calls per operation",
        "none": "no REST equivalent",
        "any": "any of",
    },
    "nl": {
        "scopes": "Scopes waarvoor toestemming nodig is",
        "calls": "REST-aanroepen per API-call",
        "none": "geen REST-equivalent",
        "any": "een van",
    },
}
LABELS = {
    "en": {
        "source": "Defined in",
        "built_in": "nmbrs-tui itself (built in)",
        "built_in_short": "built in",
        "operations": "operations",
        "none": "no profiles",
    },
    "nl": {
        "source": "Vastgelegd in",
        "built_in": "nmbrs-tui zelf (ingebouwd)",
        "built_in_short": "ingebouwd",
        "operations": "API-calls",
        "none": "geen profielen",
    },
}


def source_text(source: str, lang: str, *, short: bool = False) -> str:
    """Where a profile is defined, in words: nmbrs-tui itself, or the file it came from."""
    from nmbrs_client.rights.requirements import BUILT_IN
    from nmbrs_client.textsafe import line

    if source == BUILT_IN:
        return LABELS[lang]["built_in_short" if short else "built_in"]
    return line(source)


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "requirements",
        help="list or show the rights profiles `check` can verify",
        description="Requirement profiles: named lists of the operations "
        "an integration needs (built in: integration, app; "
        "more in config.toml or a TOML file).",
    )
    parser.add_argument("--config", dest="config_path", help="path of config.toml to use")
    actions = parser.add_subparsers(dest="action", metavar="{list,show}")
    actions.add_parser("list", help="all profiles: name, title, number of operations, source")
    show = actions.add_parser(
        "show", help="one profile grouped by service, as in the API template editor"
    )
    show.add_argument("name", help="profile name or TOML file")
    show.add_argument("--lang", choices=("en", "nl"), default="en")
    show.add_argument("--format", "-f", choices=("text", "json"), default="text")
    show.add_argument(
        "--api",
        choices=API_CHOICES,
        default=ApiKind.SOAP.value,
        help="soap: operations to tick in the API template; rest: scopes to consent to",
    )
    parser.set_defaults(handler=run)
    for child in (parser, *actions.choices.values()):
        child.set_defaults(handler=run)


def _config(args: argparse.Namespace) -> Any:
    from nmbrs_client.config import load_config

    path = getattr(args, "config_path", None)
    return load_config(Path(path) if path else None)


def render_profile(profile: Any, lang: str = "en") -> str:
    """The profile as a checklist per service, in the order of the template editor."""
    lines = [f"{profile.name}: {profile.title_in(lang)}"]
    if profile.description and lang == "en":
        lines.append(profile.description)
    lines.append(
        f"{LABELS[lang]['source']}: {source_text(profile.source, lang)}  "
        f"({len(profile.operations)} {LABELS[lang]['operations']})"
    )
    lines.append("")
    # Nmbrs' own menu names (sources in nmbrs_client/rights/nmbrs_words.py), imported here:
    # the parser is built before the dashboard's first frame, so this module stays light.
    from nmbrs_client.rights import nmbrs_words

    editor_path = {
        "en": f"In Nmbrs: {nmbrs_words.TEMPLATE_PATH['en']}; set to active in each service:",
        "nl": f"In Nmbrs: {nmbrs_words.TEMPLATE_PATH['nl']}; zet per onderdeel op actief:",
    }
    lines.append(editor_path[lang])
    for service, operations in profile.by_service():
        lines.append(f"  {nmbrs_words.SERVICE_NAMES[lang][service]}")
        lines.extend(f"    [ ] {op.name}" for op in operations)
    return "\n".join(lines) + "\n"


def render_rest_profile(profile: Any, lang: str = "en") -> str:
    """The REST form: the scope list to consent to, then which REST calls replace what."""
    from nmbrs_client.rights.rest_requirements import GAP_TEXT, Equivalence

    labels = REST_LABELS[lang]
    rest = profile.rest()
    lines = [f"{profile.name}: {profile.title_in(lang)}", ""]
    lines.append(REST_CONSENT[lang])
    lines.append("")
    lines.append(f"{labels['scopes']}:")
    lines.extend(f"  [ ] {scope}" for scope in rest.scopes)
    lines.append("")
    lines.append(f"{labels['calls']}:")
    for item in rest.replacements:
        lines.append(f"  {item.soap_operation}")
        if item.equivalence is Equivalence.NONE:
            lines.append(f"    – {labels['none']}")
        for op in item.operations:
            lines.append(f"    GET {op.path}  ({labels['any']} {', '.join(op.scopes)})")
        lines.extend(f"    ! {GAP_TEXT[lang][gap]}" for gap in item.gaps)
    return "\n".join(lines) + "\n"


def rest_profile_dict(profile: Any) -> dict[str, Any]:
    rest = profile.rest()
    return {
        "name": profile.name,
        "api": "rest",
        "scopes": list(rest.scopes),
        "replacements": [
            {
                "soap_operation": item.soap_operation,
                "equivalence": item.equivalence.value,
                "rest_operations": [
                    {"name": op.name.value, "path": op.path, "scopes": list(op.scopes)}
                    for op in item.operations
                ],
                "gaps": [gap.value for gap in item.gaps],
            }
            for item in rest.replacements
        ],
        "extra_rest_operations": [op.value for op in rest.extra_operations],
    }


def render_list(profiles: dict[str, Any], lang: str = "en") -> str:
    if not profiles:
        return LABELS[lang]["none"] + "\n"
    width = max(len(name) for name in profiles)
    lines = [
        f"{name:<{width}}  {len(p.operations):>3} {LABELS[lang]['operations']:<10} "
        f"{p.title}  [{source_text(p.source, lang, short=True)}]"
        for name, p in profiles.items()
    ]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from nmbrs_client.rights.requirements import available_profiles, find_profile

    config = _config(args)
    action = getattr(args, "action", None) or "list"
    if action == "list":
        sys.stdout.write(render_list(available_profiles(config)))
        return 0
    profile = find_profile(args.name, config)  # ConfigError → 64 in tui.cli
    rest = ApiKind(getattr(args, "api", ApiKind.SOAP)) is ApiKind.REST
    if args.format == "json":
        data = rest_profile_dict(profile) if rest else profile.to_dict()
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    elif rest:
        sys.stdout.write(render_rest_profile(profile, args.lang))
    else:
        sys.stdout.write(render_profile(profile, args.lang))
    return 0
