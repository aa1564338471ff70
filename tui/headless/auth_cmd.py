"""`nmbrs-tui auth login|status|logout`: the REST API's OAuth login, usable over SSH.

``login`` prints the authorize URL, then waits for the browser's redirect on the loopback
port of the registered redirect URI (forward it with ``ssh -L <port>:localhost:<port>``) and,
at the same time, for the landing URL pasted into the terminal; ``--paste`` skips the
listener. ``status`` shows the granted scopes and the expiry; ``logout`` revokes the tokens
at the identity service and deletes them here. Client id, secret and subscription key are
read from the environment, the profile's 0600 file or the keyring (never from argv) and are
never printed; the tokens neither.

Exit codes: 0 done, 1 status: not logged in, 2 the login or revocation failed, 64 usage.
"""

from __future__ import annotations

import argparse
import select
import sys
import time
from datetime import UTC, datetime
from typing import Any

from nmbrs_client.exit_codes import ExitCode

LOGIN_TIMEOUT_S = 300.0  # Nmbrs' authorization code lives 5 minutes


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "auth",
        help="log in to the Nmbrs REST API (OAuth), show or remove the login",
        description="OAuth 2.0 login for the REST API (authorization code + PKCE).",
    )
    actions = parser.add_subparsers(dest="auth_action", required=True)
    for name, text in (
        ("login", "log in in a browser and store the tokens (mode 0600)"),
        ("status", "show the granted scopes and when the token expires"),
        ("logout", "revoke the tokens and delete them"),
    ):
        action = actions.add_parser(name, help=text, description=text)
        action.add_argument(
            "--profile", "-P", default=None, help="profile name (default: the default profile)"
        )
        action.add_argument("--config", dest="config_path", help="path of config.toml")
        if name == "login":
            action.add_argument(
                "--paste",
                action="store_true",
                help="do not listen on the loopback port; only read the pasted landing URL",
            )
            action.add_argument(
                "--scope",
                action="append",
                metavar="SCOPE",
                help="ask for this scope (repeatable; default: every read scope the tool uses)",
            )
            action.add_argument(
                "--timeout", type=float, default=LOGIN_TIMEOUT_S, help=argparse.SUPPRESS
            )
        action.set_defaults(handler=run)


def _say(message: str) -> None:
    print(f"nmbrs-tui auth: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from nmbrs_client.errors import NmbrsError
    from nmbrs_client.rest.auth.credentials import load_credentials
    from nmbrs_client.rest.auth.tokens import TokenStore

    try:
        profile, settings = _profile_settings(args)
        if settings is None and args.auth_action == "login":
            settings = _create_or_bind(args, profile)
            if settings is None:
                print("Nothing changed: no profile, no login.")
                return ExitCode.CONNECT
        credentials = load_credentials(profile, settings=settings)
        store = TokenStore(profile, kind=settings.rest.token_store if settings else None)
        if args.auth_action == "login":
            return _login(args, credentials, store)
        if args.auth_action == "status":
            return _status(credentials, store)
        return _logout(credentials, store)
    except NmbrsError as exc:
        _say(str(exc))
        if exc.hint:
            print(f"  {exc.hint}", file=sys.stderr)
        return ExitCode.CONNECT


def _profile_settings(args: argparse.Namespace) -> tuple[str, Any]:
    """(profile name, its resolved REST settings or None when config.toml has no REST for it)."""
    from nmbrs_client.config import load_config, resolve_config_path, resolve_settings
    from tui.demo_logins import demo_access

    config = load_config(resolve_config_path(args.config_path))
    default = config.profiles.get(config.default_profile or "")
    # Without -P: the default profile when it has REST; never bind REST to it unasked.
    name: str = (
        args.profile
        or (config.default_profile if default is not None and default.has_rest else None)
        or "rest"
    )
    profile = config.profiles.get(name)
    if profile is None or not profile.has_rest:
        return name, None
    return name, resolve_settings(
        config, profile=name, overrides={"api": "rest"}, demo_access=demo_access
    )


def _create_or_bind(args: argparse.Namespace, name: str) -> Any:
    """Write the REST part of profile ``name`` from the ``NMBRS_REST_*`` variables.

    A login needs a profile to belong to; the variables the REST demo (or the integrator's
    shell) exports say where the hosts are and which secrets the environment holds. On a
    terminal the user is asked first; in a script the profile is written and said so.
    """
    import os

    from nmbrs_client.config import load_config, resolve_config_path, resolve_settings
    from nmbrs_client.config_urls import environment_for_url
    from nmbrs_client.config_writer import add_profile
    from nmbrs_client.rest.auth.credentials import ENV
    from tui.demo_logins import demo_access

    path = resolve_config_path(args.config_path)
    config = load_config(path)
    old = config.profiles.get(name)
    env = {key: os.environ.get(var, "").strip() for key, var in ENV.items()}
    rest: dict[str, Any] = {
        key: env[key]
        for key in ("base_url", "identity_url", "client_id", "redirect_uri")
        if env[key]
    }
    for secret in ("client_secret", "subscription_key"):
        if env[secret]:
            rest[f"{secret}_from"] = "env"
    changes: dict[str, Any] = {"rest": rest}
    base = rest.get("base_url")
    if old is None:
        changes["api"] = "rest"
        changes["environment"] = (
            (environment_for_url(base, "rest") or "custom") if base else "production"
        )
    where = f"REST API {base or 'of Nmbrs (production)'}"
    if rest.get("identity_url"):
        where += f", identity service {rest['identity_url']}"
    verb = "create it as a REST profile" if old is None else "add its REST part"
    question = f"Profile '{name}' has no REST settings in {path}: {verb} ({where})?"
    if sys.stdin is not None and sys.stdin.isatty():
        print(f"{question} [Y/n] ", end="", flush=True)
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("", "y", "yes", "j", "ja"):
            return None
    config, created = add_profile(path, name, changes)
    print(f"{'Created' if created else 'Updated'} profile '{name}' in {path} (mode 600): {where}.")
    if old is not None and old.api != "rest":
        print('The profile still opens on SOAP: add --api rest to use REST (or set api = "rest").')
    return resolve_settings(
        config, profile=name, overrides={"api": "rest"}, demo_access=demo_access
    )


def _login(args: argparse.Namespace, credentials: Any, store: Any) -> int:
    from nmbrs_client.errors import ConfigError
    from nmbrs_client.rest.auth.loopback import LoopbackCatcher
    from nmbrs_client.rest.auth.oauth import LoginError, OAuthFlow
    from nmbrs_client.rest.auth.tokens import TokenSet
    from nmbrs_client.rest_operations import DEFAULT_SCOPES

    scopes = tuple(args.scope) if args.scope else DEFAULT_SCOPES
    flow = OAuthFlow(credentials)
    try:
        pending = flow.start(scopes)
        catcher = None
        if not args.paste:
            try:
                catcher = LoopbackCatcher(pending.redirect_uri)
            except ConfigError as exc:
                _say(f"{exc}; falling back to pasting the landing URL")
        print("Open this URL in a browser and log in with a client or company login:")
        print()
        print(f"  {pending.url}")
        print()
        if catcher is not None:
            print(
                f"Waiting for the redirect on port {catcher.port} (over SSH: "
                f"ssh -L {catcher.port}:localhost:{catcher.port} <this host>),"
            )
            print("or paste the URL the browser landed on and press Enter:", flush=True)
            with catcher:
                landing = _wait_for_landing(catcher, args.timeout)
        else:
            print("Then paste the URL the browser landed on and press Enter:", flush=True)
            landing = _read_pasted(args.timeout)
        if not landing:
            raise LoginError(
                "no landing URL arrived in time",
                hint="The code lives 5 minutes: run `nmbrs-tui auth login` again.",
            )
        response = flow.finish(pending, landing)
    finally:
        flow.close()
    tokens = TokenSet.from_response(response)
    with store.lock():
        store.save(tokens)
    print(f"Logged in; tokens stored in {store.where}.")
    _print_grant(tokens, scopes)
    return ExitCode.OK


def _wait_for_landing(catcher: Any, timeout_s: float) -> str | None:
    deadline = time.monotonic() + timeout_s
    interactive = sys.stdin is not None and not sys.stdin.closed
    while time.monotonic() < deadline:
        landing: str | None = catcher.wait(0.2)
        if landing:
            return landing
        if interactive:
            try:
                readable, _, _ = select.select([sys.stdin], [], [], 0)
            except (OSError, ValueError):
                interactive = False
                continue
            if readable:
                line = sys.stdin.readline()
                if not line:
                    interactive = False
                elif line.strip():
                    return line.strip()
    return None


def _read_pasted(timeout_s: float) -> str | None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            readable, _, _ = select.select([sys.stdin], [], [], 0.5)
        except (OSError, ValueError):
            line = sys.stdin.readline()
            return line.strip() or None
        if readable:
            line = sys.stdin.readline()
            if not line:
                return None
            if line.strip():
                return line.strip()
    return None


def _print_grant(tokens: Any, asked: tuple[str, ...]) -> None:
    expires = datetime.fromtimestamp(tokens.expires_at, UTC)
    left = tokens.expires_at - time.time()
    print(f"  granted scopes  : {tokens.scope or '(none reported)'}")
    print(
        f"  access token    : expires {expires:%Y-%m-%d %H:%M:%S} UTC "
        f"({'expired' if left <= 0 else f'in {int(left // 60)} min'})"
    )
    print(
        "  refresh token   : "
        + ("present (single use, rotates)" if tokens.refresh_token else "none (no offline_access)")
    )
    missing = sorted(set(asked) - tokens.scopes) if tokens.scope else []
    if missing:
        print(f"  not granted     : {' '.join(missing)}")


def _status(credentials: Any, store: Any) -> int:
    from nmbrs_client.rest.auth.credentials import ENV
    from nmbrs_client.rest_operations import DEFAULT_SCOPES

    print(f"profile {credentials.profile}: REST API {credentials.base_url}")
    print(f"  identity        : {credentials.identity_url}")
    for name in ("client_id", "client_secret", "subscription_key"):
        where = credentials.sources.get(name)
        print(f"  {name:<16}: {'set (' + where + ')' if where else 'missing (' + ENV[name] + ')'}")
    tokens = store.load()
    if tokens is None:
        print(f"  login           : none (run `nmbrs-tui auth login -P {credentials.profile}`)")
        return ExitCode.FINDINGS
    print(f"  tokens          : {store.where}")
    _print_grant(tokens, DEFAULT_SCOPES)
    return ExitCode.OK


def _logout(credentials: Any, store: Any) -> int:
    from nmbrs_client.errors import ConfigError
    from nmbrs_client.rest.auth.oauth import OAuthFlow

    with store.lock():
        tokens = store.load()
        if tokens is None:
            print(f"profile {credentials.profile} has no stored REST login.")
            return ExitCode.OK
        revoked = True
        try:
            flow = OAuthFlow(credentials)
        except ConfigError as exc:
            _say(f"cannot revoke at the identity service: {exc}")
            revoked = False
        else:
            try:
                if tokens.refresh_token:
                    revoked = flow.revoke(tokens.refresh_token, "refresh_token") and revoked
                revoked = flow.revoke(tokens.access_token, "access_token") and revoked
            finally:
                flow.close()
        store.delete()
    if revoked:
        print(f"Revoked and deleted the REST login of profile {credentials.profile}.")
        return ExitCode.OK
    print(
        f"Deleted the REST login of profile {credentials.profile} here, but the identity "
        "service did not confirm the revocation: remove the app in Nmbrs' App Manager."
    )
    return ExitCode.CONNECT
