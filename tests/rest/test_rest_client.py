"""The REST client on httpx.MockTransport: paging, envelope, errors, retries, documents."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import httpcore
import httpx
import pytest

from nmbrs_client.errors import NmbrsTransportError, OperationNotAllowedError
from nmbrs_client.rest.client import DocumentPolling, RestClient, RetryPolicy, StaticToken
from nmbrs_client.rest.errors import (
    DocumentNotReadyError,
    NmbrsRestError,
    NoDocumentError,
    RestProblemKind,
)
from nmbrs_client.rest.transport import RestTransport, TransportLimits
from nmbrs_client.rest_operations import RestOp
from tests.hostile_server import drip_headers, hostile_server
from tests.rest.fake import BASE, FakeNmbrs, json_response, problem, transport, uid
from tests.rest.gated import PAGES, SAFETY_S, GatedTransport

COMPANY = uid("company", 1)


def make_client(
    fake: FakeNmbrs,
    *,
    scopes: set[str] | None = None,
    sleeps: list[float] | None = None,
    limits: TransportLimits | None = None,
    token: Any = None,
) -> tuple[RestClient, Any]:
    sent = transport(fake)
    rest = RestTransport(
        BASE, subscription_key=lambda: "sub-key-1234", http_transport=sent, limits=limits
    )
    recorded = sleeps if sleeps is not None else []
    client = RestClient(
        rest,
        token or StaticToken("access-token-abcdef", scopes),
        retry=RetryPolicy(
            transient_attempts=3, throttled_attempts=3, base_delay_s=0.01, jitter=0.0
        ),
        polling=DocumentPolling(first_delay_s=0.01, max_delay_s=0.02, budget_s=0.5),
        sleep=recorded.append,
    )
    return client, sent


def employees(n: int) -> list[dict[str, Any]]:
    return [
        {
            "employeeId": uid("employee", i),
            "employeeBasicInfo": {
                "employeeNumber": i,
                "lastName": f"L{i}",
                "employeeType": "payroll",
            },
        }
        for i in range(n)
    ]


@pytest.mark.parametrize("style", ["full", "next-only", "none"])
def test_list_all_reads_every_page_under_every_pagination_reading(style: str) -> None:
    path = f"/api/companies/{COMPANY}/employees"
    fake = FakeNmbrs(lists={path: employees(250)}, pagination_style=style)
    client, sent = make_client(fake)
    rows = client.list_all(RestOp.EMPLOYEES, {"companyId": COMPANY}, {"employeeType": "payroll"})
    assert [r["employeeBasicInfo"]["employeeNumber"] for r in rows] == list(range(250))
    sizes = {request.url.params["pageSize"] for request in sent.requests}
    assert sizes == {"100"}
    assert all(r.url.params["employeeType"] == "payroll" for r in sent.requests)
    # 100 + 100 + 50: the short third page ends the list under every reading.
    assert sorted(int(r.url.params["pageNumber"]) for r in sent.requests) == [1, 2, 3]


def test_headers_carry_token_and_key_and_rows_seen_twice_are_kept_once() -> None:
    path = f"/api/companies/{COMPANY}/employees"
    rows = employees(150)
    rows.insert(120, dict(rows[99]))  # a row that moved between pages arrives twice
    fake = FakeNmbrs(lists={path: rows})
    client, sent = make_client(fake)
    got = client.list_all(RestOp.EMPLOYEES, {"companyId": COMPANY})
    assert len(got) == 150
    request = sent.requests[0]
    assert request.headers["authorization"] == "Bearer access-token-abcdef"
    assert request.headers["x-subscription-key"] == "sub-key-1234"


def test_only_allowlisted_operations_and_parameters_can_be_sent() -> None:
    client, sent = make_client(FakeNmbrs())
    with pytest.raises(OperationNotAllowedError):
        client.get("employee.delete")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        client.get(RestOp.COMPANIES, query={"$filter": "x"})
    assert sent.requests == []


def test_multi_debtor_consent_falls_back_to_companies_per_debtor() -> None:
    debtors = [{"debtorId": uid("debtor", i), "number": str(i), "name": f"D{i}"} for i in (1, 2)]
    fake = FakeNmbrs(
        lists={
            "/api/debtors": debtors,
            f"/api/debtors/{debtors[0]['debtorId']}/companies": [
                {"companyId": uid("company", 1), "number": "1", "name": "A"}
            ],
            f"/api/debtors/{debtors[1]['debtorId']}/companies": [
                {"companyId": uid("company", 2), "number": "2", "name": "B"}
            ],
        },
        overrides={"/api/companies": lambda r: problem(403, 40306, "Unauthorized")},
    )
    client, _ = make_client(fake)
    companies, walked = client.companies()
    assert walked
    assert [(c["name"], c["debtorId"]) for c in companies] == [
        ("A", debtors[0]["debtorId"]),
        ("B", debtors[1]["debtorId"]),
    ]


@pytest.mark.parametrize(
    ("response", "kind"),
    [
        (problem(401, 40101, "Missing_Token"), RestProblemKind.TOKEN_MISSING),
        (problem(401, 40102, "Invalid_Token"), RestProblemKind.TOKEN_INVALID),
        (problem(403, 40303, "Unauthorized_AccessData"), RestProblemKind.DATA_ACCESS),
        (problem(403, 40304, "Invalid_Subscription"), RestProblemKind.NO_SUBSCRIPTION),
        (problem(404, 40404, "Invalid_Company"), RestProblemKind.COMPANY_NOT_FOUND),
        (problem(429, 42909, "Quota_Exceeded"), RestProblemKind.QUOTA),
        (
            json_response(
                401,
                {"statusCode": 401, "message": "Access denied due to missing subscription key."},
            ),
            RestProblemKind.SUBSCRIPTION_KEY,
        ),
        (httpx.Response(403), RestProblemKind.FORBIDDEN),
        (
            httpx.Response(
                403,
                json=None,
                headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
            ),
            RestProblemKind.SCOPE_MISSING,
        ),
        (
            httpx.Response(
                403,
                content=b'{"type":"authenticationError","httpStatus":403,"code":40303,"title":"x"}',
                headers={"content-type": "application/problem+json"},
            ),
            RestProblemKind.DATA_ACCESS,
        ),
    ],
)
def test_problem_bodies_become_typed_errors_with_a_hint(
    response: httpx.Response, kind: RestProblemKind
) -> None:
    fake = FakeNmbrs(overrides={"/api/debtors": lambda r: response})
    client, sent = make_client(fake)
    with pytest.raises(NmbrsRestError) as caught:
        client.list_all(RestOp.DEBTORS)
    assert caught.value.kind is kind
    assert caught.value.hint
    assert "access-token-abcdef" not in str(caught.value) + caught.value.hint
    assert "sub-key-1234" not in str(caught.value) + caught.value.hint
    if kind is RestProblemKind.QUOTA:
        assert len(sent.requests) == 1  # a quota is never retried


def test_missing_scope_is_named_when_the_grant_is_known_whatever_the_403_code() -> None:
    for response in (problem(403, 40303, "Unauthorized_AccessData"), httpx.Response(403)):

        def answer(_request: httpx.Request, resp: httpx.Response = response) -> httpx.Response:
            return resp

        fake = FakeNmbrs(overrides={"/api/debtors": answer})
        client, _ = make_client(fake, scopes={"employee.info.read"})
        with pytest.raises(NmbrsRestError) as caught:
            client.list_all(RestOp.DEBTORS)
        assert caught.value.kind is RestProblemKind.SCOPE_MISSING
        assert "company.info.read" in caught.value.hint


def test_throttling_is_retried_with_retry_after_then_succeeds() -> None:
    answers = [
        problem(429, 42908, "Too_Many_Calls"),
        httpx.Response(
            429,
            json={"type": "rateLimitError", "httpStatus": 429, "code": 42908, "title": "T"},
            headers={"Retry-After": "3"},
        ),
    ]
    fake = FakeNmbrs(
        lists={"/api/debtors": [{"debtorId": uid("debtor", 1), "name": "D"}]},
        overrides={"/api/debtors": lambda r: answers.pop(0) if answers else None},
    )
    sleeps: list[float] = []
    client, sent = make_client(fake, sleeps=sleeps)
    assert len(client.list_all(RestOp.DEBTORS)) == 1
    assert len(sent.requests) == 3
    assert sleeps == [0.02, 3.0]  # a throttle waits at least twice the base delay


def test_the_client_window_grows_while_nmbrs_answers_and_halves_on_42908() -> None:
    throttle = {"on": False}
    fake = FakeNmbrs(
        lists={"/api/debtors": [{"debtorId": uid("debtor", 1), "name": "D"}]},
        overrides={
            "/api/debtors": lambda r: (
                problem(429, 42908, "Too_Many_Calls") if throttle.pop("on", False) else None
            )
        },
    )
    client, _ = make_client(fake)
    assert (client.concurrency, client.window.cap, client.window.limit) == (6, 6, 4)
    for _ in range(10):
        client.list_all(RestOp.DEBTORS)
    assert client.window.limit == 6  # grown to the connection's concurrency, never past it
    throttle["on"] = True
    client.list_all(RestOp.DEBTORS)  # throttled once, then answered on the retry
    assert client.window.throttled == 1
    assert client.window.limit == 3


def test_gateway_html_on_503_is_a_transport_error_after_retries() -> None:
    html = httpx.Response(
        503,
        content=b"<html><title>Service Unavailable</title></html>",
        headers={"content-type": "text/html"},
    )
    fake = FakeNmbrs(overrides={"/api/debtors": lambda r: html})
    client, sent = make_client(fake)
    with pytest.raises(NmbrsTransportError) as caught:
        client.list_all(RestOp.DEBTORS)
    assert caught.value.kind == "http"
    assert "Service Unavailable" in str(caught.value)
    assert len(sent.requests) == 3


def test_invalid_token_refreshes_once_and_repeats() -> None:
    class Rotating:
        def __init__(self) -> None:
            self.current = "old-token-xyz"
            self.refreshes = 0

        def access_token(self) -> str:
            return self.current

        def refresh_after_rejection(self, rejected: str) -> str | None:
            self.refreshes += 1
            self.current = "new-token-xyz"
            return self.current

        def granted_scopes(self) -> frozenset[str] | None:
            return None

    def answer(request: httpx.Request) -> httpx.Response | None:
        if request.headers["authorization"] == "Bearer old-token-xyz":
            return problem(401, 40102, "Invalid_Token")
        return None

    fake = FakeNmbrs(lists={"/api/debtors": []}, overrides={"/api/debtors": answer})
    tokens = Rotating()
    client, sent = make_client(fake, token=tokens)
    assert client.list_all(RestOp.DEBTORS) == []
    assert tokens.refreshes == 1
    assert len(sent.requests) == 2


def test_redirects_to_another_host_are_refused() -> None:
    fake = FakeNmbrs(
        overrides={
            "/api/debtors": lambda r: httpx.Response(
                302, headers={"Location": "https://evil.example/x"}
            )
        }
    )
    client, sent = make_client(fake)
    with pytest.raises(NmbrsTransportError) as caught:
        client.list_all(RestOp.DEBTORS)
    assert caught.value.kind == "redirect"
    assert "evil.example" in str(caught.value)
    assert len(sent.requests) == 1


def test_oversized_reply_is_refused() -> None:
    fake = FakeNmbrs(
        lists={"/api/debtors": [{"debtorId": uid("d", i), "name": "x" * 500} for i in range(50)]}
    )
    client, _ = make_client(fake, limits=TransportLimits(max_bytes=4096))
    with pytest.raises(NmbrsTransportError) as caught:
        client.list_all(RestOp.DEBTORS)
    assert caught.value.kind == "too_large"


def test_reply_without_envelope_is_malformed() -> None:
    fake = FakeNmbrs(
        overrides={"/api/debtors": lambda r: httpx.Response(200, json=[{"debtorId": "x"}])}
    )
    client, _ = make_client(fake)
    with pytest.raises(NmbrsTransportError) as caught:
        client.list_all(RestOp.DEBTORS)
    assert caught.value.kind == "malformed"


EMPLOYEE = uid("employee", 7)
TASK = uid("task", 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def document_fake(pending: int, final: httpx.Response | None = None) -> FakeNmbrs:
    state = {"pending": pending}

    def fetch(request: httpx.Request) -> httpx.Response:
        if state["pending"] > 0:
            state["pending"] -= 1
            return json_response(202, "Document is being processed")
        return final or httpx.Response(
            200, content=PDF, headers={"content-type": "application/octet-stream"}
        )

    return FakeNmbrs(
        overrides={
            f"/api/employees/{EMPLOYEE}/payslipperperiod": lambda r: json_response(
                200, {"taskId": TASK}
            ),
            f"/api/documents/{TASK}": fetch,
        }
    )


def test_payslip_task_polls_202_with_growing_back_off_then_returns_the_pdf() -> None:
    sleeps: list[float] = []
    client, sent = make_client(document_fake(pending=3), sleeps=sleeps)
    pdf = client.document(RestOp.PAYSLIP_TASK, EMPLOYEE, {"year": 2026, "period": 3})
    assert pdf == PDF
    assert sent.requests[0].url.params["year"] == "2026"
    assert sleeps == pytest.approx([0.01, 0.015, 0.02])


def test_document_base64_json_is_tolerated() -> None:
    import base64

    final = json_response(200, base64.b64encode(PDF).decode())
    client, _ = make_client(document_fake(pending=0, final=final))
    assert client.document(RestOp.PAYSLIP_TASK, EMPLOYEE, {"year": 2026, "period": 3}) == PDF


def test_document_that_never_finishes_gives_up_within_the_budget() -> None:
    client, sent = make_client(document_fake(pending=10_000))
    with pytest.raises(DocumentNotReadyError):
        client.document(RestOp.PAYSLIP_TASK, EMPLOYEE, {"year": 2026, "period": 3})
    assert len(sent.requests) < 200


class FakeClock:
    """Monotonic time that moves only when the client pauses: polls cost no time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.pauses: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def polling_client(fake: FakeNmbrs, clock: FakeClock, polling: DocumentPolling) -> Any:
    rest = RestTransport(
        BASE, subscription_key=lambda: "sub-key-1234", http_transport=transport(fake)
    )
    return RestClient(
        rest,
        StaticToken("access-token-abcdef"),
        polling=polling,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
    )


def test_document_polling_starts_in_tens_of_milliseconds_and_grows_by_half_to_its_cap() -> None:
    clock = FakeClock()
    client = polling_client(document_fake(pending=14), clock, DocumentPolling())
    assert client.document(RestOp.PAYSLIP_TASK, EMPLOYEE, {"year": 2026, "period": 3}) == PDF
    expected = [0.02 * 1.5**n for n in range(12)] + [2.0, 2.0]
    assert clock.pauses == pytest.approx([min(p, 2.0) for p in expected])
    # a document ready between two polls waits for the next: past the first quarter second,
    # never more than about half the time it took (doubling would let it wait as long again)
    waited = [sum(clock.pauses[: n + 1]) for n in range(len(clock.pauses))]
    late = [b / a for a, b in pairwise(waited) if a >= 0.25]
    assert late and max(late) < 1.6


def test_a_ready_document_costs_one_short_pause_not_a_long_one() -> None:
    clock = FakeClock()
    client = polling_client(document_fake(pending=1), clock, DocumentPolling())
    client.document(RestOp.PAYSLIP_TASK, EMPLOYEE, {"year": 2026, "period": 3})
    assert clock.pauses == [0.02]


def test_document_polling_gives_up_when_its_budget_is_spent_and_says_how_long() -> None:
    clock = FakeClock()
    fake = document_fake(pending=10_000)
    client = polling_client(fake, clock, DocumentPolling(budget_s=30.0))
    with pytest.raises(DocumentNotReadyError) as caught:
        client.document(RestOp.PAYSLIP_TASK, EMPLOYEE, {"year": 2026, "period": 3})
    # the last pause is cut to what is left, so the task got exactly its budget, no more
    assert sum(clock.pauses) == pytest.approx(30.0)
    assert max(clock.pauses) == 2.0
    assert "after 30 s" in str(caught.value)
    polls = len(clock.pauses) + 1
    assert polls < 30  # doubling to a 2 s cap: a slow task costs a few dozen polls at most


def test_a_retry_after_on_202_lengthens_a_pause_but_never_past_the_cap() -> None:
    clock = FakeClock()
    waits = iter(["1", "60", "0"])

    def fetch(_request: httpx.Request) -> httpx.Response:
        wait = next(waits, None)
        if wait is None:
            return httpx.Response(200, content=PDF, headers={"content-type": "application/pdf"})
        return json_response(202, "Document is being processed", headers={"Retry-After": wait})

    fake = document_fake(pending=0)
    fake.overrides[f"/api/documents/{TASK}"] = fetch
    client = polling_client(fake, clock, DocumentPolling())
    client.document(RestOp.PAYSLIP_TASK, EMPLOYEE, {"year": 2026, "period": 3})
    assert clock.pauses == pytest.approx([1.0, 2.0, 0.045])


@pytest.mark.parametrize("where", ["task", "document", "empty"])
def test_no_payslip_in_the_period_is_reported_under_every_reading(where: str) -> None:
    fake = document_fake(pending=0)
    if where == "task":
        fake.overrides[f"/api/employees/{EMPLOYEE}/payslipperperiod"] = lambda r: problem(
            404, 40401, "Not_Found"
        )
    elif where == "document":
        fake.overrides[f"/api/documents/{TASK}"] = lambda r: problem(404, 40401, "Not_Found")
    else:
        fake.overrides[f"/api/employees/{EMPLOYEE}/payslipperperiod"] = lambda r: json_response(
            200, {}
        )
    client, _ = make_client(fake)
    with pytest.raises(NoDocumentError):
        client.document(RestOp.PAYSLIP_TASK, EMPLOYEE, {"year": 2026, "period": 3})


class _Drip(httpx.SyncByteStream):
    """A body that arrives one small chunk at a time, slower than the whole-call deadline."""

    def __iter__(self) -> Any:
        import time

        yield b'{"data": ['
        for _ in range(50):
            time.sleep(0.02)
            yield b" "
        yield b"]}"


def test_a_dripping_reply_is_cut_at_the_total_deadline() -> None:
    fake = FakeNmbrs(overrides={"/api/debtors": lambda r: httpx.Response(200, stream=_Drip())})
    client, _ = make_client(fake, limits=TransportLimits(deadline_s=0.2))
    with pytest.raises(NmbrsTransportError) as caught:
        client.list_all(RestOp.DEBTORS)
    assert caught.value.kind == "timeout"
    assert "0.2 s" in str(caught.value)


class _FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _elapsed_until_given_up(reply: Callable[[httpx.Request, _FakeTime], httpx.Response]) -> float:
    """The fake time a call spends before it gives up, with the default time-outs and retry
    policy: each attempt's reply is made by ``reply``, which moves the fake clock."""
    clock = _FakeTime()
    fake = FakeNmbrs(overrides={"/api/debtors": lambda request: reply(request, clock)})
    rest = RestTransport(BASE, subscription_key=lambda: "k", http_transport=transport(fake))
    rest.monotonic = clock
    client = RestClient(rest, StaticToken("access-token-abcdef", None), sleep=lambda s: None)
    with pytest.raises(NmbrsTransportError) as caught:
        client.list_all(RestOp.DEBTORS)
    assert caught.value.kind == "timeout" and caught.value.attempts == 2
    return clock.now


def test_a_dripping_reply_ends_no_later_than_a_reply_that_never_comes() -> None:
    """One bound for "the server does not answer usefully": a body that drips a byte every
    half second costs what a silent server costs (a read time-out, then the short retry)."""

    def silent(request: httpx.Request, clock: _FakeTime) -> httpx.Response:
        clock.now += request.extensions["timeout"]["read"]
        raise httpx.ReadTimeout("no answer", request=request)

    class Drip(httpx.SyncByteStream):
        def __init__(self, clock: _FakeTime) -> None:
            self.clock = clock

        def __iter__(self) -> Any:
            for _ in range(100_000):
                self.clock.now += 0.5
                yield b" "

    def dripping(request: httpx.Request, clock: _FakeTime) -> httpx.Response:
        return httpx.Response(200, stream=Drip(clock))

    never = _elapsed_until_given_up(silent)
    assert never == TransportLimits().read_timeout_s + RetryPolicy().retry_timeout_s
    assert _elapsed_until_given_up(dripping) <= never


def test_same_host_redirect_is_followed_with_the_token_kept_on_that_host() -> None:
    fake = FakeNmbrs(
        lists={"/api/debtors": [{"debtorId": uid("debtor", 1), "name": "D"}]},
        overrides={
            "/api/companies": lambda r: httpx.Response(
                307, headers={"Location": f"{BASE}/api/debtors?pageNumber=1&pageSize=100"}
            )
        },
    )
    client, sent = make_client(fake)
    reply = client.get(RestOp.COMPANIES, query={"pageNumber": 1, "pageSize": 100})
    assert reply.status == 200
    assert [r.url.path for r in sent.requests] == ["/api/companies", "/api/debtors"]
    assert all(r.url.host == "api.test.example" for r in sent.requests)


def test_hostile_text_in_json_is_cleaned_before_anyone_sees_it() -> None:
    hostile = "Evil\u001b]0;pwned\u0007 B.V.\u202e\nsecond line"
    fake = FakeNmbrs(lists={"/api/debtors": [{"debtorId": uid("debtor", 1), "name": hostile}]})
    client, _ = make_client(fake)
    [row] = client.list_all(RestOp.DEBTORS)
    name = row["name"]
    assert "\x1b" not in name and "\u202e" not in name and "\n" not in name
    assert "\\x1b" in name and "Evil" in name
    detail = FakeNmbrs(
        overrides={"/api/debtors": lambda r: problem(403, 40303, "Unauthorized", detail=hostile)}
    )
    client, _ = make_client(detail)
    with pytest.raises(NmbrsRestError) as caught:
        client.list_all(RestOp.DEBTORS)
    assert "\x1b" not in str(caught.value) and "\n" not in str(caught.value)


def test_call_log_names_operation_ids_and_codes_but_no_secrets() -> None:
    fake = FakeNmbrs(
        lists={f"/api/companies/{COMPANY}/employees": employees(3)},
        overrides={"/api/debtors": lambda r: problem(403, 40303, "Unauthorized_AccessData")},
    )
    client, _ = make_client(fake)
    client.list_all(RestOp.EMPLOYEES, {"companyId": COMPANY})
    with pytest.raises(NmbrsRestError):
        client.list_all(RestOp.DEBTORS)
    ok, fault = client.call_log.records()
    assert (ok.operation, ok.company_id, ok.outcome) == ("REST company.employees", COMPANY, "ok")
    assert (fault.outcome, fault.fault_code) == ("fault", 40303)
    text = repr(client.call_log.records())
    assert "access-token-abcdef" not in text and "sub-key-1234" not in text


class _Socket(httpcore.NetworkStream):
    """A connection that records the time-out of each read and answers one byte."""

    def __init__(self) -> None:
        self.timeouts: list[float | None] = []

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.timeouts.append(timeout)
        return b" "


def test_every_socket_read_waits_at_most_what_is_left_of_the_call() -> None:
    """Headers dripping in never leave a read idle for a read time-out: each read may wait
    only what is left of the call's deadline, and none starts once it has passed."""
    from nmbrs_client.rest import transport as module

    clock = _FakeTime()
    call = module._CallClock(clock)
    socket = _Socket()
    stream = module._DeadlineStream(socket)
    module._current.call = (call, 30.0)
    try:
        stream.read(1, 30.0)
        clock.now += 29.5
        stream.read(1, 30.0)
        clock.now += 0.5
        with pytest.raises(httpcore.ReadTimeout):
            stream.read(1, 30.0)
    finally:
        module._current.call = None
    stream.read(1, 30.0)  # no call of this thread: the read time-out as given
    assert socket.timeouts == [30.0, 0.5, 30.0]


def test_headers_dripping_in_end_at_the_deadline() -> None:
    """A real socket: the status line, then a header byte at a time (a read time-out no drip
    can hit, a short deadline): the call ends as a time-out, not after the 10,000 bytes."""
    with hostile_server({"drip_headers": drip_headers(total_s=30, byte_every_s=0.05)}) as server:
        rest = RestTransport(
            server.base + "/drip_headers/",
            subscription_key=lambda: "k",
            limits=TransportLimits(read_timeout_s=20.0, deadline_s=1.0),
        )
        try:
            with pytest.raises(NmbrsTransportError) as caught:
                rest.get("debtors", "api/debtors", {}, access_token="t")
        finally:
            rest.close()
    assert caught.value.kind == "timeout"
    assert "no complete reply within 1 s" in caught.value.problem


def test_rows_come_page_by_page_while_the_later_pages_are_on_their_way() -> None:
    """The caller makes each page's records while the next pages are on the wire: page 1's
    rows are given while every other page is still held by the server."""
    transport = GatedTransport()
    client = RestClient(transport, StaticToken("token"), concurrency=8)  # type: ignore[arg-type]
    rows = client.rows(RestOp.EMPLOYEES, {"companyId": COMPANY})
    first = next(rows)
    assert first["employeeId"] == uid("employee", 1)
    assert transport.first_held.wait(SAFETY_S)  # the later pages are out, and held
    transport.gate.set()
    rest = list(rows)
    assert [row["employeeId"] for row in rest] == [uid("employee", n) for n in range(2, PAGES + 1)]
    client.close()


def test_a_caller_that_stops_reading_rows_leaves_no_page_queued() -> None:
    transport = GatedTransport()
    client = RestClient(transport, StaticToken("token"), concurrency=8)  # type: ignore[arg-type]
    rows = client.rows(RestOp.EMPLOYEES, {"companyId": COMPANY})
    next(rows)
    assert transport.first_held.wait(SAFETY_S)
    rows.close()  # the caller stopped (an error in its own work, say)
    sent = transport.sent_count()
    transport.gate.set()
    assert client.pages.wait_idle(SAFETY_S)
    assert transport.sent_count() == sent < PAGES
    client.close()
