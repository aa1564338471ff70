"""The demo world's data: valid identifiers, determinism, periods and runs, histories, sizes."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from nmbrs_client.models import CurrentPeriod
from nmbrs_demo import DEMO_SEED, DEMO_TODAY
from nmbrs_demo.names import BIC_BY_BANK_CODE
from nmbrs_demo.periods import period_dates, periods_in_year
from nmbrs_demo.records import BIG_COMPANY_SIZE, EMPLOYEE_TYPES, bsn_is_valid, iban_is_valid
from nmbrs_demo.soap.views import DemoWorld

SALARY_TYPES = {
    "None",
    "Bruto_Salaris_Fulltime",
    "Bruto_Salaris_Partime",
    "Bruto_Uurloon",
    "Netto_Salaris_Partime_incl_looncomp",
    "Netto_Salaris_Partime_excl_looncomp",
    "Netto_Uurloon_excl_looncomp",
    "Werkgerverslasten",
    "Netto_Uurloon_incl_looncomp",
}


@pytest.fixture(scope="module")
def world() -> DemoWorld:
    return DemoWorld()


@pytest.fixture(scope="module")
def mid_company(world: DemoWorld) -> int:
    """The 250-employee company (monthly)."""
    return next(c.ID for c in world.companies() if world.company_size(c.ID) == 250)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# ------------------------------------------------------------------ check-digit helpers


def test_check_digit_helpers_reject_bad_numbers() -> None:
    assert bsn_is_valid("111222333")
    assert not bsn_is_valid("111222334")
    assert not bsn_is_valid("12345678")
    assert iban_is_valid("NL91ABNA0417164300")
    assert not iban_is_valid("NL92ABNA0417164300")


# ------------------------------------------------------------------ environment and companies


def test_standard_world_shape(world: DemoWorld) -> None:
    assert world.environment().Domain == "demo.nmbrs.nl"
    assert world.environment().SubDomain == "demo"
    debtors = world.debtors()
    companies = world.companies()
    assert [d.Id for d in debtors] == [1001, 1002]
    assert len(companies) == 6
    assert sorted(world.company_size(c.ID) for c in companies) == [3, 12, 40, 85, 250, 5000]
    assert {world.period_type(c.ID) for c in companies} == {"M", "W4", "W1"}
    for company in companies:
        assert company.Name and company.Name.endswith(" B.V.")
        assert company.KvkNr is not None and re.fullmatch(r"[1-9]\d{7}", company.KvkNr)
        assert company.LoonaangifteTijdvak in {"Month", "Week4"}
        assert company.DebtorId in {1001, 1002}
        assert world.company(company.ID) == company
    assert len({c.KvkNr for c in companies}) == 6
    assert any(c.PhoneNumber is None or c.Website is None for c in companies)
    by_debtor = [c for d in debtors for c in world.companies_of_debtor(d.Id)]
    assert sorted(c.ID for c in by_debtor) == sorted(c.ID for c in companies)
    assert world.company(999) is None
    assert world.employees(999) == []


def test_current_period_format_matches_period_type(world: DemoWorld) -> None:
    for company in world.companies():
        raw = world.current_period(company.ID)
        assert re.fullmatch(r"\d{4}-\d{1,2}-(M|4W|W1)", raw), raw
        parsed = CurrentPeriod.parse(raw)
        assert parsed is not None
        assert parsed.period_type == world.period_type(company.ID)
        assert parsed.year == DEMO_TODAY.year
        first_id = world.employees(company.ID)[0].Id
        assert world.employee_current_period(first_id) == raw


# ------------------------------------------------------------------ employees


def test_bsn_iban_bic_valid_for_every_employee(world: DemoWorld, mid_company: int) -> None:
    rows = world.personal_info_contract_salary_address(mid_company)
    assert len(rows) == 250
    bsns = [row.BSN for row in rows]
    assert all(b is not None and bsn_is_valid(b) for b in bsns)
    assert len(set(bsns)) == len(bsns)
    for row in rows:
        accounts = world.bank_accounts(int(row.EmployeeID))
        assert 1 <= len(accounts) <= 2
        assert accounts[0].Type == "Standaard"
        for account in accounts:
            assert account.IBAN is not None and iban_is_valid(account.IBAN), account.IBAN
            assert re.fullmatch(r"NL\d{2}[A-Z]{4}\d{10}", account.IBAN)
            bank_code = account.IBAN[4:8]
            assert BIC_BY_BANK_CODE[bank_code] == account.BIC
        if len(accounts) == 2:
            assert accounts[1].Type in {"Spaarloon", "Bankrekening2"}


def test_personal_data_is_plausible(world: DemoWorld, mid_company: int) -> None:
    rows = world.personal_info_contract_salary_address(mid_company)
    prefixes = {row.Prefix for row in rows}
    assert {"van", "de"} & prefixes and None in prefixes
    for row in rows:
        assert row.Birthday is not None
        assert 17 <= _age(row.Birthday.date(), DEMO_TODAY) <= 67
        assert row.Gender in {"male", "female"}
        assert row.PostCode is not None and re.fullmatch(r"[1-9]\d{3}[A-Z]{2}", row.PostCode)
        assert row.Street and row.HouseNumber and row.City
        assert row.SalaryType in SALARY_TYPES
        for amount in (row.SalaryValue, row.HourlyWage, row.ContractHours):
            assert isinstance(amount, Decimal) and amount.as_tuple().exponent == -2
        if row.SalaryType == "Bruto_Uurloon":
            assert row.SalaryValue == row.HourlyWage
    assert {row.SalaryType for row in rows} >= {
        "Bruto_Salaris_Fulltime",
        "Bruto_Salaris_Partime",
        "Bruto_Uurloon",
    }
    assert any(row.HouseNumberAddition for row in rows)
    assert any(row.EmailWork is None for row in rows)
    info = world.personal_info(int(rows[10].EmployeeID))
    assert info is not None
    assert info.BSN == rows[10].BSN and info.LastName == rows[10].LastName
    assert info.Initials and info.Initials.endswith(".")
    expected = " ".join(p for p in (info.FirstName, info.Prefix, info.LastName) if p)
    assert info.DisplayName == expected


def test_employee_ids_numbers_and_types(world: DemoWorld, mid_company: int) -> None:
    employees = world.employees(mid_company)
    assert [e.Number for e in employees] == list(range(1, 251))
    assert world.employees(mid_company, None) == employees
    assert world.employees(mid_company, 0) == []  # 0 is no employee-type id
    per_type = [world.employees(mid_company, type_id) for type_id, _ in EMPLOYEE_TYPES]
    assert sum(len(group) for group in per_type) == len(employees)
    assert [t.Id for t in world.employee_types()] == [t for t, _ in EMPLOYEE_TYPES]
    for employee in employees:
        assert world.company_of_employee(employee.Id) == mid_company
    assert world.company_of_employee(1) is None
    assert world.company_of_employee(10_000_000) is None
    assert world.personal_info(10_000_000) is None


def test_employment_histories(world: DemoWorld, mid_company: int) -> None:
    items = world.employments(mid_company)
    ended = rehired = open_ended = 0
    for item in items:
        jobs = item.Employments
        assert jobs and all(j.InitialStartDate == jobs[0].StartDate for j in jobs)
        for job in jobs:
            assert job.StartDate is not None and job.CreationDate is not None
            assert job.StartDate.date() <= DEMO_TODAY
            if job.EndDate is not None:
                assert job.EndDate >= job.StartDate
        if len(jobs) == 2:
            rehired += 1
            first_end = jobs[0].EndDate
            assert first_end is not None and jobs[1].StartDate is not None
            assert jobs[1].StartDate > first_end
        last_end = jobs[-1].EndDate
        if last_end is None:
            open_ended += 1
        elif last_end.date() < DEMO_TODAY:
            ended += 1
    assert ended >= 5 and rehired >= 3
    assert open_ended > len(items) // 2


def test_schedules_rotas_percentages_and_history(world: DemoWorld, mid_company: int) -> None:
    items = world.schedules(mid_company)
    rotas = histories = part_time = 0
    for item in items:
        assert item.Schedules
        histories += len(item.Schedules) > 1
        starts = [s.StartDate for s in item.Schedules if s.StartDate is not None]
        assert len(starts) == len(item.Schedules) and starts == sorted(starts)
        for sched in item.Schedules:
            total = sum(sched.week(1), Decimal(0)) + sum(sched.week(2), Decimal(0))
            expected = (total / 2 / 40 * 100).quantize(Decimal("0.01"))
            assert sched.ParttimePercentage == expected
        current = item.Schedules[-1]
        rotas += current.is_rota
        part_time += current.ParttimePercentage is not None and current.ParttimePercentage < 100
    assert rotas >= 5 and histories >= 5 and part_time >= 50
    assert any(s.week(1) == [Decimal(8)] * 5 + [Decimal(0)] * 2 for i in items for s in i.Schedules)


def test_departments_and_functions(world: DemoWorld, mid_company: int) -> None:
    employees = world.employees(mid_company)
    director = employees[0].Id
    dept, func = world.department(director), world.function(director)
    assert dept is not None and dept.Description == "Directie"
    assert func is not None and func.Description == "Directeur"
    descriptions = set()
    for employee in employees[:60]:
        d, f = world.department(employee.Id), world.function(employee.Id)
        assert d is not None and f is not None
        assert isinstance(d.Code, int) and isinstance(f.Code, int) and d.Description
        descriptions.add(d.Description)
    assert len(descriptions) >= 4
    assert world.department(10_000_000) is None


# ------------------------------------------------------------------ determinism


def _snapshot(world: DemoWorld, company_id: int) -> tuple[object, ...]:
    return (
        world.debtors(),
        world.companies(),
        world.employees(company_id),
        world.personal_info_contract_salary_address(company_id),
        world.employments(company_id),
        world.schedules(company_id),
        world.runs(company_id, DEMO_TODAY.year),
        world.current_period(company_id),
    )


def test_same_seed_same_data_regardless_of_call_order() -> None:
    first, second = DemoWorld(), DemoWorld()
    ids = [c.ID for c in first.companies() if first.company_size(c.ID) < 1000]
    forward = [_snapshot(first, cid) for cid in ids]
    backward = [_snapshot(second, cid) for cid in reversed(ids)][::-1]
    assert forward == backward
    employee = first.employees(ids[2])[7].Id
    assert first.bank_accounts(employee) == second.bank_accounts(employee)


def test_different_seed_gives_different_data() -> None:
    base, other = DemoWorld(), DemoWorld(seed=DEMO_SEED + 1)
    assert [c.Name for c in base.companies()] != [c.Name for c in other.companies()]
    company = base.companies()[3].ID
    assert base.personal_info_contract_salary_address(
        company
    ) != other.personal_info_contract_salary_address(company)


# ------------------------------------------------------------------ periods and runs


def test_period_calendar() -> None:
    assert periods_in_year("M", 2026) == 12
    assert periods_in_year("W4", 2026) == 13
    assert periods_in_year("W1", 2026) == 53
    assert periods_in_year("W1", 2025) == 52
    assert period_dates("M", 2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_dates("W1", 2026, 1)[0] == date(2025, 12, 29)
    w4_last = period_dates("W4", 2026, 13)
    assert w4_last[1] == date(2027, 1, 3) and (w4_last[1] - w4_last[0]).days == 34


def test_runs_cover_periods_and_never_lie_in_the_future(world: DemoWorld) -> None:
    for company in world.companies():
        cid, ptype = company.ID, world.period_type(company.ID)
        current = CurrentPeriod.parse(world.current_period(cid))
        assert current is not None and current.period is not None
        all_ids: list[int] = []
        for year in range(DEMO_TODAY.year - 2, DEMO_TODAY.year + 1):
            runs = world.runs(cid, year)
            count = periods_in_year(ptype, year)
            regular = [r for r in runs if not (r.Description or "").startswith("Correctie")]
            covered = [p for r in regular for p in range(r.PeriodStart, r.PeriodEnd + 1)]
            expected_last = count if year < DEMO_TODAY.year else current.period - 1
            assert covered == list(range(1, expected_last + 1)), (cid, year)
            assert [r.Number for r in runs] == list(range(1, len(runs) + 1))
            run_times = [r.RunAt for r in runs if r.RunAt is not None]
            assert len(run_times) == len(runs) and run_times == sorted(run_times)
            for run in runs:
                assert run.Year == year and run.RunAt is not None
                assert run.RunAt.date() < DEMO_TODAY
                assert world.run(run.ID) == (cid, run)
            if year < DEMO_TODAY.year:
                assert all(r.IsLocked for r in runs)
            else:
                unlocked = [r for r in runs if not r.IsLocked]
                assert 1 <= len(unlocked) <= 2 and unlocked == runs[-len(unlocked) :]
            all_ids.extend(r.ID for r in runs)
        assert len(set(all_ids)) == len(all_ids)
        assert world.runs(cid, DEMO_TODAY.year + 1) == []
        assert world.runs(cid, DEMO_TODAY.year - 3) == []
    weekly = next(c.ID for c in world.companies() if world.period_type(c.ID) == "W1")
    weekly_2025 = world.runs(weekly, 2025)
    assert max(r.PeriodEnd for r in weekly_2025) == 52
    assert world.run(1) is None and world.run(4_999_999) is None


def test_multi_period_and_correction_runs_exist(world: DemoWorld) -> None:
    runs = [r for c in world.companies() for y in (2024, 2025, 2026) for r in world.runs(c.ID, y)]
    assert any(r.PeriodEnd > r.PeriodStart for r in runs)
    assert any((r.Description or "").startswith("Correctierun") for r in runs)


def test_run_employees_are_those_employed_in_the_period(world: DemoWorld, mid_company: int) -> None:
    run = world.runs(mid_company, 2024)[0]
    members = {e.EmployeeId for e in world.run_employees(mid_company, run.ID)}
    start = period_dates("M", 2024, run.PeriodStart)[0]
    end = period_dates("M", 2024, run.PeriodEnd)[1]
    expected = set()
    for item in world.employments(mid_company):
        for job in item.Employments:
            assert job.StartDate is not None
            if job.StartDate.date() <= end and (job.EndDate is None or job.EndDate.date() >= start):
                expected.add(item.EmployeeId)
    assert members == expected
    assert 0 < len(members) < 250
    assert world.run_employees(mid_company + 1, run.ID) == []


# ------------------------------------------------------------------ sizes


def test_big_company_has_5000_employees() -> None:
    fresh = DemoWorld()
    big = fresh.big_company_id()
    employees = fresh.employees(big)
    assert len(employees) == BIG_COMPANY_SIZE
    assert len({e.Id for e in employees}) == BIG_COMPANY_SIZE
    assert fresh.company_of_employee(employees[-1].Id) == big


def test_large_accountant_world() -> None:
    large = DemoWorld(size="large-accountant")
    companies = large.companies()
    debtors = large.debtors()
    assert len(debtors) == 40 and len(companies) == 250
    assert {c.DebtorId for c in companies} == {d.Id for d in debtors}
    sizes = [large.company_size(c.ID) for c in companies]
    assert sizes.count(BIG_COMPANY_SIZE) == 1
    assert sum(3 <= s <= 40 for s in sizes) >= 180
    assert {large.period_type(c.ID) for c in companies} == {"M", "W4", "W1"}
    out = large.out_of_scope_company_ids()
    assert len(out) == 6 and len(set(out)) == 6
    assert large.big_company_id() not in out
    assert all(large.company(cid) is not None for cid in out)
    assert out == DemoWorld(size="large-accountant").out_of_scope_company_ids()
    assert len({c.Name for c in companies}) == 250
    assert not large._employees, "listing companies must not generate employees"


def test_unknown_size_rejected() -> None:
    with pytest.raises(ValueError):
        DemoWorld(size="huge")
