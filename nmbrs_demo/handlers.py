"""What each read-only operation answers in the demo: data from the world, filtered by scope.

The rules mirror what is known of Nmbrs: endpoint rights (1002) belong to the API user; list
calls quietly leave out what the user cannot see; asking for a specific company, employee or
debtor outside the scope (or one that does not exist — Nmbrs does not tell the two apart)
answers 2004 (or 1003), 2003 or 2009. Where the facts leave the behaviour open (the meaning of
``EmployeeType``, which check comes first, whether the payslip calls share a switch) the
scenario's :class:`~nmbrs_demo.readings.Readings` decide.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel

from nmbrs_demo.access import resolve_access
from nmbrs_demo.once import MadeOnce
from nmbrs_demo.readings import (
    CompanyScopeFaultReading,
    EmployeeTypeReading,
    FaultOrderReading,
    PayslipRightsReading,
)
from nmbrs_demo.scenarios import Scenario

PAYSLIPS = "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany"
PAYSLIPS_V2 = PAYSLIPS + "_v2"
# Operations whose request names no company, employee or debtor: nothing to check before 1002.
NO_ID_OPERATIONS = frozenset(
    {
        "DebtorService.Environment_Get",
        "DebtorService.List_GetAll",
        "CompanyService.List_GetAll",
        "EmployeeService.EmployeeType_GetList",
    }
)


class DemoFault(Exception):
    """An Nmbrs business error: rendered as a ``soap:Server`` fault with ``---> code:``."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _dump(model: BaseModel | None, *drop: str) -> dict[str, Any] | None:
    if model is None:
        return None
    data = model.model_dump()
    for key in drop:
        data.pop(key, None)
    return data


def _dumps(models: list[Any], *drop: str) -> list[dict[str, Any]]:
    return [d for d in (_dump(m, *drop) for m in models) if d is not None]


class Handlers:
    """Answers calls for one server: a world, its scenario and the resolved scope."""

    def __init__(self, world: Any, scenario: Scenario, today: date) -> None:
        self.world = world
        self.scenario = scenario
        self.today = today
        self.access = resolve_access(scenario, world)
        # The world is read-only, so a whole-company list's records are made once per
        # company (5,000 models each time cost the demo a second per big call); every call
        # still passes the scope and rights checks first.
        self._lists: MadeOnce[tuple[str, int, int], list[Any]] = MadeOnce()
        self._shared: set[int] = set()  # ids of those lists (kept for the server's lifetime)
        self._table: dict[str, Callable[[dict[str, int]], Any]] = {
            "DebtorService.Environment_Get": self._environment,
            "DebtorService.List_GetAll": self._debtors,
            "CompanyService.List_GetAll": self._companies,
            "CompanyService.List_GetByDebtor": self._companies_of_debtor,
            "CompanyService.Run_GetList": self._runs,
            "CompanyService.Run_GetEmployeesByRunCompany": self._run_employees,
            "CompanyService.Company_GetCurrentPeriod": self._current_period,
            "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany": self._payslips,
            "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2": self._payslips_v2,
            "EmployeeService.List_GetByCompany": self._employees,
            "EmployeeService.EmployeeType_GetList": self._employee_types,
            "EmployeeService.PersonalInfo_GetCurrent": self._personal_info,
            "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany": self._picsa,
            "EmployeeService.Employment_GetAll_AllEmployeesByCompany": self._employments,
            "EmployeeService.Schedule_GetAll_AllEmployeesByCompany": self._schedules,
            "EmployeeService.Department_GetCurrent": self._department,
            "EmployeeService.Function_GetCurrent": self._function,
            "EmployeeService.BankAccount_GetListCurrent": self._bank_accounts,
            "EmployeeService.SalaryDocuments_GetAnnualStatementPDF": self._annual_statement,
            "EmployeeService.Employee_GetCurrent": self._employee_period,
        }

    def knows(self, qualified: str) -> bool:
        return qualified in self._table

    def call(self, qualified: str, params: dict[str, int]) -> Any:
        """The result value for zeep, or :class:`DemoFault`. Auth is checked by the caller."""
        if self.scenario.no_subscription and qualified != "DebtorService.Environment_Get":
            # Environment_Get still answers: it only says which environment the credentials
            # belong to, and it lets a support tool tell "subscription" from "credentials".
            raise DemoFault(1004)
        readings = self.scenario.readings
        if (
            qualified in NO_ID_OPERATIONS
            or readings.fault_order is FaultOrderReading.TEMPLATE_FIRST
        ) and self._denied(qualified):
            raise DemoFault(1002)
        handler = self._table[qualified]
        return handler(params)

    def _company_list(
        self, kind: str, company_id: int, variant: int, make: Callable[[], list[Any]]
    ) -> list[Any]:
        """The records of one whole-company list, made on first use (callers never mutate)."""

        def made() -> list[Any]:
            records = make()
            self._shared.add(id(records))
            return records

        return self._lists.get((kind, company_id, variant), made)

    def is_shared(self, value: object) -> bool:
        """Whether ``value`` is one of the whole-company lists made once and never changed, so
        what is rendered from it can be rendered once too."""
        return id(value) in self._shared

    def _denied(self, qualified: str, company_id: int | None = None) -> bool:
        """The API template answers 1002 (globally, or for this company)."""
        names = [qualified]
        if self.scenario.readings.payslip_rights is PayslipRightsReading.SHARED:
            if qualified == PAYSLIPS:
                names.append(PAYSLIPS_V2)
            elif qualified == PAYSLIPS_V2:
                names.append(PAYSLIPS)
        return any(self.scenario.is_denied(name, company_id) for name in names)

    def _company_fault(self) -> int:
        reading = self.scenario.readings.company_scope_fault
        return 1003 if reading is CompanyScopeFaultReading.CODE_1003 else 2004

    # -- scope checks ---------------------------------------------------------------------
    def _company(self, params: dict[str, int], key: str, qualified: str) -> int:
        company_id = params.get(key, 0)
        if self.world.company(company_id) is None or company_id in self.access.unlisted_companies:
            raise DemoFault(self._company_fault())
        if self._denied(qualified, company_id):
            raise DemoFault(1002)
        return company_id

    def _employee(self, params: dict[str, int], key: str, qualified: str) -> int:
        employee_id = params.get(key, 0)
        company_id = self.world.company_of_employee(employee_id)
        if (
            company_id is None
            or company_id in self.access.blocked_companies
            or self.scenario.no_employees
        ):
            raise DemoFault(2003)
        if self._denied(qualified, company_id):
            raise DemoFault(1002)
        return employee_id

    def _run(self, company_id: int, run_id: int) -> Any:
        """An unknown run (or one of another company) answers 2046 Not found.

        Nmbrs' behaviour here was never observed; a fault makes a wrong id visible, while an
        empty answer stays reserved for "the employee has no payslip in this run".
        """
        found = self.world.run(run_id)
        if found is None or found[0] != company_id:
            raise DemoFault(2046)
        return found[1]

    # -- DebtorService --------------------------------------------------------------------
    def _environment(self, params: dict[str, int]) -> Any:
        return _dump(self.world.environment())

    def _debtors(self, params: dict[str, int]) -> Any:
        return _dumps([d for d in self.world.debtors() if d.Id not in self.access.hidden_debtors])

    # -- CompanyService -------------------------------------------------------------------
    def _visible(self, companies: list[Any]) -> list[dict[str, Any]]:
        unlisted = self.access.unlisted_companies
        return _dumps([c for c in companies if c.ID not in unlisted], "DebtorId")

    def _companies(self, params: dict[str, int]) -> Any:
        return self._visible(self.world.companies())

    def _companies_of_debtor(self, params: dict[str, int]) -> Any:
        debtor_id = params.get("DebtorId", 0)
        known = {d.Id for d in self.world.debtors()}
        if debtor_id not in known or debtor_id in self.access.hidden_debtors:
            raise DemoFault(2009)
        if self._denied("CompanyService.List_GetByDebtor"):
            raise DemoFault(1002)
        return self._visible(self.world.companies_of_debtor(debtor_id))

    def _runs(self, params: dict[str, int]) -> Any:
        company_id = self._company(params, "CompanyId", "CompanyService.Run_GetList")
        return _dumps(self.world.runs(company_id, params.get("Year", 0)))

    def _run_employees(self, params: dict[str, int]) -> Any:
        qualified = "CompanyService.Run_GetEmployeesByRunCompany"
        company_id = self._company(params, "CompanyId", qualified)
        run = self._run(company_id, params.get("RunId", 0))
        if run.Year != params.get("Year", 0) or self.scenario.no_employees:
            return []
        return _dumps(self.world.run_employees(company_id, run.ID))

    def _current_period(self, params: dict[str, int]) -> Any:
        company_id = self._company(params, "CompanyId", "CompanyService.Company_GetCurrentPeriod")
        return self.world.current_period(company_id)

    def _payslip_list(self, params: dict[str, int], qualified: str, year: int) -> Any:
        company_id = self._company(params, "CompanyId", qualified)
        employee_id = self._employee(params, "EmployeeID", qualified)
        run = self._run(company_id, params.get("RunID", 0))
        if run.Year != year:
            # The run exists but not in the year asked for (the non-v2 call always looks in
            # the company's active year): Nmbrs finds no payslips there.
            return []
        pdfs = self.world.payslip_pdfs(employee_id, company_id, run.ID, year)
        return [{"PDF": pdf} for pdf in pdfs]

    def _payslips(self, params: dict[str, int]) -> Any:
        return self._payslip_list(
            params,
            "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany",
            self.today.year,
        )

    def _payslips_v2(self, params: dict[str, int]) -> Any:
        return self._payslip_list(
            params,
            "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2",
            params.get("intYear", 0),
        )

    # -- EmployeeService ------------------------------------------------------------------
    def _employees(self, params: dict[str, int]) -> Any:
        company_id = self._company(params, "CompanyId", "EmployeeService.List_GetByCompany")
        if self.scenario.no_employees:
            return []
        value = params.get("EmployeeType", 0)
        known = {t.Id for t in self.world.employee_types()}
        type_id: int | None = None
        active: bool | None = None
        match self.scenario.readings.employee_type:
            case EmployeeTypeReading.TYPE_ID:  # an employee-type id; anything else: nobody
                if value not in known:
                    return []
                type_id, variant = value, value
            case EmployeeTypeReading.ZERO_IS_ALL:  # 0 or an unknown id: everyone
                type_id = value if value in known else None
                variant = type_id or 0
            case EmployeeTypeReading.ACTIVE_FILTER:  # v2.1's Active: 0 active, 1 not, 2 all
                filters = {0: True, 1: False, 2: None}
                if value not in filters:
                    return []
                active, variant = filters[value], -1 - value
        return self._company_list(
            "employees",
            company_id,
            variant,
            lambda: _dumps(self.world.employees(company_id, type_id, active=active)),
        )

    def _employee_types(self, params: dict[str, int]) -> Any:
        return _dumps(self.world.employee_types())

    def _personal_info(self, params: dict[str, int]) -> Any:
        employee_id = self._employee(
            params, "EmployeeId", "EmployeeService.PersonalInfo_GetCurrent"
        )
        return _dump(self.world.personal_info(employee_id))

    def _picsa(self, params: dict[str, int]) -> Any:
        company_id = self._company(
            params,
            "CompanyID",
            "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany",
        )
        if self.scenario.no_employees:
            return []
        return self._company_list(
            "pcsa",
            company_id,
            0,
            lambda: _dumps(self.world.personal_info_contract_salary_address(company_id)),
        )

    def _employments(self, params: dict[str, int]) -> Any:
        company_id = self._company(
            params, "CompanyID", "EmployeeService.Employment_GetAll_AllEmployeesByCompany"
        )
        if self.scenario.no_employees:
            return []
        return self._company_list(
            "employments",
            company_id,
            0,
            lambda: [
                {
                    "EmployeeId": item.EmployeeId,
                    "EmployeeEmployments": {"Employment": _dumps(item.Employments)},
                }
                for item in self.world.employments(company_id)
            ],
        )

    def _schedules(self, params: dict[str, int]) -> Any:
        company_id = self._company(
            params, "CompanyID", "EmployeeService.Schedule_GetAll_AllEmployeesByCompany"
        )
        if self.scenario.no_employees:
            return []
        return self._company_list(
            "schedules",
            company_id,
            0,
            lambda: [
                {
                    "EmployeeId": item.EmployeeId,
                    "EmployeeSchedules": {"Schedule_V2": _dumps(item.Schedules)},
                }
                for item in self.world.schedules(company_id)
            ],
        )

    def _department(self, params: dict[str, int]) -> Any:
        employee_id = self._employee(params, "EmployeeId", "EmployeeService.Department_GetCurrent")
        return _dump(self.world.department(employee_id))

    def _function(self, params: dict[str, int]) -> Any:
        employee_id = self._employee(params, "EmployeeId", "EmployeeService.Function_GetCurrent")
        return _dump(self.world.function(employee_id))

    def _bank_accounts(self, params: dict[str, int]) -> Any:
        employee_id = self._employee(
            params, "EmployeeId", "EmployeeService.BankAccount_GetListCurrent"
        )
        return _dumps(self.world.bank_accounts(employee_id))

    def _annual_statement(self, params: dict[str, int]) -> Any:
        employee_id = self._employee(
            params, "EmployeeID", "EmployeeService.SalaryDocuments_GetAnnualStatementPDF"
        )
        pdf = self.world.annual_statement_pdf(employee_id, params.get("intYear", 0))
        # No statement for that year is a successful call with an empty SalaryDocument.
        return {"PDF": pdf} if pdf is not None else {}

    def _employee_period(self, params: dict[str, int]) -> Any:
        employee_id = self._employee(params, "EmployeeId", "EmployeeService.Employee_GetCurrent")
        return self.world.employee_current_period(employee_id)
