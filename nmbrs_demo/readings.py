"""Readings: how the demo answers where the public facts about Nmbrs leave a question open.

The public sources (Nmbrs' support articles and WSDLs, the public v3 clients) leave some behaviour
of the real service open (never observed, or sources disagree). The demo cannot know the truth
either, so each open question is a named switch with one value per plausible reading. The default
is always the reading that is hardest on a client: a client that works against the defaults does
not rely on a guess, and the test suite runs the rights engine and the panes under every other
value too, so relying on one reading fails a test.

A reading is given as ``name=value`` (``demo-server --reading employee-type=zero-is-all``,
``check --demo --reading …``) or in a scenario TOML file under ``[readings]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum

from nmbrs_client.errors import ConfigError


class EmployeeTypeReading(StrEnum):
    """What ``List_GetByCompany``'s ``EmployeeType`` means."""

    TYPE_ID = "type-id"  # an id from EmployeeType_GetList; 0 or an unknown id lists nobody
    ZERO_IS_ALL = "zero-is-all"  # 0 (or an unknown id) lists everyone, a type id filters
    ACTIVE_FILTER = "active-filter"  # v2.1's Active enum as an int: 0 active, 1 former, 2 all


class EmptyListReading(StrEnum):
    """How an empty list is written."""

    OMITTED = "omitted"  # no <Op>Result element at all
    EMPTY_ELEMENT = "empty-element"  # <Op>Result />


class EnvironmentHeaderReading(StrEnum):
    """Which header ``Environment_Get`` accepts (the WSDL declares AuthHeader)."""

    AUTH_HEADER_ONLY = "auth-header-only"  # AuthHeaderWithDomain there counts as no header: 1001
    EITHER = "either"


class EnvironmentReplyReading(StrEnum):
    """The shape of ``Environment_GetResult``."""

    EXTENDED = "extended"  # SubDomain first, then Domain, then fields the WSDL does not list
    DOCUMENTED = "documented"  # exactly Domain, SubDomain, in that order


class FaultOrderReading(StrEnum):
    """Which check Nmbrs makes first when a call is both switched off and out of scope."""

    SCOPE_FIRST = "scope-first"  # the ids are validated before the API template: 2004 wins
    TEMPLATE_FIRST = "template-first"  # the template is checked first: 1002 wins


class PayslipRightsReading(StrEnum):
    """Whether the payslip call and its ``_v2`` share one template switch."""

    SEPARATE = "separate"  # each name is its own switch
    SHARED = "shared"  # switching off either name switches off both


class CompanyScopeFaultReading(StrEnum):
    """The code for a company outside the user's scope."""

    CODE_2004 = "2004"
    CODE_1003 = "1003"


class FaultTextReading(StrEnum):
    """Whether a fault's text ends at the message."""

    STACK_TRACE = "stack-trace"  # ASMX with custom errors off appends a .NET stack trace
    PLAIN = "plain"


@dataclass(frozen=True)
class Readings:
    """One value per open question; the defaults are the strictest readings."""

    employee_type: EmployeeTypeReading = EmployeeTypeReading.TYPE_ID
    empty_list: EmptyListReading = EmptyListReading.OMITTED
    environment_header: EnvironmentHeaderReading = EnvironmentHeaderReading.AUTH_HEADER_ONLY
    environment_reply: EnvironmentReplyReading = EnvironmentReplyReading.EXTENDED
    fault_order: FaultOrderReading = FaultOrderReading.SCOPE_FIRST
    payslip_rights: PayslipRightsReading = PayslipRightsReading.SEPARATE
    company_scope_fault: CompanyScopeFaultReading = CompanyScopeFaultReading.CODE_2004
    fault_text: FaultTextReading = FaultTextReading.STACK_TRACE

    def changed(self, values: Mapping[str, str]) -> Readings:
        """A copy with ``{"employee-type": "zero-is-all", …}`` applied; ConfigError if bad."""
        changes: dict[str, StrEnum] = {}
        for name, value in values.items():
            key = name.strip().lower().replace("_", "-")
            kind = SWITCHES.get(key)
            if kind is None:
                raise ConfigError(
                    f"Unknown reading {name!r}.",
                    hint=f"Known readings: {', '.join(SWITCHES)}.",
                )
            try:
                changes[key.replace("-", "_")] = kind(str(value).strip().lower())
            except ValueError:
                choices = ", ".join(member.value for member in kind)
                raise ConfigError(
                    f"Reading {key} cannot be {value!r}.", hint=f"Choose one of: {choices}."
                ) from None
        return replace(self, **changes)  # type: ignore[arg-type]

    def non_default(self) -> dict[str, str]:
        """The switches that differ from the strict defaults, as ``name=value`` pairs."""
        default = Readings()
        return {
            f.name.replace("_", "-"): str(getattr(self, f.name))
            for f in fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        }

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.as_dict().items())

    def as_dict(self) -> dict[str, str]:
        return {f.name.replace("_", "-"): str(getattr(self, f.name)) for f in fields(self)}


SWITCHES: dict[str, type[StrEnum]] = {
    f.name.replace("_", "-"): type(f.default)  # type: ignore[misc]
    for f in fields(Readings)
}

STRICT = Readings()


def parse_reading_args(items: Iterable[str], base: Readings | None = None) -> Readings:
    """``["employee-type=zero-is-all", …]`` (from ``--reading``) applied to ``base``."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ConfigError(
                f"--reading {item!r} is not NAME=VALUE.",
                hint=f"For example --reading employee-type=zero-is-all; readings: "
                f"{', '.join(SWITCHES)}.",
            )
        values[name] = value
    return (base or STRICT).changed(values)


def every_alternative() -> list[Readings]:
    """The strict defaults, then each other value of each switch with the rest strict.

    Tests parametrize over this list: a client that relies on any one reading fails there.
    """
    found = [STRICT]
    for name, kind in SWITCHES.items():
        for member in kind:
            if member != getattr(STRICT, name.replace("-", "_")):
                found.append(STRICT.changed({name: member.value}))
    return found


def reading_id(readings: Readings) -> str:
    """A short test id: ``strict`` or the switches that differ."""
    changed = readings.non_default()
    return ",".join(f"{k}={v}" for k, v in changed.items()) or "strict"
