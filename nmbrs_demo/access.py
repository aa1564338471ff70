"""A scenario's scope resolved against the generated world: what the demo's user cannot reach.

Shared by the SOAP handlers and the REST API, so both demos leave out (and refuse) the same
companies for the same scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

from nmbrs_demo.scenarios import Scenario
from nmbrs_demo.world import World


@dataclass(frozen=True)
class Access:
    """A scenario's scope resolved against the generated world's ids."""

    blocked_companies: frozenset[int]  # out of scope: 2004, employees 2003
    hidden_companies: frozenset[int]  # missing from lists, 2004 when asked for directly
    hidden_debtors: frozenset[int]  # every company of theirs is blocked or hidden

    @property
    def unlisted_companies(self) -> frozenset[int]:
        return self.blocked_companies | self.hidden_companies


def resolve_access(scenario: Scenario, world: World) -> Access:
    """Which companies and debtors the scenario's user cannot reach, in the world's ids.

    Both projections answer from this one resolution, so a SOAP call and a REST call about
    the same company agree on whether it is in scope.
    """
    blocked = set(scenario.out_of_scope_companies)
    if scenario.world_out_of_scope:
        blocked.update(world.out_of_scope_company_ids())
    if scenario.out_of_scope_sample:
        big = world.big_company_id()
        ids = sorted((c.ID for c in world.companies()), reverse=True)
        candidates = [company_id for company_id in ids if company_id != big]
        blocked.update(candidates[: scenario.out_of_scope_sample])
    unlisted = blocked | set(scenario.hidden_companies)
    hidden_debtors = set()
    for debtor in world.debtors():
        own = {c.ID for c in world.companies_of_debtor(debtor.Id)}
        if own and own <= unlisted:
            hidden_debtors.add(debtor.Id)
    return Access(
        frozenset(blocked), frozenset(scenario.hidden_companies), frozenset(hidden_debtors)
    )
