"""The SOAP v3 implementation of :class:`~nmbrs_client.backend.Backend`.

A thin adapter over :class:`~nmbrs_client.client.NmbrsClient`: it turns SOAP's records into the
backend-neutral models, keeps the SOAP-only decisions here (domain discovery, the ``_v2`` payslip
fallback) and leaves the allowlist, rate limit and call log to the client. SOAP ids are ints; an
id of another kind reaching this backend is a programming error and is refused before any call.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

from nmbrs_client import models as m
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
from nmbrs_client.errors import FaultCategory, NmbrsFault
from nmbrs_client.ids import ApiKind, EntityId

if TYPE_CHECKING:
    from nmbrs_client.calllog import CallLog, CallRecord
    from nmbrs_client.client import ClientSettings, NmbrsClient
    from nmbrs_client.rights.protocol import CheckOptions, Prober
    from nmbrs_client.rights.requirements import RequirementProfile

V2_DENIED_NOTE = " (the _v2 payslip call is denied; used the older call)"


def soap_id(value: EntityId) -> int:
    """The SOAP int behind an opaque id; anything else never reaches the wire."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a SOAP id must be an int, got {type(value).__name__}")
    return value


def company_from_soap(company: m.Company) -> Company:
    return Company(
        id=company.ID,
        number=str(company.Number),
        name=company.Name or "",
        debtor_id=company.DebtorId,
        kvk=company.KvkNr,
        tax_period=company.LoonaangifteTijdvak,
    )


def run_from_soap(run: m.RunInfo) -> PayrollRun:
    return PayrollRun(
        id=run.ID,
        number=run.Number,
        year=run.Year,
        period_start=run.PeriodStart,
        period_end=run.PeriodEnd,
        description=run.Description or "",
        run_at=run.RunAt,
        locked=run.IsLocked,
    )


class SoapBackend:
    """Nmbrs through SOAP v3. ``today`` decides the ``_v2`` payslip fallback (frozen in tests)."""

    api = ApiKind.SOAP

    def __init__(
        self,
        client: NmbrsClient,
        *,
        today: Callable[[], datetime.date] = datetime.date.today,
        with_domain: Callable[[str | None], NmbrsClient] | None = None,
    ) -> None:
        self.client = client  # the rights engine probes SOAP operations on it directly
        self._today = today
        # a client for the same account with another domain, for when the saved one is wrong
        self._with_domain = with_domain
        self._others: list[NmbrsClient] = []

    @classmethod
    def from_settings(
        cls,
        settings: ClientSettings,
        *,
        today: Callable[[], datetime.date] = datetime.date.today,
    ) -> SoapBackend:
        from nmbrs_client.client import NmbrsClient

        copy = getattr(settings, "with_soap", None)  # a profile can be re-pointed

        def with_domain(domain: str | None) -> NmbrsClient:
            assert copy is not None
            return NmbrsClient(copy(domain=domain))

        return cls(NmbrsClient(settings), today=today, with_domain=with_domain if copy else None)

    def company_id(self, text: str) -> EntityId:
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError(f"{text!r}: a SOAP company id is a number") from None

    def call_records(self) -> list[CallRecord]:
        """Every call of this backend, those of a client re-pointed to the right domain too."""
        records = self.client.call_log.records()
        for other in self._others:
            records.extend(other.call_log.records())
        return records

    def _reconnect(self, domain: str | None) -> NmbrsClient:
        assert self._with_domain is not None
        other = self._with_domain(domain)
        self._others.append(other)
        return other

    @property
    def call_log(self) -> CallLog:
        return self.client.call_log

    def rights_prober(self, requirements: RequirementProfile, options: CheckOptions) -> Prober:
        """The SOAP rights engine on this backend's client (rows, columns, discovery)."""
        from nmbrs_client.rights.engine import RightsEngine

        reconnect = self._reconnect if self._with_domain is not None else None
        return RightsEngine(self.client, requirements, options, reconnect=reconnect)

    @property
    def concurrency(self) -> int:
        return int(self.client.settings.concurrency)

    # -- connection --------------------------------------------------------------------
    def identity(self) -> ConnectionIdentity:
        self.client.ensure_domain()
        return self.known_identity()

    def known_identity(self) -> ConnectionIdentity:
        return ConnectionIdentity(
            api=ApiKind.SOAP,
            host=self.client.host,
            user=self.client.username,
            domain=self.client.domain,
            domain_source=self.client.domain_source,
        )

    # -- account -----------------------------------------------------------------------
    def debtors(self) -> list[Debtor]:
        return [
            Debtor(id=d.Id, number=d.Number or "", name=d.Name or "") for d in self.client.debtors()
        ]

    def companies(self) -> list[Company]:
        return [company_from_soap(c) for c in self.client.companies()]

    def companies_of_debtor(self, debtor_id: EntityId) -> list[Company]:
        return [company_from_soap(c) for c in self.client.companies_of_debtor(soap_id(debtor_id))]

    def current_period(self, company_id: EntityId) -> m.CurrentPeriod | None:
        return self.client.current_period(soap_id(company_id))

    # -- employees ---------------------------------------------------------------------
    def employees(self, company_id: EntityId) -> list[Employee]:
        # Straight from what discovery found (as NmbrsClient.employees reads it), without a
        # model per employee in between: 5,000 of them for the big company.
        found = self.client.discover_employees(soap_id(company_id))
        if found.error is not None:
            raise found.error
        return [
            Employee(id=e.Id, number=e.Number or 0, name=e.DisplayName or "")
            for e in found.employees
        ]

    def personal_info(self, company_id: EntityId, employee_id: EntityId) -> m.PersonalInfo | None:
        return self.client.personal_info(soap_id(employee_id))

    def department(self, company_id: EntityId, employee_id: EntityId) -> m.Department | None:
        return self.client.department(soap_id(employee_id))

    def function(self, company_id: EntityId, employee_id: EntityId) -> m.Function | None:
        return self.client.function(soap_id(employee_id))

    def bank_accounts(self, company_id: EntityId, employee_id: EntityId) -> list[m.BankAccount]:
        return self.client.bank_accounts(soap_id(employee_id))

    def details_cost(
        self, company_id: EntityId, *, employees: int, departments: int, functions: int
    ) -> ReadCost:
        """SOAP has department and function only per employee: one call each."""
        return ReadCost(departments + functions, CostUnit.CALLS)

    def employments(self, company_id: EntityId) -> list[m.EmployeeEmployments]:
        return self.client.employments(soap_id(company_id))

    def schedules(self, company_id: EntityId) -> list[m.EmployeeSchedules]:
        return self.client.schedules(soap_id(company_id))

    def contracts(self, company_id: EntityId) -> list[m.PersonalInfoContractSalaryAddress]:
        return self.client.personal_info_contract_salary_address(soap_id(company_id))

    # -- payroll -----------------------------------------------------------------------
    def runs(self, company_id: EntityId, year: int) -> list[PayrollRun]:
        return [run_from_soap(r) for r in self.client.runs(soap_id(company_id), year)]

    def run_employees(self, company_id: EntityId, run: PayrollRun) -> list[RunEmployee]:
        return [
            RunEmployee(employee_id=e.EmployeeId, employee_number=e.EmployeeNumber)
            for e in self.client.run_employees(soap_id(company_id), soap_id(run.id), run.year)
        ]

    def payslips(self, company_id: EntityId, employee_id: EntityId, run: PayrollRun) -> Documents:
        """``_v2`` first; when it is denied for a run of this year the older call still answers."""
        eid, cid, rid = soap_id(employee_id), soap_id(company_id), soap_id(run.id)
        note = ""
        try:
            documents = self.client.payslips(eid, cid, rid, year=run.year)
        except NmbrsFault as error:
            denied = error.category is FaultCategory.ENDPOINT_RIGHT_MISSING
            if not (denied and run.year == self._today().year):
                raise
            documents = self.client.payslips(eid, cid, rid, year=None)
            note = V2_DENIED_NOTE
        return Documents(pdfs=tuple(d.PDF for d in documents if d.PDF), note=note)

    def annual_statement(self, company_id: EntityId, employee_id: EntityId, year: int) -> Documents:
        statement = self.client.annual_statement(soap_id(employee_id), year)
        pdf = statement.PDF if statement is not None else None
        return Documents(pdfs=(pdf,) if pdf else ())

    def forget(self, company_id: EntityId | None = None) -> None:
        """Nothing to drop: every read of a company's data is a SOAP call of its own."""

    def stop_retrying(self) -> None:
        self.client.stop_retrying()

    def close(self) -> None:
        self.client.close()
        for other in self._others:
            other.close()

    def __repr__(self) -> str:  # never shows the token
        return f"SoapBackend({self.client!r})"
