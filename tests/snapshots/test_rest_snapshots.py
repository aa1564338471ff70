"""Snapshot tests of every pane on the REST demo (120×40), as for SOAP.

The same dashboard over the REST backend: the header says REST API, ids are UUIDs, the
connection has no domain, payslips come per period. Deterministic: the REST demo's world and
UUIDs are derived from the seed, the app runs with ``deterministic=True``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo, start
from tests.snapshots.test_snapshots import PANE_STEPS, steps
from tui.app import NmbrsApp


@pytest.fixture(scope="module")
def rest_demo_running() -> Iterator[RunningDemo]:
    with start(ApiKind.REST, "healthy", latency_ms=0) as demo:
        yield demo


REST_PANES = dict(PANE_STEPS)  # every pane, the rights matrix included


@pytest.mark.parametrize("pane", list(REST_PANES))
def test_rest_pane_snapshot(snap_compare: Any, rest_demo_running: RunningDemo, pane: str) -> None:
    app = NmbrsApp(settings=rest_demo_running.settings(), deterministic=True)
    assert snap_compare(app, terminal_size=(120, 40), run_before=steps(*REST_PANES[pane]))


def test_rest_rights_companies_as_rows_snapshot(
    snap_compare: Any, rest_demo_running: RunningDemo
) -> None:
    """``t`` on the REST matrix: each operation a column 22 wide, its name without ``REST.``
    and cut only between whole words (``…employees.departments``, never ``e…ccounts``)."""
    app = NmbrsApp(settings=rest_demo_running.settings(), deterministic=True)
    assert snap_compare(app, terminal_size=(120, 40), run_before=steps("2", "t"))
