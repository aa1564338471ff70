"""Dutch calendar words, as Nmbrs and Dutch reports write them (lower case)."""

from __future__ import annotations

MONTHS_NL: tuple[str, ...] = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
