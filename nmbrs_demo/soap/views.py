"""The demo world seen through the SOAP API: the operations only SOAP answers."""

from __future__ import annotations

from decimal import Decimal

from nmbrs_client.models import (
    BankAccount,
    Employee,
    EmployeeEmployments,
    EmployeeSchedules,
    EmployeeType,
    Employment,
    EnvironmentInfo,
    PersonalInfo,
    Schedule,
)
from nmbrs_demo.pdf import payslip_pdf as render_payslip
from nmbrs_demo.records import BANK_CITIES, EMPLOYEE_TYPES, EmployeeRec, midnight
from nmbrs_demo.world import World


class DemoWorld(World):
    """The world with the answers only the SOAP demo gives (environment, lists, histories).

    The REST demo projects the same world through :mod:`nmbrs_demo.rest.views`.
    """

    def environment(self) -> EnvironmentInfo:
        return EnvironmentInfo(Domain="demo.nmbrs.nl", SubDomain="demo")

    def employee_types(self) -> list[EmployeeType]:
        return [EmployeeType(Id=type_id, Description=text) for type_id, text in EMPLOYEE_TYPES]

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

    def _in_service(self, rec: EmployeeRec) -> bool:
        last = rec.employments[-1] if rec.employments else None
        return last is not None and (last.end is None or last.end >= self.today)

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
            Birthday=midnight(rec.birthday),
            InCaseOfEmergency=rec.emergency_name,
            InCaseOfEmergencyPhone=rec.emergency_phone,
            InCaseOfEmergencyRelation=rec.emergency_relation,
            TitleAfter=rec.title_after,
        )

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
                            StartDate=midnight(job.start),
                            EndDate=midnight(job.end),
                            InitialStartDate=midnight(initial),
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
                        StartDate=midnight(sched.start),
                        CreationDate=sched.created,
                        **hours,
                    )
                )
            out.append(EmployeeSchedules(EmployeeId=rec.id, Schedules=items))
        return out

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
