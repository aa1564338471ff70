"""The columns of a check: the companies named with ``--company`` (or ``n``), else every
visible one.

Both probers choose them by this one rule, so a named company is shown, judged and worded
the same on SOAP and REST: a company nobody named is never a column (it cannot fail the
check), and a named one that no company list returns is "not visible" — a wrong id, or
outside the login's scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nmbrs_client.ids import EntityId
from nmbrs_client.rights.basis import Basis, BasisKind
from nmbrs_client.rights.classify import Status, Verdict
from nmbrs_client.rights.matrix import ColumnVerdict
from nmbrs_client.rights.results import AccountResult, CompanyRef

NOT_LISTED = Verdict(
    Status.NOT_VISIBLE,
    None,
    "company not visible to this user: a wrong id, or outside this user's scope "
    "(debtor tag / company filter)",
)


@dataclass(frozen=True)
class Columns:
    """The chosen columns and what the report says about them.

    ``others`` are the visible companies nobody named: never columns, but the endpoint
    rights may be probed on them when no named company is in reach.
    """

    companies: list[CompanyRef]
    findings: list[AccountResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    others: list[CompanyRef] = field(default_factory=list)


def matches(company: CompanyRef, name: EntityId) -> bool:
    """A name typed by a person is a company's id, or its number where the API has one."""
    text = str(name).strip()
    return text == str(company.id) or (company.number is not None and text == company.number)


def choose_columns(
    named: Sequence[EntityId] | None,
    visible: Sequence[CompanyRef] | None,
    *,
    complete: bool = True,
) -> Columns:
    """The columns for the named companies (in the order named), else every visible one.

    ``visible`` is ``None`` when no company list could be read, and not ``complete`` when
    only some could: a named company missing from it is then of unknown visibility (probed,
    never called "not visible"). When none of the named ones is
    visible, the first visible company is added as its own column, so the endpoint rights
    are still probed and the reader sees where.
    """
    if not named:
        return Columns(list(visible or []))
    chosen: list[CompanyRef] = []
    findings: list[AccountResult] = []
    notes: list[str] = []
    for name in dict.fromkeys(named):
        # a company number repeats across debtors: every company it names is a column, so a
        # verdict is never given for one of them in the name of another
        found = [c for c in visible or () if matches(c, name)]
        if found:
            chosen.extend(c for c in found if c not in chosen)
            if len(found) > 1:
                notes.append(
                    f"--company {name}: {len(found)} companies with this number (one per "
                    "debtor), each checked: " + ", ".join(c.label() for c in found)
                )
        elif visible is None or not complete:
            chosen.append(CompanyRef(name, None, None, None))
        else:
            chosen.append(CompanyRef(name, None, None, False))
            findings.append(not_listed_finding(name))
    others = [c for c in visible or () if c not in chosen]
    if others and not any(c.visible for c in chosen):
        chosen.append(others[0])
        notes.append(
            f"Probe company: {others[0].label()} added, because no company named with "
            "--company is visible to this user"
        )
        others = others[1:]
    return Columns(chosen, findings, notes, others)


def not_listed_finding(company_id: EntityId) -> AccountResult:
    """The account line of a named company that no company list of this login returns."""
    return AccountResult(
        "company",
        Status.NOT_VISIBLE,
        f"company {company_id} is not visible: a wrong id, or outside this user's scope "
        "(no company list of this user names it)",
        finding=True,
        value=str(company_id),
    )


def not_listed_column(listing: str) -> ColumnVerdict:
    """The column of a named company absent from ``listing`` (the company list called)."""
    return ColumnVerdict(NOT_LISTED, Basis(BasisKind.COMPANY_NOT_VISIBLE, listing))
