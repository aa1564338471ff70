"""The demo world seen through the REST API: JSON rows shaped as the OpenAPI document's schemas.

Pure functions of the world and the id map; no HTTP here. Rows of a company are built once per
server and kept (the 5,000-employee company is paged 100 at a time, 50 times per endpoint).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from nmbrs_demo.once import MadeOnce
from nmbrs_demo.periods import periods_in_year
from nmbrs_demo.records import (
    BANK_CITIES,
    OTHER_NATIONALITIES,
    SALARY_FULLTIME,
    SALARY_HOURLY,
    YEARLY_INDEXATION,
)
from nmbrs_demo.rest.ids import IdMap, Kind
from nmbrs_demo.world import World

Row = dict[str, Any]

PERIOD_TYPE = {"M": "month", "W1": "1-week", "W4": "4-weeks"}
MARITAL = {
    "Ongehuwd": "unmarried",
    "Gehuwd": "married",
    "Samenwonend": "livingTogether",
    "Geregistreerd partnerschap": "registeredPartner",
    "Gescheiden": "divorced",
}
NAME_USE = {"E": 0, "P": 1, "V": 2, "N": 3}
NAME_USE_TEXT = {
    "E": "Eigen naam",
    "P": "Naam partner",
    "V": "Partner, eigen naam",
    "N": "Eigen naam, partner",
}
BANK_TYPE = {"Standaard": "standard", "Spaarloon": "salarySavings", "Bankrekening2": "bankAccount2"}
SALARY_TYPE = {
    SALARY_FULLTIME: "grossFulltimeSalary",
    SALARY_HOURLY: "grossHourlyWage",
}
NATIONALITY_ISO = {1: "NL", **dict(OTHER_NATIONALITIES)}
# a nationality's ``description``, as the OpenAPI document's Nationality object carries it
NATIONALITY_WORDS = {
    "NL": "Dutch",
    "BE": "Belgian",
    "DE": "German",
    "PL": "Polish",
    "TR": "Turkish",
}
END_REASON = (8, "Einde contract")


def nationality(code: int) -> Row:
    """The Nationality object of a world nationality code: its ISO code and its words."""
    iso = NATIONALITY_ISO.get(code, "NL")
    return {"codeISO": iso, "description": NATIONALITY_WORDS[iso]}


def stamp(moment: datetime | date | None) -> str | None:
    """ISO date-time with ``Z``, as the API writes every timestamp (the C ``isoformat``:
    a big company's histories write some 80,000 of them, and ``strftime`` took a quarter of
    the time it takes to make them)."""
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        return f"{moment.isoformat()}T00:00:00Z"
    if moment.tzinfo is not None or moment.microsecond:
        moment = moment.replace(tzinfo=None, microsecond=0)
    return f"{moment.isoformat()}Z"


def number(value: Decimal) -> float | int:
    """A JSON number (not a string) for amounts, hours and percentages."""
    return int(value) if value == value.to_integral_value() else float(value)


def period_of(world: World, company_id: int, day: date) -> Row:
    """``{year, period}`` of the company's payroll period holding ``day``."""
    ptype = world.period_type(company_id)
    if ptype == "M":
        return {"year": day.year, "period": day.month}
    iso = day.isocalendar()
    if ptype == "W1":
        return {"year": iso.year, "period": iso.week}
    return {"year": iso.year, "period": min(13, (iso.week - 1) // 4 + 1)}


class Views:
    """REST rows of one world under one id map and history order; cached per company."""

    def __init__(self, world: World, ids: IdMap, *, sorted_history: bool) -> None:
        self.world = world
        self.ids = ids
        self.sorted_history = sorted_history
        # made once per key: pages asked together, or the demo preparing its big company
        # beside a call, wait for one build instead of each making the same rows
        self._cache: MadeOnce[tuple[str, int], list[Row]] = MadeOnce()
        ids.on_miss(Kind.DEBTOR, lambda: [d.Id for d in world.debtors()])
        ids.on_miss(Kind.COMPANY, lambda: [c.ID for c in world.companies()])
        ids.on_miss(Kind.EMPLOYEE, self._all_employee_ids)
        ids.on_miss(Kind.RUN, self._all_run_ids)

    # ------------------------------------------------------------------ helpers

    def _all_employee_ids(self) -> list[int]:
        out: list[int] = []
        for company in self.world.companies():
            first = self._first_employee_id(company.ID)
            out.extend(range(first, first + self.world.company_size(company.ID)))
        return out

    def _first_employee_id(self, company_id: int) -> int:
        return self.world.first_employee_id(company_id)

    def _all_run_ids(self) -> list[int]:
        today = self.world.today
        return [
            run.ID
            for company in self.world.companies()
            for year in range(today.year - 2, today.year + 1)
            for run in self.world.runs(company.ID, year)
        ]

    def _cached(self, kind: str, company_id: int, build: Callable[[], list[Row]]) -> list[Row]:
        return self._cache.get((kind, company_id), build)

    def _history(self, entries: list[Row]) -> list[Row]:
        """Oldest first when sorted; otherwise a fixed rotation, so 'last' is not 'current'."""
        if self.sorted_history or len(entries) < 2:
            return entries
        return entries[1:] + entries[:1]

    # ------------------------------------------------------------------ debtors, companies

    def debtor(self, debtor_id: int) -> Row:
        found = next(d for d in self.world.debtors() if d.Id == debtor_id)
        return {
            "debtorId": self.ids.rest(Kind.DEBTOR, found.Id),
            "number": str(found.Number),
            "name": found.Name,
        }

    def company(self, company_id: int) -> Row:
        found = self.world.company(company_id)
        assert found is not None
        return {
            "companyId": self.ids.rest(Kind.COMPANY, found.ID),
            "number": str(found.Number),
            "name": found.Name,
            "debtorId": self.ids.rest(Kind.DEBTOR, int(found.DebtorId or 0)),
        }

    def period(self, company_id: int) -> Row:
        text = self.world.current_period(company_id)
        year, period, _ = text.split("-")
        return {
            "period": {"year": int(year), "period": int(period)},
            "periodType": PERIOD_TYPE[self.world.period_type(company_id)],
            "displayPeriod": text,
        }

    # ------------------------------------------------------------------ employees

    def employee_type(self, rec: Any) -> str:
        latest = rec.employments[-1]
        today = self.world.today
        if latest.end is not None and latest.end < today:
            return "formerPayroll"
        if latest.start > today:
            return "newHire"
        return "payroll"

    def basic_info(self, rec: Any) -> Row:
        return {
            "employeeNumber": rec.number,
            "firstName": rec.first_name,
            "firstNameInFull": rec.first_name,
            "prefix": rec.prefix or None,
            "initials": rec.initials,
            "lastName": rec.last_name,
            "employeeType": self.employee_type(rec),
        }

    def employees(self, company_id: int) -> list[Row]:
        def build() -> list[Row]:
            return [
                {
                    "employeeId": self.ids.rest(Kind.EMPLOYEE, rec.id),
                    "employeeBasicInfo": self.basic_info(rec),
                }
                for rec in self.world.employee_records(company_id)
            ]

        return self._cached("employees", company_id, build)

    def created(self, rec: Any) -> datetime:
        created: datetime = rec.employments[0].created
        return created

    def personal_info(self, company_id: int, rec: Any) -> Row:
        created = self.created(rec)
        partner: Row = {
            "partnerPrefix": rec.partner_prefix,
            "partnerName": rec.partner_last_name,
            "ascription": {
                "code": NAME_USE.get(rec.name_use, 0),
                "ascription": NAME_USE_TEXT.get(rec.name_use),
            },
            "maritalStatus": MARITAL.get(rec.marital, "notSpecified"),
        }
        return {
            "personalInfoId": self.ids.rest(Kind.PERSONAL_INFO, rec.id),
            "basicInfo": self.basic_info(rec),
            "birthInfo": {
                "birthDate": stamp(rec.birthday),
                "birthCountry": {"codeISO": rec.country_of_birth},
                "nationality": nationality(rec.nationality),
                "deceasedOn": None,
                "gender": rec.gender,
            },
            "contactInfo": {
                "privateEmail": rec.email_private,
                "businessEmail": rec.email_work,
                "businessPhone": rec.phone_work,
                "businessMobilePhone": rec.mobile_work,
                "privatePhone": rec.phone_private,
                "privateMobilePhone": rec.mobile_private,
                "otherPhone": None,
            },
            "partnerInfo": partner,
            "emergencyInfo": {
                "emergencyContact": rec.emergency_name,
                "emergencyPhone": rec.emergency_phone,
                "emergencyRelationship": rec.emergency_relation,
            },
            "period": period_of(self.world, company_id, created.date()),
            "createdAt": stamp(created),
        }

    def address(self, company_id: int, rec: Any) -> Row:
        created = self.created(rec)
        return {
            "addressId": self.ids.rest(Kind.ADDRESS, rec.id),
            "isDefault": True,
            "type": "homeAddress",
            "street": rec.street,
            "houseNumber": rec.house_number,
            "houseNumberAddition": rec.addition,
            "postalCode": rec.postcode,
            "city": rec.city,
            "stateProvince": None,
            "countryISOCode": "NL",
            "period": period_of(self.world, company_id, created.date()),
            "createdAt": stamp(created),
        }

    def _org(self, kind: Kind, soap_id: int, code: int, description: str) -> Row:
        key = "departmentId" if kind is Kind.DEPARTMENT else "functionId"
        return {key: self.ids.rest(kind, soap_id), "code": code, "description": description}

    def department(self, rec: Any) -> Row:
        dept = self.world.department(rec.id)
        assert dept is not None
        return self._org(Kind.DEPARTMENT, int(dept.Id), int(dept.Code or 0), dept.Description or "")

    def function(self, rec: Any) -> Row:
        func = self.world.function(rec.id)
        assert func is not None
        return self._org(Kind.FUNCTION, int(func.Id), int(func.Code or 0), func.Description or "")

    def employee(self, employee_id: int) -> Row | None:
        company_id = self.world.company_of_employee(employee_id)
        if company_id is None:
            return None
        rec = next(r for r in self.world.employee_records(company_id) if r.id == employee_id)
        return {
            "employeeId": self.ids.rest(Kind.EMPLOYEE, rec.id),
            "personalInfo": self.personal_info(company_id, rec),
            "department": self.department(rec),
            "function": self.function(rec),
            "address": self.address(company_id, rec),
        }

    # ------------------------------------------------------------------ history endpoints

    def history(self, resource: str, company_id: int) -> list[Row]:
        """``[{employeeId, <key>: [...]}]`` for one company-level history endpoint."""
        build = getattr(self, f"_history_{resource}")
        return self._cached(resource, company_id, lambda: build(company_id))

    def _each(self, company_id: int, key: str, entries: Callable[[Any], list[Row]]) -> list[Row]:
        return [
            {
                "employeeId": self.ids.rest(Kind.EMPLOYEE, rec.id),
                key: self._history(entries(rec)),
            }
            for rec in self.world.employee_records(company_id)
        ]

    def _history_personalinfo(self, company_id: int) -> list[Row]:
        return self._each(company_id, "info", lambda rec: [self.personal_info(company_id, rec)])

    def _history_privateInfos(self, company_id: int) -> list[Row]:
        return self._each(
            company_id,
            "privateInfos",
            lambda rec: [{"BSN": rec.bsn, "createdAt": stamp(self.created(rec))}],
        )

    def _history_addresses(self, company_id: int) -> list[Row]:
        return self._each(company_id, "addresses", lambda rec: [self.address(company_id, rec)])

    def _history_employments(self, company_id: int) -> list[Row]:
        def entries(rec: Any) -> list[Row]:
            initial = rec.employments[0].start
            out: list[Row] = []
            for job in rec.employments:
                ended = job.end is not None
                out.append(
                    {
                        "employmentId": self.ids.rest(Kind.EMPLOYMENT, job.id),
                        "creationDate": stamp(job.created),
                        "startDate": stamp(job.start),
                        "endDate": stamp(job.end),
                        "seniorityDate": stamp(initial),
                        "endContractReason": {
                            "code": END_REASON[0] if ended else None,
                            "reason": END_REASON[1] if ended else None,
                        },
                        "changedDate": stamp(job.created),
                    }
                )
            return out

        return self._each(company_id, "employments", entries)

    def _history_contracts(self, company_id: int) -> list[Row]:
        def entries(rec: Any) -> list[Row]:
            hours = number(rec.schedules[-1].weekly_hours)
            return [
                {
                    "contractId": self.ids.rest(Kind.CONTRACT, job.id),
                    "startDate": stamp(job.start),
                    "trialPeriod": None,
                    "endDate": stamp(job.end),
                    "indefinite": job.end is None,
                    "writtenContract": True,
                    "hoursPerWeek": hours,
                    "createdAt": stamp(job.created),
                }
                for job in rec.employments
            ]

        return self._each(company_id, "contracts", entries)

    def _history_salaries(self, company_id: int) -> list[Row]:
        current = {
            row.EmployeeID: (row.SalaryType, row.SalaryValue)
            for row in self.world.personal_info_contract_salary_address(company_id)
        }
        year = self.world.today.year

        def entries(rec: Any) -> list[Row]:
            kind, value = current[rec.id]
            rest_type = SALARY_TYPE.get(kind or "", "grossParttimeSalary")
            out: list[Row] = []
            first = rec.employments[0]
            previous_start = max(first.start, date(year - 1, 1, 1))
            if previous_start.year < year and value is not None:
                out.append(
                    {
                        "salaryId": self.ids.rest(Kind.SALARY, rec.id * 10 + 1),
                        "startDate": stamp(previous_start),
                        "type": rest_type,
                        "value": number((value * YEARLY_INDEXATION).quantize(Decimal("0.01"))),
                        "createdAt": stamp(max(first.created, datetime(year - 1, 1, 1))),
                    }
                )
            start = max(first.start, date(year, 1, 1))
            out.append(
                {
                    "salaryId": self.ids.rest(Kind.SALARY, rec.id * 10 + 2),
                    "startDate": stamp(start),
                    "type": rest_type,
                    "value": number(value or Decimal(0)),
                    "createdAt": stamp(max(first.created, datetime(year, 1, 1))),
                }
            )
            return out

        return self._each(company_id, "salaries", entries)

    def _history_schedules(self, company_id: int) -> list[Row]:
        days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

        def week(hours: tuple[Decimal, ...]) -> Row:
            return {f"hours{day}": number(h) for day, h in zip(days, hours, strict=True)}

        def entries(rec: Any) -> list[Row]:
            out: list[Row] = []
            for sched in rec.schedules:
                worked = sum(1 for h in (*sched.week1, *sched.week2) if h > 0)
                out.append(
                    {
                        "scheduleId": self.ids.rest(Kind.SCHEDULE, sched.id),
                        "startDate": stamp(sched.start),
                        "parttimePercentage": number(sched.parttime_percentage),
                        "hoursPerWeek": number(sched.weekly_hours),
                        "daysPerWeek": number(Decimal(worked) / 2),
                        "week1": week(sched.week1),
                        "week2": week(sched.week2),
                        "createdAt": stamp(sched.created),
                    }
                )
            return out

        return self._each(company_id, "schedules", entries)

    def _org_history(self, company_id: int, key: str, org: Callable[[Any], Row]) -> list[Row]:
        def entries(rec: Any) -> list[Row]:
            created = self.created(rec)
            return [
                {
                    **org(rec),
                    "createdAt": stamp(created),
                    "period": period_of(self.world, company_id, created.date()),
                }
            ]

        return self._each(company_id, key, entries)

    def _history_departments(self, company_id: int) -> list[Row]:
        return self._org_history(company_id, "departments", self.department)

    def _history_functions(self, company_id: int) -> list[Row]:
        return self._org_history(company_id, "functions", self.function)

    def _history_bankaccounts(self, company_id: int) -> list[Row]:
        def entries(rec: Any) -> list[Row]:
            return [
                {
                    "bankAccountId": self.ids.rest(Kind.BANK_ACCOUNT, bank.id),
                    "IBAN": bank.iban,
                    "city": BANK_CITIES[bank.bank_code],
                    "name": rec.formal_name,
                    "bankAccountType": BANK_TYPE.get(bank.type, "standard"),
                    "createdAt": stamp(self.created(rec)),
                }
                for bank in rec.banks
            ]

        return self._each(company_id, "bankAccounts", entries)

    # ------------------------------------------------------------------ runs

    def runs(self, company_id: int, year: int, *, date_periods: bool) -> list[Row]:
        ptype = self.world.period_type(company_id)
        out: list[Row] = []
        for run in self.world.runs(company_id, year):
            description = run.Description or ""
            start: int | str | None = run.PeriodStart
            end: int | str | None = run.PeriodEnd
            if date_periods:
                from nmbrs_demo.periods import period_dates

                start = stamp(period_dates(ptype, year, int(run.PeriodStart or 1))[0])
                end = stamp(period_dates(ptype, year, int(run.PeriodEnd or 1))[1])
            out.append(
                {
                    "payrollRunId": self.ids.rest(Kind.RUN, run.ID),
                    "number": run.Number,
                    "description": description,
                    "year": run.Year,
                    "periodStart": start,
                    "periodEnd": end,
                    "createdAt": stamp(run.RunAt),
                    "type": "partial" if description.startswith("Correctie") else "normal",
                    "locked": bool(run.IsLocked),
                }
            )
        return out

    def run_employees(self, company_id: int, run_id: int) -> list[Row]:
        return [
            {
                "employeeId": self.ids.rest(Kind.EMPLOYEE, e.EmployeeId),
                "employeeNumber": e.EmployeeNumber,
            }
            for e in self.world.run_employees(company_id, run_id)
        ]

    def year_complete(self, company_id: int, year: int) -> bool:
        """True once the run of the year's last period exists."""
        last = periods_in_year(self.world.period_type(company_id), year)
        return any(int(run.PeriodEnd or 0) >= last for run in self.world.runs(company_id, year))
