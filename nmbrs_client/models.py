"""Domain models returned by the client: plain pydantic objects, never zeep objects.

Field names are Nmbrs' own element names (``ID`` vs ``Id``, ``EmployeeID`` vs ``EmployeeId``)
so that a reader can match them with the API documentation one to one. Every model ignores
fields it does not know (Nmbrs adds fields over time) and enumerations are kept as text, so
an enum value added by Nmbrs later never makes a response unreadable. Nothing here knows
about zeep: the REST backend fills the detail models too (see :mod:`nmbrs_client.backend`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

# The detail models below are shared by both backends, so their ids accept either kind.
from nmbrs_client.ids import EntityId


class NmbrsModel(BaseModel):
    """Base: tolerant of extra fields, immutable once built."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class EnvironmentInfo(NmbrsModel):
    Domain: str | None = None
    SubDomain: str | None = None


class Debtor(NmbrsModel):
    Id: int
    Number: str | None = None
    Name: str | None = None


class Company(NmbrsModel):
    ID: int
    Number: int = 0
    Name: str | None = None
    PhoneNumber: str | None = None
    FaxNumber: str | None = None
    Email: str | None = None
    Website: str | None = None
    LoonaangifteTijdvak: str | None = None
    KvkNr: str | None = None
    # Filled in by the client when the company was reached through a debtor.
    DebtorId: int | None = None


class CurrentPeriod(NmbrsModel):
    """A parsed ``yyyy-p-type`` period string (``2026-11-M``, ``2010-4-4W``, ``2026-47-W1``)."""

    raw: str
    year: int | None = None
    period: int | None = None
    period_type: str | None = None

    @classmethod
    def parse(cls, raw: str | None) -> CurrentPeriod | None:
        if raw is None or not raw.strip():
            return None
        parts = raw.strip().split("-")
        year = period = None
        kind: str | None = None
        if len(parts) >= 3:
            try:
                year, period = int(parts[0]), int(parts[1])
            except ValueError:
                year = period = None
            kind = _normalise_period_type("-".join(parts[2:]))
        return cls(raw=raw.strip(), year=year, period=period, period_type=kind)

    def label(self) -> str:
        if self.year is None or self.period is None:
            return self.raw
        return f"{self.year} period {self.period} ({self.period_type or '?'})"


def _normalise_period_type(text: str) -> str:
    """Nmbrs writes four-weekly as ``4W`` in one place and ``W4`` in another: accept both."""
    upper = text.strip().upper()
    return {"4W": "W4", "1W": "W1"}.get(upper, upper)


class RunInfo(NmbrsModel):
    ID: int
    Number: int = 0
    Year: int = 0
    PeriodStart: int = 0
    PeriodEnd: int = 0
    Description: str | None = None
    RunAt: datetime | None = None
    IsLocked: bool = False

    def periods_label(self) -> str:
        if self.PeriodStart == self.PeriodEnd:
            return str(self.PeriodStart)
        return f"{self.PeriodStart}–{self.PeriodEnd}"


class EmployeeIdNumber(NmbrsModel):
    EmployeeId: int
    EmployeeNumber: int = 0


class Employee(NmbrsModel):
    Id: int
    Number: int = 0
    DisplayName: str | None = None


class EmployeeType(NmbrsModel):
    Id: int
    Description: str | None = None


class PersonalInfo(NmbrsModel):
    Id: EntityId
    Number: int = 0
    DisplayName: str | None = None
    EmployeeNumber: int | None = None
    BSN: str | None = None
    Title: str | None = None
    FirstName: str | None = None
    Initials: str | None = None
    Prefix: str | None = None
    LastName: str | None = None
    Nickname: str | None = None
    Gender: str | None = None
    # SOAP: Nmbrs' own number (no public list translates it); REST: the ISO code ("NL")
    NationalityCode: int | str | None = None
    PlaceOfBirth: str | None = None
    CountryOfBirthISOCode: str | None = None
    IdentificationNumber: str | None = None
    IdentificationType: int | None = None
    PartnerPrefix: str | None = None
    PartnerLastName: str | None = None
    TelephonePrivate: str | None = None
    TelephoneWork: str | None = None
    TelephoneMobilePrivate: str | None = None
    TelephoneMobileWork: str | None = None
    TelephoneOther: str | None = None
    EmailPrivate: str | None = None
    EmailWork: str | None = None
    BurgerlijkeStaat: str | None = None
    Naamstelling: str | None = None
    Birthday: datetime | None = None
    DeceasedDate: datetime | None = None
    InCaseOfEmergency: str | None = None
    InCaseOfEmergencyPhone: str | None = None
    InCaseOfEmergencyRelation: str | None = None
    TitleAfter: str | None = None


class PersonalInfoContractSalaryAddress(NmbrsModel):
    EmployeeID: EntityId
    EmployeeNumber: int = 0
    FirstName: str | None = None
    Birthday: datetime | None = None
    Prefix: str | None = None
    LastName: str | None = None
    Gender: str | None = None
    BSN: str | None = None
    City: str | None = None
    TelephoneWork: str | None = None
    TelephoneMobileWork: str | None = None
    EmailWork: str | None = None
    ContractStartDate: datetime | None = None
    ContractEndDate: datetime | None = None
    EmailPrivate: str | None = None
    TelephonePrivate: str | None = None
    TelephoneMobilePrivate: str | None = None
    SalaryType: str | None = None
    SalaryValue: Decimal | None = None
    Street: str | None = None
    HouseNumber: str | None = None
    HouseNumberAddition: str | None = None
    PostCode: str | None = None
    HourlyWage: Decimal | None = None
    ContractHours: Decimal | None = None

    @field_validator("PostCode", mode="before")
    @classmethod
    def _post_code_as_text(cls, value: Any) -> str | None:
        # PostCode is xs:anyType in the WSDL; zeep may hand back a str, an int or a node.
        if value is None:
            return None
        text = getattr(value, "text", value)
        return None if text is None else str(text)


class Employment(NmbrsModel):
    EmploymentId: EntityId
    CreationDate: datetime | None = None
    StartDate: datetime | None = None
    EndDate: datetime | None = None
    InitialStartDate: datetime | None = None


class EmployeeEmployments(NmbrsModel):
    EmployeeId: EntityId
    Employments: list[Employment] = []


class Schedule(NmbrsModel):
    Id: Decimal | None = None
    HoursMonday: Decimal = Decimal(0)
    HoursTuesday: Decimal = Decimal(0)
    HoursWednesday: Decimal = Decimal(0)
    HoursThursday: Decimal = Decimal(0)
    HoursFriday: Decimal = Decimal(0)
    HoursSaturday: Decimal = Decimal(0)
    HoursSunday: Decimal = Decimal(0)
    HoursMonday2: Decimal = Decimal(0)
    HoursTuesday2: Decimal = Decimal(0)
    HoursWednesday2: Decimal = Decimal(0)
    HoursThursday2: Decimal = Decimal(0)
    HoursFriday2: Decimal = Decimal(0)
    HoursSaturday2: Decimal = Decimal(0)
    HoursSunday2: Decimal = Decimal(0)
    ParttimePercentage: Decimal | None = None
    StartDate: datetime | None = None
    CreationDate: datetime | None = None

    def week(self, which: int) -> list[Decimal]:
        """Hours Monday..Sunday of week 1 or week 2 of the rota."""
        suffix = "" if which == 1 else "2"
        days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        return [getattr(self, f"Hours{day}{suffix}") for day in days]

    @property
    def is_rota(self) -> bool:
        return self.week(1) != self.week(2) and any(self.week(2))


class EmployeeSchedules(NmbrsModel):
    EmployeeId: EntityId
    Schedules: list[Schedule] = []


class Department(NmbrsModel):
    Id: EntityId
    Code: int = 0
    Description: str | None = None


class Function(NmbrsModel):
    Id: EntityId
    Code: int = 0
    Description: str | None = None


class BankAccount(NmbrsModel):
    Id: EntityId
    Number: str | None = None
    Description: str | None = None
    IBAN: str | None = None
    BIC: str | None = None
    City: str | None = None
    Name: str | None = None
    Type: str | None = None


class SalaryDocument(NmbrsModel):
    """A PDF returned by a salary-documents call (payslip or annual statement)."""

    PDF: bytes | None = None

    @property
    def size(self) -> int:
        return len(self.PDF or b"")
