"""Requirement profiles: the named lists of operations an integration needs.

Every integrator publishes its own list and customers re-key it by hand in Nmbrs' API template
editor, so a profile is first class: a name, a title, a short description and a list of
``Service.Operation``. Names are matched case-insensitively (integrators write
``List_getByCompany``) and always reported in Nmbrs' own casing. An unknown name is a
configuration error that names the closest real operation.

Profiles come from three places: the built-ins (``integration``, ``app``), the
``[requirements.<name>]`` tables of config.toml, and a TOML file given by path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nmbrs_client.errors import ConfigError
from nmbrs_client.operations import (
    OPERATIONS,
    Operation,
    Service,
    UnknownOperationError,
    resolve,
)

if TYPE_CHECKING:
    from nmbrs_client.rights.rest_requirements import ProfileOnRest

DEFAULT_PROFILE = "integration"

# The operations of the integrator's article (a payroll/HR integration), in Nmbrs' casing.
INTEGRATION_OPERATIONS: tuple[str, ...] = (
    "EmployeeService.BankAccount_GetListCurrent",
    "EmployeeService.Department_GetCurrent",
    "EmployeeService.Employment_GetAll_AllEmployeesByCompany",
    "EmployeeService.Function_GetCurrent",
    "EmployeeService.List_GetByCompany",
    "EmployeeService.PersonalInfo_GetCurrent",
    "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany",
    "EmployeeService.Schedule_GetAll_AllEmployeesByCompany",
    "EmployeeService.SalaryDocuments_GetAnnualStatementPDF",
    "CompanyService.Run_GetList",
    "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany",
)

# Environment_Get is checked in the account section of every report (it discovers the domain),
# so it is not a row of the matrix.
ACCOUNT_ONLY_OPERATIONS: frozenset[str] = frozenset({"DebtorService.Environment_Get"})

SERVICE_ORDER: tuple[Service, ...] = (Service.EMPLOYEE, Service.COMPANY, Service.DEBTOR)


class RequirementsError(ConfigError):
    """A requirement profile cannot be used: unknown name, bad file or unknown operation."""


BUILT_IN = "built-in"  # the source of a profile that ships with nmbrs-tui (else a file path)


@dataclass(frozen=True)
class RequirementProfile:
    """A named list of operations an integration needs, with where it was defined."""

    name: str
    title: str
    description: str
    operations: tuple[Operation, ...]
    source: str = BUILT_IN
    # REST operations the profile needs beyond the replacements of its SOAP operations
    # (``rest_operations = [...]`` in TOML, names as in ``nmbrs_client.rest_operations.RestOp``).
    rest_operations: tuple[str, ...] = ()
    # Built-in profiles carry their title in Dutch too (customer reports); a profile from a
    # config file keeps the title its author wrote, in whatever language that is.
    title_nl: str | None = None

    def title_in(self, lang: str) -> str:
        return self.title_nl if lang == "nl" and self.title_nl else self.title

    def narrowed_to(self, qualified_names: Iterable[str]) -> RequirementProfile:
        """This profile with only the named operations (a re-check of some rows); unchanged
        when none of them is its own (REST rows are re-checked whole)."""
        wanted = set(qualified_names)
        kept = tuple(op for op in self.operations if op.qualified_name in wanted)
        return replace(self, operations=kept) if kept else self

    @property
    def qualified_names(self) -> list[str]:
        return [op.qualified_name for op in self.operations]

    def by_service(self) -> list[tuple[Service, list[Operation]]]:
        """Operations grouped per service, as they are ticked off in the API template editor."""
        groups: list[tuple[Service, list[Operation]]] = []
        for service in SERVICE_ORDER:
            ops = sorted(
                (op for op in self.operations if op.service is service),
                key=lambda op: op.name.lower(),
            )
            if ops:
                groups.append((service, ops))
        return groups

    def rest(self) -> ProfileOnRest:
        """The REST form: the REST calls replacing each operation and the scopes to consent to."""
        from nmbrs_client.rest_operations import RestOp
        from nmbrs_client.rights.rest_requirements import rest_form

        return rest_form(
            self.name, self.qualified_names, tuple(RestOp(n) for n in self.rest_operations)
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "source": self.source,
            "operations": self.qualified_names,
        }
        if self.rest_operations:
            data["rest_operations"] = list(self.rest_operations)
        return data


def resolve_operations(names: Iterable[str], where: str) -> tuple[Operation, ...]:
    """Catalogue operations for ``names`` (any casing), without duplicates, in given order."""
    found: list[Operation] = []
    for raw in names:
        if not isinstance(raw, str) or not raw.strip():
            raise RequirementsError(
                f"{where}: operation names must be non-empty strings, got {raw!r}"
            )
        try:
            op = resolve(raw)
        except UnknownOperationError as exc:
            closest = f" The closest real operation is {exc.suggestion}." if exc.suggestion else ""
            raise RequirementsError(
                f"{where}: unknown operation {raw.strip()!r}.{closest}",
                hint="Names are Service.Operation as in Nmbrs' API template editor "
                "(`nmbrs-tui requirements show app` lists every operation nmbrs-tui knows).",
            ) from None
        if op not in found:
            found.append(op)
    return tuple(found)


def _builtin() -> dict[str, RequirementProfile]:
    integration = RequirementProfile(
        name="integration",
        title="Payroll/HR integration (employee data, payslips, annual statements)",
        title_nl="Salaris-/HR-koppeling (werknemergegevens, loonstroken, jaaropgaven)",
        description=(
            "The operations a typical payroll/HR integration reads: employees, "
            "personal info, contracts, employments, schedules, departments, functions, "
            "bank accounts, payroll runs, payslips and annual statements."
        ),
        operations=resolve_operations(INTEGRATION_OPERATIONS, "built-in profile integration"),
    )
    app = RequirementProfile(
        name="app",
        title="nmbrs-tui itself",
        title_nl="nmbrs-tui zelf",
        description=(
            "Every read-only operation the nmbrs-tui dashboard calls. Environment_Get "
            "is checked in the account section."
        ),
        operations=tuple(
            op for op in OPERATIONS if op.qualified_name not in ACCOUNT_ONLY_OPERATIONS
        ),
    )
    return {integration.name: integration, app.name: app}


BUILTIN_PROFILES: dict[str, RequirementProfile] = _builtin()


def profile_from_mapping(name: str, data: Mapping[str, Any], source: str) -> RequirementProfile:
    """Build a profile from a TOML table ``{title, description, operations}``."""
    where = f"{source}: requirements '{name}'"
    unknown = sorted(set(data) - {"name", "title", "description", "operations", "rest_operations"})
    if unknown:
        raise RequirementsError(
            f"{where}: unknown key(s) {', '.join(unknown)} "
            "(allowed: title, description, operations, rest_operations)"
        )
    operations = data.get("operations")
    if not isinstance(operations, list) or not operations:
        raise RequirementsError(
            f"{where}: 'operations' must be a non-empty list of Service.Operation names"
        )
    title = data.get("title") or name
    description = data.get("description") or ""
    if not isinstance(title, str) or not isinstance(description, str):
        raise RequirementsError(f"{where}: title and description must be strings")
    return RequirementProfile(
        name=name,
        title=title,
        description=description,
        operations=resolve_operations(operations, where),
        source=source,
        rest_operations=_rest_operation_names(data.get("rest_operations"), where),
    )


def _rest_operation_names(raw: object, where: str) -> tuple[str, ...]:
    """Validate ``rest_operations``: names of the REST allowlist, without duplicates."""
    if raw is None:
        return ()
    from nmbrs_client.rest_operations import RestOp

    known = {op.value.lower(): op.value for op in RestOp}
    if not isinstance(raw, list):
        raise RequirementsError(f"{where}: 'rest_operations' must be a list of REST names")
    names: list[str] = []
    for item in raw:
        name = known.get(item.strip().lower()) if isinstance(item, str) else None
        if name is None:
            raise RequirementsError(
                f"{where}: unknown REST operation {item!r}",
                hint="Known REST operations: " + ", ".join(op.value for op in RestOp),
            )
        if name not in names:
            names.append(name)
    return tuple(names)


def load_profile_file(path: Path) -> dict[str, RequirementProfile]:
    """Profiles in a TOML file: ``[requirements.<name>]`` tables, or one profile at top level."""
    from nmbrs_client.local_files import read_toml_file

    try:
        data = read_toml_file(path, "requirements file")
    except ConfigError as exc:
        raise RequirementsError(exc.message, hint=exc.hint) from None
    source = str(path)
    if "operations" in data:
        name = data.get("name") or path.stem
        if not isinstance(name, str):
            raise RequirementsError(f"{source}: name must be a string")
        return {name: profile_from_mapping(name, data, source)}
    tables = data.get("requirements")
    if not isinstance(tables, dict) or not tables:
        raise RequirementsError(
            f"{source}: no requirement profile found",
            hint="Write `title = ...` and `operations = [...]` at the top level, or one "
            "[requirements.<name>] table per profile.",
        )
    profiles: dict[str, RequirementProfile] = {}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise RequirementsError(f"{source}: requirements.{name} must be a table")
        profiles[name] = profile_from_mapping(name, table, source)
    return profiles


def config_profiles(config: Any) -> dict[str, RequirementProfile]:
    """Profiles from an ``AppConfig`` (its ``requirements`` tables), validated here."""
    if config is None:
        return {}
    tables = getattr(config, "requirements", None) or {}
    source = str(getattr(config, "path", None) or "config.toml")
    profiles: dict[str, RequirementProfile] = {}
    for name, table in tables.items():
        data = table.model_dump() if hasattr(table, "model_dump") else dict(table)
        profiles[name] = profile_from_mapping(name, data, source)
    return profiles


def available_profiles(config: Any = None) -> dict[str, RequirementProfile]:
    """Built-ins, then the config file's profiles (a config profile may replace a built-in)."""
    profiles = dict(BUILTIN_PROFILES)
    profiles.update(config_profiles(config))
    return profiles


def find_profile(spec: str | None, config: Any = None) -> RequirementProfile:
    """A profile by name (built-in or config), or from a TOML file path.

    A file holding several profiles may be given as ``FILE`` (if it holds exactly one) or
    ``FILE:NAME``.
    """
    name = (spec or DEFAULT_PROFILE).strip()
    profiles = available_profiles(config)
    if name in profiles:
        return profiles[name]
    lowered = {key.lower(): key for key in profiles}
    if name.lower() in lowered:
        return profiles[lowered[name.lower()]]
    path_text, _, wanted = name.partition(":") if not Path(name).exists() else (name, "", "")
    path = Path(path_text).expanduser()
    if path.suffix.lower() == ".toml" or path.exists():
        found = load_profile_file(path)
        if wanted:
            if wanted not in found:
                raise RequirementsError(
                    f"{path} has no profile {wanted!r} (it has: {', '.join(found)})"
                )
            return found[wanted]
        if len(found) == 1:
            return next(iter(found.values()))
        raise RequirementsError(
            f"{path} holds several profiles ({', '.join(found)}): choose one with {path}:NAME"
        )
    raise RequirementsError(
        f"unknown requirement profile {name!r} (known: {', '.join(profiles)})",
        hint="Give a profile name, or the path of a TOML file with title and operations.",
    )
