"""Every exit code of every ``nmbrs-tui`` command, in one place.

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
# Exit 2 has several causes: these words are for when its cause is not known (a check kept
# in the history without one); a known cause is named by CONNECT_CAUSES.
VERDICT_WORDS: dict[int, str] = {
    ExitCode.OK: "all allowed",
    ExitCode.FINDINGS: "rights missing",
    ExitCode.CONNECT: "not established",
    ExitCode.NOT_VERIFIED: "not verified",
    ExitCode.USAGE: "profile unusable",
}
# Exit 2 by its cause, in the README's three kinds (cannot authenticate, cannot connect, a
# result not established): the check's stop reasons (``StopReason`` values) and the causes of
# results not established after retries (``report_words.ERROR_CAUSES`` keys). A gateway
# refusal is no failure to connect or authenticate, and its verdict never says it is one.
CONNECT_CAUSES: dict[str, str] = {
    "auth_failed": "cannot authenticate: login refused",
    "token_refused": "cannot authenticate: access token refused",
    "token_or_key": "cannot authenticate: access token or subscription key refused",
    "subscription_key": "cannot authenticate: subscription key refused",
    "connect": "cannot connect",
    "gateway": "not established: refused by the API gateway",
    "quota": "not established: call quota used up",
    "throttled": "not established: throttled by Nmbrs",
    "cancelled": "not established: cancelled",
    "out_of_time": "not established: out of time",
    "network": "not established: network or server errors",
}
VERDICT_GLYPHS: dict[int, str] = {
    ExitCode.OK: "✓",
    ExitCode.FINDINGS: "✗",
    ExitCode.CONNECT: "⚠",
    ExitCode.NOT_VERIFIED: "?",
    ExitCode.USAGE: "!",
}


def verdict_words(code: int, causes: Sequence[str] = ()) -> str:
    """``rights missing``, or for exit 2 its causes as :data:`CONNECT_CAUSES` words them
    (``not established: refused by the API gateway, network or server errors``)."""
    said = [CONNECT_CAUSES[c] for c in dict.fromkeys(causes) if c in CONNECT_CAUSES]
    if code != ExitCode.CONNECT or not said:
        return VERDICT_WORDS.get(code, "unknown verdict")
    kind = "not established: "
    if all(words.startswith(kind) for words in said):
        return kind + ", ".join(words.removeprefix(kind) for words in said)
    return "; ".join(said)


def verdict_text(code: int, causes: Sequence[str] = ()) -> str:
    """``✗ rights missing (exit 1)``: a check's verdict as a person reads it (``causes``: why
    an exit 2 happened, see :func:`verdict_words`)."""
    return f"{VERDICT_GLYPHS.get(code, '·')} {verdict_words(code, causes)} (exit {code})"
