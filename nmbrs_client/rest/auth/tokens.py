"""The token store: one private file per profile, refreshed under a lock.

Nmbrs' refresh tokens are single use and rotate: spending one twice (two dashboards, a cron
job beside a dashboard) kills the integration until someone logs in again in a browser. So a
refresh happens only under an exclusive file lock, and after taking the lock the store is read
again: if another process has already refreshed, its new token is used and nothing is spent.
The file is written atomically (a temporary file, then rename) with mode 0600 in a 0700
folder. The keyring is used instead of the file when the ``keyring`` package is importable
and ``NMBRS_REST_TOKEN_STORE=keyring`` asks for it; the lock file stays on disk either way.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import filelock

from nmbrs_client import locations
from nmbrs_client.errors import ConfigError, NmbrsError, SecretOfOneConnection
from nmbrs_client.private_file import ensure_private_dir, write_private_file_exactly

REFRESH_MARGIN_S = 120.0  # refresh this long before expiry
LOCK_TIMEOUT_S = 60.0
KEYRING_SERVICE = "nmbrs-tui-rest-token"


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str | None
    scope: str
    expires_at: float  # unix time
    token_type: str = "Bearer"
    obtained_at: float = 0.0

    @classmethod
    def from_response(cls, response: Mapping[str, Any], *, now: float | None = None) -> TokenSet:
        """A token endpoint response (RFC 6749 §5.1) as stored."""
        at = time.time() if now is None else now
        access = response.get("access_token")
        if not isinstance(access, str) or not access:
            raise NmbrsError("the token endpoint returned no access_token")
        expires_in = response.get("expires_in")
        try:
            lifetime = float(expires_in) if expires_in is not None else 3600.0
        except (TypeError, ValueError):
            lifetime = 3600.0
        refresh = response.get("refresh_token")
        scope = response.get("scope")
        return cls(
            access_token=access,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            scope=" ".join(scope.split()) if isinstance(scope, str) else "",
            expires_at=float(response.get("expires_at") or at + lifetime),
            token_type=str(response.get("token_type") or "Bearer"),
            obtained_at=at,
        )

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.scope.split())

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        return self.expires_at - (time.time() if now is None else now) <= seconds

    def __repr__(self) -> str:
        return f"TokenSet(scope={self.scope!r}, expires_at={self.expires_at:.0f}, «redacted»)"


class LoginRequiredError(ConfigError):
    """There is no usable token: a person must log in (again) in a browser.

    A :class:`ConfigError`, so every command reports it in one line with its hint.
    """


class TokenStore:
    """Stored tokens of one profile: load, save atomically, delete, and the refresh lock."""

    def __init__(self, profile: str, folder: Path | None = None, kind: str | None = None) -> None:
        safe = "".join(ch for ch in profile if ch.isalnum() or ch in "-_.")
        if not safe or safe.startswith("."):
            raise ConfigError(f"profile name {profile!r} cannot name a file")
        self.profile = profile
        self.folder = folder or locations.tokens_dir()
        self.path = self.folder / f"{safe}.json"
        self.lock_path = self.folder / f"{safe}.lock"
        # ``kind`` is the profile's token_store; without one, NMBRS_REST_TOKEN_STORE decides.
        kind = kind or os.environ.get("NMBRS_REST_TOKEN_STORE") or "file"
        self._keyring = _keyring() if kind == "keyring" else None

    @property
    def where(self) -> str:
        return f"keyring {KEYRING_SERVICE}/{self.profile}" if self._keyring else str(self.path)

    def _ensure_folder(self) -> None:
        ensure_private_dir(self.folder, tighten=True)

    def lock(self) -> filelock.BaseFileLock:
        self._ensure_folder()
        return filelock.FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT_S, mode=0o600)

    def load(self) -> TokenSet | None:
        text: str | None
        if self._keyring is not None:
            text = self._keyring.get_password(KEYRING_SERVICE, self.profile)
        else:
            try:
                text = self.path.read_text(encoding="utf-8")
            except FileNotFoundError:
                return None
            except OSError as exc:
                raise ConfigError(f"cannot read {self.path}: {exc.strerror}") from None
        if not text:
            return None
        try:
            data = json.loads(text)
            return TokenSet(**{k: data[k] for k in TokenSet.__dataclass_fields__ if k in data})
        except (ValueError, TypeError):
            raise ConfigError(
                f"the stored token of profile '{self.profile}' is unreadable",
                hint=f"Run `nmbrs-tui auth login -P {self.profile}` again.",
            ) from None

    def save(self, tokens: TokenSet) -> None:
        text = json.dumps(asdict(tokens))
        if self._keyring is not None:
            self._keyring.set_password(KEYRING_SERVICE, self.profile, text)
            return
        self._ensure_folder()
        write_private_file_exactly(self.path, text.encode("utf-8"), overwrite=True)

    def delete(self) -> None:
        if self._keyring is not None:
            try:
                self._keyring.delete_password(KEYRING_SERVICE, self.profile)
            except Exception:  # already gone
                return
            return
        self.path.unlink(missing_ok=True)


def _keyring() -> Any:
    try:
        import keyring
    except ImportError:
        return None
    return keyring


Refresher = Callable[[str], Mapping[str, Any]]  # refresh token → token response


class RefreshingTokens:
    """An :class:`~nmbrs_client.rest.client.AccessTokenSource` over a :class:`TokenStore`.

    ``clock`` (unix time) says when a token is due for a refresh; tests move it on instead of
    waiting for a token to expire.
    """

    def __init__(
        self, store: TokenStore, refresher: Refresher, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self._refresher = refresher
        self._cached: TokenSet | None = None
        self._clock = clock

    def due(self, tokens: TokenSet) -> bool:
        """Whether ``tokens`` must be refreshed before the next call."""
        return tokens.expires_within(REFRESH_MARGIN_S, now=self._clock())

    def current(self) -> TokenSet:
        tokens = self._cached or self.store.load()
        if tokens is None:
            raise LoginRequiredError(
                f"profile '{self.store.profile}' has no REST login",
                hint=f"Run `nmbrs-tui auth login -P {self.store.profile}`.",
            )
        self._cached = tokens
        return tokens

    def access_token(self) -> str:
        tokens = self.current()
        if self.due(tokens):
            tokens = self._refresh(rejected=None)
        return tokens.access_token

    def refresh_after_rejection(self, rejected: str) -> str | None:
        """A new token after Nmbrs refused ``rejected``, or ``None``: then the refusal stands.

        Whatever stops the refresh (no login, no app credentials, the identity service out of
        reach), Nmbrs has refused this token, and that is what the caller reports: "log in
        again", never "Nmbrs could not be reached". Except a refresh this run may not make
        (:class:`SecretOfOneConnection`): it was never tried, so whether a new login is needed
        is not known, and that is raised for the caller to say.
        """
        try:
            return self._refresh(rejected=rejected).access_token
        except SecretOfOneConnection:
            raise
        except NmbrsError:
            return None

    def granted_scopes(self) -> frozenset[str] | None:
        try:
            return self.current().scopes
        except LoginRequiredError:
            return None

    def _refresh(self, rejected: str | None) -> TokenSet:
        """Refresh under the lock, unless another process already did."""
        with self.store.lock():
            stored = self.store.load()
            if stored is None:
                self._cached = None
                raise LoginRequiredError(
                    f"profile '{self.store.profile}' has no REST login",
                    hint=f"Run `nmbrs-tui auth login -P {self.store.profile}`.",
                )
            fresh_enough = not self.due(stored)
            if fresh_enough and (rejected is None or stored.access_token != rejected):
                self._cached = stored  # someone else refreshed meanwhile
                return stored
            if not stored.refresh_token:
                raise LoginRequiredError(
                    "the access token expired and there is no refresh token "
                    "(was offline_access granted?)",
                    hint=f"Run `nmbrs-tui auth login -P {self.store.profile}`.",
                )
            try:
                response = self._refresher(stored.refresh_token)
            except LoginRequiredError:
                raise
            new = TokenSet.from_response(response)
            if new.refresh_token is None:
                # No rotation in this reply: the old refresh token stays the valid one.
                new = TokenSet(**{**asdict(new), "refresh_token": stored.refresh_token})
            if not new.scope:
                new = TokenSet(**{**asdict(new), "scope": stored.scope})
            self.store.save(new)
            self._cached = new
            return new
