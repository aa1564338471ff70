"""Typed errors: every failure the client can raise, with a plain-language hint.

Nmbrs reports problems as SOAP faults whose text carries ``---> NNNN: message``. That code is
turned into a :class:`FaultCategory` so callers (the rights engine, the TUI, the CLI) can act on
the category and show the hint, without parsing text themselves. Problems below SOAP (timeouts,
refused connections, HTML error pages from proxies) are :class:`NmbrsTransportError`. No message
built here ever includes the token: the constructors only receive operation names, hosts, codes
and server texts, and :func:`redact` scrubs a known secret from any text as a last line of defence.
"""

from __future__ import annotations

import html
import re
import ssl
from enum import StrEnum

from nmbrs_client import textsafe


class FaultCategory(StrEnum):
    AUTHENTICATION = "authentication"
    ENDPOINT_RIGHT_MISSING = "endpoint_right_missing"
    NO_DATA_ACCESS = "no_data_access"
    NO_SUBSCRIPTION = "no_subscription"
    NOT_FOUND = "not_found"
    SERVER = "server"
    UNKNOWN = "unknown"


_CATEGORY_BY_CODE: dict[int, FaultCategory] = {
    1001: FaultCategory.AUTHENTICATION,
    1002: FaultCategory.ENDPOINT_RIGHT_MISSING,
    1003: FaultCategory.NO_DATA_ACCESS,
    2003: FaultCategory.NO_DATA_ACCESS,
    2004: FaultCategory.NO_DATA_ACCESS,
    2009: FaultCategory.NO_DATA_ACCESS,
    1004: FaultCategory.NO_SUBSCRIPTION,
    2046: FaultCategory.NOT_FOUND,
    9999: FaultCategory.SERVER,
}

# Nmbrs' own titles for the codes a read-only tool can meet.
FAULT_TITLES: dict[int, str] = {
    1001: "Invalid Authentication",
    1002: "Unauthorized Access",
    1003: "Unauthorized Access (data)",
    1004: "Disabled, no valid subscription",
    1006: "Generic Login Security Failure",
    2003: "Unauthorized Access (employee)",
    2004: "Unauthorized Access (company)",
    2006: "Invalid Period",
    2009: "Unauthorized Access (debtor)",
    2046: "Not Found",
    9999: "Unknown server error",
}

_CODE_PATTERN = re.compile(r"--->\s*(\d{3,5})[ \t]*:[ \t]*([^\r\n]*)")


def category_for(code: int | None) -> FaultCategory:
    if code is None:
        return FaultCategory.UNKNOWN
    return _CATEGORY_BY_CODE.get(code, FaultCategory.UNKNOWN)


def parse_fault_text(text: str | None) -> tuple[int | None, str]:
    """Extract ``(code, message)`` from a faultstring; the code is ``None`` if there is none.

    Searches for the first ``---> NNNN:`` anywhere (a .NET stack trace may follow it), and
    keeps only that line's message. Without a code the first line of the text is the message.
    """
    if not text:
        return None, ""
    match = _CODE_PATTERN.search(text)
    if match:
        return int(match.group(1)), match.group(2).strip()[:500]
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    prefix = "Server was unable to process request."
    if first_line.startswith(prefix):
        first_line = first_line[len(prefix) :].strip(" .->") or first_line
    return None, first_line[:500]


# The one 1001 advice: the Connection pane, the Rights pane and `check` all say this.
# Worded to hold whichever calls a domain reaches: the username and token are what 1001 is
# about on every call; the domain is only said to be right when the profile names one.
AUTH_ADVICE = (
    "Copy the username (your e-mail address) and the API token again from Nmbrs (top right → "
    "User profile → API Token; a reset token is no longer valid). Where the profile names a "
    "domain, it must be the environment's SubDomain."
)


def hint_for(category: FaultCategory, operation: str | None = None, code: int | None = None) -> str:
    """What the engineer should do (or ask the customer to do) about a fault."""
    op = operation or "this operation"
    service, _, name = op.partition(".")
    if category is FaultCategory.AUTHENTICATION:
        return AUTH_ADVICE
    if category is FaultCategory.ENDPOINT_RIGHT_MISSING:
        where = f"{service} → enable {name}" if name else f"enable {op}"
        return (
            f"The API user's template does not allow {op}. In Nmbrs: Settings (highest "
            f"level) → User accounts → Template Users → <the API template> → API → {where}."
        )
    if category is FaultCategory.NO_DATA_ACCESS:
        what = {2003: "employee", 2004: "company", 2009: "debtor"}.get(code or 0, "data")
        return (
            f"The account cannot reach this {what}: extend the API user's debtor tag "
            "(accountant login) or company filter (client login), or check the id."
        )
    if category is FaultCategory.NO_SUBSCRIPTION:
        return (
            "The environment has no valid subscription for the API: a commercial matter with Nmbrs."
        )
    if category is FaultCategory.NOT_FOUND:
        return "Nmbrs has no such record: check the id."
    if category is FaultCategory.SERVER:
        return (
            "Nmbrs reported an unknown server error: retry; if it persists, open a ticket "
            "with Nmbrs giving the time, date and operation."
        )
    return "Nmbrs returned an error without a known code: retry, and quote the message to Nmbrs."


class NmbrsError(Exception):
    """Base of every error this package raises on purpose."""

    hint: str = ""
    # Set by the client's retry loop: how many attempts were made, and whether the policy
    # gave up on a transient failure (then nobody should retry it again on top).
    attempts: int = 1
    retries_exhausted: bool = False

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class NmbrsFault(NmbrsError):
    """Nmbrs answered with a SOAP fault."""

    def __init__(
        self, operation: str, code: int | None, text: str, *, faultcode: str | None = None
    ) -> None:
        self.operation = operation
        self.code = code
        self.text = textsafe.line(text)  # server text: never raw into a terminal or report
        self.faultcode = textsafe.line(faultcode) if faultcode is not None else None
        self.category = category_for(code)
        title = FAULT_TITLES.get(code or 0, "")
        text = self.text
        label = f"{code}: {text or title}" if code is not None else (text or "SOAP fault")
        super().__init__(
            f"{operation} failed with Nmbrs fault {label}",
            hint=hint_for(self.category, operation, code),
        )

    @property
    def asks_to_slow_down(self) -> bool:
        """A fault without a known code whose text asks to slow down: throttling (Nmbrs
        documents throttling by delay, so such a fault is read by its words), for the retry
        and for the report alike."""
        text = self.text.lower()
        return self.code is None and any(word in text for word in _SLOW_DOWN_WORDS)


_SLOW_DOWN_WORDS = ("too many", "rate limit", "throttl", "slow down", "try again later")


class NmbrsTransportError(NmbrsError):
    """The call did not produce a SOAP answer: network, TLS, HTTP or XML trouble."""

    def __init__(
        self,
        operation: str,
        host: str,
        problem: str,
        *,
        kind: str = "transport",
        status: int | None = None,
        retryable: bool = True,
        hint: str = "",
        retry_after_s: float | None = None,
    ) -> None:
        self.operation = operation
        self.host = textsafe.line(host)
        self.problem = textsafe.line(problem)  # may quote a proxy page's title
        problem = self.problem
        # timeout | connection | tls | http | malformed | too_large | redirect | deadline | closed
        # | cancelled
        self.kind = kind
        self.status = status
        self.retryable = retryable
        self.retry_after_s = retry_after_s
        super().__init__(
            f"{operation} to {host}: {problem}", hint=hint or _transport_hint(kind, host)
        )

    @property
    def answered(self) -> bool:
        """A server answered, but not with a usable reply: the network got there, so this is
        server trouble, never "could not be reached" (both APIs read it here)."""
        return self.kind in ANSWERED_KINDS


# Transport trouble from a server that answered: an HTTP error or HTML page, a reply that is
# no SOAP XML or JSON, one too large, a redirect. The other kinds (refused, not found, TLS, no
# answer in time, the connection broken) never got a reply.
ANSWERED_KINDS = frozenset({"http", "malformed", "too_large", "redirect"})


def _transport_hint(kind: str, host: str) -> str:
    return {
        "timeout": f"{host} did not answer in time: check the network or raise the timeout.",
        "connection": f"Could not connect to {host}: check the base URL, VPN and proxy.",
        "tls": f"The TLS handshake with {host} failed: check the proxy or the system certificates.",
        "http": f"{host} answered with an HTTP error page, not SOAP: a proxy or an outage; "
        "retry later.",
        "malformed": f"{host} sent a reply that is not valid SOAP XML: retry; if it repeats, "
        "a proxy is probably rewriting the traffic.",
        "too_large": "The reply is larger than the configured limit (max_response_mb).",
        "redirect": f"{host} redirected elsewhere; nmbrs-tui does not follow redirects: check "
        "the base URL.",
        "closed": "The connection was closed before this call was made; nothing was sent.",
        "cancelled": "The work was cancelled before this call was made; nothing was sent.",
    }.get(kind, f"Talking to {host} failed.")


def connection_closed(operation: str, host: str) -> NmbrsTransportError:
    """A call refused because its client was closed (quitting, switching profile): queued
    work must end at once instead of reaching a server nobody waits for any more."""
    return NmbrsTransportError(
        operation, host, "not made: the connection was closed", kind="closed", retryable=False
    )


class OperationNotAllowedError(NmbrsError):
    """An operation outside the read-only allowlist was requested."""


class ConfigError(NmbrsError):
    """The configuration (file, environment or flags) cannot be used as it is."""


class SecretOfOneConnection(NmbrsError):
    """A profile checked among many (``--all-profiles``) whose secret is only in a variable.

    The variable belongs to the one connection it was exported for, never to each profile of
    a run, so the profile is not checked: the run says so ("not verified", never a verdict
    borrowed from another customer's secret) and how to check it on its own.
    """

    def __init__(self, profile: str, secret: str, variable: str) -> None:
        super().__init__(
            f"its {secret} is only in {variable}, which belongs to the one connection it was "
            "exported for, not to every profile",
            hint=f"check it on its own: nmbrs-tui check -P {profile} (or open it: nmbrs-tui -P "
            f"{profile})",
        )
        self.profile = profile
        self.variable = variable


_REDACTED = "«redacted»"


def _forms(secret: str | None) -> set[str]:
    """The secret as it may come back: as sent, and as XML or HTML write it (``&amp;``,
    ``&lt;``, ``&gt;``), which is how a server that echoes it inside markup returns it."""
    if not secret or len(secret) < 4:
        return set()
    return {secret, html.escape(secret, quote=False)}


def redact(text: str, *secrets: str | None) -> str:
    """Replace every occurrence of a secret in ``text`` by a fixed marker."""
    for secret in secrets:
        for form in _forms(secret):
            text = text.replace(form, _REDACTED)
    return text


def redact_bytes(data: bytes, *secrets: str | None) -> bytes:
    """:func:`redact` on a reply's bytes (UTF-8), before any text is taken from it (a text cut
    short for a one-line message could otherwise keep a secret's first part)."""
    for secret in secrets:
        for form in _forms(secret):
            raw = form.encode("utf-8", "surrogatepass")
            if raw in data:
                data = data.replace(raw, _REDACTED.encode("utf-8"))
    return data


def tls_reason(error: BaseException) -> str | None:
    """Why a TLS handshake failed, as the ssl module says it (``self-signed certificate``,
    ``certificate has expired``, ``wrong version number``), or None when no TLS error is in
    ``error``'s chain.

    requests and httpx each wrap the ssl module's error two or three times (with pool class
    names, retry counts and the URL around it); the reason alone is what a support engineer
    can act on, the same on both APIs.
    """
    pending: list[object] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            text = getattr(current, "verify_message", None) or (
                str(current.reason).lower().replace("_", " ") if current.reason else None
            )
            return textsafe.line(text or type(current).__name__)[:120]
        pending.extend((current.__cause__, current.__context__, getattr(current, "reason", None)))
        pending.extend(current.args)
    return None


def tls_failure(error: BaseException) -> str:
    """The one line for a failed handshake on either API: ``TLS failure (reason)``, with
    :func:`tls_reason`'s reason, or a plain one when the ssl module gave none."""
    return f"TLS failure ({tls_reason(error) or 'the handshake failed'})"
