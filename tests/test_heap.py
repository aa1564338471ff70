"""A big reply's memory goes back to the system once read; small replies cost no trim."""

from __future__ import annotations

from typing import Any

import pytest

from nmbrs_client import heap
from nmbrs_client.client import NmbrsClient
from nmbrs_demo.reach import demo_settings
from nmbrs_demo.server import DemoServer


def test_only_big_replies_are_followed_by_a_trim(monkeypatch: pytest.MonkeyPatch) -> None:
    trims: list[int] = []

    def trim(pad: int) -> int:
        trims.append(pad)
        return 1

    monkeypatch.setattr(heap, "_malloc_trim", lambda: trim)
    assert not heap.give_back_after(None)
    assert not heap.give_back_after(heap.BIG_REPLY_BYTES - 1)
    assert trims == []
    assert heap.give_back_after(heap.BIG_REPLY_BYTES)
    assert trims == [0]


def test_without_malloc_trim_nothing_happens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_malloc_trim", lambda: None)
    assert not heap.give_back_after(10 * heap.BIG_REPLY_BYTES)


def test_the_client_gives_back_after_a_big_list(
    demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nmbrs_client.client as client_module

    sizes: list[int | None] = []
    monkeypatch.setattr(client_module, "give_back_after", sizes.append)
    client = NmbrsClient(demo_settings(demo_server.base_url))
    big = demo_server.world.big_company_id()
    try:
        rows: Any = client.call(
            "EmployeeService.Employment_GetAll_AllEmployeesByCompany", CompanyID=big
        )
    finally:
        client.close()
    assert len(rows) >= 1000
    assert max(s or 0 for s in sizes) >= heap.BIG_REPLY_BYTES
