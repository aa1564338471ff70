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

from nmbrs_client.operations import Service

EDITOR_PATH = {
    "en": "In Nmbrs: Settings → Template users → <your API template> → API; enable in each "
    "service:",
    "nl": "In Nmbrs: Instellingen → Sjabloongebruikers → <uw API-sjabloon> → API; zet per "
    "service aan:",
}
SERVICE_NAMES = {
    "en": {
        Service.EMPLOYEE: "Employee service",
        Service.COMPANY: "Company service",
        Service.DEBTOR: "Debtor service",
    },
    "nl": {
        Service.EMPLOYEE: "Employee service (werknemers)",
        Service.COMPANY: "Company service (bedrijven)",
        Service.DEBTOR: "Debtor service (debiteuren)",
    },
}
LABELS = {
    "en": {"source": "Source", "operations": "operations", "none": "no profiles"},
    "nl": {"source": "Bron", "operations": "API-calls", "none": "geen profielen"},
}


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
    parser.set_defaults(handler=run)
    for child in (parser, *actions.choices.values()):
        child.set_defaults(handler=run)


def _config(args: argparse.Namespace) -> Any:
    from nmbrs_client.config import load_config

    path = getattr(args, "config_path", None)
    return load_config(Path(path) if path else None)


def render_profile(profile: Any, lang: str = "en") -> str:
    """The profile as a checklist per service, in the order of the template editor."""
    lines = [f"{profile.name}: {profile.title}"]
    if profile.description:
        lines.append(profile.description)
    lines.append(
        f"{LABELS[lang]['source']}: {profile.source}  "
        f"({len(profile.operations)} {LABELS[lang]['operations']})"
    )
    lines.append("")
    lines.append(EDITOR_PATH[lang])
    for service, operations in profile.by_service():
        lines.append(f"  {SERVICE_NAMES[lang][service]}")
        lines.extend(f"    [ ] {op.name}" for op in operations)
    return "\n".join(lines) + "\n"


def render_list(profiles: dict[str, Any], lang: str = "en") -> str:
    if not profiles:
        return LABELS[lang]["none"] + "\n"
    width = max(len(name) for name in profiles)
    lines = [
        f"{name:<{width}}  {len(p.operations):>3} {LABELS[lang]['operations']:<10} "
        f"{p.title}  [{p.source}]"
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
    if args.format == "json":
        sys.stdout.write(json.dumps(profile.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(render_profile(profile, args.lang))
    return 0
