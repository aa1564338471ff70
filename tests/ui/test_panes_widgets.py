"""The shared list machinery: FastTable (virtual rows, filter, sort), masking, private files."""

from __future__ import annotations

import json
import os
import stat
from decimal import Decimal
from pathlib import Path

from textual.app import App, ComposeResult

from nmbrs_client.private_file import write_private_file_exactly
from tui.export import export_view
from tui.widgets.fast_table import Column, Row
from tui.widgets.masking import Reveal, mask_bsn, mask_iban, mask_text
from tui.widgets.table_panel import TablePanel

COLUMNS = [
    Column("number", "Nr", 6, "right"),
    Column("name", "Name", 20),
    Column("bsn", "BSN", 11, masker=mask_bsn),
]


def _rows(count: int) -> list[Row]:
    return [
        Row(
            i,
            {"number": str(i), "name": f"Person {i:05d}", "bsn": f"{100000000 + i}"},
            {"number": i},
        )
        for i in range(count)
    ]


class _PanelApp(App[None]):
    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory

    def compose(self) -> ComposeResult:
        yield TablePanel(
            "People", COLUMNS, export_name="people", download_dir=lambda: self.directory
        )


async def test_only_visible_rows_render_and_navigation_works(tmp_path: Path) -> None:
    app = _PanelApp(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(TablePanel).table
        table.set_rows(_rows(5000))  # timed in bench/big_company.py, not here
        await pilot.pause()
        assert table.virtual_size.height == 5001  # header + rows, nothing else built
        table.focus()
        await pilot.press("G")
        assert table.current_row is not None and table.current_row.key == 4999
        lines = [table.render_line(y).text for y in range(table.size.height)]
        assert lines[0].startswith("    Nr Name")
        assert "Person 04999" in lines[-1]
        await pilot.press("g", "j", "j", "pagedown")
        assert table.cursor_row > 2
        await pilot.press("k")
        before = table.cursor_row
        await pilot.press("pageup")
        assert table.cursor_row < before


async def test_filter_sort_and_masked_columns(tmp_path: Path) -> None:
    app = _PanelApp(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(TablePanel)
        table = panel.table
        table.set_rows(_rows(5000))
        counts = []
        for text in ("p", "pe", "person 0", "person 04", "person 049"):
            table.set_filter(text)  # per-keystroke cost: bench/big_company.py
            counts.append(table.row_count)
        assert counts == [5000, 5000, 5000, 1000, 100]
        # A masked column is neither shown nor searchable until revealed.
        table.set_filter("100004990")
        assert table.row_count == 0
        table.set_revealed(True)
        assert table.row_count == 1
        table.set_revealed(False)
        table.set_filter("")
        row = table.rows[7]
        assert table.display_text(row, COLUMNS[2]) == "•••••••07"
        # Sort: header shows the arrow, the order follows the values (numbers, not text).
        table.set_sort("number", reverse=True)
        assert [r.key for r in table.visible_rows[:3]] == [4999, 4998, 4997]
        assert "Nr ▼" in table.render_line(0).text
        table.cycle_sort()
        assert table.sort_column == "name" and "Name ▲" in table.render_line(0).text
        # Exports keep masked columns masked.
        keys, headers, rows = table.view_as_text()
        path = export_view(tmp_path, "people", "json", keys, headers, rows)
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data[0]["bsn"].startswith("•") and len(data) == 5000
        await pilot.pause()


async def test_update_row_keeps_order_and_cursor(tmp_path: Path) -> None:
    app = _PanelApp(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(TablePanel).table
        table.set_rows(_rows(50))
        table.set_sort("name")
        table.move_cursor_to_key(10)
        assert table.update_row(10, {"name": "AAA first"})
        assert table.current_row is not None and table.current_row.key == 10
        assert table.visible_rows[10].cells["name"] == "AAA first"  # no jump while loading
        assert not table.update_row(999, {"name": "x"})
        await pilot.pause()


def test_private_files_are_0600_even_when_they_existed(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "doc.pdf"
    target.parent.mkdir()
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    written = write_private_file_exactly(target, b"%PDF-1.4 new", overwrite=True)
    assert written == target.absolute()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == b"%PDF-1.4 new"


def test_masking_helpers() -> None:
    assert mask_bsn("123456782") == "•••••••82"
    assert mask_iban("NL91 ABNA 0417 1643 00") == "NL••••••••••••4300"
    reveal = Reveal()
    assert reveal.money(Decimal("3150.5")) == "€ •••••"
    reveal.toggle()
    assert reveal.money(Decimal("3150.5")) == "€ 3.150,50"
    text = "Werknemer P.E. Mulder\nBSN 123456782\nNetto € 2.345,67\nIBAN NL91ABNA0417164300"
    masked = mask_text(text)
    assert "P.E. Mulder" in masked
    assert "123456782" not in masked and "2.345,67" not in masked
    assert "NL91ABNA0417164300" not in masked


def test_masked_document_text_hides_the_address_and_never_calls_hours_money() -> None:
    statement = (
        "Jaaropgaaf 2026\nDelta B.V.\nWerknemer T.C. Hendriks\n Kastanjelaan 171\n"
        " 6214 GD MAASTRICHT\nPersoneelsnummer 1\nUren 38,00\nBrutoloon € 81.689,60\n"
    )
    masked = mask_text(statement)
    for secret in ("Kastanjelaan", "171", "6214", "MAASTRICHT", "38,00", "81.689"):
        assert secret not in masked
    assert "Uren ••,••" in masked and "Uren €" not in masked
    assert "Brutoloon € •••••" in masked
    assert "Werknemer T.C. Hendriks" in masked and "Personeelsnummer 1" in masked
    assert "Prins Bernhardlaan 2a" not in mask_text("Adres: Prins Bernhardlaan 2a")


def test_one_date_rule_a_birth_date_is_masked_pay_period_and_job_dates_are_not() -> None:
    from datetime import date

    from tui.widgets.masking import MASKED_DATE, date_is_personal

    for label in ("birth date", "Geboortedatum", "geb.", "a date the text does not name"):
        assert date_is_personal(label), label
    for label in ("employment start", "contract end", "schedule start", "Tijdvak periode 1 ("):
        assert not date_is_personal(label), label
    # the employee detail and the document text follow the same rule
    reveal = Reveal()
    assert reveal.date(date(1980, 2, 1), "birth date") == MASKED_DATE
    assert reveal.date(date(2020, 3, 1), "employment start") == "01-03-2020"
    slip = (
        "Tijdvak periode 1 (29-12-2025 t/m 25-01-2026)\nGeboortedatum 01-02-1980\n"
        "In dienst 01-03-2020\n14-07-1979\n"
    )
    masked = mask_text(slip)
    assert "Tijdvak periode 1 (29-12-2025 t/m 25-01-2026)" in masked
    assert "In dienst 01-03-2020" in masked
    assert "1980" not in masked and "1979" not in masked  # labelled or not, maybe a birth date


async def test_a_filter_finds_what_the_cells_say_now(tmp_path: Path) -> None:
    """The text a filter searches is kept per row: every change of a row's cells (one row,
    many rows, all rows set again) makes the next filter search the new text, not the old."""
    app = _PanelApp(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(TablePanel).table
        rows = _rows(50)
        table.set_rows(rows)
        table.set_filter("person 0001")  # every row's search text is made now
        assert [r.key for r in table.visible_rows] == list(range(10, 20))
        table.set_filter("")
        assert table.update_row(3, {"name": "Zed Quill"})
        assert table.update_rows({4: {"name": "Zed Quarry"}, 999: {"name": "x"}}) == {4}
        table.set_filter("zed q")
        assert [r.key for r in table.visible_rows] == [3, 4]
        rows[5].cells["name"] = "Zed Quinn"  # changed outside the table, then set again
        table.set_rows(rows)
        assert [r.key for r in table.visible_rows] == [3, 4, 5]
        table.set_filter("person 0003")
        assert [r.key for r in table.visible_rows] == list(range(30, 40))
        await pilot.pause()
