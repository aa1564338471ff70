"""The REST implementation of :class:`~nmbrs_client.backend.Backend`.

It maps the REST records onto the backend-neutral models and keeps the REST-only decisions
here: the granted scopes and token expiry as the identity, the debtor walk for a multi-debtor
consent, company-level history endpoints fetched once per company until a refresh
(:meth:`RestBackend.forget`) and reduced to "current" (:mod:`nmbrs_client.rest.history`), the
BSN from ``privateInfos``, and payslips per employee per *period*: REST has no payslip by run,
so a run's payslips are those of each period it covers, fetched through the document task.

What REST cannot give is left ``None`` in the shared SOAP-named models: domain, BIC,
``InitialStartDate``, ``HourlyWage``; the REST employee type (``payroll``, ``formerPayroll``…)
travels as a name.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

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
from nmbrs_client.calllog import CallLog, CallRecord
from nmbrs_client.cancel import as_done, current_stop, either, working_for_caller
from nmbrs_client.errors import FaultCategory, NmbrsError
from nmbrs_client.ids import ApiKind, EntityId
from nmbrs_client.kept import Kept
from nmbrs_client.rest.client import MAX_PAGE_SIZE, RestClient
from nmbrs_client.rest.errors import NmbrsRestError, NoDocumentError, RestProblemKind
from nmbrs_client.rest.history import (
    CurrentRule,
    by_employee,
    current,
    current_per_type,
    parse_instant,
    run_period,
    wrappers,
)
from nmbrs_client.rest_operations import OPERATIONS, RestOp

if TYPE_CHECKING:
    from nmbrs_client.rights.protocol import CheckOptions, Prober
    from nmbrs_client.rights.requirements import RequirementProfile

Row = Mapping[str, Any]

# Appended to the pane's title, as SoapBackend's notes are (hence the leading space there).
PER_PERIOD_NOTE = "REST has no payslip by run, one per period of the run"
EMPLOYEE_TYPES = (
    "applicant",
    "newHire",
    "payroll",
    "formerPayroll",
    "external",
    "formerExternal",
    "rejectedApplicant",
)
_PERIOD_TYPES = {"month": "M", "4-weeks": "W4", "1-week": "W1"}

if TYPE_CHECKING:
    from nmbrs_client.rights.protocol import CheckOptions, Prober
    from nmbrs_client.rights.requirements import RequirementProfile


def rest_id(value: EntityId) -> str:
    """The UUID text behind an opaque id; a SOAP int never reaches the REST wire."""
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"a REST id must be a non-empty string, got {type(value).__name__}")
    return value


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return default


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _sub(row: Row | None, key: str) -> Row:
    value = row.get(key) if row else None
    return value if isinstance(value, Mapping) else {}


def display_name(basic: Row) -> str:
    parts = [
        _text(basic.get("firstName")) or _text(basic.get("initials")),
        _text(basic.get("prefix")),
        _text(basic.get("lastName")),
    ]
    return " ".join(p for p in parts if p)


class RestBackend:
    """Nmbrs through the REST API. ``today`` decides what "current" means (frozen in tests)."""

    api = ApiKind.REST

    def __init__(
        self,
        client: RestClient,
        *,
        expires_at: Callable[[], float | None] = lambda: None,
        employee_types: tuple[str, ...] = (),
        today: Callable[[], date] = date.today,
        at_expiry: str = "refreshed before expiry",
    ) -> None:
        unknown = set(employee_types) - set(EMPLOYEE_TYPES)
        if unknown:
            raise ValueError(f"unknown REST employee type(s): {', '.join(sorted(unknown))}")
        self.client = client
        self.employee_types = employee_types
        self._expires_at = expires_at
        self._at_expiry = at_expiry  # what the Connection pane says of the token's expiry
        self._today = today
        self._lock = threading.Lock()
        self._identity: ConnectionIdentity | None = None
        # what per-employee questions are answered from, read once per company until `r`
        self._history: Kept[tuple[RestOp, str], dict[str, list[Row]]] = Kept()
        self._periods: Kept[str, m.CurrentPeriod | None] = Kept()
        self.walked_debtors = False

    @property
    def call_log(self) -> CallLog:
        return self.client.call_log

    def company_id(self, text: str) -> EntityId:
        """A REST company id (UUID) or company number: the check accepts either."""
        value = text.strip()
        if not value:
            raise ValueError("an empty company id")
        return value

    def call_records(self) -> list[CallRecord]:
        return self.client.call_log.records()

    def rights_prober(self, requirements: RequirementProfile, options: CheckOptions) -> Prober:
        """The REST prober on this backend's client (granted scopes, reach, one probe per call)."""
        from nmbrs_client.rest.prober import RestProber

        return RestProber(self.client, requirements, options)

    @property
    def concurrency(self) -> int:
        return self.client.concurrency

    # -- connection --------------------------------------------------------------------
    def identity(self) -> ConnectionIdentity:
        """``/api/user/info`` when granted (or the grant is unknown), else ``/api/debtors``."""
        granted = self.client.tokens.granted_scopes()
        user = unread = ""
        debtor_id: EntityId | None = None
        if granted is None or "user.info.read" in granted:
            try:
                info = self.client.single(RestOp.USER_INFO)
            except NmbrsRestError as exc:
                if exc.category is FaultCategory.AUTHENTICATION:
                    raise  # the token or the key: nothing else will answer either
                if exc.kind not in (RestProblemKind.SCOPE_MISSING, RestProblemKind.FORBIDDEN):
                    unread = exc.message  # a gateway, a server error: the rest may still work
                info = None
            if info:
                name, email = _text(info.get("name")), _text(info.get("email"))
                user = f"{name} <{email}>" if name and email else name or email or ""
                debtor_id = _text(info.get("debtorId"))
        if not user:
            self.debtors()  # proves token and key work when user.info.read was not granted
        identity = replace(self._known(user, debtor_id), user_unread=unread)
        with self._lock:
            self._identity = identity
        return identity

    def known_identity(self) -> ConnectionIdentity:
        with self._lock:
            if self._identity is not None:
                return self._identity
        return self._known("", None)

    def _known(self, user: str, debtor_id: EntityId | None) -> ConnectionIdentity:
        scopes = self.client.tokens.granted_scopes()
        expires = self._expires_at()
        return ConnectionIdentity(
            api=ApiKind.REST,
            host=urlsplit(self.client.transport.base_url).netloc,
            user=user,
            domain=None,
            domain_source="REST has no domain",
            scopes=tuple(sorted(scopes)) if scopes is not None else (),
            expires_at=datetime.fromtimestamp(expires, UTC) if expires else None,
            debtor_id=debtor_id,
            at_expiry=self._at_expiry if expires else "",
        )

    # -- account -----------------------------------------------------------------------
    def debtors(self) -> list[Debtor]:
        return [
            Debtor(
                id=d["debtorId"], number=str(d.get("number") or ""), name=_text(d.get("name")) or ""
            )
            for d in self.client.list_all(RestOp.DEBTORS)
            if _text(d.get("debtorId"))
        ]

    def companies(self) -> list[Company]:
        rows, walked = self.client.companies()
        self.walked_debtors = walked
        return [self._company(c) for c in rows if _text(c.get("companyId"))]

    def companies_of_debtor(self, debtor_id: EntityId) -> list[Company]:
        rows = self.client.list_all(RestOp.DEBTOR_COMPANIES, {"debtorId": rest_id(debtor_id)})
        return [
            self._company({**c, "debtorId": c.get("debtorId") or debtor_id})
            for c in rows
            if _text(c.get("companyId"))
        ]

    @staticmethod
    def _company(row: Row) -> Company:
        return Company(
            id=row["companyId"],
            number=str(row.get("number") or ""),
            name=_text(row.get("name")) or "",
            debtor_id=_text(row.get("debtorId")),
        )

    def current_period(self, company_id: EntityId) -> m.CurrentPeriod | None:
        cid = rest_id(company_id)
        return self._periods.get(cid, lambda: self._read_period(cid))

    def _read_period(self, cid: str) -> m.CurrentPeriod | None:
        row = self.client.single(RestOp.COMPANY_PERIOD, {"companyId": cid})
        if not row:
            return None
        period = _sub(row, "period")
        kind = _text(row.get("periodType"))
        year, number = period.get("year"), period.get("period")
        code = _PERIOD_TYPES.get(kind or "", (kind or "").upper() or None)
        display = _text(row.get("displayPeriod")) or (
            f"{year}-{number}-{code}" if year is not None else ""
        )
        return m.CurrentPeriod(
            raw=display,
            year=year if isinstance(year, int) else None,
            period=number if isinstance(number, int) else None,
            period_type=code,
        )

    def forget(self, company_id: EntityId | None = None) -> None:
        """Drop the history lists and periods kept of one company (of all when ``None``), so
        the next question reads them from Nmbrs again; one on its way now is not kept."""
        cid = None if company_id is None else rest_id(company_id)
        self._periods.forget(lambda key: cid is None or key == cid)
        self._history.forget(lambda key: cid is None or key[1] == cid)

    # -- employees ---------------------------------------------------------------------
    def employees(self, company_id: EntityId) -> list[Employee]:
        query = {"employeeType": ",".join(self.employee_types)} if self.employee_types else {}
        rows = self.client.rows(RestOp.EMPLOYEES, {"companyId": rest_id(company_id)}, query)
        out = []
        for row in rows:  # each page's employees are made while the next pages are on the wire
            if not _text(row.get("employeeId")):
                continue
            basic = _sub(row, "employeeBasicInfo")
            out.append(
                Employee(
                    id=row["employeeId"],
                    number=_int(basic.get("employeeNumber")),
                    name=display_name(basic),
                    employee_type=_text(basic.get("employeeType")),
                )
            )
        return out

    def history(self, op: RestOp, company_id: EntityId) -> dict[str, list[Row]]:
        """A company-level history endpoint, all pages, by employee; read once per company
        (threads asking together share the read) until :meth:`forget`."""
        cid = rest_id(company_id)
        key = OPERATIONS[op].history_key
        assert key is not None, f"{op} is not a history endpoint"
        return self._history.get(
            (op, cid), lambda: by_employee(self.client.rows(op, {"companyId": cid}), key)
        )

    def _period_key(self, company_id: EntityId) -> tuple[int, int] | None:
        try:
            period = self.current_period(company_id)
        except NmbrsError:
            return None
        if period is None or period.year is None or period.period is None:
            return None
        return (period.year, period.period)

    def personal_info(self, company_id: EntityId, employee_id: EntityId) -> m.PersonalInfo | None:
        eid = rest_id(employee_id)
        row = self.client.single(RestOp.EMPLOYEE, {"employeeId": eid})
        if row is None:
            return None
        bsn_row = current(
            self.history(RestOp.PRIVATE_INFOS, company_id).get(eid, []),
            CurrentRule.CREATED,
            today=self._today(),
        )
        return personal_info_from_rest(eid, _sub(row, "personalInfo"), bsn_row)

    def _current_of(self, op: RestOp, company_id: EntityId, employee_id: EntityId) -> Row | None:
        rows = self.history(op, company_id).get(rest_id(employee_id), [])
        return current(
            rows,
            CurrentRule.PERIOD,
            today=self._today(),
            current_period=self._period_key(company_id),
        )

    def department(self, company_id: EntityId, employee_id: EntityId) -> m.Department | None:
        row = self._current_of(RestOp.DEPARTMENTS, company_id, employee_id)
        if row is None or not _text(row.get("departmentId")):
            return None
        return m.Department(
            Id=row["departmentId"],
            Code=_int(row.get("code")),
            Description=_text(row.get("description")),
        )

    def function(self, company_id: EntityId, employee_id: EntityId) -> m.Function | None:
        row = self._current_of(RestOp.FUNCTIONS, company_id, employee_id)
        if row is None or not _text(row.get("functionId")):
            return None
        return m.Function(
            Id=row["functionId"],
            Code=_int(row.get("code")),
            Description=_text(row.get("description")),
        )

    def details_cost(
        self, company_id: EntityId, *, employees: int, departments: int, functions: int
    ) -> ReadCost:
        """Department and function come from two company-wide history lists, each read once
        to its end at the largest page size with one entry per employee; a list kept (or
        being read) already costs nothing more."""
        cid = rest_id(company_id)
        wanted = [
            op
            for op, count in ((RestOp.DEPARTMENTS, departments), (RestOp.FUNCTIONS, functions))
            if count and not self._history.has((op, cid))
        ]
        pages = max(1, math.ceil(employees / MAX_PAGE_SIZE))
        return ReadCost(len(wanted) * pages, CostUnit.PAGES, lists=len(wanted))

    def bank_accounts(self, company_id: EntityId, employee_id: EntityId) -> list[m.BankAccount]:
        rows = self.client.list_all(
            RestOp.BANK_ACCOUNTS,
            {"companyId": rest_id(company_id)},
            {"employeeId": rest_id(employee_id)},
        )
        mine = by_employee(rows, "bankAccounts").get(rest_id(employee_id), [])
        return [
            m.BankAccount(
                Id=row.get("bankAccountId") or f"{employee_id}:{index}",
                Number=_text(row.get("number")),
                Description=_text(row.get("description")),
                IBAN=_text(row.get("IBAN")) or _text(row.get("iban")),
                BIC=None,  # REST has no BIC
                City=_text(row.get("city")),
                Name=_text(row.get("name")),
                Type=_text(row.get("bankAccountType")),
            )
            for index, row in enumerate(current_per_type(mine, "bankAccountType"))
        ]

    def employments(self, company_id: EntityId) -> list[m.EmployeeEmployments]:
        """Every employee's employments from the company-level history, each employee's made
        as its page arrives, while the next pages are on the wire (an employee whose rows come
        in two wrappers gets both)."""
        made: dict[str, m.EmployeeEmployments] = {}
        pages = self.client.rows(RestOp.EMPLOYMENTS, {"companyId": rest_id(company_id)})
        for eid, rows in wrappers(pages, OPERATIONS[RestOp.EMPLOYMENTS].history_key or ""):
            before = made[eid].Employments if eid in made else []
            jobs = [
                m.Employment(
                    EmploymentId=row.get("employmentId") or f"{eid}:{index}",
                    CreationDate=parse_instant(row.get("creationDate")),
                    StartDate=parse_instant(row.get("startDate")),
                    EndDate=parse_instant(row.get("endDate")),
                    InitialStartDate=None,  # no REST twin
                )
                for index, row in enumerate(rows, start=len(before))
            ]
            made[eid] = m.EmployeeEmployments(EmployeeId=eid, Employments=[*before, *jobs])
        return list(made.values())

    def schedules(self, company_id: EntityId) -> list[m.EmployeeSchedules]:
        out = []
        for eid, rows in self.history(RestOp.SCHEDULES, company_id).items():
            out.append(
                m.EmployeeSchedules(EmployeeId=eid, Schedules=[schedule_from_rest(r) for r in rows])
            )
        return out

    def contracts(self, company_id: EntityId) -> list[m.PersonalInfoContractSalaryAddress]:
        """SOAP's one-shot PICSA rebuilt from five company-level history calls (in parallel)."""
        ops = (
            RestOp.PERSONAL_INFO,
            RestOp.PRIVATE_INFOS,
            RestOp.CONTRACTS,
            RestOp.SALARIES,
            RestOp.ADDRESSES,
        )
        # one failed history, a closed client or a stopped caller waits for no other history
        stop = either(current_stop(), lambda: self.client.closed)
        with working_for_caller(min(len(ops), self.concurrency), "nmbrs-rest-histories") as pool:
            asked = {pool.submit(self.history, op, company_id): op for op in ops}
            tables = {asked[done]: done.result() for done in as_done(asked, stop)}
        if len(tables) < len(ops):
            raise self.client.given_up(RestOp.CONTRACTS)
        period = self._period_key(company_id)
        today = self._today()
        out = []
        for eid in tables[RestOp.PERSONAL_INFO]:

            def pick(op: RestOp, rule: CurrentRule, employee: str = eid) -> Row:
                row = current(
                    tables[op].get(employee, []), rule, today=today, current_period=period
                )
                return row or {}

            info = pick(RestOp.PERSONAL_INFO, CurrentRule.PERIOD)
            contract = pick(RestOp.CONTRACTS, CurrentRule.START_DATE)
            salary = pick(RestOp.SALARIES, CurrentRule.START_DATE)
            addresses = tables[RestOp.ADDRESSES].get(eid, [])
            defaults = [a for a in addresses if a.get("isDefault") is True] or addresses
            address = (
                current(defaults, CurrentRule.PERIOD, today=today, current_period=period) or {}
            )
            basic, birth, contact = (
                _sub(info, "basicInfo"),
                _sub(info, "birthInfo"),
                _sub(info, "contactInfo"),
            )
            out.append(
                m.PersonalInfoContractSalaryAddress(
                    EmployeeID=eid,
                    EmployeeNumber=_int(basic.get("employeeNumber")),
                    FirstName=_text(basic.get("firstName")),
                    Prefix=_text(basic.get("prefix")),
                    LastName=_text(basic.get("lastName")),
                    Birthday=parse_instant(birth.get("birthDate")),
                    Gender=_text(birth.get("gender")),
                    BSN=_text(pick(RestOp.PRIVATE_INFOS, CurrentRule.CREATED).get("BSN")),
                    City=_text(address.get("city")),
                    Street=_text(address.get("street")),
                    HouseNumber=_text(str(address.get("houseNumber") or "")),
                    HouseNumberAddition=_text(address.get("houseNumberAddition")),
                    PostCode=_text(address.get("postalCode")),
                    EmailWork=_text(contact.get("businessEmail")),
                    EmailPrivate=_text(contact.get("privateEmail")),
                    TelephoneWork=_text(contact.get("businessPhone")),
                    TelephoneMobileWork=_text(contact.get("businessMobilePhone")),
                    TelephonePrivate=_text(contact.get("privatePhone")),
                    TelephoneMobilePrivate=_text(contact.get("privateMobilePhone")),
                    ContractStartDate=parse_instant(contract.get("startDate")),
                    ContractEndDate=parse_instant(contract.get("endDate")),
                    ContractHours=_decimal(contract.get("hoursPerWeek")),
                    SalaryType=_text(salary.get("type")),
                    SalaryValue=_decimal(salary.get("value")),
                    HourlyWage=(
                        _decimal(salary.get("value"))
                        if salary.get("type") == "grossHourlyWage"
                        else None
                    ),
                )
            )
        return out

    # -- payroll -----------------------------------------------------------------------
    def runs(self, company_id: EntityId, year: int) -> list[PayrollRun]:
        rows = self.client.list_all(
            RestOp.COMPANY_RUNS, {"companyId": rest_id(company_id)}, {"year": year}
        )
        out = []
        for row in rows:
            if not _text(row.get("payrollRunId")):
                continue
            start = run_period(row.get("periodStart"), 0)
            end = run_period(row.get("periodEnd"), start)
            out.append(
                PayrollRun(
                    id=row["payrollRunId"],
                    number=_int(row.get("number")),
                    year=_int(row.get("year"), year),
                    period_start=start,
                    period_end=max(start, end),
                    description=_text(row.get("description")) or "",
                    run_at=parse_instant(row.get("createdAt")),
                    locked=row.get("locked") is True,
                )
            )
        return out

    def run_employees(self, company_id: EntityId, run: PayrollRun) -> list[RunEmployee]:
        rows = self.client.list_all(
            RestOp.RUN_EMPLOYEES,
            {"companyId": rest_id(company_id), "payrollRunId": rest_id(run.id)},
            {"year": run.year},
        )
        return [
            RunEmployee(employee_id=r["employeeId"], employee_number=_int(r.get("employeeNumber")))
            for r in rows
            if _text(r.get("employeeId"))
        ]

    def payslips(self, company_id: EntityId, employee_id: EntityId, run: PayrollRun) -> Documents:
        """One payslip per period of the run (periods without a payslip are skipped)."""
        eid = rest_id(employee_id)
        pdfs = []
        periods = range(run.period_start, max(run.period_start, run.period_end) + 1)
        for period in periods:
            try:
                pdfs.append(
                    self.client.document(
                        RestOp.PAYSLIP_TASK, eid, {"year": run.year, "period": period}
                    )
                )
            except NoDocumentError:
                continue
        label = (
            f"period {run.period_start}" if len(periods) == 1 else f"periods {run.periods_label()}"
        )
        return Documents(pdfs=tuple(pdfs), note=f" ({PER_PERIOD_NOTE}: {label} of {run.year})")

    def annual_statement(self, company_id: EntityId, employee_id: EntityId, year: int) -> Documents:
        try:
            pdf = self.client.document(
                RestOp.ANNUAL_STATEMENT_TASK, rest_id(employee_id), {"year": year}
            )
        except NoDocumentError:
            return Documents(pdfs=())
        return Documents(pdfs=(pdf,))

    def stop_retrying(self) -> None:
        self.client.stop_retrying()

    def close(self) -> None:
        self.client.close()

    def __repr__(self) -> str:  # never shows a token or key
        return f"RestBackend({self.client.transport.base_url})"


def personal_info_from_rest(employee_id: str, info: Row, private: Row | None) -> m.PersonalInfo:
    basic, birth = _sub(info, "basicInfo"), _sub(info, "birthInfo")
    contact, partner = _sub(info, "contactInfo"), _sub(info, "partnerInfo")
    emergency = _sub(info, "emergencyInfo")
    return m.PersonalInfo(
        Id=employee_id,
        Number=_int(basic.get("employeeNumber")),
        EmployeeNumber=_int(basic.get("employeeNumber")),
        DisplayName=display_name(basic),
        BSN=_text((private or {}).get("BSN")),
        FirstName=_text(basic.get("firstNameInFull")) or _text(basic.get("firstName")),
        Initials=_text(basic.get("initials")),
        Prefix=_text(basic.get("prefix")),
        LastName=_text(basic.get("lastName")),
        Gender=_text(birth.get("gender")),
        CountryOfBirthISOCode=_text(_sub(birth, "birthCountry").get("codeISO")),
        NationalityCode=_text(_sub(birth, "nationality").get("codeISO")),
        PartnerPrefix=_text(partner.get("partnerPrefix")),
        PartnerLastName=_text(partner.get("partnerName")),
        BurgerlijkeStaat=_text(partner.get("maritalStatus")),
        Naamstelling=_text(_sub(partner, "ascription").get("ascription")),
        TelephonePrivate=_text(contact.get("privatePhone")),
        TelephoneWork=_text(contact.get("businessPhone")),
        TelephoneMobilePrivate=_text(contact.get("privateMobilePhone")),
        TelephoneMobileWork=_text(contact.get("businessMobilePhone")),
        TelephoneOther=_text(contact.get("otherPhone")),
        EmailPrivate=_text(contact.get("privateEmail")),
        EmailWork=_text(contact.get("businessEmail")),
        Birthday=parse_instant(birth.get("birthDate")),
        DeceasedDate=parse_instant(birth.get("deceasedOn")),
        InCaseOfEmergency=_text(emergency.get("emergencyContact")),
        InCaseOfEmergencyPhone=_text(emergency.get("emergencyPhone")),
        InCaseOfEmergencyRelation=_text(emergency.get("emergencyRelationship")),
    )


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def schedule_from_rest(row: Row) -> m.Schedule:
    values: dict[str, Any] = {}
    for week, suffix in (("week1", ""), ("week2", "2")):
        hours = _sub(row, week)
        for day in _DAYS:
            value = _decimal(hours.get(f"hours{day}"))
            if value is not None:
                values[f"Hours{day}{suffix}"] = value
    return m.Schedule(
        **values,
        ParttimePercentage=_decimal(row.get("parttimePercentage")),
        StartDate=parse_instant(row.get("startDate")),
        CreationDate=parse_instant(row.get("createdAt")),
    )
