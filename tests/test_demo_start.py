"""One way to start the demo: ``nmbrs_demo.start`` gives a demo of either API that its own
settings reach, and says whether it is the one a set of options asks for."""

from __future__ import annotations

import pytest

from nmbrs_client.connect import open_backend
from nmbrs_client.ids import ApiKind
from nmbrs_demo import start


@pytest.mark.parametrize("api", list(ApiKind))
def test_the_settings_of_a_started_demo_reach_it(api: ApiKind) -> None:
    with start(api, "healthy", 0) as demo:
        settings = demo.settings()
        assert settings.api is api and settings.environment == "demo"
        backend = open_backend(settings)
        try:
            assert backend.api is api
            assert backend.companies()  # the demo answered with its own credentials
        finally:
            backend.close()


def test_a_demo_answers_only_the_options_it_was_started_with() -> None:
    with start(ApiKind.SOAP, "healthy", 0) as demo:
        assert demo.answers(ApiKind.SOAP, "healthy", 0)
        assert not demo.answers(ApiKind.REST, "healthy", 0)
        assert not demo.answers(ApiKind.SOAP, "flaky", 0)
        assert not demo.answers(ApiKind.SOAP, "healthy", None)


def test_the_rest_demo_describes_itself_in_shell_syntax() -> None:
    with start(ApiKind.REST, "healthy", 0, {"retry-after": "seconds"}) as demo:
        lines = demo.description("healthy")
    assert demo.speaks_shell
    assert all(line.startswith("#") or "=" in line for line in lines)
    assert any(line.startswith("NMBRS_REST_TOKEN=") for line in lines)


def test_a_scenario_the_rest_demo_cannot_play_is_refused() -> None:
    from dataclasses import replace

    from nmbrs_client.errors import ConfigError
    from nmbrs_demo.scenarios import load_scenario

    soap_only = replace(load_scenario("healthy"), apis=frozenset({ApiKind.SOAP}))
    with pytest.raises(ConfigError):
        start(ApiKind.REST, soap_only, 0)


def test_both_demos_leave_out_the_same_companies_of_a_scenario() -> None:
    """The scope is resolved on the plain World (what the REST demo knows) exactly as on the
    SOAP projection: an out-of-scope company is never silently in scope on either demo."""
    from nmbrs_demo.access import resolve_access
    from nmbrs_demo.records import DEMO_SEED, DEMO_TODAY
    from nmbrs_demo.scenarios import load_scenario
    from nmbrs_demo.world import World
    from nmbrs_demo.worlds import shared_world

    scenario = load_scenario("large-accountant")
    plain = World(DEMO_SEED, DEMO_TODAY, size=scenario.size)
    on_rest = resolve_access(scenario, plain)
    on_soap = resolve_access(scenario, shared_world(DEMO_SEED, DEMO_TODAY, scenario.size))
    assert on_rest == on_soap
    assert set(plain.out_of_scope_company_ids()) <= on_rest.blocked_companies
    assert on_rest.blocked_companies  # the scenario does leave companies out
