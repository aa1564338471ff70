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
