"""`nmbrs-tui config path|show|add`: find, explain and create connection profiles.

``show`` prints every resolved setting with where it came from, so a support engineer can see
at once why a run talks to the wrong environment; the token is only ever described by its
source. ``add`` asks the questions (or takes flags, for scripts and tests) and writes
config.toml, and optionally a private token file, with mode 0600.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from nmbrs_client.config_names import CONFIG_ENV_VAR, ENVIRONMENTS
from nmbrs_client.errors import ConfigError
from nmbrs_client.exit_codes import ExitCode

# The parser is built before the dashboard's first frame, so what needs pydantic (config,
# config_writer) is imported by the sub-command when it runs, not here.

_CONFIG_HELP = f"path of config.toml (default: ${CONFIG_ENV_VAR} or the user config folder)"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "config",
        help="show where the configuration is, explain it, add profiles",
        description="Manage connection profiles in config.toml.",
    )
    parser.add_argument("--config", dest="config_path", help=_CONFIG_HELP)
    parser.set_defaults(handler=run, config_action=None)
    actions = parser.add_subparsers(dest="config_action", parser_class=type(parser))

    path = actions.add_parser("path", help="print the path of config.toml and whether it exists")
    _add_config_option(path)

    show = actions.add_parser("show", help="print every resolved setting and where it came from")
    _add_config_option(show)
    show.add_argument("--profile", "-P", help="profile to resolve (default: the default one)")
    show.add_argument("--base-url", help="as the connection flag of the same name")
    show.add_argument("--username", help="as the connection flag of the same name")
    show.add_argument("--domain", help="as the connection flag of the same name")

    add = actions.add_parser(
        "add", help="add or update a profile (asks questions unless --name is given)"
    )
    _add_config_option(add)
    add.add_argument("--name", help="profile name (letters, digits, '-', '_'); no prompts")
    add.add_argument("--environment", choices=ENVIRONMENTS)
    add.add_argument("--username", help="API user e-mail")
    add.add_argument("--domain", help="Nmbrs domain; leave out to discover it")
    add.add_argument("--base-url", help="SOAP v3 base URL (environment custom or demo)")
    add.add_argument("--token-file", help="existing private file (mode 600) holding the token")
    add.add_argument(
        "--token-stdin",
        action="store_true",
        help="read the token from standard input and store it in a private file "
        "next to config.toml",
    )
    add.add_argument(
        "--default", action="store_true", dest="make_default", help="make this the default profile"
    )


def _add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", dest="config_path", default=argparse.SUPPRESS, help=_CONFIG_HELP
    )


def run(args: argparse.Namespace) -> int:
    from nmbrs_client.config import resolve_config_path

    action = getattr(args, "config_action", None)
    path = resolve_config_path(getattr(args, "config_path", None))
    if action == "path":
        return _run_path(path)
    if action == "show":
        return _run_show(path, args)
    if action == "add":
        return _run_add(path, args)
    print("usage: nmbrs-tui config {path,show,add} [--config PATH]", file=sys.stderr)
    return ExitCode.USAGE


def _run_path(path: Path) -> int:
    from nmbrs_client.config import load_config
    from nmbrs_client.token_sources import is_owner_only

    print(path)
    if not path.exists():
        print("does not exist yet: create it with `nmbrs-tui config add`")
        return ExitCode.OK
    config = load_config(path)
    names = ", ".join(sorted(config.profiles)) or "none"
    private = "private (mode 600)" if is_owner_only(path) else "readable by others"
    print(
        f"exists, {private}; profiles: {names}"
        + (f"; default: {config.default_profile}" if config.default_profile else "")
    )
    return ExitCode.OK


def _run_show(path: Path, args: argparse.Namespace) -> int:
    from nmbrs_client.config import describe_settings, load_config, resolve_settings

    config = load_config(path)
    overrides = {"base_url": args.base_url, "username": args.username, "domain": args.domain}
    settings = resolve_settings(config, profile=args.profile, overrides=overrides)
    state = "exists" if config.exists else "does not exist"
    print(f"config file: {path} ({state})")
    rows = describe_settings(settings)
    width = max(len(name) for name, _, _ in rows)
    value_width = min(60, max(len(value) for _, value, _ in rows))
    for name, value, source in rows:
        print(f"  {name:<{width}}  {value:<{value_width}}  ({source})")
    if settings.is_production:
        print("  note: this is the production environment (read-only calls only)")
    return ExitCode.OK


def _ask(prompt: str, default: str | None = None) -> str:
    suffix = f" [{default}]" if default else ""
    try:
        answer = input(f"{prompt}{suffix}: ").strip()
    except EOFError:
        answer = ""
    return answer or (default or "")


def _run_add(path: Path, args: argparse.Namespace) -> int:
    from nmbrs_client.config import load_config
    from nmbrs_client.config_writer import PROFILE_NAME_PATTERN, add_profile, write_token_file

    interactive = args.name is None
    existing = load_config(path)  # validates first: never rewrite a broken file
    name = args.name or _ask("Profile name (letters, digits, - or _)")
    if not PROFILE_NAME_PATTERN.fullmatch(name or ""):
        raise ConfigError(f"invalid profile name {name!r}: use letters, digits, '-' or '_'")
    old = existing.profiles.get(name)
    if (
        interactive
        and old is not None
        and _ask(f"Profile '{name}' exists in {path}; update it? (y/N)", "n").lower()
        not in ("y", "yes")
    ):
        print("Nothing changed.")
        return ExitCode.OK

    environment = args.environment or (
        _ask(f"Environment ({'/'.join(ENVIRONMENTS)})", old.environment if old else "production")
        if interactive
        else (old.environment if old else "production")
    )
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"unknown environment {environment!r} (one of {', '.join(ENVIRONMENTS)})")
    changes: dict[str, Any] = {"environment": environment}
    username = args.username or (
        _ask("API username (e-mail)", old.username if old else None) if interactive else None
    )
    if username:
        changes["username"] = username
    elif not (old and old.username) and environment != "demo":
        raise ConfigError(
            "a username is required (the API user's e-mail address)",
            hint="Pass --username, or answer the prompt.",
        )
    domain = (
        args.domain
        if args.domain is not None
        else (
            _ask("Domain (blank: discover it)", old.domain if old else None)
            if interactive
            else None
        )
    )
    if domain is not None:
        changes["domain"] = domain.strip()
    if environment in ("custom", "demo"):
        base_url = args.base_url or (
            _ask("Base URL of the SOAP v3 service", old.base_url if old else None)
            if interactive
            else None
        )
        if base_url:
            changes["base_url"] = base_url
    elif args.base_url:
        changes["base_url"] = args.base_url

    token_file, token_text = _token_choice(path, name, args, interactive)
    if token_file is not None:
        changes["token_file"] = str(token_file)

    if token_text is not None and token_file is not None:
        write_token_file(token_file, token_text)
    make_default = args.make_default or (
        interactive
        and bool(existing.default_profile)
        and existing.default_profile != name
        and _ask(f"Make '{name}' the default profile? (y/N)", "n").lower() in ("y", "yes")
    )
    try:
        config, created = add_profile(path, name, changes, make_default=make_default)
    except ConfigError:
        if (
            token_text is not None
            and token_file is not None
            and not (old and old.token_file and Path(old.token_file).expanduser() == token_file)
        ):
            token_file.unlink(missing_ok=True)
        raise
    print(f"{'Added' if created else 'Updated'} profile '{name}' in {path} (mode 600).")
    if config.default_profile == name:
        print(f"'{name}' is the default profile.")
    if token_file is None and not (old and (old.token_file or old.token)) and environment != "demo":
        print("No token stored: set NMBRS_TOKEN before connecting.")
    print(f"Check it with: nmbrs-tui config show --profile {name}")
    return ExitCode.OK


def _token_choice(
    path: Path, name: str, args: argparse.Namespace, interactive: bool
) -> tuple[Path | None, str | None]:
    """(token_file to reference, token text to write there or None if the file exists)."""
    from nmbrs_client.token_sources import read_token_file

    beside = path.parent / f"{name}.token"
    if args.token_file:
        token_file = Path(args.token_file).expanduser().absolute()
        read_token_file(token_file)  # exists, private, not empty: or a ConfigError now
        return token_file, None
    if args.token_stdin:
        return beside, sys.stdin.readline()
    if not interactive:
        return None, None
    choice = _ask(
        f"Store the token in a private file {beside} (f), or use only the "
        "NMBRS_TOKEN variable (e)?",
        "e",
    ).lower()
    if choice not in ("f", "file"):
        return None, None
    token = getpass.getpass("API token (not shown): ")
    if not token.strip():
        raise ConfigError("no token entered: nothing was written")
    return beside, token
