"""Every exit code of every ``nmbrs-tui`` command, in one place, and a check's verdict in words.

Scripts branch on these numbers, so each has one meaning for every command (the README lists
them): 0 nothing to do; 1 the customer must change something (a right, a scope, a login);
2 the result could not be established (cannot log in or connect, or not established after
retries); 3 a required operation could not be verified (nothing to call it with); 64 usage or
configuration (``sysexits.h``); 70 an internal error (``EX_SOFTWARE``); 128 + a signal for a
hang-up or a closed pipe. The rights report maps to 0-3 in
:func:`nmbrs_client.rights.results.exit_code_for`.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum


class ExitCode(IntEnum):
    """The process exit status; an ``int``, so ``sys.exit(ExitCode.USAGE)`` works as is."""

    OK = 0
    FINDINGS = 1  # something to change in Nmbrs (auth status: not logged in)
    CONNECT = 2  # cannot log in or connect, or not established after retries
    NOT_VERIFIED = 3  # a required operation could not be called (nothing to call it with)
    USAGE = 64  # EX_USAGE: how the command was called, or its configuration
    CRASH = 70  # EX_SOFTWARE: an unexpected exception (logged, never a traceback on screen)
    HANGUP = 129  # 128 + SIGHUP: the terminal went away
    INTERRUPTED = 130  # 128 + SIGINT: Ctrl+C
    BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of stdout left early


# What a rights check's exit code says, in words for JSON and scripts; the glyph for the eye.
# Exit 2 has several causes: these words are for when its cause is not known (a profile whose
# backend could not be opened, a check kept in the history without one); a report's verdict
# names its cause (:func:`verdict_words`, in EXIT_2_CAUSES' words).
VERDICT_WORDS: dict[int, str] = {
    ExitCode.OK: "all allowed",
    ExitCode.FINDINGS: "rights missing",
    ExitCode.CONNECT: "not established",
    ExitCode.NOT_VERIFIED: "not verified",
    ExitCode.USAGE: "profile unusable",
}
# An exit 2 in the README's three kinds: cannot authenticate, cannot connect, or a result not
# established; by its cause, the kind and what happened. The causes: the check's stop reasons
# (``rights.results.StopReason`` values) and those of results not established (the keys of
# ``rights.report_words.ERROR_CAUSES``).
# A gateway refusal is no failure to connect or authenticate, and never said to be one.
EXIT_2_KINDS: dict[str, dict[str, str]] = {
    "en": {
        "auth": "cannot authenticate",
        "connect": "cannot connect",
        "not_established": "not established",
    },
    "nl": {
        "auth": "kan niet inloggen",
        "connect": "geen verbinding",
        "not_established": "niet vastgesteld",
    },
}
EXIT_2_CAUSES: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "auth_failed": ("auth", "login refused"),
        "token_refused": ("auth", "access token refused"),
        "token_or_key": ("auth", "access token or subscription key refused"),
        "subscription_key": ("auth", "subscription key refused"),
        "connect": ("connect", ""),
        "gateway": ("not_established", "refused by the API gateway"),
        "quota": ("not_established", "call quota used up"),
        "throttled": ("not_established", "throttled by Nmbrs"),
        "cancelled": ("not_established", "cancelled"),
        "out_of_time": ("not_established", "out of time"),
        "network": ("not_established", "network or server errors"),
    },
    "nl": {
        "auth_failed": ("auth", "inlog geweigerd"),
        "token_refused": ("auth", "toegangstoken geweigerd"),
        "token_or_key": ("auth", "toegangstoken of subscription key geweigerd"),
        "subscription_key": ("auth", "subscription key geweigerd"),
        "connect": ("connect", ""),
        "gateway": ("not_established", "geweigerd door de API-gateway"),
        "quota": ("not_established", "aanroepquotum op"),
        "throttled": ("not_established", "afgeremd door Nmbrs"),
        "cancelled": ("not_established", "afgebroken"),
        "out_of_time": ("not_established", "geen tijd meer"),
        "network": ("not_established", "netwerk- of serverfouten"),
    },
}
VERDICT_GLYPHS: dict[int, str] = {
    ExitCode.OK: "✓",
    ExitCode.FINDINGS: "✗",
    ExitCode.CONNECT: "⚠",
    ExitCode.NOT_VERIFIED: "?",
    ExitCode.USAGE: "!",
}


def verdict_text(code: int, words: str | None = None) -> str:
    """``✗ rights missing (exit 1)``: a check's verdict as a person reads it; ``words`` in
    place of the code's own (an exit 2 that names its cause)."""
    said = words or VERDICT_WORDS.get(code, "unknown verdict")
    return f"{VERDICT_GLYPHS.get(code, '·')} {said} (exit {code})"


def exit_2_words(causes: Sequence[str], lang: str = "en") -> str:
    """An exit 2 in words that name its causes (``rights.findings.verdict_causes``), e.g. ``cannot
    authenticate: login refused`` or ``not established: refused by the API gateway, network
    or server errors``; ``not established`` when no cause is known."""
    kinds = EXIT_2_KINDS[lang]
    named: dict[str, list[str]] = {}
    for cause in dict.fromkeys(causes):
        if cause in EXIT_2_CAUSES[lang]:
            kind, what = EXIT_2_CAUSES[lang][cause]
            named.setdefault(kind, []).extend([what] if what else [])
    if not named:
        return kinds["not_established"]
    return "; ".join(
        f"{kinds[kind]}: {', '.join(whats)}" if whats else kinds[kind]
        for kind, whats in named.items()
    )


def verdict_words(code: int, causes: Sequence[str] = ()) -> str:
    """A check's exit code in words (English, as the JSON and scripts have them): an exit 2
    names its causes (:func:`exit_2_words`)."""
    if code == ExitCode.CONNECT:
        return exit_2_words(causes)
    return VERDICT_WORDS.get(code, "unknown verdict")
