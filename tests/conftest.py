"""Shared pytest fixtures: an isolated environment and demo Nmbrs servers on 127.0.0.1.

Every demo here is started as the product starts one, through ``nmbrs_demo.start``: a test
that only needs a running demo takes :func:`soap_demo` or :func:`demo_factory` (a
``RunningDemo``, whose ``settings()`` reach it). The ``*_server`` fixtures hand out the server
object of such a demo for the tests that read its internals: the generated world, the call
statistics, held calls, the REST contract recorder that observes every exchange.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from nmbrs_client import locations
from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo, start
from nmbrs_demo.scenarios import Scenario
from nmbrs_demo.server import DemoServer, start_demo_server
from tests.home_guard import sitecustomize as home_guard
from tests.reference_wsdl import SKIP_REASON

# Where the tests find reference data outside the repository: kept, unlike other NMBRS_* vars.
TEST_DATA = ("NMBRS_REFERENCE_WSDL_DIR", "NMBRS_SHARED_DIR")
_unexpected_skips: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Only missing reference data may skip a test; anything else would hide a failure."""
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if SKIP_REASON not in reason:
            _unexpected_skips.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _unexpected_skips:
        print("\nskipped without missing reference data (not allowed):")
        for line in _unexpected_skips:
            print("  " + line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _real_folders() -> list[str]:
    """The user's own nmbrs-tui folders: where this environment puts them, and where a process
    that lost HOME and the XDG variables would (the account's home directory)."""
    found = [str(folder) for folder in locations.own_folders()]
    saved = {name: os.environ.pop(name, None) for name in locations.FOLDER_VARIABLES}
    try:
        found += [str(folder) for folder in locations.own_folders()]
    finally:
        os.environ.update({name: value for name, value in saved.items() if value is not None})
    return sorted(set(found))


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Never read or write the developer's own configuration, state, data or downloads.

    HOME and every XDG variable platformdirs reads point at a private temporary folder and
    every ``NMBRS_*`` variable is removed for the whole session (restored afterwards), except
    the ``TEST_DATA`` ones. The home guard refuses any write into the real folders, in this
    process and in every Python it starts; :func:`_no_write_to_the_real_folders` fails the
    test that tried.
    """
    root = tmp_path_factory.mktemp("xdg")
    real = _real_folders()
    saved = dict(os.environ)
    for key in [k for k in os.environ if k.upper().startswith("NMBRS_") and k not in TEST_DATA]:
        del os.environ[key]
    os.environ.update(locations.environment_under(root))
    report = root / "home-guard.log"
    report.touch()
    os.environ[home_guard.FOLDERS_VARIABLE] = os.pathsep.join(real)
    os.environ[home_guard.REPORT_VARIABLE] = str(report)
    guard_dir = str(Path(home_guard.__file__).parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [guard_dir, *filter(None, [saved.get("PYTHONPATH")])]
    )
    home_guard.install(real, str(report))
    moved = [str(folder) for folder in locations.own_folders() if root not in folder.parents]
    assert not moved, f"folders outside the test root: {moved}"
    try:
        yield root
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(autouse=True)
def _no_write_to_the_real_folders(_isolated_environment: Path) -> Iterator[None]:
    """Fail the test during which any process of the run tried to write to a real folder."""
    report = _isolated_environment / "home-guard.log"
    before = report.stat().st_size
    yield
    with report.open(encoding="utf-8") as lines:
        lines.seek(before)
        refused = lines.read()
    if refused:
        pytest.fail(f"wrote (or tried to) into the user's real folders:\n{refused}")


@pytest.fixture(scope="session")
def soap_demo() -> Iterator[RunningDemo]:
    """One healthy SOAP demo for the whole session (read-only: do not change its state)."""
    with start(ApiKind.SOAP, "healthy", latency_ms=0) as demo:
        yield demo


@pytest.fixture(scope="session")
def demo_server(soap_demo: RunningDemo) -> DemoServer:
    """The server of :func:`soap_demo`, for tests that read its world, stats or held calls."""
    return cast(DemoServer, soap_demo.server)


DemoFactory = Callable[..., RunningDemo]


def soap_server(demo: RunningDemo) -> DemoServer:
    """The SOAP server of a demo started in this process, for a test that reads its internals
    (the generated world, held calls, statistics) beside what it runs on the demo."""
    assert isinstance(demo.server, DemoServer), "a SOAP demo started in this process"
    return demo.server


@pytest.fixture
def demo_factory() -> Iterator[DemoFactory]:
    """Start demos of either API: ``factory(ApiKind.REST, "missing-scopes", readings=…)``.

    Arguments are those of ``nmbrs_demo.start``; ``latency_ms`` defaults to 0. Every demo
    started here is stopped at teardown.
    """
    started: list[RunningDemo] = []

    def factory(
        api: ApiKind = ApiKind.SOAP, scenario: Scenario | str = "healthy", **kwargs: Any
    ) -> RunningDemo:
        kwargs.setdefault("latency_ms", 0)
        demo = start(api, scenario, **kwargs)
        started.append(demo)
        return demo

    try:
        yield factory
    finally:
        for demo in started:
            demo.stop()


DemoServerFactory = Callable[..., DemoServer]


@pytest.fixture
def demo_server_factory() -> Iterator[DemoServerFactory]:
    """Start SOAP demo servers with any scenario: ``factory(scenario="missing-rights", ...)``.

    Started as a server, not through ``nmbrs_demo.start``: the tests that take it read the
    server's internals (world, stats, held calls) or pass its test seams (``today``,
    ``mounts``). Keyword arguments are those of :func:`start_demo_server`; ``latency_ms``
    defaults to 0. Every server started here is stopped at teardown.
    """
    started: list[DemoServer] = []

    def factory(scenario: Scenario | str = "healthy", **kwargs: Any) -> DemoServer:
        kwargs.setdefault("latency_ms", 0)
        server = start_demo_server(scenario, **kwargs)
        started.append(server)
        return server

    try:
        yield factory
    finally:
        for server in started:
            server.stop()


# --------------------------------------------------------------------------- REST demo


@pytest.fixture(scope="session")
def rest_contract() -> Any:
    """The OpenAPI validator (openapi-core over Nmbrs' document), loaded once."""
    from tests.rest_contract import OpenApiContract

    return OpenApiContract()


@pytest.fixture(scope="session")
def _rest_demo_session(rest_contract: Any) -> Iterator[Any]:
    """The healthy REST demo of the session, started as the product starts it; the server
    object, since the contract recorder observes its every exchange."""
    from tests.rest_contract import ContractRecorder

    server: Any = start(ApiKind.REST, "healthy", latency_ms=0).server
    recorder = ContractRecorder(rest_contract)
    server.add_observer(recorder)
    server.contract = recorder
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def rest_demo(_rest_demo_session: Any) -> Iterator[Any]:
    """The shared healthy REST demo; every response it sends in the test must match the spec.

    ``rest_demo.contract`` is the :class:`tests.rest_contract.ContractRecorder`; set its
    ``check_requests`` to validate what a client sends as well.
    """
    recorder = _rest_demo_session.contract
    recorder.reset()
    recorder.check_requests = False
    yield _rest_demo_session
    recorder.assert_clean()


@pytest.fixture
def rest_demo_factory(rest_contract: Any) -> Iterator[Callable[..., Any]]:
    """Start REST demo servers with any scenario or readings: ``factory("multi-debtor",
    readings=…)``.

    Started as a server, not through ``nmbrs_demo.start``: a contract recorder observes its
    every exchange, and tests pass its test seams (``clock``, ``today``). Each recorder
    (``server.contract``) must be clean at teardown.
    """
    from nmbrs_demo.rest.server import start_rest_demo_server
    from tests.rest_contract import ContractRecorder

    started: list[Any] = []

    def factory(scenario: Scenario | str = "healthy", **kwargs: Any) -> Any:
        kwargs.setdefault("latency_ms", 0)
        check_requests = kwargs.pop("check_requests", False)
        server = start_rest_demo_server(scenario, **kwargs)
        recorder = ContractRecorder(rest_contract, check_requests=check_requests)
        server.add_observer(recorder)
        server.contract = recorder
        started.append(server)
        return server

    try:
        yield factory
    finally:
        for server in started:
            server.stop()
        for server in started:
            server.contract.assert_clean()
