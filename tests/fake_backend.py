"""An in-memory Backend with UUID-string ids, for tests that must not depend on SOAP.

Nothing here imports the SOAP client or the demo server: if the panes work on this, they
depend on :class:`nmbrs_client.backend.Backend` only, and opaque (non-int) ids pass through.
Every method counts its calls, so tests can prove what the data store fetched and how often.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

from nmbrs_client.backend import (
    Company,
    ConnectionIdentity,
    CostUnit,
    Debtor,
    Documents,
    Employee,
    PayrollRun,
    ReadCost,
    RunEmployee,
)
from nmbrs_client.calllog import CallLog, CallRecord
from nmbrs_client.errors import NmbrsError, NmbrsFault
from nmbrs_client.ids import ApiKind, EntityId
from nmbrs_client.models import (
    BankAccount,
    CurrentPeriod,
    Department,
    EmployeeEmployments,
    EmployeeSchedules,
    Employment,
    Function,
    PersonalInfo,
    PersonalInfoContractSalaryAddress,
)

PDF = b"%PDF-1.4\n% fake payslip\n"


def fake_id(*parts: object) -> str:
    """A stable UUID text for a name, like REST ids."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "fake:" + "/".join(map(str, parts))))


class FakeBackend:
    """Two companies of one debtor, three employees each, two runs in 2026."""

    api = ApiKind.REST
    concurrency = 4

    def __init__(self) -> None:
        self.call_log = CallLog()
        self.calls: Counter[str] = Counter()
        self.denied: set[str] = set()  # method names that answer an endpoint-right fault
        self.gate: threading.Event | None = None  # when given, calls wait until it is set
        self.entered = threading.Event()  # set when a call has started
        self.forgotten: list[EntityId | None] = []  # the companies refresh asked to forget
        self._lock = threading.Lock()
        self.debtor = Debtor(id=fake_id("debtor"), number="2210", name="Fake Holding")
        self.company_list = [
            Company(
                id=fake_id("company", n),
                number=str(n),
                name=name,
                debtor_id=self.debtor.id,
            )
            for n, name in ((1, "Alpha Bakery"), (2, "Beta Transport"))
        ]
        self.staff: dict[EntityId, list[Employee]] = {
            c.id: [
                Employee(id=fake_id("employee", c.number, k), number=k, name=f"{who} {c.number}")
                for k, who in ((1, "Anna Jansen"), (2, "Bram de Vries"), (3, "Chris Bakker"))
            ]
            for c in self.company_list
        }

    # -- bookkeeping -----------------------------------------------------------------
    def _call(self, name: str, company_id: EntityId | None = None) -> None:
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(5)
        with self._lock:
            self.calls[name] += 1
        denied = name in self.denied
        self.call_log.add(
            CallRecord(
                started_at=datetime(2026, 11, 24, 9, 30),
                operation=f"Fake.{name}",
                company_id=company_id,
                employee_id=None,
                duration_ms=1.0,
                outcome="fault" if denied else "ok",
                fault_code=1002 if denied else None,
            )
        )
        if denied:
            raise NmbrsFault(f"Fake.{name}", 1002, "Unauthorized Access")

    # -- connection --------------------------------------------------------------------
    def identity(self) -> ConnectionIdentity:
        self._call("identity")
        return self.known_identity()

    def known_identity(self) -> ConnectionIdentity:
        return ConnectionIdentity(
            api=ApiKind.REST, host="api.fake.invalid", user="support@fake.invalid", scopes=()
        )

    # -- account -----------------------------------------------------------------------
    def debtors(self) -> list[Debtor]:
        self._call("debtors")
        return [self.debtor]

    def companies(self) -> list[Company]:
        self._call("companies")
        return list(self.company_list)

    def companies_of_debtor(self, debtor_id: EntityId) -> list[Company]:
        self._call("companies_of_debtor")
        return [c for c in self.company_list if c.debtor_id == debtor_id]

    def current_period(self, company_id: EntityId) -> CurrentPeriod | None:
        self._call("current_period", company_id)
        return CurrentPeriod.parse("2026-11-M")

    # -- employees ---------------------------------------------------------------------
    def employees(self, company_id: EntityId) -> list[Employee]:
        self._call("employees", company_id)
        return list(self.staff.get(company_id, []))

    def personal_info(self, company_id: EntityId, employee_id: EntityId) -> PersonalInfo | None:
        self._call("personal_info", company_id)
        employee = self._employee(company_id, employee_id)
        return PersonalInfo(
            Id=employee.id,
            Number=employee.number,
            DisplayName=employee.name,
            EmployeeNumber=employee.number,
            BSN="111222333",
            FirstName=employee.name.split()[0],
            LastName=employee.name.split()[-1],
        )

    def department(self, company_id: EntityId, employee_id: EntityId) -> Department | None:
        self._call("department", company_id)
        return Department(Id=fake_id("department", 7), Code=7, Description="Bakery floor")

    def function(self, company_id: EntityId, employee_id: EntityId) -> Function | None:
        self._call("function", company_id)
        return Function(Id=fake_id("function", 3), Code=3, Description="Baker")

    def details_cost(
        self, company_id: EntityId, *, employees: int, departments: int, functions: int
    ) -> ReadCost:
        return ReadCost(departments + functions, CostUnit.CALLS)  # one call each, as above

    def bank_accounts(self, company_id: EntityId, employee_id: EntityId) -> list[BankAccount]:
        self._call("bank_accounts", company_id)
        return [BankAccount(Id=fake_id("bank", employee_id), IBAN="NL91ABNA0417164300")]

    def employments(self, company_id: EntityId) -> list[EmployeeEmployments]:
        self._call("employments", company_id)
        return [
            EmployeeEmployments(
                EmployeeId=e.id,
                Employments=[
                    Employment(
                        EmploymentId=fake_id("employment", e.id), StartDate=datetime(2020, 1, 1)
                    )
                ],
            )
            for e in self.staff.get(company_id, [])
        ]

    def schedules(self, company_id: EntityId) -> list[EmployeeSchedules]:
        self._call("schedules", company_id)
        return [EmployeeSchedules(EmployeeId=e.id) for e in self.staff.get(company_id, [])]

    def contracts(self, company_id: EntityId) -> list[PersonalInfoContractSalaryAddress]:
        self._call("contracts", company_id)
        return [
            PersonalInfoContractSalaryAddress(
                EmployeeID=e.id, EmployeeNumber=e.number, FirstName=e.name
            )
            for e in self.staff.get(company_id, [])
        ]

    # -- payroll -----------------------------------------------------------------------
    def runs(self, company_id: EntityId, year: int) -> list[PayrollRun]:
        self._call("runs", company_id)
        if year != 2026:
            return []
        return [
            PayrollRun(
                id=fake_id("run", company_id, n),
                number=n,
                year=2026,
                period_start=n,
                period_end=n,
                description=f"Run {n}",
                run_at=datetime(2026, n, 25, 10, 0),
                locked=True,
            )
            for n in (1, 2)
        ]

    def run_employees(self, company_id: EntityId, run: PayrollRun) -> list[RunEmployee]:
        self._call("run_employees", company_id)
        return [RunEmployee(e.id, e.number) for e in self.staff.get(company_id, [])]

    def payslips(self, company_id: EntityId, employee_id: EntityId, run: PayrollRun) -> Documents:
        self._call("payslips", company_id)
        return Documents(pdfs=(PDF,))

    def annual_statement(self, company_id: EntityId, employee_id: EntityId, year: int) -> Documents:
        self._call("annual_statement", company_id)
        return Documents(pdfs=())

    def forget(self, company_id: EntityId | None = None) -> None:
        self.calls["forget"] += 1
        self.forgotten.append(company_id)

    def stop_retrying(self) -> None:
        self.calls["stop_retrying"] += 1

    def company_id(self, text: str) -> EntityId:
        return text

    def call_records(self) -> list[CallRecord]:
        return self.call_log.records()

    def rights_prober(self, requirements: Any, options: Any) -> Any:
        raise NmbrsError("the fake backend has no rights check")

    def close(self) -> None:
        self.calls["close"] += 1

    def _employee(self, company_id: EntityId, employee_id: EntityId) -> Employee:
        return next(e for e in self.staff[company_id] if e.id == employee_id)
