"""Pilot tests of pane 1 (connection) and the header against the demo server's scenarios."""

from __future__ import annotations

from pathlib import Path

from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo
from nmbrs_demo.server import DemoServer
from tests.conftest import DemoFactory, soap_server
from tests.ui.app_helpers import demo_app, screen_text, wait_connected, wait_for
from tui.app import NmbrsApp
from tui.connect import LaunchOptions
from tui.data.kinds import COMPANIES


async def test_healthy_connection_shows_counts_and_badges(
    soap_demo: RunningDemo, demo_server: DemoServer
) -> None:
    app = demo_app(soap_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        info = app.connection_info
        assert info.stage == "connected"
        assert info.credentials_ok is True
        assert info.debtors == len(demo_server.world.debtors())
        assert info.companies == len(demo_server.world.companies())
        assert info.rtt_ms is not None and info.rtt_ms > 0
        text = screen_text(app)
        assert "DEMO" in text and "READ-ONLY" in text and "profile demo" in text
        assert "SOAP API" in text and info.api == "soap"
        assert "✓ accepted" in text
        assert f"{info.companies} visible" in text
        assert demo_server.base_url in text
        # the companies were kept for the session (other panes reuse them)
        assert app.session is not None
        companies = app.session.data.get(COMPANIES, None)
        assert companies is not None and len(companies) == info.companies


async def test_first_frame_does_not_wait_for_the_network(
    demo_factory: DemoFactory,
) -> None:
    # Every call is held until the first frame was checked: "busy" at the first pause means
    # the frame did not wait for the network (no bet on a latency outlasting a loaded machine).
    demo = demo_factory(ApiKind.SOAP, "healthy")
    slow = soap_server(demo)
    slow.hold_calls()
    app = demo_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.connection_info.busy, "the app painted only after connecting"
        assert "…" in screen_text(app).splitlines()[0]
        slow.release_calls()
        await wait_connected(pilot, app, timeout=60)
        assert app.connection_info.stage == "connected"


async def test_bad_token_explains_1001_and_keeps_running(
    demo_factory: DemoFactory,
) -> None:
    app = demo_app(demo_factory(ApiKind.SOAP, "bad-token"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        info = app.connection_info
        assert info.stage == "failed"
        assert info.fault_code == 1001
        assert info.credentials_ok is False
        text = screen_text(app)
        assert "1001" in text
        assert "Copy the username (your e-mail address) and the API token again" in text
        assert "demo-token" not in text
        assert app.is_running
        await pilot.press("6")
        await wait_for(pilot, lambda: app.current_pane == "calllog")
        assert "1001" in screen_text(app)


async def test_missing_rights_still_connects(demo_factory: DemoFactory) -> None:
    app = demo_app(demo_factory(ApiKind.SOAP, "missing-rights"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        assert app.connection_info.stage == "connected"
        assert app.connection_info.credentials_ok is True


async def test_restricted_scope_counts_what_the_user_can_see(
    demo_factory: DemoFactory,
) -> None:
    demo = demo_factory(ApiKind.SOAP, "restricted-scope")
    server = soap_server(demo)
    app = demo_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        info = app.connection_info
        assert info.stage == "connected"
        assert info.companies is not None
        assert 0 < info.companies <= len(server.world.companies())


async def test_flaky_connection_settles_with_a_meaningful_state(
    demo_factory: DemoFactory,
) -> None:
    app = demo_app(demo_factory(ApiKind.SOAP, "flaky"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app, timeout=30)
        info = app.connection_info
        if info.stage == "failed":
            assert info.last_error and info.last_hint  # says what happened and what to do
        else:
            assert info.companies is not None or info.companies_note


async def test_no_config_explains_and_offers_the_demo(tmp_path: Path) -> None:
    app = NmbrsApp(LaunchOptions(config_path=str(tmp_path / "missing.toml")))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        assert app.connection_info.stage == "no profile"
        text = screen_text(app)
        assert "nmbrs-tui config add" in text
        assert "press d" in text
        await pilot.press("d")
        await wait_for(
            pilot, lambda: app.connection_info.stage == "connected", 20, "the demo to connect"
        )
        assert app.connection_info.environment == "demo"
        assert app.demo_server is not None


async def test_reconnect_checks_again_and_keeps_the_session(soap_demo: RunningDemo) -> None:
    """Same settings: the session and its panes stay (a failed attempt loses nothing)."""
    app = demo_app(soap_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        first = app.session
        assert first is not None
        calls = len(first.backend.call_log.records())
        calllog = app.pane("calllog")
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: (
                len(first.backend.call_log.records()) > calls
                and app.connection_info.stage == "connected"
            ),
            15,
            "the reconnect",
        )
        assert app.session is first
        assert app.pane("calllog") is calllog


async def test_escape_cancels_a_slow_connect(demo_factory: DemoFactory) -> None:
    demo = demo_factory(ApiKind.SOAP, "healthy")
    server = soap_server(demo)
    server.hold_calls()  # the connect is in flight until the escape was handled
    app = demo_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.connection_info.stage == "cancelled", 30, "the cancel")
        assert "cancelled" in screen_text(app)
        server.release_calls()


async def test_restarting_the_demo_keeps_its_api_and_scenario() -> None:
    """``d`` on a REST demo restarts the REST demo with its scenario, never the SOAP one."""
    app = NmbrsApp(LaunchOptions(demo=True, api="rest", scenario="missing-scopes", latency_ms=0))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.connection_info.stage == "connected", 20, "the REST demo")
        first = app.demo_server
        await pilot.press("d")
        await wait_for(
            pilot,
            lambda: app.connection_info.stage == "connected" and app.session is not None,
            20,
            "the demo again",
        )
        assert app.launch.api == "rest" and app.connection_info.api == "rest"
        assert app.connection_info.scenario == "missing-scopes"
        assert app.demo_server is first  # the same options: the running demo is reused


async def test_a_gateway_refusal_says_on_the_connection_pane_what_the_check_says(
    demo_factory: DemoFactory,
) -> None:
    """The API gateway's own 403: the Connection pane names who refused it, as the check's
    report does (never the bare "debtors failed with HTTP 403"), and its next step is the
    subscription key's product, not a retry."""
    from nmbrs_client.rights.report_words import GATEWAY_REFUSED

    app = demo_app(demo_factory(ApiKind.REST, "gateway-refused"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        info = app.connection_info
        assert info.stage == "failed"
        assert (info.last_error or "").startswith(f"{GATEWAY_REFUSED['en']}: ")
        assert "subscription key's product" in (info.last_hint or "")
        text = " ".join(screen_text(app).split())
        assert "refused by the API gateway before Nmbrs' API" in text
        assert "developer portal" in text and "run the check again" not in text
        # nothing is still checking the credentials, and nothing proved them
        assert info.credentials == "not confirmed (see Last error)" and "checking" not in text
