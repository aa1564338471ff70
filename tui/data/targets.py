"""What the palette can jump to: the companies and employees the store already holds.

Built from the store only (no API call from a key press). Employees come from the employee
lists and, for companies whose list is not loaded, from the contract records (which carry
names too).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from tui.data.kinds import COMPANIES, CONTRACTS, EMPLOYEES

if TYPE_CHECKING:
    from nmbrs_client.backend import Company
    from nmbrs_client.ids import EntityId
    from tui.data.store import DataStore


class TargetKind(StrEnum):
    COMPANY = "company"
    EMPLOYEE = "employee"


@dataclass(frozen=True)
class Target:
    """Something the palette can jump to, with the text it is found by."""

    kind: TargetKind
    label: str
    haystack: str
    company_id: EntityId
    employee_id: EntityId | None
    company: Company | None  # the company itself, when the store holds it


def jump_targets(store: DataStore) -> Iterator[Target]:
    """Companies, then employees, each once."""
    companies: dict[EntityId, Company] = {}
    for company in store.get(COMPANIES, None) or []:
        companies[company.id] = company
        yield Target(
            TargetKind.COMPANY,
            f"{company.name} (company {company.number}, id {company.id})",
            f"{company.name} {company.number} {company.id}".lower(),
            company.id,
            None,
            company,
        )
    people: list[tuple[EntityId, EntityId, str, int]] = []
    for cid, employees in store.items(EMPLOYEES):
        people.extend((cid, e.id, e.name, e.number) for e in employees)
    for cid, records in store.items(CONTRACTS):
        for r in records:
            name = " ".join(p for p in (r.FirstName, r.Prefix, r.LastName) if p)
            people.append((cid, r.EmployeeID, name, r.EmployeeNumber))
    seen: set[tuple[EntityId, EntityId]] = set()
    for cid, eid, name, number in people:
        if (cid, eid) in seen:
            continue
        seen.add((cid, eid))
        owner = companies.get(cid)
        where = owner.name if owner is not None else f"company {cid}"
        yield Target(
            TargetKind.EMPLOYEE,
            f"{name} (employee {number}, {where})",
            f"{name} {number} {eid}".lower(),
            cid,
            eid,
            owner,
        )
