"""Deterministic generation of the demo world's records.

Everything derives from one seed; Python's salted ``hash()`` is never involved. The world
(:mod:`nmbrs_demo.world`) calls this lazily and caches what it returns.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from nmbrs_client.models import Debtor, RunInfo
from nmbrs_demo import names as tables
from nmbrs_demo.names import BANKS, CITIES, DEPARTMENTS
from nmbrs_demo.periods import MONTH_NAMES, period_dates, periods_in_year
from nmbrs_demo.records import (
    BIG_COMPANY_SIZE,
    COMPANY_ID_START,
    DEBTOR_ID_START,
    DUTCH_NATIONALITY,
    EMPLOYEE_ID_START,
    FULLTIME_HOURS,
    OTHER_NATIONALITIES,
    RUN_ID_START,
    RUNS_PER_COMPANY_BLOCK,
    RUNS_PER_YEAR_BLOCK,
    SALARY_FULLTIME,
    SALARY_HOURLY,
    SALARY_PARTTIME,
    STANDARD_COMPANIES,
    TYPE_DGA,
    TYPE_EMPLOYEE,
    TYPE_INTERN,
    TYPE_ON_CALL,
    YEARS_OF_RUNS,
    BankRec,
    CompanySpec,
    EmployeeRec,
    EmploymentRec,
    RunRec,
    ScheduleRec,
    ascii_slug,
    derive,
    make_bsn,
    make_iban,
    money,
    years_before,
)


class WorldGenerator:
    """Makes the world's records from a seed: companies up front, employees and runs on demand.

    Each company has its own random generators seeded from ``blake2b(seed, company id, purpose)``,
    so what is generated does not depend on the order of calls.
    """

    def __init__(self, seed: int, today: date, size: str) -> None:
        self.seed = seed
        self.today = today
        self.size = size

    def build_companies(self) -> tuple[list[Debtor], list[CompanySpec], list[int]]:
        rng = random.Random(derive(self.seed, "world", self.size))
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
        specs: list[CompanySpec] = []
        next_employee = EMPLOYEE_ID_START
        per_debtor: dict[int, int] = {}
        for index, (debtor_index, size, ptype) in enumerate(plan):
            name = company_names[index]
            slug = ascii_slug(name.removesuffix(" B.V."))
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
                CompanySpec(
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

    def generate_employees(self, spec: CompanySpec) -> list[EmployeeRec]:
        rng = random.Random(derive(self.seed, "employees", spec.id))
        return [self._generate_employee(spec, rng, i) for i in range(spec.size)]

    def _generate_employee(self, spec: CompanySpec, rng: random.Random, i: int) -> EmployeeRec:
        today = self.today
        employee_id = spec.first_employee_id + i
        gender = "male" if rng.random() < 0.5 else "female"
        pool = tables.MALE_FIRST_NAMES if gender == "male" else tables.FEMALE_FIRST_NAMES
        first_name = rng.choice(pool)
        initials = first_name[0] + "."
        if rng.random() < 0.35:
            initials += rng.choice("ACEHJLMPRW") + "."
        prefix, last_name = rng.choice(tables.LAST_NAMES)

        oldest = years_before(today, 68) + timedelta(days=1)
        youngest = years_before(today, 17)
        if i == 0:  # the director is not a teenager
            youngest = years_before(today, 30)
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
        fulltime_monthly = money(
            Decimal(rng.randint(func.monthly_min * 100, func.monthly_max * 100)) / 100
        )
        if i == 0 and spec.size <= 12:
            employee_type = TYPE_DGA
        elif i > 0 and department != 0 and rng.random() < 0.1:
            employee_type = TYPE_ON_CALL
        elif i > 0 and age < 23 and rng.random() < 0.3:
            employee_type = TYPE_INTERN
            fulltime_monthly = money(Decimal(rng.randint(500, 900)))
        else:
            employee_type = TYPE_EMPLOYEE

        schedules = self._generate_schedules(
            rng, employee_id, employments, fulltime=i == 0 or employee_type == TYPE_INTERN
        )
        weekly = schedules[-1].weekly_hours
        if employee_type == TYPE_ON_CALL:
            salary_type = SALARY_HOURLY
            hourly = money(Decimal(rng.randint(1440, 2250)) / 100)
            fulltime_monthly = money(hourly * FULLTIME_HOURS * 52 / 12)
        else:
            hourly = money(fulltime_monthly * 12 / 52 / FULLTIME_HOURS)
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
        mail_name = ascii_slug(first_name) + "." + ascii_slug(prefix + last_name)
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
            f"{ascii_slug(initials)[0]}.{ascii_slug(prefix + last_name)}@{spec.slug}.example"
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

        return EmployeeRec(
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
            bsn=make_bsn(employee_id, rng),
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
    ) -> tuple[EmploymentRec, ...]:
        today = self.today
        earliest = max(years_before(birthday, -16), years_before(today, 25))
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
            EmploymentRec(id=employee_id * 10 + n, start=s, end=e, created=created(s))
            for n, (s, e) in enumerate(spans, start=1)
        )

    def _generate_schedules(
        self,
        rng: random.Random,
        employee_id: int,
        employments: tuple[EmploymentRec, ...],
        fulltime: bool,
    ) -> tuple[ScheduleRec, ...]:
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
        records: list[ScheduleRec] = []
        span = (self.today - start).days
        if rng.random() < 0.2 and span > 120:
            older = pattern()
            if older != current:
                records.append(
                    ScheduleRec(employee_id * 10 + 1, older[0], older[1], start, stamp(start))
                )
                start = start + timedelta(days=rng.randint(60, span - 30))
        records.append(
            ScheduleRec(
                employee_id * 10 + len(records) + 1, current[0], current[1], start, stamp(start)
            )
        )
        return tuple(records)

    @staticmethod
    def _bank(rng: random.Random, employee_id: int, n: int, kind: str, text: str) -> BankRec:
        bank = rng.choices(BANKS, weights=[b.weight for b in BANKS])[0]
        return BankRec(
            id=employee_id * 10 + n,
            iban=make_iban(bank.code, rng),
            bic=bank.bic,
            bank_code=bank.code,
            type=kind,
            description=text,
        )

    def generate_runs(self, spec: CompanySpec, year: int) -> tuple[list[RunRec], int]:
        first_year = self.today.year - YEARS_OF_RUNS + 1
        count = periods_in_year(spec.period_type, year)
        if not first_year <= year <= self.today.year:
            return [], (1 if year > self.today.year else count + 1)
        rng = random.Random(derive(self.seed, "runs", spec.id, year))
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
        runs: list[RunRec] = []
        for number, (run_at, start, end, correction) in enumerate(drafts, start=1):
            runs.append(
                RunRec(
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
        rng: random.Random, spec: CompanySpec, year: int, period: int, lead: tuple[int, int]
    ) -> datetime:
        """When the run of a period was processed: a few days before the period ends."""
        last_day = period_dates(spec.period_type, year, period)[1]
        return datetime.combine(
            last_day - timedelta(days=rng.randint(*lead)),
            time(rng.randint(8, 16), rng.randrange(60), rng.randrange(60)),
        )

    @staticmethod
    def _run_description(
        spec: CompanySpec, year: int, start: int, end: int, correction: bool
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
