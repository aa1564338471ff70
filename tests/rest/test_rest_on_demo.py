"""The REST backend end to end against the REST demo, every request and response checked
against Nmbrs' OpenAPI document (the demo's contract recorder with ``check_requests``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nmbrs_client.ids import ApiKind
from nmbrs_client.rest.backend import RestBackend
from nmbrs_client.rest.connect import backend_from_settings
from nmbrs_client.rest.errors import NmbrsRestError, RestProblemKind
from nmbrs_demo.reach import demo_settings


def _open(server: Any) -> RestBackend:
    return backend_from_settings(demo_settings(server.base_url, api=ApiKind.REST))


def test_every_neutral_call_on_the_healthy_demo(rest_demo: Any) -> None:
    rest_demo.contract.check_requests = True
    backend = _open(rest_demo)
    try:
        identity = backend.identity()
        assert identity.user and identity.domain is None
        assert identity.scopes is not None and "document.read" in identity.scopes
        assert identity.expires_at is not None
        companies = backend.companies()
        assert companies and all(c.number for c in companies)
        company = companies[0]
        assert backend.current_period(company.id) is not None
        employees = backend.employees(company.id)
        assert employees and all(isinstance(e.id, str) for e in employees)
        employee = employees[0]
        info = backend.personal_info(company.id, employee.id)
        assert info is not None and info.BSN and info.EmployeeNumber == employee.number
        assert backend.department(company.id, employee.id) is not None
        assert all(a.BIC is None for a in backend.bank_accounts(company.id, employee.id))
        assert backend.employments(company.id) and backend.schedules(company.id)
        picsa = backend.contracts(company.id)
        assert {p.EmployeeID for p in picsa} >= {employee.id}
        runs = backend.runs(company.id, 2026)
        assert runs
        members = backend.run_employees(company.id, runs[0])
        assert members
        documents = backend.payslips(company.id, members[0].employee_id, runs[0])
        assert documents.pdfs and documents.pdfs[0].startswith(b"%PDF")
        assert "one per period" in documents.note
    finally:
        backend.close()
    assert rest_demo.contract.checked > 10


def test_multi_debtor_consent_walks_the_debtors(rest_demo_factory: Callable[..., Any]) -> None:
    server = rest_demo_factory("multi-debtor", check_requests=True)
    backend = _open(server)
    try:
        companies = backend.companies()
        assert backend.walked_debtors
        assert len({c.debtor_id for c in companies}) > 1
    finally:
        backend.close()


def test_no_subscription_is_typed(rest_demo_factory: Callable[..., Any]) -> None:
    server = rest_demo_factory("no-subscription")
    backend = _open(server)
    try:
        with pytest.raises(NmbrsRestError) as caught:
            backend.companies()
        assert caught.value.kind is RestProblemKind.NO_SUBSCRIPTION
    finally:
        backend.close()
