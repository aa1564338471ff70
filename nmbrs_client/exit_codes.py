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
# names its cause (``findings.verdict_words``, in ``report_words.EXIT_2_CAUSES``' words).
VERDICT_WORDS: dict[int, str] = {
    ExitCode.OK: "all allowed",
    ExitCode.FINDINGS: "rights missing",
    ExitCode.CONNECT: "not established",
    ExitCode.NOT_VERIFIED: "not verified",
    ExitCode.USAGE: "profile unusable",
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
    return f"{VERDICT_GLYPHS.get(code, '·')} {words or VERDICT_WORDS.get(code, 'unknown verdict')} (exit {code})"
