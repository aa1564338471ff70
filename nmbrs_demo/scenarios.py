"""Demo-server scenarios: which rights, scope and transport trouble the fake Nmbrs shows.

A scenario is plain data. The server reads it once at start; the rights engine, the TUI and
the tests use the built-in ones (``healthy``, ``missing-rights`` …) to meet every kind of
answer a real environment can give, without a real environment. A scenario can also come
from a small TOML file so a support engineer can reproduce a customer's situation:

.. code-block:: toml

    name = "acme"
    base = "healthy"                      # a built-in to start from
    deny = ["EmployeeService.Department_GetCurrent"]
    hide_companies = [20002]
    out_of_scope = [20005]
    latency_ms = 40
    withhold_scopes = ["document.read"]   # REST: scopes the consent does not grant
    consent = "one-debtor"                # REST: one-debtor | all-debtors
    throttle_per_second = 0               # REST: above this many calls a second, 429/42908
    throttle_rate = 0.3                   # SOAP: this share of calls is told to slow down …
    throttle_kinds = ["429", "503", "slow-down"]  # … by 429/503 with Retry-After, or a fault
    throttle_retry_after_s = 1
    hang = ["EmployeeService.Function_GetCurrent"]  # accepted, never answered
    gateway_refuse = ["company.employees.bankaccounts"]  # REST: the gateway's own 403 ("all")
    [deny_company]
    "20003" = ["EmployeeService.PersonalInfo_GetCurrent"]

The REST demo reads the same scenarios; the REST-only keys above say what its consent grants.
    [readings]                            # open questions, see nmbrs_demo.readings
    employee-type = "zero-is-all"
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nmbrs_client.errors import ConfigError
from nmbrs_client.ids import ApiKind
from nmbrs_client.local_files import read_toml_file
from nmbrs_client.operations import UnknownOperationError, resolve
from nmbrs_client.rest_operations import RestOp
from nmbrs_demo.readings import STRICT, Readings

FLAKY_KINDS: frozenset[str] = frozenset({"html500", "truncated", "reset", "timeout", "empty"})
# How the SOAP demo tells a client to slow down: HTTP 429 or 503 with Retry-After (a gateway in
# front of the service), or a SOAP fault without a number whose text asks to slow down.
THROTTLE_KINDS: frozenset[str] = frozenset({"429", "503", "slow-down"})
WORLD_SIZES: frozenset[str] = frozenset({"standard", "large-accountant"})
CONSENTS: frozenset[str] = frozenset({"one-debtor", "all-debtors"})
SCENARIO_DIR = Path(__file__).with_name("scenarios")
# The demos a scenario exists for: one API or both. A scenario one demo cannot play is refused
# there (never played as healthy): its verdicts would be false.
APIS: tuple[str, ...] = tuple(api.value for api in ApiKind)
BOTH_APIS: frozenset[ApiKind] = frozenset(ApiKind)
GATEWAY_ALL = "all"  # gateway_refuse = "all": the gateway refuses every API call


@dataclass(frozen=True)
class Scenario:
    """Everything that makes one demo environment behave differently from a healthy one.

    Company ids are the demo world's ``Company.ID`` values. ``hidden_companies`` are missing
    from list calls and answer 2004 to company calls, while per-employee calls still work (a
    company filter that hides a company but not its people); ``out_of_scope_companies`` are cut
    off completely (2004 for the company, 2003 for its employees, debtors without any visible
    company disappear and answer 2009).
    """

    name: str
    description: str = ""
    denied_operations: frozenset[str] = frozenset()
    denied_per_company: dict[int, frozenset[str]] = field(default_factory=dict)
    hidden_companies: frozenset[int] = frozenset()
    out_of_scope_companies: frozenset[int] = frozenset()
    # Resolved against the world at server start, because ids come from the generated data:
    # the N highest company ids (never the big company) go out of scope …
    out_of_scope_sample: int = 0
    # … and/or the world's own list of out-of-scope companies (large-accountant world).
    world_out_of_scope: bool = False
    auth_fail: bool = False
    no_subscription: bool = False
    # Every company is empty: no list names an employee (a new environment, say).
    no_employees: bool = False
    flaky_rate: float = 0.0
    flaky_kinds: frozenset[str] = FLAKY_KINDS
    flaky_timeout_s: float = 35.0
    # SOAP: a share of the calls is throttled (see THROTTLE_KINDS), with this Retry-After.
    throttle_rate: float = 0.0
    throttle_kinds: frozenset[str] = THROTTLE_KINDS
    throttle_retry_after_s: int = 1
    # Calls of these operations are accepted and never answered (until the server stops).
    hang_operations: frozenset[str] = frozenset()
    # REST only: calls the API gateway in front of Nmbrs refuses with its own 403 JSON (not
    # Nmbrs' problem body), by REST operation name; GATEWAY_ALL refuses every API call.
    gateway_refused: frozenset[str] = frozenset()
    latency_ms: int = 0
    rate_limit: bool = True
    size: str = "standard"
    seed: int | None = None
    # REST only: scopes the consent never grants, however asked; which debtors it spans
    # ("one-debtor": the debtor of the world's biggest company); the throttle and the quota.
    withheld_scopes: frozenset[str] = frozenset()
    consent: str = "one-debtor"
    throttle_per_second: int = 0
    quota_calls: int = 0
    readings: Readings = STRICT
    apis: frozenset[ApiKind] = BOTH_APIS

    def is_denied(self, qualified_operation: str, company_id: int | None = None) -> bool:
        """True when the API template would answer 1002 for this call."""
        if qualified_operation in self.denied_operations:
            return True
        if company_id is not None:
            return qualified_operation in self.denied_per_company.get(company_id, frozenset())
        return False


def _canonical(names: list[str] | set[str] | frozenset[str], where: str) -> frozenset[str]:
    """Validate operation names against the catalogue and spell them as Nmbrs does."""
    result: set[str] = set()
    for raw in names:
        if not isinstance(raw, str):
            raise ConfigError(f"{where}: operation names must be strings, got {raw!r}")
        try:
            result.add(resolve(raw).qualified_name)
        except UnknownOperationError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    return frozenset(result)


MISSING_RIGHTS_OPERATIONS = _canonical(
    [
        "EmployeeService.Department_GetCurrent",
        "EmployeeService.Function_GetCurrent",
        "EmployeeService.SalaryDocuments_GetAnnualStatementPDF",
        "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany",
    ],
    "built-in scenario missing-rights",
)

# REST twin of missing-rights: the consent lacks the second document scope (the PDF download)
# and bank accounts, two scopes integrations are known to forget.
MISSING_SCOPES = frozenset({"document.read", "employee.bankaccount", "employee.bankaccount.read"})

BUILTIN_SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("healthy", "Every right granted, every company in scope."),
        Scenario(
            "missing-rights",
            "The API template switches off four of the integration's operations (1002); "
            "on REST the consent lacks document.read and the bank-account scopes.",
            denied_operations=MISSING_RIGHTS_OPERATIONS,
            withheld_scopes=MISSING_SCOPES,
        ),
        Scenario(
            "missing-scopes",
            "REST consent without document.read and the bank-account scopes (403); "
            "on SOAP the same as missing-rights.",
            denied_operations=MISSING_RIGHTS_OPERATIONS,
            withheld_scopes=MISSING_SCOPES,
        ),
        Scenario(
            "multi-debtor",
            "REST consent spanning both debtors: /api/companies answers 403/40306.",
            consent="all-debtors",
            apis=frozenset({ApiKind.REST}),
        ),
        Scenario(
            "throttled",
            "REST: more than 5 calls in a second answer 429/42908. SOAP: three calls in ten "
            "are told to slow down (HTTP 429 or 503 with Retry-After: 1, or a SOAP fault "
            "asking to slow down); every call answers once retried.",
            throttle_per_second=5,
            throttle_rate=0.3,
        ),
        Scenario(
            "restricted-scope",
            "Two of the six companies are outside the user's debtor tag / company filter.",
            out_of_scope_sample=2,
        ),
        Scenario("bad-token", "Every call answers 1001 Invalid Authentication.", auth_fail=True),
        Scenario(
            "no-subscription",
            "The environment has no valid API subscription: 1004 on every call but "
            "Environment_Get.",
            no_subscription=True,
        ),
        Scenario(
            "flaky",
            "One call in five fails below SOAP: HTML 500, truncated XML, reset, timeout, empty.",
            flaky_rate=0.2,
            flaky_timeout_s=3.0,
        ),
        Scenario(
            "no-employees",
            "Every company is visible but none has employees: per-employee rights cannot be "
            "verified.",
            no_employees=True,
        ),
        Scenario(
            "large-accountant",
            "An accountant environment with many debtors; some companies out of scope. "
            "On REST one consent spans all 40 debtors.",
            size="large-accountant",
            world_out_of_scope=True,
            consent="all-debtors",
        ),
    )
}

_TOML_KEYS = {
    "name",
    "description",
    "base",
    "deny",
    "deny_company",
    "hide_companies",
    "out_of_scope",
    "latency_ms",
    "flaky_rate",
    "flaky_kinds",
    "flaky_timeout_s",
    "throttle_rate",
    "throttle_kinds",
    "throttle_retry_after_s",
    "hang",
    "gateway_refuse",
    "rate_limit",
    "size",
    "seed",
    "auth_fail",
    "no_subscription",
    "withhold_scopes",
    "consent",
    "throttle_per_second",
    "quota_calls",
    "no_employees",
    "readings",
    "apis",
}


def builtin_names() -> list[str]:
    return list(BUILTIN_SCENARIOS)


def names_for(api: ApiKind | str) -> list[str]:
    """The built-in and bundled scenarios the demo of ``api`` can play."""
    bundled = [stem for stem, path in bundled_files().items() if api in load_scenario(path).apis]
    return [name for name, s in BUILTIN_SCENARIOS.items() if api in s.apis] + bundled


def scenario_for(scenario: Scenario | str | Path, api: ApiKind | str) -> Scenario:
    """The scenario, when the demo of ``api`` can play it; else one ConfigError (exit 64)
    that names the scenarios that demo has."""
    chosen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if api not in chosen.apis:
        others = " and ".join(sorted(chosen.apis)).upper()
        raise ConfigError(
            f"Demo scenario {chosen.name!r} exists for the {others} demo only, not for "
            f"{api.upper()}.",
            hint=f"{api.upper()} demo scenarios: {', '.join(names_for(api))}.",
        )
    return chosen


def bundled_files() -> dict[str, Path]:
    """Example scenario files shipped with the package, by file stem."""
    if not SCENARIO_DIR.is_dir():
        return {}
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.toml"))}


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by name, a bundled example by stem, or a TOML file by path."""
    text = str(name_or_path).strip()
    key = text.lower()
    if key in BUILTIN_SCENARIOS:
        return BUILTIN_SCENARIOS[key]
    bundled = bundled_files()
    if key in bundled:
        return load_scenario_file(bundled[key])
    path = Path(text).expanduser()
    if path.suffix.lower() == ".toml" or path.exists():
        return load_scenario_file(path)
    choices = ", ".join([*BUILTIN_SCENARIOS, *bundled])
    raise ConfigError(
        f"Unknown demo scenario {text!r}.",
        hint=f"Use one of: {choices}; or the path of a scenario TOML file.",
    )


def load_scenario_file(path: Path) -> Scenario:
    """Parse and validate a scenario TOML file; every problem is a ConfigError naming the file."""
    data = read_toml_file(path, "scenario file")
    return scenario_from_mapping(data, str(path), default_name=path.stem)


def scenario_from_mapping(data: dict[str, Any], where: str, *, default_name: str) -> Scenario:
    unknown = sorted(set(data) - _TOML_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}.",
            hint=f"Known keys: {', '.join(sorted(_TOML_KEYS))}.",
        )
    base_name = _get(data, "base", str, where, "healthy").lower()
    if base_name not in BUILTIN_SCENARIOS:
        raise ConfigError(
            f"{where}: base {base_name!r} is not a built-in scenario "
            f"(choose from {', '.join(BUILTIN_SCENARIOS)})."
        )
    base = BUILTIN_SCENARIOS[base_name]
    apis = _get(data, "apis", list, where, sorted(base.apis))
    if not apis or any(a not in APIS for a in apis):
        raise ConfigError(f"{where}: apis must be a non-empty list of {', '.join(APIS)}.")
    if {"deny", "deny_company", "hang"} & set(data):
        # a REST consent has no per-operation switches, and the REST demo has no hanging
        # calls: these have no REST twin, so such a scenario is the SOAP demo's alone
        apis = [a for a in apis if a != ApiKind.REST] or apis
    if "gateway_refuse" in data:
        # the SOAP demo has no API gateway that answers in its own JSON: the REST demo's alone
        apis = [a for a in apis if a == ApiKind.REST]
        if not apis:
            raise ConfigError(
                f"{where}: gateway_refuse is for the REST demo, but this scenario is for "
                "SOAP only (deny, deny_company and hang have no REST twin)."
            )
    changes: dict[str, Any] = {
        "apis": frozenset(ApiKind(a) for a in apis),
        "name": _get(data, "name", str, where, default_name),
        "description": _get(data, "description", str, where, base.description),
    }
    if "deny" in data:
        deny = _get(data, "deny", list, where, [])
        changes["denied_operations"] = base.denied_operations | _canonical(deny, f"{where}: deny")
    if "deny_company" in data:
        table = _get(data, "deny_company", dict, where, {})
        per_company = dict(base.denied_per_company)
        for company, ops in table.items():
            company_id = _company_id(company, f"{where}: deny_company")
            if not isinstance(ops, list):
                raise ConfigError(f"{where}: deny_company.{company} must be a list of operations.")
            per_company[company_id] = _canonical(ops, f"{where}: deny_company.{company}")
        changes["denied_per_company"] = per_company
    if "hide_companies" in data:
        ids = _get(data, "hide_companies", list, where, [])
        changes["hidden_companies"] = base.hidden_companies | frozenset(
            _company_id(v, f"{where}: hide_companies") for v in ids
        )
    if "out_of_scope" in data:
        ids = _get(data, "out_of_scope", list, where, [])
        changes["out_of_scope_companies"] = base.out_of_scope_companies | frozenset(
            _company_id(v, f"{where}: out_of_scope") for v in ids
        )
    if "latency_ms" in data:
        latency = _get(data, "latency_ms", int, where, 0)
        if not 0 <= latency <= 60_000:
            raise ConfigError(f"{where}: latency_ms must be between 0 and 60000, got {latency}.")
        changes["latency_ms"] = latency
    for prefix, allowed in (("flaky", FLAKY_KINDS), ("throttle", THROTTLE_KINDS)):
        if f"{prefix}_rate" in data:
            changes[f"{prefix}_rate"] = _share(data, f"{prefix}_rate", where)
        if f"{prefix}_kinds" in data:
            changes[f"{prefix}_kinds"] = _kinds(data, f"{prefix}_kinds", allowed, where)
    if "flaky_timeout_s" in data:
        timeout = float(_get(data, "flaky_timeout_s", (int, float), where, 35.0))
        if not 0.0 < timeout <= 600.0:
            raise ConfigError(f"{where}: flaky_timeout_s must be in (0, 600], got {timeout}.")
        changes["flaky_timeout_s"] = timeout
    if "throttle_retry_after_s" in data:
        after = _get(data, "throttle_retry_after_s", int, where, 1)
        if not 0 <= after <= 120:
            raise ConfigError(f"{where}: throttle_retry_after_s must be 0-120, got {after}.")
        changes["throttle_retry_after_s"] = after
    if "gateway_refuse" in data:
        changes["gateway_refused"] = _gateway_refused(data["gateway_refuse"], where)
    if "hang" in data:
        changes["hang_operations"] = _canonical(
            _get(data, "hang", list, where, []), f"{where}: hang"
        )
    for flag in ("rate_limit", "auth_fail", "no_subscription", "no_employees"):
        if flag in data:
            changes[flag] = _get(data, flag, bool, where, False)
    if "size" in data:
        size = _get(data, "size", str, where, "standard")
        if size not in WORLD_SIZES:
            raise ConfigError(
                f"{where}: size must be one of {', '.join(sorted(WORLD_SIZES))}, got {size!r}."
            )
        changes["size"] = size
    if "seed" in data:
        changes["seed"] = _get(data, "seed", int, where, 0)
    if "withhold_scopes" in data:
        names = _get(data, "withhold_scopes", list, where, [])
        if not all(isinstance(n, str) and n.strip() for n in names):
            raise ConfigError(f"{where}: withhold_scopes must be a list of scope names.")
        changes["withheld_scopes"] = base.withheld_scopes | frozenset(n.strip() for n in names)
    if "consent" in data:
        consent = _get(data, "consent", str, where, "one-debtor")
        if consent not in CONSENTS:
            raise ConfigError(
                f"{where}: consent must be one of {', '.join(sorted(CONSENTS))}, got {consent!r}."
            )
        changes["consent"] = consent
    for key in ("throttle_per_second", "quota_calls"):
        if key in data:
            amount = _get(data, key, int, where, 0)
            if not 0 <= amount <= 1_000_000:
                raise ConfigError(f"{where}: {key} must be between 0 and 1000000, got {amount}.")
            changes[key] = amount
    if "readings" in data:
        table = _get(data, "readings", dict, where, {})
        try:
            changes["readings"] = base.readings.changed({str(k): str(v) for k, v in table.items()})
        except ConfigError as exc:
            raise ConfigError(f"{where}: readings: {exc.message}", hint=exc.hint) from None
    return replace(base, **changes)


def _gateway_refused(value: Any, where: str) -> frozenset[str]:
    """``"all"`` or a non-empty list of REST operation names (``company.employees``, …)."""
    if value == GATEWAY_ALL:
        return frozenset({GATEWAY_ALL})
    known = {op.value for op in RestOp}
    if not isinstance(value, list) or not value:
        raise ConfigError(
            f'{where}: gateway_refuse must be "all" or a non-empty list of REST operations.'
        )
    bad = sorted(str(v) for v in value if v not in known)
    if bad:
        raise ConfigError(
            f"{where}: gateway_refuse: unknown REST operation(s) {', '.join(bad)}.",
            hint=f"REST operations: {', '.join(sorted(known))}.",
        )
    return frozenset(value)


def _share(data: dict[str, Any], key: str, where: str) -> float:
    """A share of the calls, between 0 and 1."""
    rate = _get(data, key, (int, float), where, 0.0)
    if not 0.0 <= float(rate) <= 1.0:
        raise ConfigError(f"{where}: {key} must be between 0 and 1, got {rate}.")
    return float(rate)


def _kinds(data: dict[str, Any], key: str, allowed: frozenset[str], where: str) -> frozenset[str]:
    """A non-empty list of names out of ``allowed``."""
    kinds = _get(data, key, list, where, [])
    bad = sorted(str(k) for k in kinds if k not in allowed)
    if bad or not kinds:
        raise ConfigError(
            f"{where}: {key} must be a non-empty list of {', '.join(sorted(allowed))}"
            + (f"; unknown: {', '.join(bad)}." if bad else ".")
        )
    return frozenset(kinds)


def _get(
    data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any
) -> Any:
    if key not in data:
        return default
    value = data[key]
    # bool is an int subclass: do not let `latency_ms = true` through.
    if isinstance(value, bool) and kind is not bool:
        raise ConfigError(f"{where}: {key} must be {_kind_name(kind)}, got a boolean.")
    if not isinstance(value, kind):
        raise ConfigError(f"{where}: {key} must be {_kind_name(kind)}, got {value!r}.")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        int: "an integer",
        float: "a number",
        str: "a string",
        bool: "true or false",
        list: "a list",
        dict: "a table",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _company_id(value: Any, where: str) -> int:
    if isinstance(value, bool):
        raise ConfigError(f"{where}: company ids are integers, got {value!r}.")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ConfigError(f"{where}: company ids are integers, got {value!r}.")
