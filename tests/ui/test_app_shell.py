"""Pilot tests of the shell: pane keys, palette, help, info, keymap, themes, errors."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from nmbrs_client.ids import ApiKind
from nmbrs_demo import RunningDemo
from nmbrs_demo.server import DemoServer
from tests.conftest import DemoFactory, soap_server
from tests.ui.app_helpers import demo_app, palette_pick, screen_text, wait_connected, wait_for
from tui.keys import BY_ID
from tui.panes import PANES
from tui.screens.error import ErrorScreen
from tui.screens.help import HelpScreen
from tui.screens.info import InfoScreen


async def test_every_pane_has_a_key(soap_demo: RunningDemo) -> None:
    app = demo_app(soap_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_connected(pilot, app)
        for spec in PANES:
            await pilot.press(spec.key)
            await pilot.pause()
            assert app.current_pane == spec.id
            assert app.query_one("#panes").current == spec.id  # type: ignore[attr-defined]
            assert f"[{spec.key} {spec.title}]" in screen_text(app)


async def test_panes_wait_for_the_session(demo_factory: DemoFactory) -> None:
    demo = demo_factory(ApiKind.SOAP, "healthy")
    server = soap_server(demo)
    server.hold_calls()  # connecting cannot finish until the test says so
    app = demo_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        if app.session is None:
            assert "Not connected yet" in screen_text(app)
        server.release_calls()
        await wait_connected(pilot, app)
        await wait_for(pilot, lambda: app.query_one("#panes").current == "calllog")  # type: ignore[attr-defined]


async def test_palette_jumps_to_a_pane_and_a_company(
    soap_demo: RunningDemo, demo_server: DemoServer
) -> None:
    app = demo_app(soap_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await palette_pick(pilot, app, "Go to Call log", "Call log")
        await wait_for(pilot, lambda: app.current_pane == "calllog", 5, "the pane jump")
        company = demo_server.world.companies()[1]
        assert company.Name
        await palette_pick(pilot, app, company.Name[:8], company.Name[:8])
        await wait_for(pilot, lambda: app.current_pane == "employees", 5, "the company jump")


async def test_help_lists_bindings_with_ids(soap_demo: RunningDemo) -> None:
    app = demo_app(soap_demo, keymap={"app.pane.calllog": "l"})
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press("l")  # remapped through the keymap
        await wait_for(pilot, lambda: app.current_pane == "calllog")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.plain()
        for binding_id in ("app.help", "app.refresh", "app.pane.rights"):
            assert binding_id in text
        line = next(ln for ln in text.splitlines() if "app.pane.calllog" in ln)
        assert line.split()[0] == "l" and " 6 " not in line  # the help shows the remapped key
        assert isinstance(app.screen, HelpScreen)
        ids = {key.id for _title, group in app.screen.sections for key in group}
        # The call log's own keys, its table's and the app's; not another pane's.
        assert {"calllog.filter", "table.cursor_down", "app.quit"} <= ids
        assert "rights.export" not in ids and "connection.demo" not in ids
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))


async def test_info_screen_shows_versions_and_profile(soap_demo: RunningDemo) -> None:
    app = demo_app(soap_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoScreen))
        text = screen_text(app)
        assert "textual" in text and "python" in text and "profile" in text
        await pilot.press("c")
        assert "textual:" in app.clipboard
        await pilot.press("escape")


async def test_error_modal_copies_details(soap_demo: RunningDemo) -> None:
    app = demo_app(soap_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_connected(pilot, app)
        app.show_error("Export failed", "disk full", "free some space", "OSError: disk full")
        await wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen))
        assert "What to do: free some space" in screen_text(app)
        await pilot.press("c")
        assert app.clipboard == "OSError: disk full"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ErrorScreen))


async def test_theme_option(soap_demo: RunningDemo) -> None:
    app = demo_app(soap_demo, theme="ansi-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "ansi-dark"


async def test_vim_keys_move_the_call_log_cursor(soap_demo: RunningDemo) -> None:
    from tui.widgets.vim_table import VimTable

    app = demo_app(soap_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press("6")
        table = app.query_one("#calllog-table", VimTable)
        await wait_for(pilot, lambda: table.row_count >= 2)
        table.focus()
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("k")
        assert table.cursor_row == 0
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1


# Key names as Textual spells them in bindings; help must show what is on the keyboard instead.
RAW_NAMES = ("question_mark", "left_square_bracket", "right_square_bracket", "slash", "pagedown")


@pytest.mark.parametrize("pane_key", ["1", "2", "3", "4", "5", "6"])
async def test_help_lists_every_registered_key_of_the_focused_chain(
    soap_demo: RunningDemo, pane_key: str
) -> None:
    app = demo_app(soap_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await pilot.press(pane_key)
        await pilot.pause()
        focused = app.screen.focused
        chain = list((focused or app.screen).ancestors_with_self)
        expected = {
            binding.id
            for node in chain
            for cls in type(node).__mro__
            for binding in vars(cls).get("BINDINGS", [])
            if isinstance(binding, Binding) and binding.id in BY_ID
        }
        assert expected, "the focused chain declares no registered key"
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.plain()
        for key_id in sorted(expected):
            line = next((ln for ln in text.splitlines() if f" {key_id}" in ln), None)
            assert line is not None, f"{key_id} is bound here but missing from help"
            key = BY_ID[key_id]
            first = app.get_key_display(Binding(key.keys.split(",")[0], key.action))
            assert first in line, f"{key_id}: {first!r} not shown in {line!r}"
        assert not [name for name in RAW_NAMES if name in text]
