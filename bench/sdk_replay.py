"""Replay a list of Nmbrs calls serially through the PyPI ``nmbrs`` SDK (1.0.13).

Run as ``python -m bench.sdk_replay`` with a JSON request on stdin (``base_url``, ``username``,
``token``, ``domain``, ``calls``: ``[[ "Service.Operation", {param: value}], ...]``); prints one
JSON result on stdout. It runs in its own process because ``import nmbrs`` configures logging
to stderr, which must not leak into the benchmark's output.

How the SDK is pointed at the demo server (only here, only for this benchmark): the SDK
hard-codes ``https://api.nmbrs.nl/soap/v3/`` in ``nmbrs.service.service.Service.__init__`` and
every service's constructor then builds ``zeep.Client(self.base_uri + "XService.asmx?WSDL")``.
We wrap that base ``__init__`` so that, after the original has run, ``base_uri`` (and the
live/sandbox variants) point at the local base URL; zeep then follows the served WSDL's
``soap:address``, which the demo server rewrites to itself. ``auth_type="domain"`` skips the
SDK's own Environment_Get at construction; the replay calls it explicitly when the check did.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

# Operation → how the SDK calls it: an SDK method, or None where the SDK does not expose the
# operation (its method raises NotImplementedError or does not exist) and the replay goes
# through that service's own zeep client, as a user of the SDK would have to.
SdkCall = Callable[[Any, dict[str, int]], Any]


def _sdk_methods(username: str, token: str) -> dict[str, SdkCall | None]:
    return {
        "DebtorService.Environment_Get": lambda api, p: api.debtor.get_domain(username, token),
        "DebtorService.List_GetAll": lambda api, p: api.debtor.get_all(),
        "CompanyService.List_GetAll": lambda api, p: api.company.get_all(),
        "CompanyService.List_GetByDebtor": lambda api, p: api.company.get_by_debtor(p["DebtorId"]),
        "CompanyService.Company_GetCurrentPeriod": lambda api, p: api.company.get_current_period(
            p["CompanyId"]
        ),
        "CompanyService.Run_GetList": lambda api, p: api.company.run.get(p["CompanyId"], p["Year"]),
        "EmployeeService.List_GetByCompany": lambda api, p: api.employee.get_by_company(
            p["CompanyId"], p["EmployeeType"]
        ),
        "EmployeeService.Employment_GetAll_AllEmployeesByCompany": lambda api, p: (
            api.employee.employment.get_all_by_company(p["CompanyID"])
        ),
        "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany": lambda api, p: (
            api.employee.personal_info.get_all_by_company_contract_address_salary(p["CompanyID"])
        ),
        "EmployeeService.Schedule_GetAll_AllEmployeesByCompany": lambda api, p: (
            api.employee.schedule.get_all_by_company(p["CompanyID"])
        ),
        "EmployeeService.BankAccount_GetListCurrent": lambda api, p: (
            api.employee.bank_account.get_current(p["EmployeeId"])
        ),
        "EmployeeService.Department_GetCurrent": lambda api, p: api.employee.department.get_current(
            p["EmployeeId"]
        ),
        "EmployeeService.Function_GetCurrent": lambda api, p: api.employee.function.get_current(
            p["EmployeeId"]
        ),
        "EmployeeService.PersonalInfo_GetCurrent": lambda api, p: (
            api.employee.personal_info.get_current(p["EmployeeId"])
        ),
        # Not exposed by the SDK (get_annual_pdf raises NotImplementedError; the payslip
        # method takes no arguments and raises too): called through its zeep client.
        "EmployeeService.SalaryDocuments_GetAnnualStatementPDF": None,
        "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany": None,
    }


def _redirect(base_url: str) -> None:
    import nmbrs.service.service as sdk_service

    original = sdk_service.Service.__init__

    def patched(self: Any, auth_manager: Any, sandbox: bool = True) -> None:
        original(self, auth_manager, sandbox)
        self.nmbrs_base_uri = self.nmbrs_sandbox_base_uri = self.base_uri = base_url

    sdk_service.Service.__init__ = patched


def _raw(api: Any, qualified: str, params: dict[str, int]) -> Any:
    service, name = qualified.split(".", 1)
    holder = {
        "EmployeeService": api.employee,
        "CompanyService": api.company,
        "DebtorService": api.debtor,
    }[service]
    return getattr(holder.client.service, name)(**params, _soapheaders=api.auth_manager.header)


def replay(request: dict[str, Any]) -> dict[str, Any]:
    import logging

    started = time.perf_counter()
    import nmbrs

    logging.getLogger("nmbrs").setLevel(logging.CRITICAL)
    _redirect(request["base_url"])
    imported = time.perf_counter()
    api = nmbrs.Nmbrs(
        request["username"],
        request["token"],
        auth_type="domain",
        domain=request["domain"],
        sandbox=True,
    )
    methods = _sdk_methods(request["username"], request["token"])
    built = {"employee": 0.0, "company": 0.0, "debtor": 0.0}
    for attribute in built:  # the SDK builds each service's zeep client on first use
        t = time.perf_counter()
        getattr(api, attribute)
        built[attribute] = time.perf_counter() - t
    calls_started = time.perf_counter()
    failures: list[str] = []
    via_zeep: set[str] = set()
    for qualified, params in request["calls"]:
        method = methods.get(qualified)
        try:
            if method is None:
                via_zeep.add(qualified)
                _raw(api, qualified, params)
            else:
                method(api, params)
        except Exception as exc:  # a fault is an answer: count it, keep going
            failures.append(f"{qualified}: {type(exc).__name__}")
    finished = time.perf_counter()
    return {
        "import_s": imported - started,
        "build_s": sum(built.values()),
        "calls_s": finished - calls_started,
        "total_s": finished - started,
        "calls": len(request["calls"]),
        "failures": failures,
        "via_zeep": sorted(via_zeep),
    }


def main() -> int:
    request = json.load(sys.stdin)
    json.dump(replay(request), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
