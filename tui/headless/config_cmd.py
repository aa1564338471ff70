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
from nmbrs_client.ids import ApiKind
from tui.headless.options import API_CHOICES

# The parser is built before the dashboard's first frame, so what needs pydantic (config,
# config_writer) is imported by the sub-command when it runs, not here.

SECRET_PLACES = ("env", "keyring", "file")
_CONFIG_HELP = f"path of config.toml (default: ${CONFIG_ENV_VAR} or the user config folder)"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "config",
        help="show where the configuration is, explain it, add profiles",
        description="Manage connection profiles in config.toml. Its keys: default_profile, "
        "download_dir, history_keep (recorded checks kept per profile, 1 to 100000, default "
        "50), [profiles.NAME] with its [profiles.NAME.soap] and [profiles.NAME.rest] parts, and "
        "[requirements.NAME]; the README's Profiles section shows each.",
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
    show.add_argument("--api", choices=API_CHOICES, help="as the connection flag")

    add = actions.add_parser(
        "add", help="add or update a profile (asks questions unless --name is given)"
    )
    _add_config_option(add)
    add.add_argument("--name", help="profile name (letters, digits, '-', '_'); no prompts")
    add.add_argument(
        "--api",
        choices=API_CHOICES,
        help="which API the profile uses (default: the profile's, else soap)",
    )
    add.add_argument("--environment", choices=ENVIRONMENTS)
    add.add_argument(
        "--base-url",
        help="base URL of the API (SOAP v3 service, or REST host); implies environment custom",
    )
    soap = add.add_argument_group("SOAP (--api soap)")
    soap.add_argument("--username", help="API user e-mail")
    soap.add_argument("--domain", help="Nmbrs domain; leave out to discover it")
    soap.add_argument("--token-file", help="existing private file (mode 600) holding the token")
    soap.add_argument(
        "--token-stdin",
        action="store_true",
        help="read the token from standard input and store it in a private file "
        "next to config.toml",
    )
    rest = add.add_argument_group("REST (--api rest)")
    rest.add_argument("--identity-url", help="identity service (default: Nmbrs' own)")
    rest.add_argument("--client-id", help="client id of the app registered at Nmbrs")
    rest.add_argument("--redirect-uri", help="redirect URI registered on the app")
    for name, text in (
        ("client-secret", "client secret"),
        ("subscription-key", "subscription key"),
    ):
        rest.add_argument(
            f"--{name}-from",
            choices=SECRET_PLACES,
            help=f"where the {text} is kept: env (variable), keyring, or file (the profile's "
            "0600 file); default: whichever has it",
        )
    rest.add_argument(
        "--secrets-stdin",
        action="store_true",
        help="read the client secret and the subscription key (one line each) from standard "
        "input and store them where --client-secret-from/--subscription-key-from say",
    )
    rest.add_argument(
        "--token-store",
        choices=("file", "keyring"),
        help="where `auth login` keeps the tokens (default: a 0600 file)",
    )
    add.add_argument(
        "--default", action="store_true", dest="make_default", help="make this the default profile"
    )
    add.add_argument(
        "--test",
        action="store_true",
        help="test the connection once the profile is saved, as the Connection pane does "
        "(SOAP; asked when interactive); exit 2 when Nmbrs cannot be reached or refuses the "
        "credentials",
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
    from tui.demo_logins import demo_access

    config = load_config(path)
    overrides = {
        "base_url": args.base_url,
        "username": args.username,
        "domain": args.domain,
        "api": args.api,
    }
    settings = resolve_settings(
        config, profile=args.profile, overrides=overrides, demo_access=demo_access
    )
    state = "exists" if config.exists else "does not exist"
    print(f"config file: {path} ({state})")
    rows = describe_settings(settings)
    if settings.rest_part is not None and settings.environment != "demo":
        at = next(i for i, row in enumerate(rows) if row[0] == "rest.token_store") + 1
        rows[at:at] = _rest_secret_rows(settings)
    width = max(len(name) for name, _, _ in rows)
    value_width = min(60, max(len(value) for _, value, _ in rows))
    for name, value, source in rows:
        print(f"  {name:<{width}}  {value:<{value_width}}  ({source})")
    for endpoint in settings.endpoints():
        if endpoint.kind == "production":
            print(f"  note: {endpoint.role} {endpoint.host} is Nmbrs' production (read-only calls)")
    return ExitCode.OK


def _rest_secret_rows(settings: Any) -> list[tuple[str, str, str]]:
    """Where the REST secrets and the login are found right now (never the values)."""
    import os

    from nmbrs_client.rest.auth.credentials import load_credentials, secret_place_hint
    from nmbrs_client.rest.auth.tokens import TokenStore
    from nmbrs_client.rest.connect import TOKEN_ENV

    profile = settings.profile_name or "rest"
    credentials = load_credentials(profile, settings=settings)
    rows: list[tuple[str, str, str]] = []
    for name in ("client_secret", "subscription_key"):
        source = credentials.sources.get(name)
        if source:
            rows.append((name, "«set»", source))
        else:
            place = getattr(settings.rest, f"{name}_from")
            rows.append((name, "missing", secret_place_hint(profile, name, place)))
    if os.environ.get(TOKEN_ENV, "").strip():
        rows.append(("access_token", "«set»", f"env {TOKEN_ENV} (overrides the login)"))
    else:
        store = TokenStore(profile, kind=settings.rest.token_store)
        logged_in = store.load() is not None
        rows.append(
            (
                "access_token",
                "«login stored»" if logged_in else f"none: run `nmbrs-tui auth login -P {profile}`",
                store.where,
            )
        )
    return rows


def _ask(prompt: str, default: str | None = None) -> str:
    suffix = f" [{default}]" if default else ""
    try:
        answer = input(f"{prompt}{suffix}: ").strip()
    except EOFError:
        answer = ""
    return answer or (default or "")


def _yes(prompt: str, default: str = "n") -> bool:
    return _ask(prompt, default).lower() in ("y", "yes")


def _run_add(path: Path, args: argparse.Namespace) -> int:
    from nmbrs_client.config import load_config
    from nmbrs_client.config_writer import PROFILE_NAME_PATTERN, add_profile

    interactive = args.name is None
    existing = load_config(path)  # validates first: never rewrite a broken file
    name = args.name or _ask("Profile name (letters, digits, - or _)")
    if not PROFILE_NAME_PATTERN.fullmatch(name or ""):
        raise ConfigError(f"invalid profile name {name!r}: use letters, digits, '-' or '_'")
    old = existing.profiles.get(name)
    if (
        interactive
        and old is not None
        and not _yes(f"Profile '{name}' exists in {path}; update it? (y/N)")
    ):
        print("Nothing changed.")
        return ExitCode.OK
    kept = old.api if old else ApiKind.SOAP
    answer = args.api or (_ask("API (soap/rest)", kept) if interactive else kept)
    try:
        api = ApiKind(answer)
    except ValueError:
        raise ConfigError(f"unknown API {answer!r} (soap or rest)") from None
    # Each API's part of the profile is asked for by its own questions.
    changes_of = {ApiKind.SOAP: _soap_changes, ApiKind.REST: _rest_changes}
    changes, written = changes_of[api](path, name, args, old, interactive)
    changes["api"] = api.value
    make_default = args.make_default or (
        interactive
        and bool(existing.default_profile)
        and existing.default_profile != name
        and _yes(f"Make '{name}' the default profile? (y/N)")
    )
    try:
        config, created = add_profile(path, name, changes, make_default=make_default)
    except ConfigError:
        for undo in written:
            undo()
        raise
    print(f"{'Added' if created else 'Updated'} profile '{name}' in {path} (mode 600).")
    if config.default_profile == name:
        print(f"'{name}' is the default profile.")
    if api is ApiKind.SOAP:
        soap = config.profiles[name].soap
        if not (soap.token_file or soap.token) and changes["environment"] != "demo":
            print("No token stored: set NMBRS_TOKEN before connecting.")
    else:
        print(f"Log in with: nmbrs-tui auth login -P {name}")
    print(f"Check it with: nmbrs-tui config show --profile {name}")
    # REST needs `auth login` first, so only a SOAP profile can be tried right away
    if api is ApiKind.SOAP and (
        args.test or (interactive and _yes("Test the connection now? (Y/n)", "y"))
    ):
        return _test_connection(path, name)
    return ExitCode.OK


def _test_connection(path: Path, name: str) -> int:
    """Log in with the saved profile as the Connection pane does: credentials, domain, how
    many debtors and companies it sees; one line, and exit 2 when it did not work."""
    from nmbrs_client.config import load_settings
    from nmbrs_client.connect import open_backend
    from nmbrs_client.errors import NmbrsError
    from nmbrs_client.textsafe import line
    from tui.connect import CONNECTED, Connector, describe_error
    from tui.data.store import DataStore
    from tui.demo_logins import demo_access

    print(f"Testing the connection of '{name}'…", flush=True)
    try:
        backend = open_backend(load_settings(path, profile=name, demo_access=demo_access))
    except NmbrsError as exc:
        what, hint, _code = describe_error(exc)
        print(f"✗ {line(what)} — {line(hint)}", file=sys.stderr)
        return ExitCode.CONNECT
    connector = Connector(lambda _info: None, lambda: False)
    try:
        connector.check(backend, DataStore(backend))
    finally:
        backend.close()
    info = connector.info
    if info.stage != CONNECTED or info.credentials_ok is not True:
        print(
            f"✗ {line(info.last_error or 'no answer')} — {line(info.last_hint or '')}",
            file=sys.stderr,
        )
        return ExitCode.CONNECT
    seen = [f"{n} {what}" for what, n in (("debtors", info.debtors), ("companies", info.companies))]
    print(
        f"✓ credentials accepted (domain {line(info.domain or '-')}); visible: "
        + ", ".join(s for s in seen if not s.startswith("None"))
        + (f"; note: {line(info.last_error)}" if info.last_error else "")
    )
    return ExitCode.OK


def _environment(
    args: argparse.Namespace, old: Any, interactive: bool, api: str, base_url: str | None
) -> str:
    """The profile's environment: a flag, else implied by a base URL, else asked or kept."""
    from nmbrs_client.config_urls import environment_for_url

    if args.environment:
        environment = str(args.environment)
    elif base_url:
        environment = environment_for_url(base_url, api) or "custom"
    elif interactive and api == "soap":
        environment = _ask(
            f"Environment ({'/'.join(ENVIRONMENTS)})", old.environment if old else "production"
        )
    else:
        environment = old.environment if old else "production"
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"unknown environment {environment!r} (one of {', '.join(ENVIRONMENTS)})")
    return environment


def _soap_changes(
    path: Path, name: str, args: argparse.Namespace, old: Any, interactive: bool
) -> tuple[dict[str, Any], list[Any]]:
    """The SOAP part from flags or answers: user, domain, base URL, where the token is."""
    from nmbrs_client.config_writer import write_token_file

    was = old.soap if old is not None else None
    environment = _environment(args, old, interactive, "soap", args.base_url)
    soap: dict[str, Any] = {}
    username = args.username or (
        _ask("API username (e-mail)", was.username if was else None) if interactive else None
    )
    if username:
        soap["username"] = username
    elif not (was and was.username) and environment != "demo":
        raise ConfigError(
            "a username is required (the API user's e-mail address)",
            hint="Pass --username, or answer the prompt (a REST profile: --api rest).",
        )
    domain = (
        args.domain
        if args.domain is not None
        else (
            _ask("Domain (blank: discover it)", was.domain if was else None)
            if interactive
            else None
        )
    )
    if domain is not None:
        soap["domain"] = domain.strip()
    if environment in ("custom", "demo"):
        base_url = args.base_url or (
            _ask("Base URL of the SOAP v3 service", was.base_url if was else None)
            if interactive
            else None
        )
        if base_url:
            soap["base_url"] = base_url
    token_file, token_text = _token_choice(path, name, args, interactive)
    written: list[Any] = []
    if token_file is not None:
        soap["token_file"] = str(token_file)
        if token_text is not None:
            write_token_file(token_file, token_text)
            if not (was and was.token_file and Path(was.token_file).expanduser() == token_file):
                written.append(lambda: token_file.unlink(missing_ok=True))
    return {"environment": environment, "soap": soap}, written


def _rest_changes(
    path: Path, name: str, args: argparse.Namespace, old: Any, interactive: bool
) -> tuple[dict[str, Any], list[Any]]:
    """The REST part from flags or answers: hosts, the app, where each secret is kept."""
    from nmbrs_client.hosts import DEFAULT_REDIRECT_URI, PRODUCTION_API_URL

    was = old.rest if old is not None else None
    base_url = args.base_url
    if base_url is None and interactive:
        answer = _ask("REST API base URL", (was.base_url if was else None) or PRODUCTION_API_URL)
        base_url = None if answer.rstrip("/") == PRODUCTION_API_URL else answer
    environment = _environment(args, old, interactive, "rest", base_url)
    rest: dict[str, Any] = {}
    if base_url:
        rest["base_url"] = base_url
    identity_url = args.identity_url
    if identity_url is None and interactive and environment == "custom":
        identity_url = _ask("Identity service URL", was.identity_url if was else None)
    if identity_url:
        rest["identity_url"] = identity_url
    elif environment == "custom" and not (was and was.identity_url):
        raise ConfigError(
            "a custom REST host needs its identity service: pass --identity-url",
            hint="The REST demo prints it as NMBRS_REST_IDENTITY_URL.",
        )
    for key, prompt, default in (
        ("client_id", "Client id of your app (blank: NMBRS_REST_CLIENT_ID)", None),
        ("redirect_uri", "Redirect URI registered on the app", DEFAULT_REDIRECT_URI),
    ):
        value = getattr(args, key) or (
            _ask(prompt, (getattr(was, key) if was else None) or default) if interactive else None
        )
        if value:
            rest[key] = value
    written: list[Any] = []
    typed: dict[str, str] = {}
    if args.secrets_stdin:
        typed = {
            "client_secret": sys.stdin.readline().strip(),
            "subscription_key": sys.stdin.readline().strip(),
        }
    for key, text in (("client_secret", "client secret"), ("subscription_key", "subscription key")):
        place = getattr(args, f"{key}_from") or (
            _ask(f"Where is the {text} kept (env/keyring/file)", "env") if interactive else None
        )
        if place is None:
            continue
        if place not in SECRET_PLACES:
            raise ConfigError(f"unknown place {place!r} for the {text} (env, keyring or file)")
        rest[f"{key}_from"] = place
        secret = typed.get(key) or (
            getpass.getpass(f"{text.capitalize()} (not shown; blank: keep): ")
            if interactive and place != "env"
            else ""
        )
        if secret and place == "env":
            raise ConfigError(f"the {text} is kept in the environment: nothing to store")
        if secret:
            written.append(_store_secret(name, key, place, secret))
    token_store = args.token_store
    if token_store is None and interactive:
        token_store = _ask("Keep the login tokens in (file/keyring)", "file")
    if token_store:
        rest["token_store"] = token_store
    return {"environment": environment, "rest": rest}, written


def _store_secret(profile: str, key: str, place: str, secret: str) -> Any:
    """Store one REST secret in the profile's 0600 file or the keyring; returns its undo."""
    from nmbrs_client.rest.auth.credentials import store_secret

    return store_secret(profile, key, place, secret)


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
