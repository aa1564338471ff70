"""SIGHUP reaches the backend: the app tells it to stop retrying, on SOAP and on REST.

A worker waiting out a back-off would keep the process alive after the terminal went away;
the hang-up handler must reach the session's backend (not a client attribute that no longer
exists) and the backend must make the next failure final.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from nmbrs_client.client import NmbrsClient
from nmbrs_client.errors import NmbrsTransportError
from nmbrs_client.exit_codes import ExitCode
from nmbrs_client.ids import ApiKind
from nmbrs_client.rest.client import RestClient, RetryPolicy, StaticToken
from nmbrs_client.rest.errors import NmbrsRestError
from nmbrs_client.rest.transport import RestTransport
from nmbrs_client.rest_operations import RestOp
from nmbrs_client.soap_backend import SoapBackend
from nmbrs_demo.reach import demo_settings
from tests.fake_backend import FakeBackend
from tests.hostile_server import HostileServer, hostile_server, settings_for
from tests.rest.fake import BASE
from tests.test_retry import HTML_502
from tests.ui.app_helpers import wait_connected
from tui.app import NmbrsApp
from tui.session import Session


async def test_hangup_tells_the_sessions_backend_to_stop_retrying(tmp_path: Path) -> None:
    backend = FakeBackend()
    settings = demo_settings("http://api.fake.invalid/", download_dir=tmp_path, api=ApiKind.REST)
    session = Session(settings, backend, today=date(2026, 11, 24), deterministic=True)
    app = NmbrsApp(session=session, today=date(2026, 11, 24))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_connected(pilot, app)
        assert backend.calls["stop_retrying"] == 0
        app._on_hangup()
        await pilot.pause()
    assert backend.calls["stop_retrying"] == 1
    assert app.return_value == ExitCode.HANGUP


@pytest.fixture(scope="module")
def always_502() -> Iterator[HostileServer]:
    with hostile_server({"bad": HTML_502}) as running:
        yield running


def test_soap_backend_stop_retrying_makes_the_next_failure_final(
    always_502: HostileServer,
) -> None:
    client = NmbrsClient(settings_for(always_502.url("bad")))
    backend = SoapBackend(client)
    backend.stop_retrying()
    with pytest.raises(NmbrsTransportError) as info:
        client.companies()
    backend.close()
    assert info.value.attempts == 1 and info.value.retries_exhausted


def test_rest_client_stop_retrying_makes_the_next_failure_final() -> None:
    hits: list[str] = []

    def unavailable(request: httpx.Request) -> httpx.Response:
        hits.append(request.url.path)
        return httpx.Response(503, headers={"Retry-After": "0"})

    transport = RestTransport(
        BASE, subscription_key=lambda: "k", http_transport=httpx.MockTransport(unavailable)
    )
    client = RestClient(
        transport,
        StaticToken("t", None),
        retry=RetryPolicy(throttled_attempts=5),
        sleep=lambda _s: None,
    )
    with pytest.raises(NmbrsRestError):
        client.get(RestOp.COMPANIES)
    assert len(hits) == 5  # retried while allowed
    hits.clear()
    client.stop_retrying()
    with pytest.raises(NmbrsRestError):
        client.get(RestOp.COMPANIES)
    assert len(hits) == 1
    client.close()
