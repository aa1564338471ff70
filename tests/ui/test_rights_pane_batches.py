"""The Rights pane takes a big check's results in batches: its header is redrawn once per
batch, not once per cell (each redraw counted every cell, so a check of 4,000 cells spent
most of its time after the check itself, and Textual painted nothing meanwhile)."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from nmbrs_client.ids import ApiKind
from nmbrs_client.rights.basis import Basis, BasisKind
from nmbrs_client.rights.classify import Status
from nmbrs_client.rights.results import (
    CellResult,
    CheckMode,
    CompaniesKnown,
    CompanyRef,
    Phase,
    RightsReport,
    Stage,
)
from tests.fake_backend import FakeBackend, fake_id
from tests.ui.app_helpers import fake_app, screen_text, wait_connected, wait_for
from tui.panes.rights import RightsPane
from tui.panes.rights_messages import EventInbox

OPERATIONS = tuple(f"REST.op{n}" for n in range(20))
COMPANIES = tuple(
    CompanyRef(fake_id("company", n), f"Company {n}", None, True, str(n)) for n in range(30)
)


class BurstProber:
    """Sends every result of a 20 × 30 check in one burst once ``go`` is set, as the REST
    prober does at its end; ``sent`` says the burst is over."""

    def __init__(self, requirements: Any, options: Any) -> None:
        self.requirements = requirements
        self.options = options
        self.started = threading.Event()
        self.go = threading.Event()
        self.sent = threading.Event()

    def run(self) -> RightsReport:
        emit = self.options.on_event
        cells = [
            CellResult(
                "REST",
                op.split(".", 1)[1],
                company.id,
                Status.ERROR if (i + j) % 7 == 0 else Status.ALLOWED,
                Basis(BasisKind.PROBED),
            )
            for i, op in enumerate(OPERATIONS)
            for j, company in enumerate(COMPANIES)
        ]
        self.started.set()
        self.go.wait(30)
        emit(Phase(Stage.PROBES, "probing"))
        emit(CompaniesKnown(COMPANIES, OPERATIONS))
        for cell in cells:
            emit(cell)
        emit(Phase(Stage.DONE, "done"))
        self.sent.set()
        return RightsReport(
            checked_at=datetime(2026, 11, 24, 9, 0),
            environment={},
            requirements=self.requirements,
            mode=CheckMode.DEFAULT,
            concurrency=1,
            companies=list(COMPANIES),
            cells=cells,
            api=ApiKind.REST,
        )


class BurstBackend(FakeBackend):
    def __init__(self) -> None:
        super().__init__()
        self.probers: list[BurstProber] = []

    def rights_prober(self, requirements: Any, options: Any) -> Any:
        prober = BurstProber(requirements, options)
        self.probers.append(prober)
        return prober


async def test_a_burst_of_results_redraws_the_header_once_not_per_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    redraws = 0
    draw = RightsPane._update_text

    def counted(pane: RightsPane) -> None:
        nonlocal redraws
        redraws += 1
        draw(pane)

    monkeypatch.setattr(RightsPane, "_update_text", counted)
    backend = BurstBackend()
    app = fake_app(backend, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press("2")
        pane = app.query_one(RightsPane)
        await wait_for(pilot, lambda: bool(backend.probers), 10, "the check to start")
        prober = backend.probers[0]
        await wait_for(pilot, prober.started.is_set, 10, "the prober")
        await pilot.pause()
        before = redraws
        # The whole burst arrives while the pane is busy (this test holds the event loop),
        # as thousands of results do while the pane draws the first of them.
        prober.go.set()
        assert prober.sent.wait(30)
        await wait_for(pilot, lambda: pane.report is not None, 10, "the end of the check")
        await pilot.pause()
        cells = len(OPERATIONS) * len(COMPANIES)
        # one redraw for the burst and one for the end: never one per cell
        assert redraws - before <= 4, redraws - before
        assert len(pane.cells) == cells
        errors = sum(1 for c in pane.cells.values() if c.status is Status.ERROR)
        text = screen_text(app)
        assert f"{cells}/{cells} cells · ✓ {cells - errors} allowed" in text
        assert f"! {errors} errors" in text


def test_the_inbox_asks_to_be_emptied_once_per_batch_and_keeps_the_order() -> None:
    inbox = EventInbox()
    assert inbox.put("a", 1) is True  # was empty: tell the pane
    assert inbox.put("b", 1) is False  # the pane was told already
    assert inbox.put("c", 2) is False
    assert inbox.take() == [(1, "a"), (1, "b"), (2, "c")]
    assert inbox.take() == []
    assert inbox.put("d", 2) is True  # emptied: the next event tells the pane again
