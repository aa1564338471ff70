"""The demo Nmbrs environment: deterministic, lazily generated from one seed.

The company list is built up front (cheap), a company's employees the first time they are asked
for, a company's runs per year likewise, and PDFs on every request (never stored). All names,
numbers and amounts are fictitious.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from datetime import date
from decimal import Decimal

from nmbrs_client.models import (
    Company,
    Debtor,
    Department,
    EmployeeIdNumber,
    Function,
    PersonalInfoContractSalaryAddress,
    RunInfo,
)
from nmbrs_demo.generator import WorldGenerator
from nmbrs_demo.names import DEPARTMENTS
from nmbrs_demo.pdf import AnnualStatementData, PayslipData
from nmbrs_demo.pdf import annual_statement_pdf as render_annual_statement
from nmbrs_demo.pdf import payslip_pdf as render_payslip
from nmbrs_demo.periods import format_current_period, period_dates, period_label, periods_in_year
from nmbrs_demo.records import (
    BIG_COMPANY_SIZE,
    DEMO_SEED,
    DEMO_TODAY,
    DEPARTMENT_ID_START,
    FULLTIME_HOURS,
    FUNCTION_ID_START,
    FUNCTIONS_PER_COMPANY_BLOCK,
    MONTH_TO_PERIOD,
    PENSION_RATE,
    RUN_ID_START,
    RUNS_PER_COMPANY_BLOCK,
    RUNS_PER_YEAR_BLOCK,
    SALARY_HOURLY,
    SALARY_PARTTIME,
    SIZES,
    WEEKS_PER_PERIOD,
    YEARLY_INDEXATION,
    YEARS_OF_RUNS,
    CompanyEmployees,
    CompanySpec,
    EmployeeRec,
    Pay,
    RunRec,
    midnight,
    money,
)


class World:
    """The whole demo environment: debtors, companies, employees, runs and documents.

    Records are generated the first time they are asked for and kept; the public methods answer
    in the client's domain models, which both the SOAP and the REST demo project from.
    """

    def __init__(
        self, seed: int = DEMO_SEED, today: date = DEMO_TODAY, size: str = "standard"
    ) -> None:
        if size not in SIZES:
            raise ValueError(f"size must be one of {SIZES}, not {size!r}")
        self.seed = seed
        self.today = today
        self.size = size
        self._lock = threading.RLock()
        self._generator = WorldGenerator(seed, today, size)
        self._employees: dict[int, CompanyEmployees] = {}
        self._runs: dict[tuple[int, int], tuple[list[RunRec], int]] = {}
        self._correction_members: dict[int, frozenset[int]] = {}
        self._debtors, self._companies, self._out_of_scope = self._generator.build_companies()
        self._company_by_id = {spec.id: spec for spec in self._companies}
        self._employee_starts = [spec.first_employee_id for spec in self._companies]

    # ----------------------------------------------------------------- environment and lists

    def debtors(self) -> list[Debtor]:
        return list(self._debtors)

    def companies(self) -> list[Company]:
        return [self._company_model(spec) for spec in self._companies]

    def companies_of_debtor(self, debtor_id: int) -> list[Company]:
        return [self._company_model(s) for s in self._companies if s.debtor_id == debtor_id]

    def out_of_scope_company_ids(self) -> list[int]:
        """Suggested companies a rights scenario can place outside the user's scope."""
        return list(self._out_of_scope)

    def company(self, company_id: int) -> Company | None:
        spec = self._company_by_id.get(company_id)
        return None if spec is None else self._company_model(spec)

    def company_size(self, company_id: int) -> int:
        """Number of employees (current and former) without generating them."""
        spec = self._company_by_id.get(company_id)
        return 0 if spec is None else spec.size

    def big_company_id(self) -> int:
        return next(spec.id for spec in self._companies if spec.size == BIG_COMPANY_SIZE)

    def first_employee_id(self, company_id: int) -> int:
        """The lowest employee id of a company, without generating its employees."""
        return self._spec(company_id).first_employee_id

    def period_type(self, company_id: int) -> str:
        return self._spec(company_id).period_type

    def current_period(self, company_id: int) -> str:
        spec = self._spec(company_id)
        year = self.today.year
        _, first_open = self._runs_of(spec, year)
        if first_open > periods_in_year(spec.period_type, year):
            return format_current_period(year + 1, 1, spec.period_type)
        return format_current_period(year, first_open, spec.period_type)

    def employee_records(self, company_id: int) -> list[EmployeeRec]:
        """The generated records of a company (treat as read-only), for the REST demo's views."""
        if company_id not in self._company_by_id:
            return []
        return self._records(company_id)

    def company_of_employee(self, employee_id: int) -> int | None:
        position = bisect_right(self._employee_starts, employee_id) - 1
        if position < 0:
            return None
        spec = self._companies[position]
        if employee_id >= spec.first_employee_id + spec.size:
            return None
        return spec.id

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
                    Birthday=midnight(rec.birthday),
                    Prefix=rec.prefix or None,
                    LastName=rec.last_name,
                    Gender=rec.gender,
                    BSN=rec.bsn,
                    City=rec.city,
                    TelephoneWork=rec.phone_work,
                    TelephoneMobileWork=rec.mobile_work,
                    EmailWork=rec.email_work,
                    ContractStartDate=midnight(latest.start),
                    ContractEndDate=midnight(latest.end),
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
                    ContractHours=money(rec.schedules[-1].weekly_hours),
                )
            )
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
        pays: list[Pay] = []
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

    def _spec(self, company_id: int) -> CompanySpec:
        spec = self._company_by_id.get(company_id)
        if spec is None:
            raise KeyError(company_id)
        return spec

    def _records(self, company_id: int) -> list[EmployeeRec]:
        cached = self._employees.get(company_id)
        if cached is None:
            with self._lock:
                cached = self._employees.get(company_id)
                if cached is None:
                    cached = CompanyEmployees(
                        self._generator.generate_employees(self._spec(company_id))
                    )
                    self._employees[company_id] = cached
        return cached.records

    def _employee(self, employee_id: int) -> EmployeeRec | None:
        company_id = self.company_of_employee(employee_id)
        if company_id is None:
            return None
        self._records(company_id)
        return self._employees[company_id].by_id.get(employee_id)

    def _company_model(self, spec: CompanySpec) -> Company:
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

    def _runs_of(self, spec: CompanySpec, year: int) -> tuple[list[RunRec], int]:
        """The runs of a year and the first period without a run (periods + 1 if all ran)."""
        key = (spec.id, year)
        cached = self._runs.get(key)
        if cached is None:
            with self._lock:
                cached = self._runs.get(key)
                if cached is None:
                    cached = self._generator.generate_runs(spec, year)
                    self._runs[key] = cached
        return cached

    def _run_rec(self, run_id: int) -> tuple[CompanySpec, RunRec] | None:
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

    def _run_members(self, spec: CompanySpec, run: RunRec) -> list[EmployeeRec]:
        info = run.info
        start = period_dates(spec.period_type, info.Year, info.PeriodStart)[0]
        end = period_dates(spec.period_type, info.Year, info.PeriodEnd)[1]
        employed = [rec for rec in self._records(spec.id) if rec.employed_days(start, end)]
        if not run.is_correction or not employed:
            return employed
        modulus = max(2, len(employed) // 2)
        chosen = [rec for rec in employed if (rec.id + info.ID) % modulus == 0]
        return chosen or employed[:1]

    def _in_run(self, spec: CompanySpec, run: RunRec, rec: EmployeeRec) -> bool:
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

    def _salary_value(self, spec: CompanySpec, rec: EmployeeRec) -> Decimal:
        if rec.salary_type == SALARY_HOURLY:
            return rec.hourly_wage
        monthly = rec.fulltime_monthly
        if rec.salary_type == SALARY_PARTTIME:
            monthly = monthly * rec.schedules[-1].parttime_percentage / 100
        return money(monthly * MONTH_TO_PERIOD[spec.period_type])

    def _run_pay(self, spec: CompanySpec, run: RunRec, rec: EmployeeRec) -> list[Pay]:
        info = run.info
        pays: list[Pay] = []
        for period in range(info.PeriodStart, info.PeriodEnd + 1):
            start, end = period_dates(spec.period_type, info.Year, period)
            days = rec.employed_days(start, end)
            if not days:
                continue
            if run.is_correction:
                gross = money(
                    Decimal(25) + Decimal((rec.id * 7919 + info.ID * 104729) % 25000) / 100
                )
                pension = money(gross * PENSION_RATE) if spec.has_pension else Decimal("0.00")
                tax = money((gross - pension) * Decimal("0.37"))
                pays.append(Pay(period, Decimal("0.00"), gross, pension, tax))
                continue
            pays.append(
                self._regular_pay(spec, rec, info.Year, period, days, (end - start).days + 1)
            )
        return pays

    def _regular_pay(
        self,
        spec: CompanySpec,
        rec: EmployeeRec,
        year: int,
        period: int,
        days: int,
        period_days: int,
    ) -> Pay:
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
        gross = money(gross)
        hours = money(hours * fraction)
        pension = money(gross * PENSION_RATE) if spec.has_pension else Decimal("0.00")
        per_year = Decimal(periods_in_year(spec.period_type, year))
        annual = (gross - pension) * per_year
        credits = Decimal(3000) + min(annual * Decimal("0.3"), Decimal(5000))
        credits = max(
            Decimal(0), credits - max(Decimal(0), (annual - Decimal(40000)) * Decimal("0.06"))
        )
        tax = money(max(Decimal(0), annual * Decimal("0.37") - credits) / per_year)
        return Pay(period, hours, gross, pension, min(tax, gross - pension))

    def _payslip_data(
        self, spec: CompanySpec, run: RunRec, rec: EmployeeRec, pay: Pay
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
