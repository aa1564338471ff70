"""NmbrsClient: a read-only, thread-safe client for the Nmbrs SOAP v3 API.

Concurrency choice: the client is synchronous and meant to be shared by worker threads. zeep's
XML work is CPU-bound; run on an asyncio loop it stalls a Textual UI (a 1,000-row reply stretched
a 20 ms UI timer to ~90 ms), while thread workers keep it responsive. One ``zeep.Client`` per
service is shared by all threads (safe for calls; zeep's HistoryPlugin is not used), the HTTP
pool is sized to the configured concurrency, and one
:class:`~nmbrs_client.ratelimit.RateLimiter` caps every call of this client so the account never
exceeds Nmbrs' 150 calls per second.

Read-only by construction: every call goes through :meth:`NmbrsClient.call`, which accepts
only operations of the catalogue in :mod:`nmbrs_client.operations`; the zeep service objects are
never handed out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from nmbrs_client import models as m
from nmbrs_client import textsafe
from nmbrs_client.calllog import CallLog, CallRecord
from nmbrs_client.cancel import unwanted_call
from nmbrs_client.errors import (
    NmbrsFault,
    NmbrsTransportError,
    OperationNotAllowedError,
    category_for,
    parse_fault_text,
    redact,
)
from nmbrs_client.heap import give_back_after
from nmbrs_client.operations import (
    Header,
    Operation,
    Service,
    UnknownOperationError,
    get_operation,
    resolve,
)
from nmbrs_client.ratelimit import RateLimiter
from nmbrs_client.reply_models import as_list, model, models, unwrap, validate_list
from nmbrs_client.retry import (
    Failure,
    FailureKind,
    RetryPolicy,
    RetryStats,
    current_budget,
    transport_failure,
)
from nmbrs_client.version import USER_AGENT

if TYPE_CHECKING:
    import zeep

    from nmbrs_client.envelopes import EnvelopeTemplate


# Replies read by the fast reader (:mod:`nmbrs_client.fastread`) instead of zeep: those of
# these operations always, any other reply from FAST_READ_MIN_BYTES on. These are the
# whole-company lists, and every reply a rights check reads (Run_GetList is its column probe:
# 244 calls on a large account, where zeep spent ~2.5 ms of CPU on each small reply; the
# check's other small replies cost zeep 0.1-0.3 ms each, taken while the other workers of
# the round wait for the GIL). The fast reader's tests hold each of them to zeep's reading.
ALWAYS_FAST_READ = frozenset(
    {
        "EmployeeService.List_GetByCompany",
        "EmployeeService.Employment_GetAll_AllEmployeesByCompany",
        "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany",
        "EmployeeService.Schedule_GetAll_AllEmployeesByCompany",
        "EmployeeService.BankAccount_GetListCurrent",
        "EmployeeService.PersonalInfo_GetCurrent",
        "EmployeeService.EmployeeType_GetList",
        "EmployeeService.Department_GetCurrent",
        "EmployeeService.Function_GetCurrent",
        "EmployeeService.SalaryDocuments_GetAnnualStatementPDF",
        "CompanyService.List_GetAll",
        "CompanyService.Run_GetList",
        "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany",
        "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2",
        "DebtorService.List_GetAll",
        "DebtorService.Environment_Get",
    }
)
FAST_READ_MIN_BYTES = 32 * 1024


class SoapPart(Protocol):
    """The SOAP part of a connection (``config.SoapSettings`` fits)."""

    @property
    def base_url(self) -> str: ...
    @property
    def username(self) -> str: ...
    @property
    def domain(self) -> str | None: ...
    @property
    def wsdl(self) -> str: ...
    @property
    def token(self) -> Any: ...


class ClientSettings(Protocol):
    """What the client needs from a connection profile (``config.ConnectionSettings`` fits).

    Read-only properties, so frozen models with narrower types (Literal, int) satisfy it.
    """

    @property
    def soap(self) -> SoapPart: ...
    @property
    def timeout_s(self) -> float: ...
    @property
    def connect_timeout_s(self) -> float: ...
    @property
    def concurrency(self) -> int: ...
    @property
    def rate_limit_per_s(self) -> float: ...
    @property
    def verify_tls(self) -> bool: ...
    @property
    def max_response_mb(self) -> float: ...
    # Not used for calls; the rights report names the connection with them.
    @property
    def environment(self) -> str: ...
    @property
    def profile_name(self) -> str | None: ...
    @property
    def scenario(self) -> str | None: ...


class DomainState(StrEnum):
    """Where the client's domain stands; ``domain_source`` is the same said for people."""

    PROFILE = "profile"  # given by the profile
    PENDING = "pending"  # not yet discovered with Environment_Get
    DISCOVERED = "discovered"  # Environment_Get gave it
    NONE = "none"  # discovery gave none; calls go without a domain


def _secret(value: Any) -> str:
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if getter else value or "")


class NmbrsClient:
    """One client per connection profile; share it between threads."""

    def __init__(
        self, settings: ClientSettings, *, retry_policy: RetryPolicy | None = None
    ) -> None:
        self.settings = settings
        # Transient failures and throttling are retried here, under one policy, for every
        # caller (panes, palette, rights engine); ``retry_stats`` counts what was retried.
        self.retry_policy = retry_policy or RetryPolicy()
        self.retry_stats = RetryStats()
        self._stop_retrying = threading.Event()
        self._closed = threading.Event()
        soap = settings.soap
        self.base_url = soap.base_url if soap.base_url.endswith("/") else soap.base_url + "/"
        self.host = urlsplit(self.base_url).netloc or self.base_url
        self.username = soap.username
        self._token = _secret(soap.token)
        self.domain: str | None = soap.domain or None
        self.domain_source = "profile" if self.domain else "not yet discovered"
        self.domain_state = DomainState.PROFILE if self.domain else DomainState.PENDING
        self.domain_fault_code: int | None = None  # Environment_Get's fault when state is NONE
        self._domain_resolved = self.domain is not None
        self._domain_lock = threading.Lock()
        self.call_log = CallLog()
        self._limiter = RateLimiter(settings.rate_limit_per_s)
        self._services: dict[Service, Any] = {}
        self._readers: dict[str, Any] = {}
        self._templates: dict[tuple[str, bool], EnvelopeTemplate | None] = {}
        self.fast_reader_enabled = True
        self._build_lock = threading.Lock()
        self._transport: Any = None
        self.build_times_ms: dict[str, float] = {}
        self._employee_types: list[int] | None = None

    # ----------------------------------------------------------------- plumbing
    def _get_transport(self) -> Any:
        if self._transport is None:
            from nmbrs_client.transport import GuardedTransport

            self._transport = GuardedTransport(
                connect_timeout=self.settings.connect_timeout_s,
                read_timeout=self.settings.timeout_s,
                max_bytes=int(self.settings.max_response_mb * 1024 * 1024),
                verify_tls=self.settings.verify_tls,
                # The rights check may run up to 32 calls at once (--thorough adapts).
                pool_size=max(self.settings.concurrency, 32) + 2,
                user_agent=USER_AGENT,
                secrets=(self._token,),
            )
        return self._transport

    def service(self, service: Service) -> Any:
        """The zeep service proxy for one service, built once (lazily, thread-safe)."""
        proxy = self._services.get(service)
        if proxy is not None:
            return proxy
        with self._build_lock:
            proxy = self._services.get(service)
            if proxy is None:
                proxy = self._build_service(service)
                self._services[service] = proxy
        return proxy

    def prepare(self) -> None:
        """Build the three services, the fast readers and the envelope templates of the
        operations a check calls now, before the first call.

        A rights check's first round sends calls on all three services at once; built on
        demand, each of those calls waited for the WSDLs to be parsed (tens of milliseconds
        of CPU) after the clock of the check had started, and a check calls most operations
        once, so a reader or template made on first use saves it nothing. Connecting (what
        the dashboard's connect step does) is where that belongs. A WSDL that cannot be read
        is raised by the first call that needs it, as before.
        """
        from nmbrs_client.errors import NmbrsError

        for service in Service:
            try:
                self.service(service)
            except NmbrsError:
                continue
        # The envelopes for the domain the calls will carry: the profile's, or the one
        # Environment_Get is about to discover (the few calls sent before it, and any other
        # envelope, are made on first use). Only the presence of each field shapes one.
        domain = None if self.domain_state is DomainState.NONE else ""
        for name in ALWAYS_FAST_READ:
            op = resolve(name)
            proxy = self._services.get(op.service)
            if proxy is None:
                continue
            self._reader(proxy, op)
            fields: dict[str, str | None] = {"Username": "", "Token": ""}
            if op.header is Header.AUTH_WITH_DOMAIN:
                fields["Domain"] = domain
            template = self._template(proxy, op, {op.header.value: fields})
            if template is not None:  # and the request it goes in (one per service)
                self._get_transport().prepare_post(template.address, dict(template.http_headers))

    def _build_service(self, service: Service) -> Any:
        import zeep
        from zeep.settings import Settings

        from nmbrs_client.transport import TransportProblem

        started = time.perf_counter()
        if self.settings.soap.wsdl == "live":
            location = f"{self.base_url}{service.path}?WSDL"
        else:
            from nmbrs_client.wsdl import wsdl_path

            location = str(wsdl_path(service))
        # strict=False: tolerate elements Nmbrs added after our WSDL and missing optional ones.
        # The transport has already rejected malformed XML, so zeep's lenient parse is safe.
        # xml_huge_tree: PDFs arrive as one base64 text node above libxml2's 10 MB default.
        zeep_settings = Settings(
            strict=False,
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
            xml_huge_tree=True,
            xsd_ignore_sequence_order=True,
        )
        try:
            client: zeep.Client = zeep.Client(
                location, transport=self._get_transport(), settings=zeep_settings
            )
        except TransportProblem as problem:
            raise NmbrsTransportError(
                f"{service.value} WSDL", self.host, problem.problem, kind=problem.kind
            ) from None
        except Exception as exc:  # a broken live WSDL
            raise NmbrsTransportError(
                f"{service.value} WSDL",
                self.host,
                f"the WSDL could not be read ({type(exc).__name__})",
                kind="malformed",
                retryable=False,
            ) from None
        binding = f"{{{service.namespace}}}{service.value}Soap"
        proxy = client.create_service(binding, f"{self.base_url}{service.path}")
        self.build_times_ms[service.value] = (time.perf_counter() - started) * 1000
        return proxy

    # ------------------------------------------------------------------ domain
    def ensure_domain(self) -> str | None:
        """Discover the domain once with Environment_Get, unless the profile gives one."""
        if self._domain_resolved:
            return self.domain
        with self._domain_lock:
            if self._domain_resolved:
                return self.domain
            try:
                env = self.environment()
            except NmbrsFault as fault:
                if fault.code == 1001:
                    raise
                self.domain = None
                self.domain_state = DomainState.NONE
                self.domain_fault_code = fault.code
                self.domain_source = (
                    f"none (Environment_Get refused with {fault.code}; calls go without a domain)"
                )
            else:
                self.domain = env.SubDomain or None
                self.domain_state = DomainState.DISCOVERED if self.domain else DomainState.NONE
                self.domain_source = (
                    "discovered" if self.domain else "none (Environment_Get gave no SubDomain)"
                )
            self._domain_resolved = True
            return self.domain

    # -------------------------------------------------------------------- call
    def call(
        self, operation: Operation | str, *, discover_domain: bool = True, **params: Any
    ) -> Any:
        """Invoke one allowlisted operation and return its result as plain Python data.

        ``discover_domain=False`` sends an ``AuthHeaderWithDomain`` call with whatever domain
        is known right now (none before discovery; the element is optional in v3) instead of
        waiting for :meth:`ensure_domain`, so a caller can run it alongside Environment_Get.
        """
        op = self._allowed(operation)
        arguments = self._arguments(op, params)
        if op.header is Header.AUTH_WITH_DOMAIN and discover_domain:
            self.ensure_domain()
        return self._invoke(op, arguments)

    @staticmethod
    def _allowed(operation: Operation | str) -> Operation:
        try:
            if isinstance(operation, Operation):
                # Refuse forged Operation objects that merely look like catalogue entries.
                known = get_operation(operation.service, operation.name)
                if known != operation:
                    raise OperationNotAllowedError(
                        f"{operation.qualified_name} does not match the catalogue entry"
                    )
                return known
            return resolve(operation)
        except UnknownOperationError as exc:
            raise OperationNotAllowedError(str(exc)) from None

    @staticmethod
    def _arguments(op: Operation, params: Mapping[str, Any]) -> dict[str, Any]:
        by_lower = {name.lower(): name for name in op.param_names}
        arguments: dict[str, Any] = {}
        for key, value in params.items():
            name = by_lower.get(key.lower())
            if name is None:
                accepted = ", ".join(op.param_names) or "no parameters"
                raise TypeError(f"{op.qualified_name} takes {accepted}; got {key}")
            arguments[name] = value
        missing = [name for name in op.param_names if name not in arguments]
        if missing:
            raise TypeError(f"{op.qualified_name} needs {', '.join(missing)}")
        return arguments

    def _header(self, op: Operation) -> dict[str, dict[str, str | None]]:
        if op.header is Header.AUTH:
            return {"AuthHeader": {"Username": self.username, "Token": self._token}}
        return {
            "AuthHeaderWithDomain": {
                "Username": self.username,
                "Token": self._token,
                "Domain": self.domain,
            }
        }

    def _invoke(self, op: Operation, arguments: dict[str, Any]) -> Any:
        """One logical call: attempts under :attr:`retry_policy` until an answer or give-up.

        Every attempt is its own call-log record (``attempt`` 1, 2, …); the error that is
        finally raised carries ``attempts`` and ``retries_exhausted`` so callers do not retry
        it again on top.
        """
        first = time.monotonic()
        attempt = 1
        budget = current_budget()
        read_timeout: float | None = None  # the transport's own for the first attempt
        unwanted = partial(unwanted_call, self._closed, op.qualified_name, self.host)
        while True:
            if gone := unwanted():  # work queued before a close or an esc ends unsent
                raise gone
            if budget is not None:
                budget.attempted()
                left = budget.remaining_s()
                if left < (read_timeout or self.settings.timeout_s):
                    read_timeout = max(1.0, left)  # never wait past the check's deadline
            try:
                return self._invoke_once(op, arguments, attempt, read_timeout)
            except (NmbrsFault, NmbrsTransportError) as exc:
                if isinstance(exc, NmbrsTransportError) and (gone := unwanted()):
                    raise gone from None  # closed (or stopped) under it: not a broken line
                failure = failure_of(exc)
                delay = self.retry_policy.delay_before_retry(
                    failure, attempt, time.monotonic() - first
                )
                if delay is not None and budget is not None:
                    delay = delay if budget.allow_retry(failure, delay) else None
                if delay is None or self._stop_retrying.is_set():
                    if failure.kind is not FailureKind.FINAL:
                        self.retry_stats.gave_up(failure.kind)
                    exc.attempts = attempt
                    exc.retries_exhausted = failure.kind is not FailureKind.FINAL
                    raise
                self.retry_stats.retried(failure.kind)
                if self._stop_retrying.wait(delay):
                    exc.attempts = attempt
                    exc.retries_exhausted = True
                    raise
                attempt += 1
                shorter = self.retry_policy.read_timeout_after(failure, self.settings.timeout_s)
                read_timeout = shorter if shorter < self.settings.timeout_s else None

    def stop_retrying(self) -> None:
        """Give up waiting between attempts (quitting, cancelling): the next failure is final."""
        self._stop_retrying.set()

    def _invoke_once(
        self,
        op: Operation,
        arguments: dict[str, Any],
        attempt: int = 1,
        read_timeout: float | None = None,
    ) -> Any:
        from zeep.exceptions import Error as ZeepError

        from nmbrs_client.transport import FaultReply, TransportProblem

        proxy = self.service(op.service)
        transport = self._get_transport()
        transport.next_read_timeout.value = read_timeout
        transport.last_size.value = None
        transport.last_status.value = None
        transport.last_tree.value = None
        transport.last_plain.value = False
        self._limiter.acquire()
        started_at = datetime.now()
        started = time.perf_counter()
        outcome, code, message = "ok", None, ""
        kind: str | None = None
        try:
            value = self._send(proxy, transport, op, arguments)
            # Every string of the reply is cleaned here, once: the rest of the program never
            # holds a control character or bidi override that came from the network. A body
            # with none of them in its bytes (the usual case) skips the walk over the tree.
            if getattr(transport.last_plain, "value", False):
                return value
            return textsafe.clean_tree(value)
        except FaultReply as reply:
            code, text = parse_fault_text(reply.text)
            outcome, message = "fault", redact(text, self._token)
            kind = category_for(code).value
            raise NmbrsFault(op.qualified_name, code, message, faultcode=reply.faultcode) from None
        except TransportProblem as problem:
            outcome, message = "transport", redact(problem.problem, self._token)
            kind = problem.kind
            raise NmbrsTransportError(
                op.qualified_name,
                self.host,
                message,
                kind=problem.kind,
                status=problem.status,
                retryable=problem.retryable,
                retry_after_s=problem.retry_after_s,
            ) from None
        except (ZeepError, ValueError, TypeError, AttributeError, ArithmeticError) as exc:
            # ArithmeticError: decimal.InvalidOperation for text in a decimal field, which
            # zeep's conversion (and the fast reader, like it) does not catch.
            # The envelope was well-formed but its content did not fit the schema.
            outcome, kind = "transport", "malformed"
            message = f"the reply could not be read as {op.name}Response ({type(exc).__name__})"
            raise NmbrsTransportError(
                op.qualified_name, self.host, message, kind="malformed", retryable=False
            ) from None
        finally:
            transport.last_tree.value = None  # never keep a big tree alive between calls
            duration = (time.perf_counter() - started) * 1000
            size = getattr(transport.last_size, "value", None)
            give_back_after(size)  # the tree and the bytes of a big reply are gone now
            self.call_log.add(
                CallRecord(
                    started_at=started_at,
                    operation=op.qualified_name,
                    company_id=_id_param(arguments, "companyid"),
                    employee_id=_id_param(arguments, "employeeid"),
                    duration_ms=duration,
                    outcome=outcome,
                    fault_code=code,
                    message=message[:200],
                    size_bytes=size,
                    http_status=getattr(transport.last_status, "value", None),
                    error_kind=kind,
                    attempt=attempt,
                    method="POST",
                    path=f"{urlsplit(self.base_url).path}{op.service.path}",
                )
            )

    def _send(self, proxy: Any, transport: Any, op: Operation, arguments: dict[str, Any]) -> Any:
        """One call; the reply is read by the fast reader when it is big, else by zeep.

        The request is the operation's envelope template filled in (:mod:`envelopes`), or
        zeep's when the template cannot carry these values; either way the same bytes go to
        the transport's ``post``, as zeep's own ``send`` would send them. With
        ``raw_response`` (a thread-local zeep setting) zeep hands back the HTTP response
        unread; the transport has already parsed and checked it, and that tree is what the
        fast reader walks. zeep reads the reply otherwise, as its ``send`` would.
        """
        from zeep.helpers import serialize_object

        from nmbrs_client.fastread import UNREAD

        headers = self._header(op)
        client = proxy._client
        template = self._template(proxy, op, headers)
        body = template.render(headers[op.header.value], arguments) if template else None
        if template is not None and body is not None:
            response = transport.post(template.address, body, dict(template.http_headers))
        else:
            with client.settings(raw_response=True):
                response = getattr(proxy, op.name)(**arguments, _soapheaders=headers)
        reader = self._reader(proxy, op) if self.fast_reader_enabled else None
        tree = transport.last_tree.value
        size = transport.last_size.value or 0
        if (
            reader is not None
            and tree is not None
            and (op.qualified_name in ALWAYS_FAST_READ or size >= FAST_READ_MIN_BYTES)
        ):
            value = reader.read(tree)
            if value is not UNREAD:
                return value
        binding = proxy._binding
        raw = binding.process_reply(client, binding.get(op.name), response)
        return serialize_object(raw, target_cls=dict)

    def _template(
        self, proxy: Any, op: Operation, headers: dict[str, dict[str, str | None]]
    ) -> EnvelopeTemplate | None:
        """The envelope template of ``op`` for a header with or without a domain (built once)."""
        fields = headers[op.header.value]
        key = (op.qualified_name, fields.get("Domain") is not None)
        if key not in self._templates:
            from nmbrs_client.envelopes import build_template

            self._templates[key] = build_template(proxy, op, op.header.value, fields)
        return self._templates[key]

    def _reader(self, proxy: Any, op: Operation) -> Any:
        """The fast reader of ``op`` (None when its reply type is outside its plan)."""
        key = op.qualified_name
        if key not in self._readers:
            from nmbrs_client.fastread import build_reader

            operation = proxy._binding.get(op.name)
            self._readers[key] = build_reader(operation, proxy._client.wsdl.types)
        return self._readers[key]

    # ----------------------------------------------------------- typed calls
    def environment(self) -> m.EnvironmentInfo:
        data = self._invoke(get_operation(Service.DEBTOR, "Environment_Get"), {})
        return m.EnvironmentInfo.model_validate(data or {})

    def debtors(self) -> list[m.Debtor]:
        return models(m.Debtor, self.call("DebtorService.List_GetAll"))

    def companies(self) -> list[m.Company]:
        return models(m.Company, self.call("CompanyService.List_GetAll"))

    def companies_of_debtor(self, debtor_id: int) -> list[m.Company]:
        rows = as_list(self.call("CompanyService.List_GetByDebtor", DebtorId=debtor_id))
        return [m.Company.model_validate({**row, "DebtorId": debtor_id}) for row in rows]

    def current_period(self, company_id: int) -> m.CurrentPeriod | None:
        return m.CurrentPeriod.parse(
            self.call("CompanyService.Company_GetCurrentPeriod", CompanyId=company_id)
        )

    def runs(self, company_id: int, year: int) -> list[m.RunInfo]:
        return models(
            m.RunInfo, self.call("CompanyService.Run_GetList", CompanyId=company_id, Year=year)
        )

    def run_employees(self, company_id: int, run_id: int, year: int) -> list[m.EmployeeIdNumber]:
        return models(
            m.EmployeeIdNumber,
            self.call(
                "CompanyService.Run_GetEmployeesByRunCompany",
                CompanyId=company_id,
                RunId=run_id,
                Year=year,
            ),
        )

    def payslips(
        self, employee_id: int, company_id: int, run_id: int, year: int | None = None
    ) -> list[m.SalaryDocument]:
        """Payslips of one employee in one run; ``year=None`` uses the non-``_v2`` operation."""
        if year is None:
            result = self.call(
                "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany",
                EmployeeID=employee_id,
                CompanyId=company_id,
                RunID=run_id,
            )
        else:
            result = self.call(
                "CompanyService.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2",
                EmployeeID=employee_id,
                CompanyId=company_id,
                RunID=run_id,
                intYear=year,
            )
        return models(m.SalaryDocument, result)

    def employee_types(self) -> list[m.EmployeeType]:
        return models(m.EmployeeType, self.call("EmployeeService.EmployeeType_GetList"))

    def employees(self, company_id: int) -> list[m.Employee]:
        """Every employee of a company, found by :mod:`nmbrs_client.employee_discovery`.

        UNCERTAIN: Nmbrs documents no meaning for v3's ``EmployeeType``, so this
        never sends ``EmployeeType=0``; it lists each employee type and merges. Raises the first
        error when no listing call answered at all (the list is unknown, not empty).
        """
        found = self.discover_employees(company_id)
        if found.error is not None:
            raise found.error
        return [
            m.Employee(Id=e.Id, Number=e.Number or 0, DisplayName=e.DisplayName)
            for e in found.employees
        ]

    def discover_employees(self, company_id: int) -> Any:
        """The employees of a company with the route that found them (``DiscoveredEmployees``)."""
        from nmbrs_client.employee_discovery import discover_employees

        return discover_employees(self, company_id, types=self._employee_type_ids())

    def _employee_type_ids(self) -> list[int] | None:
        """Employee types are environment-wide: asked once per client, then remembered."""
        cached = self._employee_types
        if cached is not None:
            return cached
        try:
            ids = [t.Id for t in self.employee_types()]
        except NmbrsFault as fault:
            if fault.code != 1002:
                raise
            return None  # discovery notes the refusal and falls back
        except NmbrsTransportError:
            return None
        self._employee_types = ids
        return ids

    def employees_of_type(self, company_id: int, employee_type: int) -> list[m.Employee]:
        """``List_GetByCompany`` for one employee-type id (see :meth:`employees`)."""
        return models(
            m.Employee,
            self.call(
                "EmployeeService.List_GetByCompany",
                CompanyId=company_id,
                EmployeeType=employee_type,
            ),
        )

    def personal_info(self, employee_id: int) -> m.PersonalInfo | None:
        return model(
            m.PersonalInfo,
            self.call("EmployeeService.PersonalInfo_GetCurrent", EmployeeId=employee_id),
        )

    def personal_info_contract_salary_address(
        self, company_id: int
    ) -> list[m.PersonalInfoContractSalaryAddress]:
        return models(
            m.PersonalInfoContractSalaryAddress,
            self.call(
                "EmployeeService.PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany",
                CompanyID=company_id,
            ),
        )

    def employments(self, company_id: int) -> list[m.EmployeeEmployments]:
        rows = as_list(
            self.call(
                "EmployeeService.Employment_GetAll_AllEmployeesByCompany", CompanyID=company_id
            )
        )
        return validate_list(
            m.EmployeeEmployments,
            [
                {
                    "EmployeeId": row.get("EmployeeId"),
                    "Employments": unwrap(row.get("EmployeeEmployments"), "Employment"),
                }
                for row in rows
            ],
        )

    def schedules(self, company_id: int) -> list[m.EmployeeSchedules]:
        rows = as_list(
            self.call("EmployeeService.Schedule_GetAll_AllEmployeesByCompany", CompanyID=company_id)
        )
        return validate_list(
            m.EmployeeSchedules,
            [
                {
                    "EmployeeId": row.get("EmployeeId"),
                    "Schedules": unwrap(row.get("EmployeeSchedules"), "Schedule_V2"),
                }
                for row in rows
            ],
        )

    def department(self, employee_id: int) -> m.Department | None:
        return model(
            m.Department, self.call("EmployeeService.Department_GetCurrent", EmployeeId=employee_id)
        )

    def function(self, employee_id: int) -> m.Function | None:
        return model(
            m.Function, self.call("EmployeeService.Function_GetCurrent", EmployeeId=employee_id)
        )

    def bank_accounts(self, employee_id: int) -> list[m.BankAccount]:
        return models(
            m.BankAccount,
            self.call("EmployeeService.BankAccount_GetListCurrent", EmployeeId=employee_id),
        )

    def annual_statement(self, employee_id: int, year: int) -> m.SalaryDocument | None:
        result = self.call(
            "EmployeeService.SalaryDocuments_GetAnnualStatementPDF",
            EmployeeID=employee_id,
            intYear=year,
        )
        if isinstance(result, bytes):
            # zeep unwraps a top-level result whose type has a single child (SalaryDocument/PDF).
            return m.SalaryDocument(PDF=result)
        return model(m.SalaryDocument, result)

    def employee_current_period(self, employee_id: int) -> m.CurrentPeriod | None:
        return m.CurrentPeriod.parse(
            self.call("EmployeeService.Employee_GetCurrent", EmployeeId=employee_id)
        )

    def close(self) -> None:
        """End the connection: calls not yet made fail at once as "closed" (a requests
        session would otherwise open new connections for them)."""
        self._closed.set()
        self.stop_retrying()
        if self._transport is not None:
            self._transport.session.close()

    def __repr__(self) -> str:  # never shows the token
        return f"NmbrsClient(base_url={self.base_url!r}, username={self.username!r})"


# --------------------------------------------------------------------- helpers
def failure_of(exc: BaseException) -> Failure:
    """How :mod:`nmbrs_client.retry` sees a SOAP call's error.

    Throttling: HTTP 429 or 503 (with any ``Retry-After``) and a fault without a known code
    whose text asks to slow down (Nmbrs documents throttling by delay, so such a fault is
    read by its words). Transient: time-outs, resets, truncated or malformed replies and HTTP
    5xx without a SOAP fault (HTML gateway pages too). Everything else is final.
    """
    if isinstance(exc, NmbrsFault):
        if exc.asks_to_slow_down:
            return Failure(FailureKind.THROTTLED)
        return Failure(FailureKind.FINAL)
    if not isinstance(exc, NmbrsTransportError):
        return Failure(FailureKind.FINAL)
    return transport_failure(exc)


def _id_param(arguments: Mapping[str, Any], lower_name: str) -> int | None:
    for key, value in arguments.items():
        if key.lower() == lower_name and isinstance(value, int):
            return value
    return None
