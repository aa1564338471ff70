"""Payroll period calendar of the demo: which dates a period covers, how many periods a year has.

Monthly periods are calendar months. Weekly periods follow ISO weeks (so 2026 has 53, as Nmbrs
says); four-weekly period p covers ISO weeks 4p-3..4p, and period 13 runs to the year's last
ISO week.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from nmbrs_client.dutch import MONTHS_NL

PERIOD_TYPES = ("M", "W4", "W1")

MONTH_NAMES = MONTHS_NL  # period names as Nmbrs writes them

# How Company_GetCurrentPeriod spells each type: the WSDL documentation shows "2010-4-4W".
WIRE_PERIOD_TYPE = {"M": "M", "W4": "4W", "W1": "W1"}


def iso_weeks_in_year(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


def periods_in_year(period_type: str, year: int) -> int:
    if period_type == "M":
        return 12
    if period_type == "W4":
        return 13
    if period_type == "W1":
        return iso_weeks_in_year(year)
    raise ValueError(f"unknown period type {period_type!r}")


def period_dates(period_type: str, year: int, period: int) -> tuple[date, date]:
    """First and last day (inclusive) of a period."""
    if not 1 <= period <= periods_in_year(period_type, year):
        raise ValueError(f"period {period} out of range for {period_type} {year}")
    if period_type == "M":
        return date(year, period, 1), date(year, period, calendar.monthrange(year, period)[1])
    if period_type == "W1":
        first = date.fromisocalendar(year, period, 1)
        return first, first + timedelta(days=6)
    first = date.fromisocalendar(year, 4 * period - 3, 1)
    last_week = iso_weeks_in_year(year) if period == 13 else 4 * period
    return first, date.fromisocalendar(year, last_week, 7)


def period_label(period_type: str, year: int, period: int) -> str:
    """Dutch label as shown on a payslip: "maart 2026", "week 12 (16-03-2026 t/m 22-03-2026)"."""
    if period_type == "M":
        return f"{MONTH_NAMES[period - 1]} {year}"
    start, end = period_dates(period_type, year, period)
    word = "week" if period_type == "W1" else "periode"
    return f"{word} {period} ({start:%d-%m-%Y} t/m {end:%d-%m-%Y})"


def format_current_period(year: int, period: int, period_type: str) -> str:
    """The ``yyyy-p-type`` string of Company_GetCurrentPeriod (period not zero-padded)."""
    return f"{year}-{period}-{WIRE_PERIOD_TYPE[period_type]}"
