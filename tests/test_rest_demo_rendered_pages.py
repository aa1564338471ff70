"""The REST demo renders a page of the big lists once and serves its bytes again, and every gate
before the handler still runs on every call.

The world is read-only, so a page of the employee list or of a history is the same bytes for
the same request; what must not be skipped is everything a real Nmbrs checks on each call:
the latency, the subscription key, transport trouble, throttle and quota, the token, the
scopes and the caller's access to the company.
"""

from __future__ import annotations

import asyncio
import types
from dataclasses import replace
from typing import Any

import httpx
import pytest

from nmbrs_demo.rest import app as rest_app
from nmbrs_demo.rest.app import RenderedPages
from nmbrs_demo.rest.identity import Grant
from tests.rest_demo_helpers import HTTP, api_headers

TEMPLATE = "/api/companies/{companyId}/employees/employments"


def _big_company(server: Any, token: str) -> str:
    rows = HTTP.get(server.base_url + "/api/companies", headers=api_headers(token)).json()
    big = server.world.company(server.world.big_company_id())
    return str(next(r["companyId"] for r in rows["data"] if r["name"] == big.Name))


def _page(server: Any, path: str, headers: dict[str, str], number: int = 3) -> httpx.Response:
    params = {"pageNumber": number, "pageSize": 100}
    return HTTP.get(server.base_url + path, headers=headers, params=params)


def _token(server: Any, scopes: frozenset[str], debtors: frozenset[int] | None = None) -> str:
    grant = Grant("t", "c", scopes, server.demo.consent_debtors if debtors is None else debtors)
    token: str = server.identity.mint_access(grant, scopes, 3600)
    return token


@pytest.fixture
def warmed(rest_demo_factory: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A demo whose page 3 of the big company's employments was served once; ``handled``
    counts the handler's runs."""
    server = rest_demo_factory("healthy")
    token = server.script_token()
    path = TEMPLATE.replace("{companyId}", _big_company(server, token))
    handled: list[int] = []
    handler = rest_app.HANDLERS[TEMPLATE]

    def counted(demo: Any, call: Any) -> Any:
        handled.append(1)
        return handler(demo, call)

    monkeypatch.setitem(rest_app.HANDLERS, TEMPLATE, counted)
    first = _page(server, path, api_headers(token))
    assert first.status_code == 200 and len(handled) == 1
    return types.SimpleNamespace(
        server=server, token=token, path=path, first=first, handled=handled
    )


def test_a_page_is_rendered_once_and_its_bytes_served_again(warmed: Any) -> None:
    again = _page(warmed.server, warmed.path, api_headers(warmed.token))
    assert again.status_code == 200
    assert again.content == warmed.first.content
    assert again.headers["content-type"] == warmed.first.headers["content-type"]
    assert len(warmed.handled) == 1  # served from the rendered bytes
    other = _page(warmed.server, warmed.path, api_headers(warmed.token), number=4)
    assert other.json()["pagination"]["pageNumber"] == 4 and len(warmed.handled) == 2


def test_every_gate_before_the_handler_runs_on_a_rendered_page(
    warmed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, path = warmed.server, warmed.path
    scenario = server.demo.scenario
    op = server.demo.index.by_template("GET", TEMPLATE)

    wrong_key = {**api_headers(warmed.token), "X-Subscription-Key": "wrong"}
    assert _page(server, path, wrong_key).status_code in (401, 403)
    no_token = {"X-Subscription-Key": api_headers("x")["X-Subscription-Key"]}
    assert _page(server, path, no_token).status_code == 401
    bad_token = _page(server, path, api_headers("eyJ.not.valid"))
    assert bad_token.status_code == 401 and bad_token.json()["code"] == 40102

    other_scopes = server.demo.index.scopes - op.scopes
    unscoped = _page(server, path, api_headers(_token(server, frozenset(other_scopes))))
    assert unscoped.status_code == 403

    others = frozenset(d.Id for d in server.world.debtors()) - server.demo.consent_debtors
    outsider = _token(server, op.scopes, frozenset({min(others)}))
    refused = _page(server, path, api_headers(outsider))
    assert refused.status_code == 403 and refused.json()["code"] == 40303

    server.demo.scenario = replace(scenario, flaky_rate=1.0, flaky_kinds=frozenset({"html500"}))
    assert _page(server, path, api_headers(warmed.token)).status_code == 503

    server.demo.scenario = replace(scenario, quota_calls=1)
    assert _page(server, path, api_headers(warmed.token)).status_code == 200
    over = _page(server, path, api_headers(warmed.token))
    assert over.status_code == 429 and over.json()["code"] == 42909

    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(0)

    monkeypatch.setattr(rest_app, "asyncio", types.SimpleNamespace(sleep=sleep))
    server.demo.scenario = replace(scenario, latency_ms=40)
    assert _page(server, path, api_headers(warmed.token)).status_code == 200
    assert slept == [0.04]

    server.demo.scenario = scenario
    assert _page(server, path, api_headers(warmed.token)).content == warmed.first.content
    assert len(warmed.handled) == 2  # only the outsider's call reached the handler again


def test_rendered_pages_keep_within_their_budget() -> None:
    pages = RenderedPages(budget_bytes=10)
    pages.put("a", b"12345")
    pages.put("b", b"12345")
    assert pages.get("a") == b"12345"  # now the most recently served
    pages.put("c", b"123")
    assert pages.get("b") is None and pages.get("a") == b"12345" and pages.get("c") == b"123"
    pages.put("huge", b"x" * 11)
    assert pages.get("huge") is None
