"""A third-party client against the REST demo: the ``nmbrs-rest-api`` SDK, by its base_url.

It lists debtors, companies (also through its multi-debtor fallback), employees and runs; the
contract recorder validates every answer and, here, every request the SDK sends too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from nmbrs_rest import Nmbrs
from nmbrs_rest.pagination import Page

from nmbrs_demo.credentials import (
    DEMO_REST_CLIENT_ID,
    DEMO_REST_CLIENT_SECRET,
    DEMO_REST_SUBSCRIPTION_KEY,
)


def _sdk(server: Any) -> Nmbrs:
    return Nmbrs(
        DEMO_REST_CLIENT_ID,
        DEMO_REST_CLIENT_SECRET,
        DEMO_REST_SUBSCRIPTION_KEY,
        access_token=server.script_token(),
        expires_at=datetime.now(UTC) + timedelta(hours=1),
        base_url=server.base_url,
        max_retries=0,
    )


def test_sdk_lists_debtors_companies_employees_and_runs(rest_demo_factory: Any) -> None:
    server = rest_demo_factory(check_requests=True)
    world = server.world
    with _sdk(server) as api:
        debtors = api.debtors()
        assert [d.name for d in debtors] == [
            d.Name for d in world.debtors() if d.Id in server.demo.consent_debtors
        ]
        companies = api.companies()
        names = {c.name for c in companies}
        assert world.company(world.big_company_id()).Name in names
        big = next(c for c in companies if c.name == world.company(world.big_company_id()).Name)
        small = world.companies_of_debtor(world.company(world.big_company_id()).DebtorId)[0]
        mid = next(c for c in companies if c.name == small.Name)
        employees = api.employees(mid.id)
        assert len(employees) == world.company_size(small.ID)
        runs = list(
            Page(
                api.transport,
                "/api/companies/{companyId}/runs",
                path=f"/api/companies/{big.id}/runs",
                params={"year": world.today.year - 1},
                factory=lambda row: row,
            )
        )
        expected = world.runs(world.big_company_id(), world.today.year - 1)
        assert [r["number"] for r in runs] == [r.Number for r in expected]
        assert all(isinstance(r["periodStart"], int) for r in runs)
    assert server.contract.checked >= 4


def test_sdk_walks_debtors_when_companies_refuses_a_multi_debtor_consent(
    rest_demo_factory: Any,
) -> None:
    server = rest_demo_factory("multi-debtor")
    with _sdk(server) as api:
        companies = api.companies()
    assert len(companies) == len(server.world.companies())
    assert server.stats.faults[40306] == 1
