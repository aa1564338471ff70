"""keymap.toml beside config.toml: remapped keys work, bad files are reported and ignored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nmbrs_demo.reach import demo_settings
from nmbrs_demo.server import DemoServer
from tests.ui.app_helpers import screen_text, wait_connected, wait_for
from tui.app import NmbrsApp
from tui.connect import LaunchOptions
from tui.keymap import keymap_path, known_binding_ids, read_keymap, valid_keys
from tui.screens.help import KEYMAP_NOTE, HelpScreen
from tui.screens.info import InfoScreen


def _app(server: DemoServer, folder: Path, **kwargs: Any) -> NmbrsApp:
    """The dashboard with its config (and so keymap.toml) in ``folder``."""
    launch = LaunchOptions(config_path=str(folder / "config.toml"))
    return NmbrsApp(
        launch,
        settings=demo_settings(server.base_url),
        **kwargs,
    )


def test_keymap_path_is_beside_the_config(tmp_path: Path) -> None:
    assert keymap_path(tmp_path / "config.toml") == tmp_path / "keymap.toml"


def test_known_ids_cover_app_panes_screens_and_widgets() -> None:
    ids = known_binding_ids()
    assert {
        "app.pane.calllog",
        "app.refresh",
        "companies.load_periods",
        "detail.reveal",
        "list.filter",
        "table.cursor_down",  # one id set for every table
        "rights.export",
        "help.close",
    } <= ids
    assert "table.down" not in ids  # the second table's own ids are gone


def test_read_keymap_validates_entries(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text(
        '"app.pane.calllog" = "l"\n"app.help" = "h, f1"\n"no.such" = "x"\n'
        '"app.quit" = 3\n"app.info" = ""\n',
        encoding="utf-8",
    )
    found = read_keymap(path, {"app.pane.calllog", "app.help", "app.quit", "app.info"})
    assert found.keymap == {"app.pane.calllog": "l", "app.help": "h,f1"}
    text = "\n".join(found.problems)
    assert "'no.such'" in text and "unknown binding id" in text
    assert "'app.quit'" in text and "'app.info'" in text
    assert read_keymap(tmp_path / "absent.toml", set()).problems == []
    assert valid_keys("ctrl+l,question_mark") and not valid_keys("a,,b")


async def test_remapped_pane_key_from_the_file_works(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    (tmp_path / "keymap.toml").write_text('"app.pane.calllog" = "l"\n', encoding="utf-8")
    app = _app(demo_server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await wait_for(pilot, lambda: app.keymap_file is not None, 10, "the keymap file")
        await pilot.press("l")
        await wait_for(pilot, lambda: app.current_pane == "calllog", 3, "the remapped key")
        await pilot.press("3")
        await pilot.press("6")  # the default key no longer opens the call log
        await pilot.pause()
        assert app.current_pane == "companies"
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen, HelpScreen)
        assert "keymap.toml next to config.toml" in screen_text(app)
        text = app.screen.plain()  # the whole help, also what is scrolled out of view
        line = next(ln for ln in text.splitlines() if "app.pane.calllog" in ln and "Call log" in ln)
        assert line.split()[0] == "l" and " 6 " not in line
        await pilot.press("escape")
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoScreen))
        # the row wraps with the length of the temporary folder's path: test what it says
        assert app._keymap_file_text().endswith("(1 binding(s) remapped)")
        assert "binding(s)" in screen_text(app)


async def test_invalid_keymap_is_reported_and_ignored(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    (tmp_path / "keymap.toml").write_text(
        '"app.pane.calllog" = "l"\n"app.nonsense" = "z"\n', encoding="utf-8"
    )
    app = _app(demo_server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await wait_for(pilot, lambda: app.keymap_file is not None, 10, "the keymap file")
        messages = [n.message for n in app._notifications]
        assert any("'app.nonsense'" in m and "unknown binding id" in m for m in messages)
        await pilot.press("l")  # the valid entry still applies
        await wait_for(pilot, lambda: app.current_pane == "calllog", 3, "the remapped key")
        assert app.is_running


async def test_broken_toml_is_reported_and_default_keys_stay(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    (tmp_path / "keymap.toml").write_text('"app.pane.calllog" = \n[[[', encoding="utf-8")
    app = _app(demo_server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_connected(pilot, app)
        await wait_for(pilot, lambda: app.keymap_file is not None, 10, "the keymap file")
        messages = [n.message for n in app._notifications]
        assert any("not valid TOML" in m and "default keys" in m for m in messages)
        await pilot.press("6")
        await wait_for(pilot, lambda: app.current_pane == "calllog", 3, "the default key")
        assert KEYMAP_NOTE.startswith("Remap keys in keymap.toml")
