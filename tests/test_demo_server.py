"""Wire contract of the demo server, checked with raw HTTP: what a real Nmbrs client sees."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from nmbrs_client.operations import Service
from nmbrs_client.wsdl import wsdl_path
from nmbrs_demo import DEMO_TOKEN
from nmbrs_demo.readings import EnvironmentReplyReading, Readings
from nmbrs_demo.server import DemoServer, RateLimiter
from nmbrs_demo.soapwire import load_service
from tests.cli_process import CLI_WITH_CTRL_C
from tests.conftest import DemoServerFactory
from tests.soap_raw import NS_ROOT, SOAP11, SOAP12, call, envelope, get, post


def etree_local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


REPO = Path(__file__).resolve().parent.parent
FAULT_1001 = (
    b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
    b'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    b'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><soap:Fault>'
    b"<faultcode>soap:Server</faultcode><faultstring>Server was unable to process request. "
    b"---&gt; 1001: Invalid Authentication</faultstring><detail /></soap:Fault></soap:Body>"
    b"</soap:Envelope>"
)


def _company_ids(server: DemoServer) -> list[int]:
    return [c.ID for c in server.world.companies()]


def test_list_call_answers_200_with_soap11_result(demo_server: DemoServer) -> None:
    reply = call(demo_server.base_url, "CompanyService", "List_GetAll")
    assert reply.status == 200
    assert reply.content_type == "text/xml; charset=utf-8"
    result = reply.result("CompanyService", "List_GetAll")
    assert result is not None
    ns = NS_ROOT + "CompanyService"
    ids = [int(node.text or "0") for node in result.iterfind(f"{{{ns}}}Company/{{{ns}}}ID")]
    assert ids == _company_ids(demo_server)
    assert reply.xml.tag == f"{{{SOAP11}}}Envelope"


def test_fault_is_byte_for_byte_asmx_style(demo_server_factory: DemoServerFactory) -> None:
    server = demo_server_factory(readings={"fault-text": "plain"})
    reply = call(server.base_url, "CompanyService", "List_GetAll", token="wrong")
    assert reply.status == 500
    assert reply.content_type == "text/xml; charset=utf-8"
    assert reply.body == FAULT_1001


def test_strict_reading_appends_a_stack_trace_to_the_fault(demo_server: DemoServer) -> None:
    reply = call(demo_server.base_url, "CompanyService", "List_GetAll", token="wrong")
    text = reply.fault_string()
    first, _, rest = text.partition("\n")
    assert first == "Server was unable to process request. ---> 1001: Invalid Authentication"
    assert rest.lstrip().startswith("at ")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"token": "wrong-token"},
        {"username": "someone@example.com"},
        {"domain": "otherdomain"},
        {"header": None},
        # v2.1's plain AuthHeader is not the v3 header of List_GetAll: Nmbrs sees no credentials.
        {"header": "AuthHeader"},
    ],
)
def test_bad_credentials_answer_1001(demo_server: DemoServer, kwargs: dict[str, Any]) -> None:
    reply = call(demo_server.base_url, "DebtorService", "List_GetAll", None, **kwargs)
    assert reply.status == 500
    assert reply.fault_code() == "soap:Server"
    assert "---> 1001: Invalid Authentication" in reply.fault_string()


def test_domain_is_optional_and_case_insensitive(demo_server: DemoServer) -> None:
    assert call(demo_server.base_url, "DebtorService", "List_GetAll", domain=None).status == 200
    assert call(demo_server.base_url, "DebtorService", "List_GetAll", domain="DEMO").status == 200


def test_header_in_another_service_namespace_is_ignored(demo_server: DemoServer) -> None:
    body = envelope("CompanyService", "List_GetAll").replace(
        b'<AuthHeaderWithDomain xmlns="https://api.nmbrs.nl/soap/v3/CompanyService">',
        b'<AuthHeaderWithDomain xmlns="https://api.nmbrs.nl/soap/v3/EmployeeService">',
    )
    reply = post(
        demo_server.url_for("CompanyService"),
        body,
        soap_action=f'"{NS_ROOT}CompanyService/List_GetAll"',
    )
    assert reply.status == 500
    assert "1001" in reply.fault_string()


@pytest.mark.parametrize("reading", ["auth-header-only", "either"])
@pytest.mark.parametrize("header", ["AuthHeader", "AuthHeaderWithDomain"])
def test_environment_get_header_reading(
    demo_server_factory: DemoServerFactory, header: str, reading: str
) -> None:
    """The WSDL declares the plain AuthHeader; only the lenient reading takes the other one."""
    server = demo_server_factory(readings={"environment-header": reading})
    reply = call(server.base_url, "DebtorService", "Environment_Get", header=header)
    if header == "AuthHeaderWithDomain" and reading == "auth-header-only":
        assert reply.status == 500
        assert "---> 1001: Invalid Authentication" in reply.fault_string()
        return
    assert reply.status == 200, reply.body
    result = reply.result("DebtorService", "Environment_Get")
    assert result is not None
    sub = result.find(f"{{{NS_ROOT}DebtorService}}SubDomain")
    assert sub is not None
    assert sub.text == server.world.environment().SubDomain


@pytest.mark.parametrize("reading", ["extended", "documented"])
def test_environment_get_reply_reading(
    demo_server_factory: DemoServerFactory, reading: str
) -> None:
    server = demo_server_factory(readings={"environment-reply": reading})
    reply = call(server.base_url, "DebtorService", "Environment_Get", header="AuthHeader")
    result = reply.result("DebtorService", "Environment_Get")
    assert result is not None
    names = [etree_local(child.tag) for child in result]
    if reading == "documented":
        assert names == ["Domain", "SubDomain"]
    else:
        assert names[:2] == ["SubDomain", "Domain"] and len(names) > 2


def test_soap_action_naming_another_operation_is_rejected(demo_server: DemoServer) -> None:
    action = f"{NS_ROOT}CompanyService/Run_GetList"
    reply = call(demo_server.base_url, "CompanyService", "List_GetAll", action=action)
    assert reply.status == 500
    assert reply.fault_code() == "soap:Client"
    assert reply.fault_string() == (
        f"Server did not recognize the value of HTTP Header SOAPAction: {action}."
    )


def test_missing_soap_action_routes_on_the_body(demo_server: DemoServer) -> None:
    reply = call(demo_server.base_url, "CompanyService", "List_GetAll", action=False)
    assert reply.status == 200
    assert reply.result("CompanyService", "List_GetAll") is not None


def test_write_operation_is_unknown(demo_server: DemoServer) -> None:
    """The demo only knows the read-only catalogue: a write answers like an unknown action."""
    action = f"{NS_ROOT}EmployeeService/Employee_Insert"
    reply = call(demo_server.base_url, "EmployeeService", "Employee_Insert", {"CompanyId": 1})
    assert reply.status == 500
    assert reply.fault_code() == "soap:Client"
    assert reply.fault_string() == (
        f"Server did not recognize the value of HTTP Header SOAPAction: {action}."
    )
    no_action = call(demo_server.base_url, "EmployeeService", "Employee_Insert", action=False)
    assert no_action.fault_code() == "soap:Client"
    assert "without a valid action parameter" in no_action.fault_string()


@pytest.mark.parametrize(
    "body",
    [b"this is not xml", b"<soap:Envelope", b"", b"<Envelope xmlns='urn:x'><Body/></Envelope>"],
)
def test_unreadable_body_is_a_client_fault(demo_server: DemoServer, body: bytes) -> None:
    reply = post(
        demo_server.url_for("DebtorService"),
        body,
        soap_action=f'"{NS_ROOT}DebtorService/List_GetAll"',
    )
    assert reply.status == 500
    assert reply.content_type == "text/xml; charset=utf-8"
    assert reply.fault_code() == "soap:Client"
    assert reply.fault_string().startswith("Server was unable to read request. ---> ")


def test_non_integer_parameter_is_a_client_fault(demo_server: DemoServer) -> None:
    reply = call(
        demo_server.base_url, "CompanyService", "Run_GetList", {"CompanyId": "abc", "Year": 2026}
    )
    assert reply.fault_code() == "soap:Client"
    assert "Input string was not in a correct format" in reply.fault_string()


def test_doctype_and_entities_are_refused_without_resolving(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body>'
        f'<List_GetByDebtor xmlns="{NS_ROOT}CompanyService"><DebtorId>&x;</DebtorId>'
        "</List_GetByDebtor></soap:Body></soap:Envelope>"
    ).encode()
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + f']><soap:Envelope xmlns:soap="{SOAP11}"><soap:Body>&i;</soap:Body></soap:Envelope>'
    ).encode()
    for body in (xxe, laughs):
        reply = post(demo_server.url_for("CompanyService"), body)
        assert reply.status == 500
        assert reply.fault_code() == "soap:Client"
        assert "DTD is prohibited" in reply.fault_string()
        assert b"TOP-SECRET-MARKER" not in reply.body


@pytest.mark.parametrize("query", ["WSDL", "wsdl", "Wsdl"])
@pytest.mark.parametrize("service", list(Service))
def test_wsdl_is_served_with_only_the_address_rewritten(
    demo_server: DemoServer, service: Service, query: str
) -> None:
    reply = get(f"{demo_server.url_for(service)}?{query}")
    assert reply.status == 200
    assert reply.content_type.startswith("text/xml")
    served = reply.body.decode("utf-8")
    bundled = wsdl_path(service).read_text(encoding="utf-8")
    local = f"{demo_server.base_url}{service.value}.asmx"
    assert served.count(f'location="{local}"') == 2  # soap:address and soap12:address
    loaded = load_service(service)
    assert served == loaded.served_wsdl(demo_server.base_url, demo_server.readings)
    # Under the documented reading only the address differs from the bundled WSDL; the
    # default (extended) Environment reply is declared in the served WSDL too.
    documented = loaded.served_wsdl(
        demo_server.base_url, Readings(environment_reply=EnvironmentReplyReading.DOCUMENTED)
    )
    official = f"https://api.nmbrs.nl/soap/v3/{service.value}.asmx"
    assert documented.replace(local, official) == bundled
    assert f'targetNamespace="https://api.nmbrs.nl/soap/v3/{service.value}"' in served


def test_unknown_paths_are_404(demo_server: DemoServer) -> None:
    root = demo_server.base_url.removesuffix("/soap/v3/")
    assert get(f"{root}/soap/v3/ReportService.asmx?WSDL").status == 404
    assert get(f"{root}/").status == 404
    reply = post(
        f"{root}/soap/v2.1/EmployeeService.asmx",
        envelope("EmployeeService", "EmployeeType_GetList"),
    )
    assert reply.status == 404


def test_paths_are_case_insensitive_like_iis(demo_server: DemoServer) -> None:
    root = demo_server.base_url.removesuffix("/soap/v3/")
    reply = post(
        f"{root}/SOAP/V3/debtorservice.ASMX",
        envelope("DebtorService", "List_GetAll"),
        soap_action=f'"{NS_ROOT}DebtorService/List_GetAll"',
    )
    assert reply.status == 200


def test_help_page_lists_operations(demo_server: DemoServer) -> None:
    reply = get(demo_server.url_for("CompanyService"))
    assert reply.status == 200
    assert reply.content_type.startswith("text/html")
    assert b"Run_GetList" in reply.body


def test_soap12_call_and_fault(demo_server: DemoServer) -> None:
    reply = call(demo_server.base_url, "CompanyService", "List_GetAll", version="1.2")
    assert reply.status == 200
    assert reply.content_type == "application/soap+xml; charset=utf-8"
    assert reply.xml.tag == f"{{{SOAP12}}}Envelope"
    assert reply.result("CompanyService", "List_GetAll") is not None
    fault = call(demo_server.base_url, "CompanyService", "List_GetAll", version="1.2", token="bad")
    assert fault.status == 500
    assert fault.content_type == "application/soap+xml; charset=utf-8"
    assert fault.fault_code() == "soap:Receiver"
    assert "---> 1001: Invalid Authentication" in fault.fault_string()


def test_unknown_ids_answer_scope_faults(demo_server_factory: DemoServerFactory) -> None:
    demo_server = demo_server_factory(readings={"fault-text": "plain"})
    base = demo_server.base_url
    cases = [
        ("CompanyService", "Run_GetList", {"CompanyId": 999999999, "Year": 2026}, 2004),
        ("EmployeeService", "PersonalInfo_GetCurrent", {"EmployeeId": 999999999}, 2003),
        ("CompanyService", "List_GetByDebtor", {"DebtorId": 999999999}, 2009),
    ]
    for service, op, params, code in cases:
        reply = call(base, service, op, params)
        assert reply.status == 500, (op, reply.body)
        assert reply.fault_string() == (
            f"Server was unable to process request. ---> {code}: Unauthorized access"
        )
    company = demo_server.world.big_company_id()
    employee = demo_server.world.employees(company)[0].Id
    reply = call(
        base,
        "CompanyService",
        "SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2",
        {"EmployeeID": employee, "CompanyId": company, "RunID": 999999999, "intYear": 2026},
    )
    assert reply.fault_string().endswith("---> 2046: Not found")


@pytest.mark.parametrize("reading", ["omitted", "empty-element"])
def test_empty_list_reading(demo_server_factory: DemoServerFactory, reading: str) -> None:
    server = demo_server_factory(readings={"empty-list": reading})
    company = server.world.big_company_id()
    reply = call(
        server.base_url, "CompanyService", "Run_GetList", {"CompanyId": company, "Year": 1990}
    )
    assert reply.status == 200
    ns = NS_ROOT + "CompanyService"
    response = reply.xml.find(f".//{{{ns}}}Run_GetListResponse")
    assert response is not None
    result = reply.result("CompanyService", "Run_GetList")
    if reading == "omitted":
        assert result is None and len(response) == 0
    else:
        assert result is not None and len(result) == 0


def test_stats_count_calls_per_operation(demo_server_factory: DemoServerFactory) -> None:
    server = demo_server_factory()
    for _ in range(3):
        call(server.base_url, "EmployeeService", "EmployeeType_GetList")
    call(server.base_url, "DebtorService", "List_GetAll", token="x")
    assert server.stats.calls["EmployeeService.EmployeeType_GetList"] == 3
    assert server.stats.faults[1001] == 1
    assert server.stats.statuses[200] == 3
    assert server.stats.max_calls_per_second >= 1
    assert server.stats.snapshot()["calls"]["DebtorService.List_GetAll"] == 1


def test_latency_is_applied(demo_server_factory: DemoServerFactory) -> None:
    server = demo_server_factory(latency_ms=150)
    waits: list[float] = []
    real_pause = server._host.pause

    async def recording_pause(seconds: float) -> bool:
        waits.append(seconds)
        return await real_pause(seconds)

    server._host.pause = recording_pause  # type: ignore[method-assign]
    assert call(server.base_url, "EmployeeService", "EmployeeType_GetList").status == 200
    assert waits == [0.15]  # the scenario's latency, once per call


def test_reply_is_rendered_during_the_latency_not_after_it(
    demo_server_factory: DemoServerFactory,
) -> None:
    """The latency stands for the whole wait of a call on another machine, the server's
    own work included: the reply is built while the latency runs, so replies of calls
    sent together do not queue behind each other's rendering once their sleeps end."""
    server = demo_server_factory(latency_ms=150)
    rendered = threading.Event()
    real_answer = server._answer
    real_pause = server._host.pause
    seen_during_pause: list[bool] = []

    def recording_answer(*args: Any) -> Any:
        result = real_answer(*args)
        rendered.set()
        return result

    async def pause_until_rendered(seconds: float) -> bool:
        # Waits on the event (bounded), not on the clock: before the reply was built
        # during the latency, this pause ran first and saw nothing rendered.
        for _ in range(500):
            if rendered.is_set():
                break
            await real_pause(0.01)
        seen_during_pause.append(rendered.is_set())
        return False

    server._answer = recording_answer  # type: ignore[method-assign,assignment]
    server._host.pause = pause_until_rendered  # type: ignore[method-assign]
    assert call(server.base_url, "EmployeeService", "EmployeeType_GetList").status == 200
    assert seen_during_pause == [True]


def test_log_calls_writes_one_line_without_the_token(
    demo_server_factory: DemoServerFactory, capfd: pytest.CaptureFixture[str]
) -> None:
    server = demo_server_factory(log_calls=True)
    call(server.base_url, "EmployeeService", "EmployeeType_GetList")
    call(server.base_url, "EmployeeService", "EmployeeType_GetList", token="wrong-token")
    err = capfd.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("demo-server ")]
    assert len(lines) == 2
    assert "EmployeeService.EmployeeType_GetList 200" in lines[0]
    assert "500 fault 1001" in lines[1]
    assert DEMO_TOKEN not in err and "wrong-token" not in err


def test_rate_limiter_rule_with_a_fake_clock() -> None:
    now = [100.0]
    limiter = RateLimiter(limit=150, clock=lambda: now[0])
    delays = []
    for _ in range(160):
        delays.append(limiter.arrive())
        now[0] += 0.001
    assert delays[:150] == [0.0] * 150
    assert delays[150:] == [0.5] * 10
    assert limiter.max_in_window == 160
    now[0] += 1.0  # a second later the window is empty again
    assert limiter.arrive() == 0.0
    off = RateLimiter(limit=1, enabled=False, clock=lambda: now[0])
    assert [off.arrive() for _ in range(5)] == [0.0] * 5


def _burst(server: DemoServer, count: int, workers: int) -> list[int]:
    body = envelope("EmployeeService", "EmployeeType_GetList")
    url = server.url_for("EmployeeService")
    action = f'"{NS_ROOT}EmployeeService/EmployeeType_GetList"'
    gate = threading.Barrier(min(workers, count))

    def one(_: int) -> int:
        gate.wait(timeout=10)
        reply = post(url, body, soap_action=action, timeout=30)
        assert reply.result("EmployeeService", "EmployeeType_GetList") is not None
        return reply.status

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, range(count)))


def test_two_hundred_simultaneous_calls_all_succeed(demo_server_factory: DemoServerFactory) -> None:
    server = demo_server_factory()
    results = _burst(server, 200, 200)
    assert results == [200] * 200
    assert server.stats.calls["EmployeeService.EmployeeType_GetList"] == 200
    # More than 150 in one second: the throttle delayed the rest, it did not refuse them.
    assert server.stats.max_calls_per_second > 150
    assert server.stats.delayed_calls >= server.stats.max_calls_per_second - 150 > 0


def test_rate_limit_can_be_switched_off(demo_server_factory: DemoServerFactory) -> None:
    from dataclasses import replace

    from nmbrs_demo.scenarios import load_scenario

    server = demo_server_factory(replace(load_scenario("healthy"), rate_limit=False))
    results = _burst(server, 170, 34)
    assert results == [200] * 170
    assert server.stats.delayed_calls == 0


def test_stop_frees_the_port(demo_server_factory: DemoServerFactory) -> None:
    server = demo_server_factory()
    url = server.url_for("DebtorService")
    server.stop()
    server.stop()  # idempotent
    with pytest.raises(OSError):
        get(url + "?WSDL", timeout=2)


def test_context_manager_stops() -> None:
    from nmbrs_demo.server import start_demo_server

    with start_demo_server("healthy") as server:
        assert get(server.url_for("DebtorService") + "?WSDL").status == 200
    assert not server.running


def test_cli_prints_url_and_credentials_and_stops_on_ctrl_c() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NMBRS_")}
    proc = subprocess.Popen(
        [
            *CLI_WITH_CTRL_C,
            "demo-server",
            "--host",
            "127.0.0.2",
            "--scenario",
            "missing-rights",
            "--reading",
            "fault-order=template-first",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for _ in range(8):
            line = proc.stdout.readline()
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        text = "".join(lines)
        url_line = next(line for line in lines if "base URL" in line)
        base_url = url_line.split(":", 1)[1].strip()
        assert base_url.startswith("http://127.0.0.2:") and base_url.endswith("/soap/v3/")
        assert "demo@example.com" in text and "demo-token" in text and "demo" in text
        reply = call(base_url, "EmployeeService", "Department_GetCurrent", {"EmployeeId": 1})
        assert "1002" in reply.fault_string()  # the scenario is applied
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert proc.stderr is not None
        assert "warning: binding to 127.0.0.2" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_rejects_an_unknown_scenario() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", "demo-server", "--scenario", "no-such-thing"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 64
    assert "Unknown demo scenario 'no-such-thing'" in proc.stderr
