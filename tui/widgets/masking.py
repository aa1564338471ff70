"""Masking of personal data (BSN, IBAN, salary, birth date, address) until the user reveals it.

One rule for dates (:func:`date_is_personal`): a birth date is personal; the dates of a job,
a contract, a schedule, a run or a pay period are not, so tables, the employee detail and
document text all show those and mask the birth date. In document text a date is shown only
when its line says it is one of those; a date the text does not name is masked, since it
might be a birth date.

Support engineers often share their screen or work over SSH in shared rooms: personal data is
shown masked by default and revealed per screen with a key press. Revealing is deliberately
kept in a small object owned by one screen or pane, so leaving that screen forgets it.
The helpers are pure functions (no Textual) so exports and tests use the very same masking.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

MASK = "•"
MASKED_MONEY = "€ •••••"
MASKED_DATE = "••-••-••••"
MASKED_ADDRESS = "••••• (masked)"


def mask_bsn(value: str | None) -> str:
    """Keep only the last two digits: enough to compare with what a customer reads out."""
    if not value:
        return ""
    text = str(value).strip()
    return MASK * max(len(text) - 2, 0) + text[-2:]


def mask_iban(value: str | None) -> str:
    """Keep the country code and the last four characters (how banks print a masked IBAN)."""
    if not value:
        return ""
    text = str(value).replace(" ", "")
    if len(text) <= 6:
        return MASK * len(text)
    return text[:2] + MASK * (len(text) - 6) + text[-4:]


def mask_money(value: Decimal | float | int | str | None) -> str:
    """Hide the amount completely: even its magnitude is personal."""
    if value is None or value == "":
        return ""
    return MASKED_MONEY


def mask_date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    return MASKED_DATE


def mask_address(value: str | None) -> str:
    if not value:
        return ""
    return MASKED_ADDRESS


# Labels of the dates that are not personal (Dutch as on payslips, English as on screen).
_NOT_PERSONAL_DATE = re.compile(
    r"\b(?:tijdvak|periode|period|week|run|verloning|in dienst|uit dienst|dienstverband|"
    r"contract|rooster|schedule|employment|start|einde)\b",
    re.IGNORECASE,
)
_BIRTH_DATE = re.compile(r"geboren|geboorte|birth|\bgeb\.", re.IGNORECASE)


def date_is_personal(label: str) -> bool:
    """Whether a date under ``label`` is masked until revealed: a birth date always, and a
    date whose label names none of the non-personal kinds (a job, contract, schedule, run,
    pay period), since it might be one."""
    return bool(_BIRTH_DATE.search(label)) or not _NOT_PERSONAL_DATE.search(label)


def date_masker(label: str) -> Callable[[str], str] | None:
    """A table column's masker for dates under ``label``: None when they are not personal."""
    return (lambda text: MASKED_DATE) if date_is_personal(label) else None


def _mask_dates(text: str) -> str:
    """The dates of each line that :func:`date_is_personal` says are personal."""
    out = []
    for line in text.split("\n"):
        first = _DATE_RE.search(line)
        if first is not None and date_is_personal(line[: first.start()]):
            line = _DATE_RE.sub(MASKED_DATE, line)
        out.append(line)
    return "\n".join(out)


def format_date(value: date | datetime | None) -> str:
    """Dates as the Dutch users read them on payslips: dd-mm-yyyy."""
    if value is None:
        return ""
    return value.strftime("%d-%m-%Y")


def format_money(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {text}"


@runtime_checkable
class MasksPersonalData(Protocol):
    """A screen that can reveal personal data and mask it again on request (screenshots)."""

    def mask_personal_data(self) -> bool:
        """Mask what is revealed; ``True`` when something was revealed before."""
        ...


@dataclass
class Reveal:
    """Per-screen reveal switch: personal values pass through only while ``revealed``."""

    revealed: bool = False

    def toggle(self) -> bool:
        self.revealed = not self.revealed
        return self.revealed

    def reset(self) -> None:
        self.revealed = False

    @property
    def label(self) -> str:
        return (
            "◉ personal data REVEALED (v hides)"
            if self.revealed
            else "◌ personal data masked (v reveals)"
        )

    def bsn(self, value: str | None) -> str:
        return (value or "") if self.revealed else mask_bsn(value)

    def iban(self, value: str | None) -> str:
        return (value or "") if self.revealed else mask_iban(value)

    def money(self, value: Decimal | float | int | None) -> str:
        return format_money(value) if self.revealed else mask_money(value)

    def date(self, value: date | datetime | None, label: str) -> str:
        """A date under ``label``, masked when :func:`date_is_personal` says so."""
        if self.revealed or not date_is_personal(label):
            return format_date(value)
        return mask_date(value)

    def address(self, value: str | None) -> str:
        return (value or "") if self.revealed else mask_address(value)


# Patterns for free text (the text of a payslip PDF): what looks like personal data is masked.
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){10,30}\b")
_BSN_RE = re.compile(r"\b\d{9}\b")
_DATE_RE = re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")
# An amount with a euro sign is money; a bare decimal (hours, percentages, amounts in a
# payslip column) is masked without claiming to be money, so "Uren 38,00" never reads "€".
_MONEY_RE = re.compile(r"€\s?-?\d{1,3}(?:[.,]\d{3})*[.,]\d{2}\b")
_DECIMAL_RE = re.compile(r"-?\b\d{1,3}(?:[.,]\d{3})*[.,]\d{2}\b")
_POSTCODE_RE = re.compile(r"\b\d{4}\s?[A-Z]{2}\b")
_POSTCODE_LINE_RE = re.compile(r"^\s*\d{4}\s?[A-Z]{2}\b.*$")
# Dutch street names end in one of these words; with a house number the line is an address.
_STREET_RE = re.compile(
    r"\b[\w'.-]*(?:straat|weg|laan|plein|gracht|kade|singel|dijk|pad|steeg|hof|dreef|markt|"
    r"park|baan|ring|wal|plantsoen|dam|burgwal|erf|veld|hoek)\s+\d{1,5}\s?[A-Za-z]{0,2}"
    r"(?:[-/ ]?\d{1,4}[A-Za-z]?)?\b",
    re.IGNORECASE,
)
MASKED_NUMBER = "••,••"
MASKED_POSTCODE = "•••• ••"


def _mask_address_lines(text: str) -> str:
    """A postcode line and the line above it (street and house number) form an address."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if _POSTCODE_LINE_RE.match(line):
            lines[index] = MASKED_ADDRESS
            if index > 0 and lines[index - 1].strip() and not _has_label(lines[index - 1]):
                lines[index - 1] = MASKED_ADDRESS
    return "\n".join(lines)


def _has_label(line: str) -> bool:
    """A document line like "Werknemer J. Jansen" carries a label and is not an address."""
    return bool(re.match(r"^\s*[A-Z][a-z]+(?:\s[a-z]+)*\s{2,}", line)) or ":" in line


def mask_text(text: str) -> str:
    """Mask what looks like an IBAN, BSN, date, amount, address or postcode in free text.

    A heuristic for document text (payslips, annual statements): names and headings stay
    readable, numbers that identify or pay a person and where they live do not. Order
    matters: IBANs contain digit runs a BSN would match, and a postcode marks an address block.
    """
    text = _IBAN_RE.sub(lambda m: mask_iban(m.group(0)), text)
    text = _BSN_RE.sub(lambda m: mask_bsn(m.group(0)), text)
    text = _mask_dates(text)
    text = _MONEY_RE.sub(MASKED_MONEY, text)
    text = _DECIMAL_RE.sub(MASKED_NUMBER, text)
    text = _mask_address_lines(text)
    text = _STREET_RE.sub(MASKED_ADDRESS, text)
    return _POSTCODE_RE.sub(MASKED_POSTCODE, text)
