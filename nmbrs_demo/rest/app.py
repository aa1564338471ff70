"""The REST demo as one ASGI app (Starlette): the API under ``/api``, beside the identity
service's routes (:mod:`nmbrs_demo.rest.identity_routes`) under ``/identity``.

Every ``/api`` call passes one gate, in this order: latency, the subscription key, the
gateway's own refusals (a scenario's ``gateway_refuse``), transport trouble (flaky
scenarios), throttle and quota, the bearer token, the environment's subscription, the
operation (looked up in the OpenAPI document), its scopes (any one of the document's
security scopes), and then the handler, which checks data access. Handlers only read. Observers
(:mod:`nmbrs_demo.rest.observe`) see every exchange.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from nmbrs_client.errors import ConfigError
from nmbrs_demo.access import resolve_access
from nmbrs_demo.credentials import (
    DEMO_REST_SUBSCRIPTION_KEY,
    DEMO_REST_USER_EMAIL,
    DEMO_REST_USER_NAME,
    IDENTITY_PREFIX,
)
from nmbrs_demo.periods import periods_in_year
from nmbrs_demo.records import DEMO_SEED
from nmbrs_demo.rest import gateway, problems
from nmbrs_demo.rest.call import Call, date_param, int_param, paged, require_uuid
from nmbrs_demo.rest.gateway import GatewayRefusals
from nmbrs_demo.rest.identity import IdentityService
from nmbrs_demo.rest.identity_routes import identity_routes
from nmbrs_demo.rest.ids import NAMESPACE, IdMap, Kind
from nmbrs_demo.rest.observe import Exchange, ObserveMiddleware, Observer
from nmbrs_demo.rest.problems import Problem
from nmbrs_demo.rest.readings import R, Readings
from nmbrs_demo.rest.spec import SpecOperation, operation_index
from nmbrs_demo.rest.views import Row, Views
from nmbrs_demo.scenarios import Scenario
from nmbrs_demo.stats import ServerStats
from nmbrs_demo.world import World

PROCESSING = "Document is being processed"
EMPLOYEE_TYPES = (
    "applicant",
    "newHire",
    "payroll",
    "formerPayroll",
    "external",
    "formerExternal",
    "rejectedApplicant",
)
# The history endpoints this demo serves: path resource → key of the per-employee list.
HISTORY_RESOURCES = {
    "personalinfo": "info",
    "privateInfos": "privateInfos",
    "addresses": "addresses",
    "employments": "employments",
    "contracts": "contracts",
    "salaries": "salaries",
    "schedules": "schedules",
    "departments": "departments",
    "functions": "functions",
    "bankaccounts": "bankAccounts",
}
# Nmbrs ignores employeeId on these (the spec has no such parameter).
IGNORES_EMPLOYEE_FILTER = frozenset({"privateInfos"})


# The list endpoints whose answer is a function of the read-only world and of the request
# alone (its path and query, the base URL its links carry, the caller's debtors): each page
# is rendered once and its bytes served again. Every gate before the handler still runs on
# every call; only the handler's work and the JSON rendering are not repeated.
RENDERED_ONCE = frozenset(
    {
        "/api/companies/{companyId}/employees",
        *(f"/api/companies/{{companyId}}/employees/{resource}" for resource in HISTORY_RESOURCES),
    }
)
RENDERED_BUDGET_BYTES = 64 * 1024 * 1024


class RenderedPages:
    """The JSON bodies of pages of :data:`RENDERED_ONCE`, least recently served dropped first
    past a budget in bytes (thread-safe)."""

    def __init__(self, budget_bytes: int = RENDERED_BUDGET_BYTES) -> None:
        self.budget_bytes = budget_bytes
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        with self._lock:
            if key in self._bodies or len(body) > self.budget_bytes:
                return
            self._bodies[key] = body
            self._size += len(body)
            while self._size > self.budget_bytes:
                _, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped)


@dataclass
class _Task:
    make: Callable[[], bytes | None]
    created: float = 0.0
    polls: int = 0
    delivered: bool = False


_VIEWS: dict[tuple[int, bool, bool], Views] = {}
_VIEWS_LOCK = threading.Lock()


def shared_views(world: World, *, embedded: bool, sorted_history: bool) -> Views:
    """Views (and their id map) are read-only and deterministic: servers of one world share
    them, so the 5,000-employee company's rows are built once per process, not per server."""
    key = (id(world), embedded, sorted_history)
    with _VIEWS_LOCK:
        found = _VIEWS.get(key)
        if found is None or found.world is not world:
            found = Views(world, IdMap(embedded=embedded), sorted_history=sorted_history)
            _VIEWS[key] = found
    return found


class RestDemo:
    """State of one REST demo server: world, scenario, readings, identity, tasks, counters."""

    def __init__(
        self,
        scenario: Scenario,
        world: World,
        readings: Readings,
        *,
        clock: Callable[[], float] = time.time,
        log_calls: bool = False,
    ) -> None:
        self.scenario = scenario
        self.world = world
        self.readings = readings
        self.clock = clock
        self.log_calls = log_calls
        self.index = operation_index()
        unknown = sorted(scenario.withheld_scopes - self.index.scopes)
        if unknown:
            raise ConfigError(
                f"Scenario {scenario.name!r} withholds unknown scope(s): {', '.join(unknown)}.",
                hint="Scope names are those of the OpenAPI document, e.g. document.read.",
            )
        self.views = shared_views(
            world,
            embedded=readings[R.ID_MAPPING] == "embedded",
            sorted_history=readings[R.HISTORY_ORDER] == "chronological",
        )
        self.ids = self.views.ids
        self.access = resolve_access(scenario, world)
        self.gateway = GatewayRefusals(scenario, self.index)
        if scenario.consent == "all-debtors":
            debtors = [d.Id for d in world.debtors()]
        else:
            big = world.company(world.big_company_id())
            assert big is not None
            debtors = [int(big.DebtorId or 0)]
        self.consent_debtors = frozenset(debtors)
        self.identity = IdentityService(
            issuer="http://127.0.0.1" + IDENTITY_PREFIX,
            supported_scopes=self.index.scopes,
            grantable_scopes=self.index.scopes - scenario.withheld_scopes,
            debtor_ids=self.consent_debtors,
            loopback_any_port=readings[R.REDIRECT_URI] == "loopback-any-port",
            scope_claims=readings[R.TOKEN_CLAIMS] == "scopes",
            clock=clock,
        )
        self.stats = ServerStats()
        self.rendered = RenderedPages()
        self.observers: list[Observer] = []
        self._tasks: dict[str, _Task] = {}
        # How long a document takes to build, as a real server's does (0: only the reading's
        # count of 202s); the benchmarks set it to time the polling against a known ready time.
        self.document_ready_s = 0.0
        self._task_counter = 0
        self._lock = threading.Lock()
        self._arrivals: deque[float] = deque()
        self._api_calls = 0
        self._throttled = 0
        self._random = random.Random(scenario.seed if scenario.seed is not None else DEMO_SEED)

    # ------------------------------------------------------------------ data access

    def visible_companies(self, debtor_id: int | None = None) -> list[int]:
        out: list[int] = []
        for company in self.world.companies():
            if int(company.DebtorId or 0) not in self.consent_debtors:
                continue
            if debtor_id is not None and company.DebtorId != debtor_id:
                continue
            if company.ID in self.access.unlisted_companies:
                continue
            out.append(company.ID)
        return out

    def consent_debtor_names(self) -> list[str]:
        """Names of the debtors the consent page offers, sorted by id (for the identity routes)."""
        return [self.views.debtor(d)["name"] for d in sorted(self.consent_debtors)]

    def introspection_refused(self) -> bool:
        """Whether this demo plays the reading in which clients may not introspect tokens."""
        return self.readings[R.INTROSPECTION] == "refused"

    def company_id(self, call: Call, name: str = "companyId") -> int:
        raw = call.path_params.get(name, "")
        require_uuid(name, raw)
        soap = self.ids.soap(Kind.COMPANY, raw)
        if soap is None:
            raise problems.invalid_company()
        company = self.world.company(soap)
        if company is None:
            raise problems.invalid_company()
        if (
            int(company.DebtorId or 0) not in call.token.grant.debtor_ids
            or soap in self.access.unlisted_companies
        ):
            raise problems.no_data_access("company")
        return soap

    def employee_id(self, call: Call, raw: str) -> int | None:
        """The SOAP id of an employee the caller may read; None when there is no such id."""
        soap = self.ids.soap(Kind.EMPLOYEE, raw)
        if soap is None or self.scenario.no_employees:
            return None
        company_id = self.world.company_of_employee(soap)
        if company_id is None:
            return None
        company = self.world.company(company_id)
        assert company is not None
        if (
            int(company.DebtorId or 0) not in call.token.grant.debtor_ids
            or company_id in self.access.blocked_companies
        ):
            raise problems.no_data_access("employee")
        return soap

    # ------------------------------------------------------------------ throttle and tasks

    def throttle(self) -> Problem | None:
        """429 above the scenario's calls per second (42908) or past its quota (42909)."""
        scenario = self.scenario
        if not scenario.throttle_per_second and not scenario.quota_calls:
            return None
        now = time.monotonic()
        with self._lock:
            self._api_calls += 1
            if scenario.quota_calls and self._api_calls > scenario.quota_calls:
                return problems.quota_exceeded()
            if not scenario.throttle_per_second:
                return None
            while self._arrivals and self._arrivals[0] <= now - 1.0:
                self._arrivals.popleft()
            if len(self._arrivals) < scenario.throttle_per_second:
                self._arrivals.append(now)
                return None
            self._throttled += 1
            count = self._throttled
        mode = self.readings[R.RETRY_AFTER]
        with_header = mode == "seconds" or (mode == "alternate" and count % 2 == 1)
        return problems.too_many_calls(1 if with_header else None)

    def new_task(self, make: Callable[[], bytes | None]) -> str:
        with self._lock:
            self._task_counter += 1
            task_id = str(uuid.uuid5(NAMESPACE, f"task:{self._task_counter}"))
            self._tasks[task_id] = _Task(make, created=self.clock())
        return task_id

    def fetch_task(self, task_id: str) -> tuple[int, bytes | None]:
        """(202, None) while pending, (200, pdf) when done; Problem when gone or failed."""
        pending_setting = self.readings[R.DOCUMENT_PENDING_POLLS]
        with self._lock:
            task = self._tasks.get(task_id.lower())
            if task is None:
                raise problems.not_found()
            if task.delivered and self.readings[R.DOCUMENT_REFETCH] == "gone":
                del self._tasks[task_id.lower()]
                raise problems.not_found()
            task.polls += 1
            if pending_setting == "never" or task.polls <= int(pending_setting):
                return 202, None
            if self.clock() - task.created < self.document_ready_s:
                return 202, None
        pdf = task.make()
        if pdf is None:
            raise problems.not_found()
        with self._lock:
            task.delivered = True
        return 200, pdf

    def draw_flaky(self) -> str | None:
        rate = self.scenario.flaky_rate
        if rate <= 0:
            return None
        with self._lock:
            if self._random.random() >= rate:
                return None
            return self._random.choice(sorted(self.scenario.flaky_kinds))


# ---------------------------------------------------------------------- helpers


def _created_at(row: Row, key: str) -> list[Row]:
    entries: list[Row] = row[key]
    return entries


def _filter_history(call: Call, rows: list[Row], key: str, resource: str) -> list[Row]:
    wanted = None if resource in IGNORES_EMPLOYEE_FILTER else call.query("employeeId")
    if wanted:
        require_uuid("employeeId", wanted)
        rows = [r for r in rows if r["employeeId"] == wanted.lower()]
    since = date_param(call, "createdFrom")
    if since is not None:
        stamp_since = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        out: list[Row] = []
        for row in rows:
            entries = [
                e
                for e in row[key]
                if (e.get("createdAt") or e.get("creationDate") or "") >= stamp_since
            ]
            if entries:
                out.append({**row, key: entries})
        rows = out
    return rows


# ---------------------------------------------------------------------- API handlers

Handler = Callable[[RestDemo, Call], Any]


def h_debtors(demo: RestDemo, call: Call) -> Any:
    debtors = [
        d for d in sorted(call.token.grant.debtor_ids) if d not in demo.access.hidden_debtors
    ]
    return paged(call, [demo.views.debtor(d) for d in debtors])


def h_debtor_companies(demo: RestDemo, call: Call) -> Any:
    raw = call.path_params["debtorId"]
    require_uuid("debtorId", raw)
    debtor = demo.ids.soap(Kind.DEBTOR, raw)
    if debtor is None:
        raise problems.not_found()
    if debtor not in call.token.grant.debtor_ids:
        raise problems.no_data_access("debtor")
    return paged(call, [demo.views.company(c) for c in demo.visible_companies(debtor)])


def h_companies(demo: RestDemo, call: Call) -> Any:
    debtors = call.token.grant.debtor_ids
    if len(debtors) > 1 and demo.readings[R.MULTI_DEBTOR_COMPANIES] == "refused-40306":
        raise problems.multi_debtor()
    companies = demo.visible_companies()
    return paged(call, [demo.views.company(c) for c in companies])


def h_period(demo: RestDemo, call: Call) -> Any:
    company = demo.company_id(call)
    return paged(call, [demo.views.period(company)])


def h_employees(demo: RestDemo, call: Call) -> Any:
    company = demo.company_id(call)
    rows = [] if demo.scenario.no_employees else demo.views.employees(company)
    types = call.query("employeeType")
    if types:
        wanted = {t.strip() for t in types.split(",") if t.strip()}
        bad = sorted(wanted - set(EMPLOYEE_TYPES))
        if bad:
            raise problems.invalid_parameter(
                "employeeType", f"Unknown employee type(s): {', '.join(bad)}."
            )
        rows = [r for r in rows if r["employeeBasicInfo"]["employeeType"] in wanted]
    wanted_id = call.query("employeeId")
    if wanted_id:
        require_uuid("employeeId", wanted_id)
        rows = [r for r in rows if r["employeeId"] == wanted_id.lower()]
    since = date_param(call, "createdFrom")
    if since is not None:
        ids = {
            r["employeeId"]
            for r in demo.views.history("personalinfo", company)
            if r["info"][0]["createdAt"] >= since.strftime("%Y-%m-%dT%H:%M:%SZ")
        }
        rows = [r for r in rows if r["employeeId"] in ids]
    return paged(call, rows)


def h_history(resource: str) -> Handler:
    key = HISTORY_RESOURCES[resource]

    def handler(demo: RestDemo, call: Call) -> Any:
        company = demo.company_id(call)
        if demo.scenario.no_employees:
            return paged(call, [])
        rows = _filter_history(call, demo.views.history(resource, company), key, resource)
        return paged(call, rows)

    return handler


def h_employee(demo: RestDemo, call: Call) -> Any:
    raw = call.path_params["employeeId"]
    require_uuid("employeeId", raw)
    soap = demo.employee_id(call, raw)
    row = None if soap is None else demo.views.employee(soap)
    # An unknown id is an empty page, not a 404.
    return paged(call, [] if row is None else [row])


def _year(call: Call, demo: RestDemo) -> int:
    year = int_param(call, "year", demo.world.today.year, 1900, 2999)
    assert year is not None
    return year


def h_runs(demo: RestDemo, call: Call) -> Any:
    company = demo.company_id(call)
    rows = demo.views.runs(
        company, _year(call, demo), date_periods=demo.readings[R.RUN_PERIODS] == "date-times"
    )
    if demo.readings[R.RUN_PERIODS] == "date-times" and call.exchange is not None:
        call.exchange.off_spec = "reading run-periods=date-times (integer fields hold strings)"
    return paged(call, rows)


def h_run_employees(demo: RestDemo, call: Call) -> Any:
    company = demo.company_id(call)
    raw = call.path_params["payrollRunId"]
    require_uuid("payrollRunId", raw)
    run = demo.ids.soap(Kind.RUN, raw)
    found = None if run is None else demo.world.run(run)
    if found is None or found[0] != company:
        raise problems.not_found()
    assert run is not None
    if demo.scenario.no_employees:
        return paged(call, [])
    return paged(call, demo.views.run_employees(company, run))


def _document_employee(demo: RestDemo, call: Call) -> tuple[int, int]:
    raw = call.path_params["employeeId"]
    require_uuid("employeeId", raw)
    soap = demo.employee_id(call, raw)
    if soap is None:
        raise problems.not_found()
    company = demo.world.company_of_employee(soap)
    assert company is not None
    return soap, company


def h_payslip(demo: RestDemo, call: Call) -> Any:
    employee, company = _document_employee(demo, call)
    year = _year(call, demo)
    current = demo.views.period(company)["period"]
    count = periods_in_year(demo.world.period_type(company), year)
    default_period = current["period"] if current["year"] == year else count
    period = int_param(call, "period", default_period, 1, count)
    assert period is not None
    runs = [
        r
        for r in demo.world.runs(company, year)
        if int(r.PeriodStart or 0) <= period <= int(r.PeriodEnd or 0)
    ]
    slips = [
        pdf
        for pdf in (demo.world.payslip_pdf_of_period(employee, r.ID, period) for r in runs)
        if pdf is not None
    ]
    if not slips and demo.readings[R.PAYSLIP_NO_RUN] == "not-found":
        raise problems.not_found()
    merged = demo.readings[R.PAYSLIP_SEVERAL_RUNS] == "merged"

    def make() -> bytes | None:
        if not slips:
            return None
        return _merge(slips) if merged and len(slips) > 1 else slips[-1]

    return {"taskId": demo.new_task(make)}


def _merge(pdfs: list[bytes]) -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def h_annual(demo: RestDemo, call: Call) -> Any:
    employee, company = _document_employee(demo, call)
    year = _year(call, demo)
    if demo.readings[R.ANNUAL_STATEMENT_EARLY] == "not-found" and not demo.views.year_complete(
        company, year
    ):
        raise problems.not_found()
    pdf = demo.world.annual_statement_pdf(employee, year)
    if pdf is None:
        raise problems.not_found()
    return {"taskId": demo.new_task(lambda: pdf)}


def h_document(demo: RestDemo, call: Call) -> Any:
    raw = call.path_params["taskId"]
    require_uuid("taskId", raw)
    status, pdf = demo.fetch_task(raw)
    if pdf is None:
        return JSONResponse(PROCESSING, status_code=status)
    return Response(pdf, status_code=200, media_type="application/octet-stream")


def h_user_info(demo: RestDemo, call: Call) -> Any:
    debtor = min(call.token.grant.debtor_ids)
    row = {
        "name": DEMO_REST_USER_NAME,
        "email": DEMO_REST_USER_EMAIL,
        "language": "nl",
        "debtorId": demo.ids.rest(Kind.DEBTOR, debtor),
        "userId": demo.ids.rest(Kind.USER, 1),
    }
    return paged(call, [row])


def h_debtor_info(demo: RestDemo, call: Call) -> Any:
    rows = []
    for debtor in sorted(call.token.grant.debtor_ids):
        rows.append(
            {
                "debtor": demo.views.debtor(debtor),
                "address": {
                    "addressId": demo.ids.rest(Kind.ADDRESS, 10_000_000 + debtor),
                    "isDefault": True,
                    "type": "debtorAddress",
                    "street": "Demostraat",
                    "houseNumber": str(debtor % 200 + 1),
                    "houseNumberAddition": None,
                    "postalCode": "1011AB",
                    "city": "Amsterdam",
                    "stateProvince": None,
                    "countryISOCode": "NL",
                    "period": {"year": demo.world.today.year, "period": 1},
                    "createdAt": f"{demo.world.today.year - 3}-01-01T00:00:00Z",
                },
            }
        )
    return paged(call, rows)


HANDLERS: dict[str, Handler] = {
    "/api/debtors": h_debtors,
    "/api/debtors/info": h_debtor_info,
    "/api/debtors/{debtorId}/companies": h_debtor_companies,
    "/api/companies": h_companies,
    "/api/companies/{companyId}/period": h_period,
    "/api/companies/{companyId}/employees": h_employees,
    "/api/companies/{companyId}/runs": h_runs,
    "/api/companies/{companyId}/runs/{payrollRunId}/employees": h_run_employees,
    "/api/employees/{employeeId}": h_employee,
    "/api/employees/{employeeId}/payslipperperiod": h_payslip,
    "/api/employees/{employeeId}/annualstatement": h_annual,
    "/api/documents/{taskId}": h_document,
    "/api/user/info": h_user_info,
    **{
        f"/api/companies/{{companyId}}/employees/{resource}": h_history(resource)
        for resource in HISTORY_RESOURCES
    },
}


# ---------------------------------------------------------------------- responses


def _problem_response(demo: RestDemo, problem: Problem, exchange: Exchange | None) -> Response:
    media = demo.readings[R.ERROR_CONTENT_TYPE]
    if media != "application/json" and exchange is not None and exchange.off_spec is None:
        exchange.off_spec = f"reading error-content-type={media}"
    headers = dict(problem.headers)
    if problem.code == 40101:
        headers.setdefault("WWW-Authenticate", "Bearer")  # RFC 6750 §3.1: no error code
    elif problem.code == 40102:
        headers.setdefault("WWW-Authenticate", 'Bearer error="invalid_token"')
    body = json.dumps(problem.body()).encode()
    return Response(body, status_code=problem.status, media_type=media, headers=headers)


def _subscription_failure(demo: RestDemo, exchange: Exchange | None) -> Response:
    mode = demo.readings[R.SUBSCRIPTION_KEY]
    if mode == "gateway-401":
        if exchange is not None:
            exchange.off_spec = "reading subscription-key=gateway-401 (a gateway body)"
        body = {
            "statusCode": 401,
            "message": "Access denied due to missing or invalid subscription key. Make sure "
            "to provide a valid key for an active subscription.",
        }
        return JSONResponse(body, status_code=401)
    status = 401 if mode == "problem-401" else 403
    problem = Problem(
        status,
        40101 if status == 401 else 40304,
        problems.ProblemType.AUTHENTICATION,
        "Invalid_Subscription_Key",
        "The X-Subscription-Key header is missing or not a key of an active subscription.",
    )
    return _problem_response(demo, problem, exchange)


def _missing_scope(demo: RestDemo, op: SpecOperation, exchange: Exchange | None) -> Response:
    mode = demo.readings[R.MISSING_SCOPE_403]
    if mode == "problem-40303":
        return _problem_response(demo, problems.no_data_access(), exchange)
    if exchange is not None:
        exchange.off_spec = f"reading missing-scope-403={mode} (no problem body)"
    headers = {}
    if mode == "insufficient-scope":
        headers["WWW-Authenticate"] = (
            f'Bearer error="insufficient_scope", scope="{" ".join(sorted(op.scopes))}"'
        )
    return Response(b"", status_code=403, headers=headers)


def _flaky_response(kind: str) -> Response:
    page = (
        b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
        b"<body><h1>502 Bad Gateway</h1></body></html>"
    )
    if kind == "empty":
        return Response(b"", status_code=200, media_type="application/json")
    if kind in ("html500", "reset", "timeout"):
        status = 503 if kind == "html500" else 502
        return Response(page, status_code=status, media_type="text/html")
    return Response(b'{"pagination": {"pageNum', status_code=200, media_type="application/json")


# ---------------------------------------------------------------------- the gate


async def api_endpoint(request: Request) -> Response:
    demo: RestDemo = request.app.state.demo
    exchange: Exchange | None = request.scope.get("nmbrs.exchange")
    started = time.perf_counter()
    operation_name: str | None = None
    code: int | None = None
    response: Response
    try:
        response, operation_name = await _serve_api(demo, request, exchange)
    except Problem as problem:
        code = problem.code
        response = _problem_response(demo, problem, exchange)
    status = response.status_code
    if code is None and status >= 400:
        code = _code_of(response)
    demo.stats.record(operation_name, status, code)
    if demo.log_calls:
        import sys

        elapsed = (time.perf_counter() - started) * 1000
        print(
            f"demo-server rest {request.method} {request.url.path} {status}"
            f"{f' code {code}' if code else ''} {elapsed:.1f} ms",
            file=sys.stderr,
            flush=True,
        )
    return response


def _code_of(response: Response) -> int | None:
    try:
        value = json.loads(bytes(response.body)).get("code")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


async def _serve_api(
    demo: RestDemo, request: Request, exchange: Exchange | None
) -> tuple[Response, str | None]:
    scenario = demo.scenario
    if scenario.latency_ms > 0:
        await asyncio.sleep(scenario.latency_ms / 1000)
    if request.headers.get("x-subscription-key", "") != DEMO_REST_SUBSCRIPTION_KEY:
        return _subscription_failure(demo, exchange), None
    if demo.gateway.refuses(request.method, request.url.path):
        return gateway.refusal(exchange), None
    flaky = demo.draw_flaky()
    if flaky is not None:
        if exchange is not None:
            exchange.off_spec = f"flaky scenario: {flaky}"
        return _flaky_response(flaky), None
    throttled = demo.throttle()
    if throttled is not None:
        raise throttled
    authorization = request.headers.get("authorization", "")
    if not authorization[:7].lower() == "bearer " or not authorization[7:].strip():
        raise problems.missing_token()
    token = demo.identity.access(authorization[7:].strip())
    if token is None or scenario.auth_fail:
        raise problems.invalid_token()
    if scenario.no_subscription:
        raise problems.invalid_subscription()
    found = demo.index.find(request.method, request.url.path)
    if found is None:
        raise problems.not_found()
    op, path_params = found
    if op.scopes and not (op.scopes & token.scopes):
        return _missing_scope(demo, op, exchange), op.operation_id
    handler = HANDLERS.get(op.template)
    if handler is None:
        # In the document but not served by this read-only demo (writes, other resources).
        raise problems.not_found()
    call = Call(request, path_params, token, exchange)
    if op.template not in RENDERED_ONCE:
        result = await run_in_threadpool(handler, demo, call)
        if isinstance(result, Response):
            return result, op.operation_id
        return JSONResponse(result), op.operation_id
    url = request.url
    key = (url.scheme, url.netloc, url.path, url.query, token.grant.debtor_ids)
    body = demo.rendered.get(key)
    if body is None:
        body = await run_in_threadpool(_render, handler, demo, call)
        demo.rendered.put(key, body)
    return Response(body, media_type="application/json"), op.operation_id


def _render(handler: Handler, demo: RestDemo, call: Call) -> bytes:
    """A handler's answer as the bytes ``JSONResponse`` would send (off the event loop)."""
    return bytes(JSONResponse(handler(demo, call)).body)


def build_app(demo: RestDemo) -> ASGIApp:
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    routes = [
        *identity_routes(),
        Route("/api/{rest:path}", api_endpoint, methods=methods),
    ]
    app = Starlette(routes=routes)
    app.state.demo = demo
    return ObserveMiddleware(app, demo.observers)


__all__ = [
    "HANDLERS",
    "RENDERED_ONCE",
    "RenderedPages",
    "RestDemo",
    "build_app",
]
