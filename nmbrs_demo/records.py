"""The demo world's vocabulary: id ranges, fixed tables and the records the generator makes.

The records are internal to the demo (the world keeps them, the SOAP and REST views project them
into each API's shapes); treat every record as read-only. All names and numbers are fictitious.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from nmbrs_client.models import RunInfo
from nmbrs_demo.names import City

# The seed of the fictitious data and the day the demo lives on: the same world in every copy.
DEMO_SEED = 20261124
DEMO_TODAY = date(2026, 11, 24)

SIZES = ("standard", "large-accountant")

DEBTOR_ID_START = 1001
COMPANY_ID_START = 20001
EMPLOYEE_ID_START = 300001
RUN_ID_START = 5000001
RUNS_PER_COMPANY_BLOCK = 1000  # run ids of company k: RUN_ID_START + k*1000 + year_index*300 + n
RUNS_PER_YEAR_BLOCK = 300
DEPARTMENT_ID_START = 40001
FUNCTION_ID_START = 60001
FUNCTIONS_PER_COMPANY_BLOCK = 40
YEARS_OF_RUNS = 3  # today.year and the two years before
BIG_COMPANY_SIZE = 5000
FULLTIME_HOURS = Decimal(40)

EMPLOYEE_TYPES: tuple[tuple[int, str], ...] = (
    (1, "Werknemer"),
    (2, "Oproepkracht"),
    (3, "Stagiair"),
    (4, "Directeur-grootaandeelhouder"),
)
TYPE_EMPLOYEE, TYPE_ON_CALL, TYPE_INTERN, TYPE_DGA = 1, 2, 3, 4

SALARY_FULLTIME = "Bruto_Salaris_Fulltime"
SALARY_PARTTIME = "Bruto_Salaris_Partime"
SALARY_HOURLY = "Bruto_Uurloon"

# Nationality codes as integers; 1 is Dutch. The other values only stand for "another nationality".
DUTCH_NATIONALITY = 1
OTHER_NATIONALITIES: tuple[tuple[int, str], ...] = ((52, "BE"), (55, "DE"), (79, "PL"), (98, "TR"))

BANK_CITIES = {
    "INGB": "Amsterdam",
    "RABO": "Utrecht",
    "ABNA": "Amsterdam",
    "SNSB": "Utrecht",
    "ASNB": "Den Haag",
    "TRIO": "Zeist",
    "KNAB": "Amsterdam",
    "BUNQ": "Amsterdam",
}

CENT = Decimal("0.01")
YEARLY_INDEXATION = Decimal("0.97")  # salaries of earlier years are 3 % lower per year
PENSION_RATE = Decimal("0.055")
WEEKS_PER_PERIOD = {"M": Decimal(52) / Decimal(12), "W4": Decimal(4), "W1": Decimal(1)}
MONTH_TO_PERIOD = {
    "M": Decimal(1),
    "W4": Decimal(12) / Decimal(13),
    "W1": Decimal(12) / Decimal(52),
}

STANDARD_COMPANIES: tuple[tuple[int, str], ...] = (
    (3, "M"),
    (12, "W1"),
    (40, "M"),
    (85, "W4"),
    (250, "M"),
    (BIG_COMPANY_SIZE, "M"),
)


def derive(seed: int, *parts: object) -> int:
    """A stable 64-bit seed from the world seed and a purpose (no salted hash())."""
    text = ":".join([str(seed), *(str(part) for part in parts)])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time())


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


# --------------------------------------------------------------------------- check digits


def bsn_is_valid(bsn: str) -> bool:
    """The 11-test: 9 digits, sum(d_i * (9..2)) - d9 divisible by 11."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    digits = [int(ch) for ch in bsn]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0


def iban_is_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check."""
    text = iban.replace(" ", "").upper()
    if len(text) < 5 or not text.isalnum():
        return False
    moved = text[4:] + text[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def make_bsn(employee_id: int, rng: random.Random) -> str:
    """A unique, 11-test-valid BSN: the first 7 digits are a bijection of the employee id."""
    head = (employee_id * 7919 + 1234567) % 9_000_000 + 1_000_000
    digits = [int(ch) for ch in str(head)]
    partial = sum(d * w for d, w in zip(digits, range(9, 2, -1), strict=True))
    for d8 in rng.sample(range(10), 10):
        check = (partial + 2 * d8) % 11
        if check < 10:
            return f"{head}{d8}{check}"
    raise AssertionError("unreachable: at most one of ten eighth digits fails")


def make_iban(bank_code: str, rng: random.Random) -> str:
    """A Dutch IBAN whose 10-digit account also passes the old bank-account 11-test."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        partial = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        last = (-partial) % 11
        if last < 10:
            account = "".join(map(str, digits)) + str(last)
            break
    numeric = "".join(str(int(ch, 36)) for ch in f"{bank_code}{account}NL00")
    check = 98 - int(numeric) % 97
    return f"NL{check:02d}{bank_code}{account}"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class CompanySpec:
    index: int
    id: int
    debtor_id: int
    number: int
    name: str
    slug: str
    period_type: str
    size: int
    first_employee_id: int
    kvk: str
    phone: str | None
    fax: str | None
    email: str | None
    website: str | None
    loonaangifte: str
    city: City
    departments: tuple[int, ...]  # indices into DEPARTMENTS; 0 (Directie) always first
    has_pension: bool


@dataclass(frozen=True, slots=True)
class EmploymentRec:
    id: int
    start: date
    end: date | None
    created: datetime


@dataclass(frozen=True, slots=True)
class ScheduleRec:
    id: int
    week1: tuple[Decimal, ...]
    week2: tuple[Decimal, ...]
    start: date
    created: datetime

    @property
    def weekly_hours(self) -> Decimal:
        return (sum(self.week1, Decimal(0)) + sum(self.week2, Decimal(0))) / 2

    @property
    def parttime_percentage(self) -> Decimal:
        return money(self.weekly_hours / FULLTIME_HOURS * 100)


@dataclass(frozen=True, slots=True)
class BankRec:
    id: int
    iban: str
    bic: str
    bank_code: str
    type: str
    description: str


@dataclass(slots=True, eq=False)
class EmployeeRec:
    id: int
    number: int
    company_id: int
    employee_type: int
    first_name: str
    initials: str
    prefix: str
    last_name: str
    gender: str
    birthday: date
    bsn: str
    title: str | None
    title_after: str | None
    nickname: str | None
    nationality: int
    country_of_birth: str
    place_of_birth: str
    id_number: str
    id_type: int
    marital: str
    name_use: str
    partner_prefix: str | None
    partner_last_name: str | None
    phone_private: str | None
    mobile_private: str | None
    phone_work: str | None
    mobile_work: str | None
    email_private: str | None
    email_work: str | None
    emergency_name: str | None
    emergency_phone: str | None
    emergency_relation: str | None
    street: str
    house_number: str
    addition: str | None
    postcode: str
    city: str
    employments: tuple[EmploymentRec, ...]
    schedules: tuple[ScheduleRec, ...]
    department: int  # index into DEPARTMENTS
    function: int  # index into that department's functions
    salary_type: str
    fulltime_monthly: Decimal  # gross full-time salary per month in today.year
    hourly_wage: Decimal
    banks: tuple[BankRec, ...] = field(default=())

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.prefix, self.last_name) if part)

    @property
    def formal_name(self) -> str:
        return " ".join(part for part in (self.initials, self.prefix, self.last_name) if part)

    def employed_days(self, start: date, end: date) -> int:
        days = 0
        for job in self.employments:
            first = max(start, job.start)
            last = end if job.end is None else min(end, job.end)
            if first <= last:
                days += (last - first).days + 1
        return days


@dataclass(frozen=True, slots=True)
class RunRec:
    info: RunInfo
    is_correction: bool


@dataclass(frozen=True, slots=True)
class Pay:
    period: int
    hours: Decimal
    gross: Decimal
    pension: Decimal
    wage_tax: Decimal

    @property
    def net(self) -> Decimal:
        return self.gross - self.pension - self.wage_tax


class CompanyEmployees:
    """The generated employees of one company, with an index by id."""

    def __init__(self, records: list[EmployeeRec]) -> None:
        self.records = records
        self.by_id = {rec.id: rec for rec in records}
