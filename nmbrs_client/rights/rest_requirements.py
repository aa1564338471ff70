"""The REST form of a requirement profile: which REST calls replace each SOAP operation.

On SOAP a customer ticks operations in an API template; on REST the integrator's app asks for
OAuth scopes and the customer consents to them. A profile stays written in SOAP operation names
(the list integrators already publish), and this module derives its REST form from one table:
per SOAP operation the allowlisted REST operations that together replace it, how close the
replacement is, and what REST cannot give back. The scopes come from the REST allowlist
(``nmbrs_client.rest_operations``), which a test checks against Nmbrs' OpenAPI document; any
one listed scope satisfies an operation, ``.read`` twins included.

Facts: the OpenAPI document (each operation's path and security scopes; some SOAP operations have
no REST path) and Nmbrs' developer pages (``offline_access`` is needed for a refresh token and
guards no operation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from nmbrs_client.rest_operations import OPERATIONS as REST_OPERATIONS
from nmbrs_client.rest_operations import RestOp, RestOperation

OFFLINE_ACCESS = "offline_access"

# Every REST integration first finds the companies it may read: debtors, then companies per
# debtor (``/api/companies`` refuses a consent that spans several debtors). These play the part
# of the SOAP account section and are needed whatever the profile lists.
ACCOUNT_OPERATIONS: tuple[RestOp, ...] = (RestOp.DEBTORS, RestOp.DEBTOR_COMPANIES)


class Equivalence(StrEnum):
    """How closely the REST calls replace one SOAP operation."""

    DIRECT = "direct"  # one REST call gives the same data
    COMBINED = "combined"  # several REST calls together give the same data
    NEAREST = "nearest"  # the closest REST data, with something lost (see gaps)
    NONE = "none"  # REST has nothing for it


class Gap(StrEnum):
    """Something a SOAP operation gives that REST cannot (shown to the customer)."""

    NO_DOMAIN = "no_domain"
    PAYSLIPS_BY_PERIOD = "payslips_by_period"
    NO_BIC = "no_bic"
    TYPE_NAMES = "type_names"
    NO_PICSA = "no_picsa"
    DOCUMENT_TASK = "document_task"
    NO_INITIAL_START_DATE = "no_initial_start_date"


GAP_TEXT: Mapping[str, Mapping[Gap, str]] = {
    "en": {
        Gap.NO_DOMAIN: "REST has no domain or environment: one host serves every customer, "
        "and the consent decides which data the app reaches.",
        Gap.PAYSLIPS_BY_PERIOD: "REST has no payslips by payroll run: payslips are fetched "
        "per employee per period, so a run is mapped to its period and its employees.",
        Gap.NO_BIC: "REST bank accounts have no BIC.",
        Gap.TYPE_NAMES: "REST employee types are names (payroll, formerPayroll, …), not the "
        "numeric type ids of SOAP.",
        Gap.NO_PICSA: "REST has no single call for personal info, contract, salary and address: "
        "five company-wide calls together give the same data.",
        Gap.DOCUMENT_TASK: "The PDF is made by a document task: the first call returns a task "
        "id, a second call fetches the PDF once it is ready.",
        Gap.NO_INITIAL_START_DATE: "REST employments have no InitialStartDate (the first "
        "start date with the employer); seniorityDate is not the same field.",
    },
    "nl": {
        Gap.NO_DOMAIN: "REST kent geen domein of omgeving: één adres bedient alle klanten, "
        "en de toestemming bepaalt welke gegevens de koppeling ziet.",
        Gap.PAYSLIPS_BY_PERIOD: "REST kent geen loonstroken per verloning: loonstroken worden "
        "per werknemer per periode opgehaald, dus een verloning wordt vertaald naar haar "
        "periode en haar werknemers.",
        Gap.NO_BIC: "Bankrekeningen in REST hebben geen BIC.",
        Gap.TYPE_NAMES: "Werknemerssoorten zijn in REST namen (payroll, formerPayroll, …), geen "
        "nummers zoals in SOAP.",
        Gap.NO_PICSA: "REST heeft geen losse aanroep voor persoonsgegevens, contract, salaris en "
        "adres samen: vijf aanroepen per bedrijf geven samen dezelfde gegevens.",
        Gap.DOCUMENT_TASK: "De pdf wordt door een documenttaak gemaakt: de eerste aanroep geeft "
        "een taaknummer, een tweede haalt de pdf op zodra die klaar is.",
        Gap.NO_INITIAL_START_DATE: "Dienstverbanden in REST hebben geen InitialStartDate (de "
        "eerste begindatum bij de werkgever); seniorityDate is een ander gegeven.",
    },
}


@dataclass(frozen=True)
class Replacement:
    """The REST calls that replace one SOAP operation, all of them needed.

    Not a REST twin of a SOAP type: it is one row of the table that carries a SOAP operation
    over to REST, so it needs no API prefix.
    """

    soap_operation: str
    equivalence: Equivalence
    rest_operations: tuple[RestOp, ...] = ()
    gaps: tuple[Gap, ...] = ()

    @property
    def operations(self) -> tuple[RestOperation, ...]:
        return tuple(REST_OPERATIONS[name] for name in self.rest_operations)


def _r(
    soap: str, equivalence: Equivalence, rest: Sequence[RestOp], gaps: Sequence[Gap] = ()
) -> Replacement:
    return Replacement(soap, equivalence, tuple(rest), tuple(gaps))


_D, _C, _N = Equivalence.DIRECT, Equivalence.COMBINED, Equivalence.NEAREST
_DOCUMENT = RestOp.DOCUMENT

# One row per operation of the SOAP catalogue (a test holds the two in step).
SOAP_TO_REST: Mapping[str, Replacement] = {
    r.soap_operation: r
    for r in (
        _r("DebtorService.Environment_Get", Equivalence.NONE, (), (Gap.NO_DOMAIN,)),
        _r("DebtorService.List_GetAll", _D, (RestOp.DEBTORS,)),
        _r("CompanyService.List_GetAll", _D, (RestOp.COMPANIES,)),
        _r("CompanyService.List_GetByDebtor", _D, (RestOp.DEBTOR_COMPANIES,)),
        _r("CompanyService.Run_GetList", _D, (RestOp.COMPANY_RUNS,)),
        _r("CompanyService.Run_GetEmployeesByRunCompany", _D, (RestOp.RUN_EMPLOYEES,)),
        _r("CompanyService.Company_GetCurrentPeriod", _D, (RestOp.COMPANY_PERIOD,)),
        _r(
            "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany",
            _N,
            (RestOp.COMPANY_RUNS, RestOp.RUN_EMPLOYEES, RestOp.PAYSLIP_TASK, _DOCUMENT),
            (Gap.PAYSLIPS_BY_PERIOD, Gap.DOCUMENT_TASK),
        ),
        _r(
            "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2",
            _N,
            (RestOp.COMPANY_RUNS, RestOp.RUN_EMPLOYEES, RestOp.PAYSLIP_TASK, _DOCUMENT),
            (Gap.PAYSLIPS_BY_PERIOD, Gap.DOCUMENT_TASK),
        ),
        _r("EmployeeService.List_GetByCompany", _D, (RestOp.EMPLOYEES,), (Gap.TYPE_NAMES,)),
        _r("EmployeeService.EmployeeType_GetList", _N, (RestOp.EMPLOYEES,), (Gap.TYPE_NAMES,)),
        _r("EmployeeService.PersonalInfo_GetCurrent", _C, (RestOp.EMPLOYEE, RestOp.PRIVATE_INFOS)),
        _r(
            "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany",
            _C,
            (
                RestOp.PERSONAL_INFO,
                RestOp.PRIVATE_INFOS,
                RestOp.CONTRACTS,
                RestOp.SALARIES,
                RestOp.ADDRESSES,
            ),
            (Gap.NO_PICSA,),
        ),
        _r(
            "EmployeeService.Employment_GetAll_AllEmployeesByCompany",
            _D,
            (RestOp.EMPLOYMENTS,),
            (Gap.NO_INITIAL_START_DATE,),
        ),
        _r("EmployeeService.Schedule_GetAll_AllEmployeesByCompany", _D, (RestOp.SCHEDULES,)),
        _r("EmployeeService.Department_GetCurrent", _D, (RestOp.DEPARTMENTS,)),
        _r("EmployeeService.Function_GetCurrent", _D, (RestOp.FUNCTIONS,)),
        _r(
            "EmployeeService.BankAccount_GetListCurrent", _N, (RestOp.BANK_ACCOUNTS,), (Gap.NO_BIC,)
        ),
        _r(
            "EmployeeService.SalaryDocuments_GetAnnualStatementPDF",
            _C,
            (RestOp.ANNUAL_STATEMENT_TASK, _DOCUMENT),
            (Gap.DOCUMENT_TASK,),
        ),
        _r("EmployeeService.Employee_GetCurrent", _D, (RestOp.EMPLOYEE,)),
    )
}


def replacement(soap_operation: str) -> Replacement:
    """The REST replacement of one SOAP operation (Nmbrs' casing, ``Service.Operation``)."""
    try:
        return SOAP_TO_REST[soap_operation]
    except KeyError:
        raise KeyError(f"no REST mapping recorded for {soap_operation}") from None


def preferred_scope(op: RestOperation) -> str:
    """The scope to ask the customer for: the read-only twin where the document has one."""
    reads = [scope for scope in op.scopes if scope.endswith(".read")]
    return reads[0] if reads else op.scopes[0]


@dataclass(frozen=True)
class ProfileOnRest:
    """A requirement profile as REST needs it: operations to probe and scopes to consent to.

    Not a REST twin of :class:`RequirementProfile` but its REST form, reached through
    ``RequirementProfile.rest()``; the profile itself stays written in SOAP operation names.
    """

    profile_name: str
    replacements: tuple[Replacement, ...]
    extra_operations: tuple[RestOp, ...] = ()

    @property
    def operations(self) -> tuple[RestOperation, ...]:
        """Every REST operation the profile needs, once each, in the order first needed."""
        seen: dict[RestOp, RestOperation] = {
            name: REST_OPERATIONS[name] for name in ACCOUNT_OPERATIONS
        }
        for item in self.replacements:
            for op in item.operations:
                seen.setdefault(op.name, op)
        for name in self.extra_operations:
            seen.setdefault(name, REST_OPERATIONS[name])
        return tuple(seen.values())

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scope list to consent to: ``offline_access`` plus one scope per operation group."""
        scopes = [OFFLINE_ACCESS]
        for op in self.operations:
            if any(scope in scopes for scope in op.scopes):
                continue
            scopes.append(preferred_scope(op))
        return tuple(scopes)

    @property
    def without_equivalent(self) -> tuple[Replacement, ...]:
        return tuple(r for r in self.replacements if r.equivalence is Equivalence.NONE)

    def missing_scopes(self, granted: Iterable[str]) -> dict[RestOp, tuple[str, ...]]:
        """Per operation not satisfied by ``granted``: the scopes that would satisfy it."""
        have = frozenset(granted)
        return {
            op.name: op.scopes
            for op in self.operations
            if not any(scope in have for scope in op.scopes)
        }

    def scopes_to_ask(self, granted: Iterable[str]) -> tuple[str, ...]:
        """The consent list to ask again for: what is granted and still needed, plus the rest."""
        have = frozenset(granted)
        missing = self.missing_scopes(have)
        if not missing and OFFLINE_ACCESS in have:
            return ()
        wanted = [scope for scope in self.scopes if scope != OFFLINE_ACCESS]
        return (OFFLINE_ACCESS, *wanted)


def rest_form(
    profile_name: str, soap_operations: Iterable[str], extra: Iterable[RestOp] = ()
) -> ProfileOnRest:
    """The REST form of a profile given by its SOAP operation names (Nmbrs' casing)."""
    return ProfileOnRest(
        profile_name=profile_name,
        replacements=tuple(replacement(name) for name in soap_operations),
        extra_operations=tuple(extra),
    )
