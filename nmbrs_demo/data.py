"""Deterministic, lazily generated data of the demo Nmbrs environment.

Everything derives from one seed: the company list is built up front (cheap), a company's
employees the first time they are asked for, a company's runs per year likewise, and PDFs on every
request (never stored). Each company has its own random generators seeded from
``blake2b(seed, company id, purpose)``, so the data does not depend on the order of calls and
Python's salted ``hash()`` is never involved. All names, numbers and amounts are fictitious.
"""

from __future__ import annotations

import hashlib
import random
import threading
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from nmbrs_client.models import (
    BankAccount,
    Company,
    Debtor,
    Department,
    Employee,
    EmployeeEmployments,
    EmployeeIdNumber,
    EmployeeSchedules,
    EmployeeType,
    Employment,
    EnvironmentInfo,
    Function,
    PersonalInfo,
    PersonalInfoContractSalaryAddress,
    RunInfo,
    Schedule,
)
from nmbrs_demo import DEMO_SEED, DEMO_TODAY
from nmbrs_demo import names as tables
from nmbrs_demo.names import BANKS, CITIES, DEPARTMENTS, City
from nmbrs_demo.pdf import AnnualStatementData, PayslipData
from nmbrs_demo.pdf import annual_statement_pdf as render_annual_statement
from nmbrs_demo.pdf import payslip_pdf as render_payslip
from nmbrs_demo.periods import (
    MONTH_NAMES,
    format_current_period,
    period_dates,
    period_label,
    periods_in_year,
)

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


def _derive(seed: int, *parts: object) -> int:
    """A stable 64-bit seed from the world seed and a purpose (no salted hash())."""
    text = ":".join([str(seed), *(str(part) for part in parts)])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time())


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _ascii_slug(text: str) -> str:
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


def _make_bsn(employee_id: int, rng: random.Random) -> str:
    """A unique, 11-test-valid BSN: the first 7 digits are a bijection of the employee id."""
    head = (employee_id * 7919 + 1234567) % 9_000_000 + 1_000_000
    digits = [int(ch) for ch in str(head)]
    partial = sum(d * w for d, w in zip(digits, range(9, 2, -1), strict=True))
    for d8 in rng.sample(range(10), 10):
        check = (partial + 2 * d8) % 11
        if check < 10:
            return f"{head}{d8}{check}"
    raise AssertionError("unreachable: at most one of ten eighth digits fails")


def _make_iban(bank_code: str, rng: random.Random) -> str:
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


# --------------------------------------------------------------------------- internal records


@dataclass(frozen=True, slots=True)
class _CompanySpec:
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
class _EmploymentRec:
    id: int
    start: date
    end: date | None
    created: datetime


@dataclass(frozen=True, slots=True)
class _ScheduleRec:
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
        return _money(self.weekly_hours / FULLTIME_HOURS * 100)


@dataclass(frozen=True, slots=True)
class _BankRec:
    id: int
    iban: str
    bic: str
    bank_code: str
    type: str
    description: str


@dataclass(slots=True, eq=False)
class _EmployeeRec:
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
    employments: tuple[_EmploymentRec, ...]
    schedules: tuple[_ScheduleRec, ...]
    department: int  # index into DEPARTMENTS
    function: int  # index into that department's functions
    salary_type: str
    fulltime_monthly: Decimal  # gross full-time salary per month in today.year
    hourly_wage: Decimal
    banks: tuple[_BankRec, ...] = field(default=())

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
class _RunRec:
    info: RunInfo
    is_correction: bool


@dataclass(frozen=True, slots=True)
class _Pay:
    period: int
    hours: Decimal
    gross: Decimal
    pension: Decimal
    wage_tax: Decimal

    @property
    def net(self) -> Decimal:
        return self.gross - self.pension - self.wage_tax


class _CompanyEmployees:
    """The generated employees of one company, with an index by id."""

    def __init__(self, records: list[_EmployeeRec]) -> None:
        self.records = records
        self.by_id = {rec.id: rec for rec in records}


# --------------------------------------------------------------------------- the world


class DemoWorld:
    """The whole demo environment: debtors, companies, employees, runs and documents."""

    def __init__(
        self, seed: int = DEMO_SEED, today: date = DEMO_TODAY, size: str = "standard"
    ) -> None:
        if size not in SIZES:
            raise ValueError(f"size must be one of {SIZES}, not {size!r}")
        self.seed = seed
        self.today = today
        self.size = size
        self._lock = threading.RLock()
        self._employees: dict[int, _CompanyEmployees] = {}
        self._runs: dict[tuple[int, int], tuple[list[_RunRec], int]] = {}
        self._correction_members: dict[int, frozenset[int]] = {}
        self._debtors, self._companies, self._out_of_scope = self._build_companies()
        self._company_by_id = {spec.id: spec for spec in self._companies}
        self._employee_starts = [spec.first_employee_id for spec in self._companies]

    # ----------------------------------------------------------------- environment and lists

    def environment(self) -> EnvironmentInfo:
        return EnvironmentInfo(Domain="demo.nmbrs.nl", SubDomain="demo")

    def debtors(self) -> list[Debtor]:
        return list(self._debtors)

    def companies(self) -> list[Company]:
        return [self._company_model(spec) for spec in self._companies]

    def companies_of_debtor(self, debtor_id: int) -> list[Company]:
        return [self._company_model(s) for s in self._companies if s.debtor_id == debtor_id]

    def company(self, company_id: int) -> Company | None:
        spec = self._company_by_id.get(company_id)
        return None if spec is None else self._company_model(spec)

    def company_size(self, company_id: int) -> int:
        """Number of employees (current and former) without generating them."""
        spec = self._company_by_id.get(company_id)
        return 0 if spec is None else spec.size

    def big_company_id(self) -> int:
        return next(spec.id for spec in self._companies if spec.size == BIG_COMPANY_SIZE)

    def out_of_scope_company_ids(self) -> list[int]:
        """Suggested companies a rights scenario can place outside the user's scope."""
        return list(self._out_of_scope)

    def period_type(self, company_id: int) -> str:
        return self._spec(company_id).period_type

    def current_period(self, company_id: int) -> str:
        spec = self._spec(company_id)
        year = self.today.year
        _, first_open = self._runs_of(spec, year)
        if first_open > periods_in_year(spec.period_type, year):
            return format_current_period(year + 1, 1, spec.period_type)
        return format_current_period(year, first_open, spec.period_type)

    def employee_types(self) -> list[EmployeeType]:
        return [EmployeeType(Id=type_id, Description=text) for type_id, text in EMPLOYEE_TYPES]

    # ----------------------------------------------------------------- employees

    def employees(
        self,
        company_id: int,
        employee_type: int | None = None,
        *,
        active: bool | None = None,
    ) -> list[Employee]:
        """Employees (current and former) of a company.

        ``employee_type`` None = every type, else that type's id; ``active`` None = everyone,
        True = in service today, False = out of service. What ``List_GetByCompany`` passes
        depends on the server's employee-type reading.
        """
        if company_id not in self._company_by_id:
            return []
        return [
            Employee(Id=rec.id, Number=rec.number, DisplayName=rec.display_name)
            for rec in self._records(company_id)
            if (employee_type is None or rec.employee_type == employee_type)
            and (active is None or self._in_service(rec) == active)
        ]

    def employee_records(self, company_id: int) -> list[_EmployeeRec]:
        """The generated records of a company (treat as read-only), for the REST demo's views."""
        if company_id not in self._company_by_id:
            return []
        return self._records(company_id)

    def _in_service(self, rec: _EmployeeRec) -> bool:
        last = rec.employments[-1] if rec.employments else None
        return last is not None and (last.end is None or last.end >= self.today)

    def company_of_employee(self, employee_id: int) -> int | None:
        position = bisect_right(self._employee_starts, employee_id) - 1
        if position < 0:
            return None
        spec = self._companies[position]
        if employee_id >= spec.first_employee_id + spec.size:
            return None
        return spec.id

    def personal_info(self, employee_id: int) -> PersonalInfo | None:
        rec = self._employee(employee_id)
        if rec is None:
            return None
        return PersonalInfo(
            Id=rec.id,
            Number=rec.number,
            DisplayName=rec.display_name,
            EmployeeNumber=rec.number,
            BSN=rec.bsn,
            Title=rec.title,
            FirstName=rec.first_name,
            Initials=rec.initials,
            Prefix=rec.prefix or None,
            LastName=rec.last_name,
            Nickname=rec.nickname,
            Gender=rec.gender,
            NationalityCode=rec.nationality,
            PlaceOfBirth=rec.place_of_birth,
            CountryOfBirthISOCode=rec.country_of_birth,
            IdentificationNumber=rec.id_number,
            IdentificationType=rec.id_type,
            PartnerPrefix=rec.partner_prefix,
            PartnerLastName=rec.partner_last_name,
            TelephonePrivate=rec.phone_private,
            TelephoneWork=rec.phone_work,
            TelephoneMobilePrivate=rec.mobile_private,
            TelephoneMobileWork=rec.mobile_work,
            EmailPrivate=rec.email_private,
            EmailWork=rec.email_work,
            BurgerlijkeStaat=rec.marital,
            Naamstelling=rec.name_use,
            Birthday=_midnight(rec.birthday),
            InCaseOfEmergency=rec.emergency_name,
            InCaseOfEmergencyPhone=rec.emergency_phone,
            InCaseOfEmergencyRelation=rec.emergency_relation,
            TitleAfter=rec.title_after,
        )

    def personal_info_contract_salary_address(
        self, company_id: int
    ) -> list[PersonalInfoContractSalaryAddress]:
        if company_id not in self._company_by_id:
            return []
        spec = self._spec(company_id)
        out: list[PersonalInfoContractSalaryAddress] = []
        for rec in self._records(company_id):
            latest = rec.employments[-1]
            out.append(
                PersonalInfoContractSalaryAddress(
                    EmployeeID=rec.id,
                    EmployeeNumber=rec.number,
                    FirstName=rec.first_name,
                    Birthday=_midnight(rec.birthday),
                    Prefix=rec.prefix or None,
                    LastName=rec.last_name,
                    Gender=rec.gender,
                    BSN=rec.bsn,
                    City=rec.city,
                    TelephoneWork=rec.phone_work,
                    TelephoneMobileWork=rec.mobile_work,
                    EmailWork=rec.email_work,
                    ContractStartDate=_midnight(latest.start),
                    ContractEndDate=_midnight(latest.end),
                    EmailPrivate=rec.email_private,
                    TelephonePrivate=rec.phone_private,
                    TelephoneMobilePrivate=rec.mobile_private,
                    SalaryType=rec.salary_type,
                    SalaryValue=self._salary_value(spec, rec),
                    Street=rec.street,
                    HouseNumber=rec.house_number,
                    HouseNumberAddition=rec.addition,
                    PostCode=rec.postcode,
                    HourlyWage=rec.hourly_wage,
                    ContractHours=_money(rec.schedules[-1].weekly_hours),
                )
            )
        return out

    def employments(self, company_id: int) -> list[EmployeeEmployments]:
        if company_id not in self._company_by_id:
            return []
        out: list[EmployeeEmployments] = []
        for rec in self._records(company_id):
            initial = rec.employments[0].start
            out.append(
                EmployeeEmployments(
                    EmployeeId=rec.id,
                    Employments=[
                        Employment(
                            EmploymentId=job.id,
                            CreationDate=job.created,
                            StartDate=_midnight(job.start),
                            EndDate=_midnight(job.end),
                            InitialStartDate=_midnight(initial),
                        )
                        for job in rec.employments
                    ],
                )
            )
        return out

    def schedules(self, company_id: int) -> list[EmployeeSchedules]:
        if company_id not in self._company_by_id:
            return []
        days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        out: list[EmployeeSchedules] = []
        for rec in self._records(company_id):
            items: list[Schedule] = []
            for sched in rec.schedules:
                hours: dict[str, Decimal] = {}
                for day, h1, h2 in zip(days, sched.week1, sched.week2, strict=True):
                    hours[f"Hours{day}"] = h1
                    hours[f"Hours{day}2"] = h2
                items.append(
                    Schedule(
                        Id=Decimal(sched.id),
                        ParttimePercentage=sched.parttime_percentage,
                        StartDate=_midnight(sched.start),
                        CreationDate=sched.created,
                        **hours,
                    )
                )
            out.append(EmployeeSchedules(EmployeeId=rec.id, Schedules=items))
        return out

    def department(self, employee_id: int) -> Department | None:
        rec = self._employee(employee_id)
        if rec is None:
            return None
        spec = self._spec(rec.company_id)
        dept = DEPARTMENTS[rec.department]
        return Department(
            Id=DEPARTMENT_ID_START + spec.index * len(DEPARTMENTS) + rec.department,
            Code=dept.code,
            Description=dept.description,
        )

    def function(self, employee_id: int) -> Function | None:
        rec = self._employee(employee_id)
        if rec is None:
            return None
        spec = self._spec(rec.company_id)
        flat = sum(len(d.functions) for d in DEPARTMENTS[: rec.department]) + rec.function
        func = DEPARTMENTS[rec.department].functions[rec.function]
        return Function(
            Id=FUNCTION_ID_START + spec.index * FUNCTIONS_PER_COMPANY_BLOCK + flat,
            Code=func.code,
            Description=func.description,
        )

    def bank_accounts(self, employee_id: int) -> list[BankAccount]:
        rec = self._employee(employee_id)
        if rec is None:
            return []
        return [
            BankAccount(
                Id=bank.id,
                Number=None,
                Description=bank.description,
                IBAN=bank.iban,
                BIC=bank.bic,
                City=BANK_CITIES[bank.bank_code],
                Name=rec.formal_name,
                Type=bank.type,
            )
            for bank in rec.banks
        ]

    def employee_current_period(self, employee_id: int) -> str:
        company_id = self.company_of_employee(employee_id)
        if company_id is None:
            raise KeyError(employee_id)
        return self.current_period(company_id)

    # ----------------------------------------------------------------- runs

    def runs(self, company_id: int, year: int) -> list[RunInfo]:
        spec = self._company_by_id.get(company_id)
        if spec is None:
            return []
        runs, _ = self._runs_of(spec, year)
        return [run.info for run in runs]

    def run(self, run_id: int) -> tuple[int, RunInfo] | None:
        found = self._run_rec(run_id)
        return None if found is None else (found[0].id, found[1].info)

    def run_employees(self, company_id: int, run_id: int) -> list[EmployeeIdNumber]:
        found = self._run_rec(run_id)
        if found is None or found[0].id != company_id:
            return []
        spec, run = found
        return [
            EmployeeIdNumber(EmployeeId=rec.id, EmployeeNumber=rec.number)
            for rec in self._run_members(spec, run)
        ]

    # ----------------------------------------------------------------- documents

    def payslip_pdfs(
        self, employee_id: int, company_id: int, run_id: int, year: int | None
    ) -> list[bytes]:
        """One PDF per period of the run the employee was paid in; [] when not in that run."""
        found = self._run_rec(run_id)
        if found is None or found[0].id != company_id:
            return []
        spec, run = found
        if run.info.Year != (self.today.year if year is None else year):
            return []
        rec = self._employee(employee_id)
        if rec is None or rec.company_id != company_id:
            return []
        if not self._in_run(spec, run, rec):
            return []
        pdfs: list[bytes] = []
        for pay in self._run_pay(spec, run, rec):
            pdfs.append(render_payslip(self._payslip_data(spec, run, rec, pay)))
        return pdfs

    def payslip_pdf_of_period(self, employee_id: int, run_id: int, period: int) -> bytes | None:
        """The payslip of one period of one run (REST asks per period); None when not paid."""
        found = self._run_rec(run_id)
        rec = self._employee(employee_id)
        if found is None or rec is None or rec.company_id != found[0].id:
            return None
        spec, run = found
        if not self._in_run(spec, run, rec):
            return None
        for pay in self._run_pay(spec, run, rec):
            if pay.period == period:
                return render_payslip(self._payslip_data(spec, run, rec, pay))
        return None

    def annual_statement_pdf(self, employee_id: int, year: int) -> bytes | None:
        """The jaaropgaaf of a year the employee was paid in; None otherwise."""
        rec = self._employee(employee_id)
        if rec is None or year > self.today.year:
            return None
        spec = self._spec(rec.company_id)
        runs, _ = self._runs_of(spec, year)
        pays: list[_Pay] = []
        for run in runs:
            if self._in_run(spec, run, rec):
                pays.extend(self._run_pay(spec, run, rec))
        if not pays:
            return None
        year_start, year_end = date(year, 1, 1), date(year, 12, 31)
        jobs = [
            j
            for j in rec.employments
            if j.start <= year_end and (j.end is None or j.end >= year_start)
        ]
        job = jobs[-1] if jobs else rec.employments[-1]
        gross = sum((p.gross for p in pays), Decimal(0))
        pension = sum((p.pension for p in pays), Decimal(0))
        tax = sum((p.wage_tax for p in pays), Decimal(0))
        addition = f" {rec.addition}" if rec.addition else ""
        return render_annual_statement(
            AnnualStatementData(
                company_name=spec.name,
                employee_name=rec.formal_name,
                employee_number=rec.number,
                employee_id=rec.id,
                bsn=rec.bsn,
                birth_date=f"{rec.birthday:%d-%m-%Y}",
                address_lines=(
                    f"{rec.street} {rec.house_number}{addition}",
                    f"{rec.postcode[:4]} {rec.postcode[4:]} {rec.city.upper()}",
                ),
                year=year,
                employment_start=f"{job.start:%d-%m-%Y}",
                employment_end=""
                if job.end is None or job.end > year_end
                else f"{job.end:%d-%m-%Y}",
                periods_paid=len({p.period for p in pays}),
                gross=gross,
                pension=pension,
                taxable_wage=gross - pension,
                wage_tax=tax,
                net=gross - pension - tax,
            )
        )

    # ----------------------------------------------------------------- internals: lookups

    def _spec(self, company_id: int) -> _CompanySpec:
        spec = self._company_by_id.get(company_id)
        if spec is None:
            raise KeyError(company_id)
        return spec

    def _records(self, company_id: int) -> list[_EmployeeRec]:
        cached = self._employees.get(company_id)
        if cached is None:
            with self._lock:
                cached = self._employees.get(company_id)
                if cached is None:
                    cached = _CompanyEmployees(self._generate_employees(self._spec(company_id)))
                    self._employees[company_id] = cached
        return cached.records

    def _employee(self, employee_id: int) -> _EmployeeRec | None:
        company_id = self.company_of_employee(employee_id)
        if company_id is None:
            return None
        self._records(company_id)
        return self._employees[company_id].by_id.get(employee_id)

    def _company_model(self, spec: _CompanySpec) -> Company:
        return Company(
            ID=spec.id,
            Number=spec.number,
            Name=spec.name,
            PhoneNumber=spec.phone,
            FaxNumber=spec.fax,
            Email=spec.email,
            Website=spec.website,
            LoonaangifteTijdvak=spec.loonaangifte,
            KvkNr=spec.kvk,
            DebtorId=spec.debtor_id,
        )

    # ----------------------------------------------------------------- internals: companies

    def _build_companies(self) -> tuple[list[Debtor], list[_CompanySpec], list[int]]:
        rng = random.Random(_derive(self.seed, "world", self.size))
        if self.size == "standard":
            plan = [
                (0 if i < 3 else 1, size, ptype)
                for i, (size, ptype) in enumerate(STANDARD_COMPANIES)
            ]
            debtor_count = 2
        else:
            debtor_count = 40
            plan = self._large_plan(rng, debtor_count, 250)
        debtor_names = rng.sample(
            [f"{a} {b}" for a in tables.COMPANY_FIRST_PARTS for b in tables.DEBTOR_NAMES],
            debtor_count,
        )
        debtors = [
            Debtor(Id=DEBTOR_ID_START + i, Number=f"{i + 1:04d}", Name=debtor_names[i])
            for i in range(debtor_count)
        ]
        company_names = rng.sample(
            [
                f"{a} {b} B.V."
                for a in tables.COMPANY_FIRST_PARTS
                for b in tables.COMPANY_SECOND_PARTS
            ],
            len(plan),
        )
        kvks = rng.sample(range(10_000_000, 100_000_000), len(plan))
        specs: list[_CompanySpec] = []
        next_employee = EMPLOYEE_ID_START
        per_debtor: dict[int, int] = {}
        for index, (debtor_index, size, ptype) in enumerate(plan):
            name = company_names[index]
            slug = _ascii_slug(name.removesuffix(" B.V."))
            city = rng.choice(CITIES)
            local = "".join(str(rng.randrange(10)) for _ in range(10 - len(city.area_code)))
            phone = f"{city.area_code}-{local}" if rng.random() < 0.8 else None
            fax_local = "".join(str(rng.randrange(10)) for _ in range(10 - len(city.area_code)))
            fax = f"{city.area_code}-{fax_local}" if rng.random() < 0.15 else None
            email = f"info@{slug}.example" if rng.random() < 0.75 else None
            website = f"https://www.{slug}.example" if rng.random() < 0.6 else None
            if ptype == "M":
                loonaangifte = "Month"
            elif ptype == "W4":
                loonaangifte = "Week4"
            else:
                loonaangifte = "Month" if rng.random() < 0.7 else "Week4"
            extra = (
                1
                if size <= 5
                else 2
                if size <= 15
                else 4
                if size <= 50
                else 7
                if size <= 300
                else 11
            )
            departments = (0, *sorted(rng.sample(range(1, len(DEPARTMENTS)), extra)))
            per_debtor[debtor_index] = per_debtor.get(debtor_index, 0) + 1
            specs.append(
                _CompanySpec(
                    index=index,
                    id=COMPANY_ID_START + index,
                    debtor_id=DEBTOR_ID_START + debtor_index,
                    number=per_debtor[debtor_index],
                    name=name,
                    slug=slug,
                    period_type=ptype,
                    size=size,
                    first_employee_id=next_employee,
                    kvk=str(kvks[index]),
                    phone=phone,
                    fax=fax,
                    email=email,
                    website=website,
                    loonaangifte=loonaangifte,
                    city=city,
                    departments=departments,
                    has_pension=rng.random() < 0.7,
                )
            )
            next_employee += size
        if self.size == "standard":
            out_of_scope = [specs[2].id]
        else:
            candidates = [s.id for s in specs if s.size != BIG_COMPANY_SIZE]
            out_of_scope = sorted(rng.sample(candidates, 6))
        return debtors, specs, out_of_scope

    @staticmethod
    def _large_plan(
        rng: random.Random, debtor_count: int, company_count: int
    ) -> list[tuple[int, int, str]]:
        """(debtor index, size, period type) per company, grouped by debtor."""
        weights = [rng.uniform(0.3, 2.0) ** 2 for _ in range(debtor_count)]
        owners = list(range(debtor_count)) + rng.choices(
            range(debtor_count), weights=weights, k=company_count - debtor_count
        )
        owners.sort()
        big = rng.randrange(company_count)
        plan: list[tuple[int, int, str]] = []
        for index, owner in enumerate(owners):
            roll = rng.random()
            if index == big:
                size, ptype = BIG_COMPANY_SIZE, "M"
            else:
                if roll < 0.85:
                    size = 3 + int(37 * rng.random() ** 2)
                elif roll < 0.97:
                    size = rng.randint(41, 150)
                else:
                    size = rng.randint(151, 400)
                kind = rng.random()
                ptype = "M" if kind < 0.7 else "W4" if kind < 0.9 else "W1"
            plan.append((owner, size, ptype))
        return plan

    # ----------------------------------------------------------------- internals: employees

    def _generate_employees(self, spec: _CompanySpec) -> list[_EmployeeRec]:
        rng = random.Random(_derive(self.seed, "employees", spec.id))
        return [self._generate_employee(spec, rng, i) for i in range(spec.size)]

    def _generate_employee(self, spec: _CompanySpec, rng: random.Random, i: int) -> _EmployeeRec:
        today = self.today
        employee_id = spec.first_employee_id + i
        gender = "male" if rng.random() < 0.5 else "female"
        pool = tables.MALE_FIRST_NAMES if gender == "male" else tables.FEMALE_FIRST_NAMES
        first_name = rng.choice(pool)
        initials = first_name[0] + "."
        if rng.random() < 0.35:
            initials += rng.choice("ACEHJLMPRW") + "."
        prefix, last_name = rng.choice(tables.LAST_NAMES)

        oldest = _years_before(today, 68) + timedelta(days=1)
        youngest = _years_before(today, 17)
        if i == 0:  # the director is not a teenager
            youngest = _years_before(today, 30)
        birthday = oldest + timedelta(days=rng.randrange((youngest - oldest).days + 1))
        age = (
            today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))
        )

        employments = self._generate_employments(rng, employee_id, birthday, always_open=i < 2)

        # Department, function, type and salary.
        if i == 0:
            department, function = 0, 0
        elif rng.random() < 0.03:
            department, function = 0, 1
        else:
            department = rng.choice(spec.departments[1:])
            function = rng.randrange(len(DEPARTMENTS[department].functions))
        func = DEPARTMENTS[department].functions[function]
        fulltime_monthly = _money(
            Decimal(rng.randint(func.monthly_min * 100, func.monthly_max * 100)) / 100
        )
        if i == 0 and spec.size <= 12:
            employee_type = TYPE_DGA
        elif i > 0 and department != 0 and rng.random() < 0.1:
            employee_type = TYPE_ON_CALL
        elif i > 0 and age < 23 and rng.random() < 0.3:
            employee_type = TYPE_INTERN
            fulltime_monthly = _money(Decimal(rng.randint(500, 900)))
        else:
            employee_type = TYPE_EMPLOYEE

        schedules = self._generate_schedules(
            rng, employee_id, employments, fulltime=i == 0 or employee_type == TYPE_INTERN
        )
        weekly = schedules[-1].weekly_hours
        if employee_type == TYPE_ON_CALL:
            salary_type = SALARY_HOURLY
            hourly = _money(Decimal(rng.randint(1440, 2250)) / 100)
            fulltime_monthly = _money(hourly * FULLTIME_HOURS * 52 / 12)
        else:
            hourly = _money(fulltime_monthly * 12 / 52 / FULLTIME_HOURS)
            if weekly >= FULLTIME_HOURS or rng.random() < 0.3:
                salary_type = SALARY_FULLTIME
            else:
                salary_type = SALARY_PARTTIME

        # Address and contact details.
        city = spec.city if rng.random() < 0.6 else rng.choice(CITIES)
        letters = rng.choice(tables.POSTCODE_LETTERS) + rng.choice(tables.POSTCODE_LETTERS)
        if letters in tables.POSTCODE_SKIPPED_PAIRS:
            letters = "AB"
        postcode = f"{rng.randint(city.postcode_from, city.postcode_to)}{letters}"
        addition = rng.choice(tables.HOUSE_NUMBER_ADDITIONS) if rng.random() < 0.12 else None
        mail_name = _ascii_slug(first_name) + "." + _ascii_slug(prefix + last_name)
        phone_private = None
        if rng.random() < 0.35:
            digits = "".join(str(rng.randrange(10)) for _ in range(10 - len(city.area_code)))
            phone_private = f"{city.area_code}-{digits}"
        mobile_private = (
            f"06-{rng.randrange(10_000_000, 100_000_000)}" if rng.random() < 0.9 else None
        )
        phone_work = None
        if spec.phone is not None and rng.random() < 0.5:
            phone_work = f"{spec.phone[:-2]}{rng.randrange(100):02d}"
        mobile_work = f"06-{rng.randrange(10_000_000, 100_000_000)}" if rng.random() < 0.2 else None
        email_private = (
            f"{mail_name}{rng.randrange(1, 100)}@{rng.choice(tables.PRIVATE_MAIL_DOMAINS)}"
            if rng.random() < 0.85
            else None
        )
        email_work = (
            f"{_ascii_slug(initials)[0]}.{_ascii_slug(prefix + last_name)}@{spec.slug}.example"
            if rng.random() < 0.7
            else None
        )

        # Personal status.
        marital = rng.choice(tables.MARITAL_STATUSES) if age >= 21 else "Ongehuwd"
        partner_prefix = partner_last = None
        name_use = "E"
        if marital in ("Gehuwd", "Geregistreerd partnerschap"):
            partner_prefix, partner_last = rng.choice(tables.LAST_NAMES)
            partner_prefix = partner_prefix or None
            if rng.random() < 0.3:
                name_use = rng.choice(tables.NAME_USE_CODES[1:])
        if rng.random() < 0.88:
            nationality, country = DUTCH_NATIONALITY, "NL"
        else:
            nationality, country = rng.choice(OTHER_NATIONALITIES)
        birth_city = rng.choice(CITIES).name if country == "NL" else None
        id_number = (
            rng.choice("NBI")
            + rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
            + "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(6))
            + str(rng.randrange(10))
        )
        emergency_name = emergency_phone = emergency_relation = None
        if rng.random() < 0.7:
            e_prefix, e_last = (
                (partner_prefix or "", partner_last) if partner_last else (prefix, last_name)
            )
            emergency_name = " ".join(
                p for p in (rng.choice("ABEGHJKMPRSTW") + ".", e_prefix, e_last) if p
            )
            emergency_phone = f"06-{rng.randrange(10_000_000, 100_000_000)}"
            emergency_relation = (
                "Partner" if partner_last else rng.choice(tables.EMERGENCY_RELATIONS[1:])
            )

        # Bank accounts: a standard account, sometimes a second one.
        banks = [self._bank(rng, employee_id, 1, "Standaard", "Salarisrekening")]
        roll = rng.random()
        if roll < 0.03:
            banks.append(self._bank(rng, employee_id, 2, "Spaarloon", "Spaarloonrekening"))
        elif roll < 0.09:
            banks.append(self._bank(rng, employee_id, 2, "Bankrekening2", "Tweede rekening"))

        return _EmployeeRec(
            id=employee_id,
            number=i + 1,
            company_id=spec.id,
            employee_type=employee_type,
            first_name=first_name,
            initials=initials,
            prefix=prefix,
            last_name=last_name,
            gender=gender,
            birthday=birthday,
            bsn=_make_bsn(employee_id, rng),
            title=rng.choice(tables.TITLES) if rng.random() < 0.05 else None,
            title_after=rng.choice(tables.TITLES_AFTER) if rng.random() < 0.03 else None,
            nickname=first_name if rng.random() < 0.3 else None,
            nationality=nationality,
            country_of_birth=country,
            place_of_birth=birth_city or "Buitenland",
            id_number=id_number,
            id_type=rng.choice((1, 2)),
            marital=marital,
            name_use=name_use,
            partner_prefix=partner_prefix,
            partner_last_name=partner_last,
            phone_private=phone_private,
            mobile_private=mobile_private,
            phone_work=phone_work,
            mobile_work=mobile_work,
            email_private=email_private,
            email_work=email_work,
            emergency_name=emergency_name,
            emergency_phone=emergency_phone,
            emergency_relation=emergency_relation,
            street=rng.choice(tables.STREETS),
            house_number=str(rng.randint(1, 250)),
            addition=addition,
            postcode=postcode,
            city=city.name,
            employments=employments,
            schedules=schedules,
            department=department,
            function=function,
            salary_type=salary_type,
            fulltime_monthly=fulltime_monthly,
            hourly_wage=hourly,
            banks=tuple(banks),
        )

    def _generate_employments(
        self, rng: random.Random, employee_id: int, birthday: date, always_open: bool
    ) -> tuple[_EmploymentRec, ...]:
        today = self.today
        earliest = max(_years_before(birthday, -16), _years_before(today, 25))
        latest_start = today - timedelta(days=14)
        if earliest >= latest_start:
            earliest = latest_start - timedelta(days=1)

        def pick_start(low: date, high: date) -> date:
            day = low + timedelta(days=rng.randrange(max(1, (high - low).days)))
            if rng.random() < 0.6 and day.replace(day=1) >= low:
                day = day.replace(day=1)
            return day

        def created(start: date) -> datetime:
            moment = datetime.combine(start - timedelta(days=rng.randint(2, 30)), time(9))
            return moment + timedelta(minutes=rng.randrange(8 * 60), seconds=rng.randrange(60))

        roll = 1.0 if always_open else rng.random()
        start = pick_start(earliest, latest_start)
        spans: list[tuple[date, date | None]] = []
        if roll < 0.12 and (today - start).days > 60:  # left the company
            end = start + timedelta(days=rng.randint(30, (today - start).days - 1))
            spans.append((start, end))
        elif roll < 0.18 and (today - start).days > 200:  # left and came back
            end = start + timedelta(days=rng.randint(30, (today - start).days - 150))
            again = end + timedelta(days=rng.randint(30, max(31, (today - end).days - 30)))
            spans.append((start, end))
            spans.append((min(again, latest_start), None))
        elif roll < 0.22:  # temporary contract ending in the future
            spans.append((start, today + timedelta(days=rng.randint(20, 365))))
        else:
            spans.append((start, None))
        return tuple(
            _EmploymentRec(id=employee_id * 10 + n, start=s, end=e, created=created(s))
            for n, (s, e) in enumerate(spans, start=1)
        )

    def _generate_schedules(
        self,
        rng: random.Random,
        employee_id: int,
        employments: tuple[_EmploymentRec, ...],
        fulltime: bool,
    ) -> tuple[_ScheduleRec, ...]:
        def week(days: int, hours: int, skip: int | None = None) -> tuple[Decimal, ...]:
            workdays = [d for d in range(5) if d != skip][:days]
            return tuple(Decimal(hours) if d in workdays else Decimal(0) for d in range(7))

        def pattern() -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]]:
            roll = 1.0 if fulltime else rng.random()
            skip = rng.randrange(5)
            if roll < 0.08:
                return week(3, 8, skip), week(3, 8, skip)
            if roll < 0.14:
                return week(4, 6, skip), week(4, 6, skip)
            if roll < 0.19:
                return week(5, 4), week(5, 4)
            if roll < 0.27:  # two-week rota
                first, second = rng.choice(((5, 4), (4, 3), (3, 2), (4, 5)))
                return week(first, 8, skip), week(second, 8, skip)
            if roll < 0.45:
                return week(4, 8, skip), week(4, 8, skip)
            return week(5, 8), week(5, 8)

        def stamp(day: date) -> datetime:
            return datetime.combine(day, time(10)) - timedelta(
                days=rng.randint(1, 20), minutes=rng.randrange(600)
            )

        start = employments[0].start
        current = pattern()
        records: list[_ScheduleRec] = []
        span = (self.today - start).days
        if rng.random() < 0.2 and span > 120:
            older = pattern()
            if older != current:
                records.append(
                    _ScheduleRec(employee_id * 10 + 1, older[0], older[1], start, stamp(start))
                )
                start = start + timedelta(days=rng.randint(60, span - 30))
        records.append(
            _ScheduleRec(
                employee_id * 10 + len(records) + 1, current[0], current[1], start, stamp(start)
            )
        )
        return tuple(records)

    @staticmethod
    def _bank(rng: random.Random, employee_id: int, n: int, kind: str, text: str) -> _BankRec:
        bank = rng.choices(BANKS, weights=[b.weight for b in BANKS])[0]
        return _BankRec(
            id=employee_id * 10 + n,
            iban=_make_iban(bank.code, rng),
            bic=bank.bic,
            bank_code=bank.code,
            type=kind,
            description=text,
        )

    # ----------------------------------------------------------------- internals: runs and pay

    def _runs_of(self, spec: _CompanySpec, year: int) -> tuple[list[_RunRec], int]:
        """The runs of a year and the first period without a run (periods + 1 if all ran)."""
        key = (spec.id, year)
        cached = self._runs.get(key)
        if cached is None:
            with self._lock:
                cached = self._runs.get(key)
                if cached is None:
                    cached = self._generate_runs(spec, year)
                    self._runs[key] = cached
        return cached

    def _generate_runs(self, spec: _CompanySpec, year: int) -> tuple[list[_RunRec], int]:
        first_year = self.today.year - YEARS_OF_RUNS + 1
        count = periods_in_year(spec.period_type, year)
        if not first_year <= year <= self.today.year:
            return [], (1 if year > self.today.year else count + 1)
        rng = random.Random(_derive(self.seed, "runs", spec.id, year))
        id_base = (
            RUN_ID_START
            + spec.index * RUNS_PER_COMPANY_BLOCK
            + (year - first_year) * RUNS_PER_YEAR_BLOCK
        )
        lead = {"M": (2, 6), "W4": (1, 3), "W1": (0, 2)}[spec.period_type]
        drafts: list[tuple[datetime, int, int, bool]] = []  # (run at, start, end, correction)
        period = 1
        while period <= count:
            end_period = period
            if period < count and rng.random() < 0.05:
                end_period = period + 1
            run_at = self._run_moment(rng, spec, year, end_period, lead)
            if run_at.date() >= self.today and end_period > period:
                end_period = period  # a combined run not yet due: the single period may be
                run_at = self._run_moment(rng, spec, year, end_period, lead)
            if run_at.date() >= self.today:
                break
            drafts.append((run_at, period, end_period, False))
            if rng.random() < 0.05:
                fix_at = run_at + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 2))
                if fix_at.date() < self.today:
                    drafts.append((fix_at, end_period, end_period, True))
            period = end_period + 1
        drafts.sort()
        unlocked = rng.choice((1, 2)) if year == self.today.year else 0
        runs: list[_RunRec] = []
        for number, (run_at, start, end, correction) in enumerate(drafts, start=1):
            runs.append(
                _RunRec(
                    RunInfo(
                        ID=id_base + number - 1,
                        Number=number,
                        Year=year,
                        PeriodStart=start,
                        PeriodEnd=end,
                        Description=self._run_description(spec, year, start, end, correction),
                        RunAt=run_at,
                        IsLocked=number <= len(drafts) - unlocked,
                    ),
                    correction,
                )
            )
        return runs, period

    @staticmethod
    def _run_moment(
        rng: random.Random, spec: _CompanySpec, year: int, period: int, lead: tuple[int, int]
    ) -> datetime:
        """When the run of a period was processed: a few days before the period ends."""
        last_day = period_dates(spec.period_type, year, period)[1]
        return datetime.combine(
            last_day - timedelta(days=rng.randint(*lead)),
            time(rng.randint(8, 16), rng.randrange(60), rng.randrange(60)),
        )

    @staticmethod
    def _run_description(
        spec: _CompanySpec, year: int, start: int, end: int, correction: bool
    ) -> str:
        if spec.period_type == "M":
            what = (
                MONTH_NAMES[start - 1]
                if start == end
                else f"{MONTH_NAMES[start - 1]} t/m {MONTH_NAMES[end - 1]}"
            )
        else:
            word = "week" if spec.period_type == "W1" else "periode"
            what = f"{word} {start}" if start == end else f"{word} {start} t/m {end}"
        return f"{'Correctierun' if correction else 'Salarisrun'} {what} {year}"

    def _run_rec(self, run_id: int) -> tuple[_CompanySpec, _RunRec] | None:
        offset = run_id - RUN_ID_START
        if offset < 0:
            return None
        index, rest = divmod(offset, RUNS_PER_COMPANY_BLOCK)
        year_index, _ = divmod(rest, RUNS_PER_YEAR_BLOCK)
        if index >= len(self._companies) or year_index >= YEARS_OF_RUNS:
            return None
        spec = self._companies[index]
        year = self.today.year - YEARS_OF_RUNS + 1 + year_index
        runs, _ = self._runs_of(spec, year)
        for run in runs:
            if run_id == run.info.ID:
                return spec, run
        return None

    def _run_members(self, spec: _CompanySpec, run: _RunRec) -> list[_EmployeeRec]:
        info = run.info
        start = period_dates(spec.period_type, info.Year, info.PeriodStart)[0]
        end = period_dates(spec.period_type, info.Year, info.PeriodEnd)[1]
        employed = [rec for rec in self._records(spec.id) if rec.employed_days(start, end)]
        if not run.is_correction or not employed:
            return employed
        modulus = max(2, len(employed) // 2)
        chosen = [rec for rec in employed if (rec.id + info.ID) % modulus == 0]
        return chosen or employed[:1]

    def _in_run(self, spec: _CompanySpec, run: _RunRec, rec: _EmployeeRec) -> bool:
        info = run.info
        if not run.is_correction:
            start = period_dates(spec.period_type, info.Year, info.PeriodStart)[0]
            end = period_dates(spec.period_type, info.Year, info.PeriodEnd)[1]
            return rec.employed_days(start, end) > 0
        members = self._correction_members.get(info.ID)
        if members is None:
            members = frozenset(m.id for m in self._run_members(spec, run))
            self._correction_members[info.ID] = members
        return rec.id in members

    def _salary_value(self, spec: _CompanySpec, rec: _EmployeeRec) -> Decimal:
        if rec.salary_type == SALARY_HOURLY:
            return rec.hourly_wage
        monthly = rec.fulltime_monthly
        if rec.salary_type == SALARY_PARTTIME:
            monthly = monthly * rec.schedules[-1].parttime_percentage / 100
        return _money(monthly * MONTH_TO_PERIOD[spec.period_type])

    def _run_pay(self, spec: _CompanySpec, run: _RunRec, rec: _EmployeeRec) -> list[_Pay]:
        info = run.info
        pays: list[_Pay] = []
        for period in range(info.PeriodStart, info.PeriodEnd + 1):
            start, end = period_dates(spec.period_type, info.Year, period)
            days = rec.employed_days(start, end)
            if not days:
                continue
            if run.is_correction:
                gross = _money(
                    Decimal(25) + Decimal((rec.id * 7919 + info.ID * 104729) % 25000) / 100
                )
                pension = _money(gross * PENSION_RATE) if spec.has_pension else Decimal("0.00")
                tax = _money((gross - pension) * Decimal("0.37"))
                pays.append(_Pay(period, Decimal("0.00"), gross, pension, tax))
                continue
            pays.append(
                self._regular_pay(spec, rec, info.Year, period, days, (end - start).days + 1)
            )
        return pays

    def _regular_pay(
        self,
        spec: _CompanySpec,
        rec: _EmployeeRec,
        year: int,
        period: int,
        days: int,
        period_days: int,
    ) -> _Pay:
        index = YEARLY_INDEXATION ** (self.today.year - year)
        fraction = Decimal(days) / Decimal(period_days)
        weeks = WEEKS_PER_PERIOD[spec.period_type]
        weekly = rec.schedules[-1].weekly_hours
        hours = weekly * weeks
        if rec.salary_type == SALARY_HOURLY:
            hours += Decimal((rec.id * 31 + year * 13 + period * 7) % 9 - 4)
            hours = max(hours, Decimal(1))
            gross = rec.hourly_wage * index * hours * fraction
        else:
            share = weekly / FULLTIME_HOURS
            gross = (
                rec.fulltime_monthly * index * share * MONTH_TO_PERIOD[spec.period_type] * fraction
            )
        gross = _money(gross)
        hours = _money(hours * fraction)
        pension = _money(gross * PENSION_RATE) if spec.has_pension else Decimal("0.00")
        per_year = Decimal(periods_in_year(spec.period_type, year))
        annual = (gross - pension) * per_year
        credits = Decimal(3000) + min(annual * Decimal("0.3"), Decimal(5000))
        credits = max(
            Decimal(0), credits - max(Decimal(0), (annual - Decimal(40000)) * Decimal("0.06"))
        )
        tax = _money(max(Decimal(0), annual * Decimal("0.37") - credits) / per_year)
        return _Pay(period, hours, gross, pension, min(tax, gross - pension))

    def _payslip_data(
        self, spec: _CompanySpec, run: _RunRec, rec: _EmployeeRec, pay: _Pay
    ) -> PayslipData:
        dept = DEPARTMENTS[rec.department]
        return PayslipData(
            company_name=spec.name,
            company_number=spec.number,
            employee_name=rec.formal_name,
            employee_number=rec.number,
            employee_id=rec.id,
            bsn=rec.bsn,
            year=run.info.Year,
            period=pay.period,
            period_type=spec.period_type,
            period_label=period_label(spec.period_type, run.info.Year, pay.period),
            run_number=run.info.Number,
            run_description=run.info.Description or "",
            department=dept.description,
            function=dept.functions[rec.function].description,
            salary_type=rec.salary_type,
            hours=pay.hours,
            gross=pay.gross,
            pension=pay.pension,
            wage_tax=pay.wage_tax,
            net=pay.net,
            iban=rec.banks[0].iban,
            is_correction=run.is_correction,
        )

    # ----------------------------------------------------------------- helpers for tests/scenarios

    def payslip_amounts(
        self, employee_id: int, run_id: int
    ) -> list[tuple[int, Decimal, Decimal, Decimal]]:
        """(period, gross, wage tax, net) per payslip of a run, without rendering the PDF."""
        found = self._run_rec(run_id)
        rec = self._employee(employee_id)
        if found is None or rec is None or found[0].id != rec.company_id:
            return []
        spec, run = found
        if not self._in_run(spec, run, rec):
            return []
        return [(p.period, p.gross, p.wage_tax, p.net) for p in self._run_pay(spec, run, rec)]
