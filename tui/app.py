"""The dashboard shell: header badges, pane switching, connecting, palette, help and errors.

Construct it in one of three ways::

    NmbrsApp(LaunchOptions(profile="acme"))        # what `nmbrs-tui` does: config → connect
    NmbrsApp(LaunchOptions(demo=True, scenario="flaky"))
    NmbrsApp(settings=ConnectionSettings(...))     # tests: skip config, build the client
    NmbrsApp(session=Session(settings, client))    # tests: use this client as it is

Keyword options: ``deterministic=True`` (fixed clock, no durations or ports on screen: for
snapshots), ``today=date(...)``, ``theme="ansi-dark"``, ``keymap={"app.help": "h"}``,
``exit_after_first_frame=True`` (startup benchmark).

The first frame never waits for the network: connecting runs in a thread worker that posts
:class:`ConnectionProgress` snapshots; the data panes are mounted once a session exists (they
need its client) and are replaced on reconnect or profile switch.
"""

from __future__ import annotations

import datetime
import gc
import os
import signal
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static
from textual.worker import Worker, WorkerState, get_current_worker

from tui.commands import (
    JumpTo,
    JumpToRights,
    Reconnect,
    ShowHelp,
    ShowInfo,
    ShowPane,
    StartDemo,
    SwitchProfile,
    WriteSupportBundle,
)
from tui.connect import (
    CANCELLED,
    CONNECTED,
    FAILED,
    NO_CONFIG,
    ConnectionInfo,
    Connector,
    LaunchOptions,
)
from tui.header import header_text, tabs_text
from tui.keys import Context, bindings
from tui.messages import (
    CompanySelected,
    ConnectionChanged,
    ConnectionProgress,
    EmployeeSelected,
    LastCheckKnown,
    SessionReady,
    StatusUpdate,
)
from tui.palette import JumpCommands, PaneCommands, ProfileCommands
from tui.panes import PANE_IDS, PANES, Pane, pane_class
from tui.panes.connection import ConnectionPane
from tui.widgets.footer import Footer

if TYPE_CHECKING:
    from textual.command import CommandListItem
    from textual.widget import AwaitMount

    from nmbrs_client.ids import EntityId
    from nmbrs_client.settings import ConnectionSettings
    from tui.data.targets import Target
    from tui.session import Session

# The demo world's own "today" (DEMO_TODAY), so frozen pictures agree with its data.
FROZEN_NOW = datetime.datetime(2026, 11, 24, 9, 30, 0)


class _FirstScreen(Screen[Any]):
    """The app's first screen: focus (which repaints the footer) waits for the first frame."""

    AUTO_FOCUS = ""


class NmbrsApp(App[int]):
    """Read-only Nmbrs support dashboard (see the module docstring for the constructor)."""

    TITLE = "nmbrs-tui"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {PaneCommands, ProfileCommands, JumpCommands}

    BINDINGS = bindings(Context.APP)

    def __init__(
        self,
        launch: LaunchOptions | None = None,
        *,
        session: Session | None = None,
        settings: ConnectionSettings | None = None,
        deterministic: bool = False,
        today: datetime.date | None = None,
        theme: str | None = None,
        keymap: dict[str, str] | None = None,
        exit_after_first_frame: bool = False,
        started_at: float | None = None,
    ) -> None:
        super().__init__()
        self.launch = launch or LaunchOptions()
        self.session: Session | None = None
        self._gc_frozen = False  # this session's objects are frozen (see _freeze_for_gc)
        self._gc_thawed = False  # a replaced session was thawed: its cycles wait to be collected
        self._given_session = session
        self._given_settings = settings
        self.deterministic = deterministic
        self.today = today or (FROZEN_NOW.date() if deterministic else None)
        self.keymap: dict[str, str] = dict(keymap or {})
        self._given_keymap = dict(keymap or {})
        self.keymap_file: Any | None = None  # tui.keymap.KeymapFile, once read
        self.connection_info = ConnectionInfo()
        self.current_pane = "connection"
        self.status_text = ""
        self.last_screenshot: Path | None = None
        self.last_bundle: Path | None = None
        self.demo_server: Any | None = None
        self._wanted_theme = theme
        self._exit_after_first_frame = exit_after_first_frame
        self._started_at = started_at
        self.first_frame_s: float | None = None
        self.crash_message: str | None = None
        if deterministic:
            self.animation_level = "none"

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(header_text(self.connection_info), id="topbar")
        yield Static(tabs_text(self.current_pane), id="tabs")
        with ContentSwitcher(initial="connection", id="panes"):
            yield ConnectionPane(id="connection", deterministic=self.deterministic)
            yield Static(
                "Not connected yet: this pane opens once the connection is up (see pane 1).",
                id="waiting",
            )
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        if self._wanted_theme:
            if self._wanted_theme in self.available_themes:
                self.theme = self._wanted_theme
            else:
                self.notify(
                    f"Unknown theme {self._wanted_theme!r}; available: "
                    f"{', '.join(sorted(self.available_themes))}",
                    severity="warning",
                )
        if self._exit_after_first_frame:
            self.call_after_refresh(self._report_first_frame)
        # Reading keymap.toml and connecting import the config (pydantic-settings), zeep and
        # the demo server: started after the first frame, so their imports never delay it;
        # so are the thread workers' executor and the hang-up handler, which only matter
        # once a call can be in flight.
        self.call_after_refresh(self._after_first_frame)

    def get_default_screen(self) -> Screen[Any]:
        return _FirstScreen(id="_default")

    def _after_first_frame(self) -> None:
        import asyncio

        from tui.daemon_executor import install

        install(asyncio.get_running_loop())  # quitting never waits for a hanging call
        self._install_sighup()
        if self.screen.focused is None:  # Textual's AUTO_FOCUS, once the frame is drawn
            chain = self.screen.focus_chain
            if chain:
                self.screen.set_focus(chain[0])
        self._read_keymap_file()
        self.start_connect()

    @work(thread=True, exclusive=True, group="keymap", exit_on_error=False)
    def _read_keymap_file(self) -> None:
        """Read keymap.toml beside config.toml off the UI thread (validation imports panes)."""
        from tui.keymap import KeymapFile, keymap_path, read_keymap

        try:
            path = keymap_path(self.launch.config_path)
            found = read_keymap(path)
        except Exception as exc:  # an unreadable config location must not stop the app
            found = KeymapFile(Path("keymap.toml"), problems=[f"keymap.toml not read: {exc}"])
        self.call_from_thread(self._apply_keymap_file, found)

    def _apply_keymap_file(self, found: Any) -> None:
        self.keymap_file = found
        if found.keymap:
            self.keymap = {**found.keymap, **self._given_keymap}  # explicit keymap= wins
            self.set_keymap(self.keymap)
        for problem in found.problems:
            self.notify(problem, title="keymap.toml", severity="warning", timeout=12)

    def _report_first_frame(self) -> None:
        started = self._started_at if self._started_at is not None else time.perf_counter()
        self.first_frame_s = time.perf_counter() - started
        self.exit(0)  # the command prints first_frame_s once the terminal is restored

    def _install_sighup(self) -> None:
        """Leave when the terminal goes away: a normal exit, forced after a grace period.

        Restoring a terminal that has gone can block on a write, and a call waiting on the
        network must not keep the process alive; see :mod:`tui.crash`.
        """
        if not hasattr(signal, "SIGHUP") or self.is_headless:
            return
        import asyncio

        from tui.crash import install_hangup_exit

        loop = asyncio.get_running_loop()
        install_hangup_exit(lambda: loop.call_soon_threadsafe(self._on_hangup))

    def _on_hangup(self) -> None:
        from nmbrs_client.exit_codes import ExitCode

        session = self.session
        if session is not None:
            session.backend.stop_retrying()  # a worker waiting to retry gives up now
        self.exit(ExitCode.HANGUP)

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected exception: traceback to a 0600 log file, one line on the terminal.

        Textual's default prints the traceback with local variables (customer data) and the
        process would end with status 0 from ``app.run()``; here the exit status is 70.
        """
        from nmbrs_client.exit_codes import ExitCode
        from tui.crash import crash_line, write_crash_log

        self._return_code = ExitCode.CRASH
        if self._exception is None:  # Pilot tests re-raise the first exception
            self._exception = error
            self._exception_event.set()
        log = write_crash_log(error)
        self.crash_message = crash_line(error, log)
        self._exit_renderables.append(Text(self.crash_message))
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        gc.unfreeze()  # see _freeze_for_gc
        self._close_session()
        if self.demo_server is not None:
            self.demo_server.stop()
            self.demo_server = None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast shows its text literally: messages quote server text and file names.

        Markup is off whatever the caller asks, and control characters are made visible; a
        line feed stays a real line break (a fault, then its fix), never a literal ``\\n``.
        """
        from nmbrs_client import textsafe

        super().notify(
            textsafe.block(message),
            title=textsafe.line(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_command_palette(self) -> None:
        """Textual's palette, guarded against a second ``enter`` (see tui.screens.guarded)."""
        from textual.command import CommandPalette

        from tui.screens.guarded import GuardedCommandPalette

        if not self.use_command_palette or CommandPalette.is_open(self):  # type: ignore[arg-type]
            return
        if self._screen_still_mounted(lambda screen: isinstance(screen, CommandPalette)):
            return  # one is closing: a second one with its id would be a DuplicateIds crash
        self.push_screen(GuardedCommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        """Textual's theme picker (the palette's "Theme"), with the palette's guards."""
        from textual.theme import ThemeProvider

        from tui.screens.guarded import GuardedCommandPalette

        self.push_screen(
            GuardedCommandPalette(providers=[ThemeProvider], placeholder="Search for themes…")
        )

    def search_commands(
        self, commands: Sequence[CommandListItem], placeholder: str = "Search for commands…"
    ) -> AwaitMount:
        """Textual's list of commands (e.g. "Keys"), with the palette's guards."""
        from textual.command import SimpleProvider

        from tui.screens.guarded import GuardedCommandPalette

        return self.push_screen(
            GuardedCommandPalette(
                # Textual's own search_commands passes the provider instance this way too
                providers=[SimpleProvider(self.screen, list(commands))],  # type: ignore[list-item]
                placeholder=placeholder,
            )
        )

    def _screen_still_mounted(self, wanted: Callable[[Screen[Any]], bool]) -> bool:
        """True while such a screen is on the stack or still being removed from the app."""
        return any(
            isinstance(node, Screen) and wanted(node) for node in (*self._nodes, *self.screen_stack)
        )

    def pop_screen(self) -> Any:
        """Never pop the last screen: a late second dismissal is ignored, not a crash."""
        from tui.screens.guarded import nothing_to_await

        if len(self.screen_stack) <= 1:
            return nothing_to_await()
        return super().pop_screen()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's own "Screenshot" writes what is on screen (revealed BSN and salary
        # included) to ~/Downloads with the umask's mode: ours masks first and saves 0600.
        # "Keys" is Textual's key panel: ours is "Help: keys" (and "Info: versions and config"),
        # listed once each by the pane commands.
        for command in super().get_system_commands(screen):
            if command.title not in ("Screenshot", "Keys"):
                yield command
        yield SystemCommand(
            "Screenshot",
            "Save an SVG of the screen, personal data masked, in the download folder (0600)",
            self.action_masked_screenshot,
        )

    def action_support_bundle(self, lang: str | None = None) -> None:
        """Write the support bundle (zip, 0600) into the download folder and say where."""
        from tui.saves import save_support_bundle

        path = save_support_bundle(self, self.session, lang, self._now())
        self.last_bundle = path or self.last_bundle

    def action_masked_screenshot(self) -> None:
        """Mask personal data on every screen, then save the screen once it has repainted."""
        from tui.widgets.masking import MasksPersonalData

        masked = False
        for screen in self.screen_stack:
            if isinstance(screen, MasksPersonalData):
                masked = screen.mask_personal_data() or masked
        self.call_after_refresh(self._save_masked_screenshot, masked)

    def _save_masked_screenshot(self, masked_now: bool) -> None:
        from tui.saves import save_screenshot

        path = save_screenshot(self, self.session, masked_now, self._now())
        self.last_screenshot = path or self.last_screenshot

    def _now(self) -> datetime.datetime:
        return FROZEN_NOW if self.deterministic else datetime.datetime.now()

    # -- header ----------------------------------------------------------------------------
    def _refresh_bars(self) -> None:
        if not self.query("#topbar"):
            return
        self.query_one("#topbar", Static).update(header_text(self.connection_info))
        self.query_one("#tabs", Static).update(tabs_text(self.current_pane))
        self.query_one("#status", Static).update(Text(self.status_text))

    def set_status(self, text: str) -> None:
        self.status_text = text
        self._refresh_bars()

    # -- panes -----------------------------------------------------------------------------
    def pane(self, pane_id: str) -> Pane | None:
        found = self.query(f"#panes > #{pane_id}")
        first = found.first() if found else None
        return first if isinstance(first, Pane) else None

    def show_pane(self, pane_id: str) -> None:
        """Make ``pane_id`` visible (or the waiting note until a session exists)."""
        if pane_id not in PANE_IDS:
            return
        self.current_pane = pane_id
        switcher = self.query_one("#panes", ContentSwitcher)
        target = self.pane(pane_id)
        switcher.current = target.id if target is not None else "waiting"
        self._refresh_bars()
        if target is not None:
            self.call_after_refresh(self._pane_shown, target)

    def _pane_shown(self, pane: Pane) -> None:
        pane.on_show_pane()
        if (
            self.screen.focused is None
            or not self.screen.focused.is_attached
            or pane not in self.screen.focused.ancestors_with_self
        ):
            for widget in [pane, *pane.query("*")]:
                if widget.focusable and widget.display:
                    widget.focus()
                    break

    def action_show_pane(self, pane_id: str) -> None:
        self.show_pane(pane_id)

    def action_refresh_pane(self) -> None:
        pane = self.pane(self.current_pane)
        if pane is not None:
            pane.refresh_data()
        elif self.current_pane != "connection":
            self.notify("Not connected yet: press 1, then r to reconnect.", severity="warning")

    def action_cancel_load(self) -> None:
        pane = self.pane(self.current_pane)
        if pane is not None:
            pane.cancel_load()

    def action_help(self) -> None:
        """Help for where the focus is: its widget, the containers above it, the app."""
        from tui.screens.help import HelpScreen, chain_sections

        if self._screen_still_mounted(lambda screen: isinstance(screen, HelpScreen)):
            return  # one is open or still closing: a second one is never what the key meant
        focused = self.screen.focused
        node = focused if focused is not None else self.pane(self.current_pane) or self.screen
        self.push_screen(HelpScreen(chain_sections(node), self.keymap))

    def action_info(self) -> None:
        from tui.screens.info import InfoScreen, info_rows

        info = self.connection_info
        rows = [
            ("config file", info.config_path or "(not read)"),
            ("profile", info.profile or "—"),
            ("environment", info.environment or "—"),
            *((e.role, f"{e.url} ({e.source})") for e in info.endpoints),
            ("username", info.username or "—"),
            ("domain", f"{info.domain or '—'} ({info.domain_source or '—'})"),
            ("theme", self.theme),
            ("keymap file", self._keymap_file_text()),
            ("NO_COLOR", "set" if os.environ.get("NO_COLOR") else "not set"),
        ]
        if self.session is not None:
            rows.append(("download folder", str(self.session.download_dir)))
        self.push_screen(InfoScreen(info_rows(rows)))

    def _keymap_file_text(self) -> str:
        found = self.keymap_file
        if found is None:
            return "(not read yet)"
        if not found.exists:
            return f"{found.path} (not present: default keys)"
        state = f"{len(found.keymap)} binding(s) remapped"
        if found.problems:
            state += f", {len(found.problems)} problem(s) ignored"
        return f"{found.path} ({state})"

    def show_error(self, title: str, message: str, hint: str = "", details: str = "") -> None:
        from tui.screens.error import ErrorScreen

        self.push_screen(ErrorScreen(title, message, hint, details))

    # -- connecting ------------------------------------------------------------------------
    def start_connect(self, launch: LaunchOptions | None = None) -> None:
        if launch is not None:
            self.launch = launch
        self.connection_info = ConnectionInfo(profiles=self.connection_info.profiles)
        self._show_info(self.connection_info)
        self._connect()

    @work(thread=True, exclusive=True, group="connect", exit_on_error=False)
    def _connect(self) -> None:
        worker = get_current_worker()

        def report(info: ConnectionInfo) -> None:
            if not worker.is_cancelled:  # a cancelled attempt must not repaint the pane
                self.post_message(ConnectionProgress(info))

        connector = Connector(report, lambda: worker.is_cancelled)
        connector.info = self.connection_info
        session = self._given_session
        demo_server = self.demo_server
        if session is None:
            settings = self._given_settings
            config = None
            if settings is None:
                settings, config, demo_server = connector.load_settings(self.launch, demo_server)
                if demo_server is not self.demo_server:
                    self.call_from_thread(setattr, self, "demo_server", demo_server)
                if settings is None or worker.is_cancelled:
                    return
            else:
                from tui.connect import settings_from_info

                connector.info = settings_from_info(connector.info, settings)
            current = self.session
            if (
                current is not None
                and current.settings == settings
                and (config is None or current.config == config)
            ):
                # Reconnecting to the same place keeps the session, so the panes (and what
                # the user was looking at) survive a failed attempt; r in a pane refetches.
                session = current
            else:
                from nmbrs_client.connect import open_backend
                from tui.session import Session

                today = self.today
                backend = open_backend(
                    settings, today=(lambda: today) if today else datetime.date.today
                )
                session = Session(
                    settings,
                    backend,
                    today=self.today,
                    deterministic=self.deterministic,
                    now=(lambda: FROZEN_NOW) if self.deterministic else None,
                    config=config,
                )
        else:
            from tui.connect import settings_from_info

            connector.info = settings_from_info(connector.info, session.settings)
            self._given_settings = session.settings  # a reconnect rebuilds the client
        self._given_session = None
        self.post_message(SessionReady(session, demo_server))
        if worker.is_cancelled:
            return
        connector.check(session.backend, session.data)

    @on(ConnectionProgress)
    def _on_progress(self, message: ConnectionProgress) -> None:
        self._show_info(message.info)

    def _show_info(self, info: ConnectionInfo) -> None:
        previous = self.connection_info.stage
        self.connection_info = info
        for pane in self.query(ConnectionPane):
            pane.show_info(info)
        self._refresh_bars()
        if info.stage != previous and info.stage in (CONNECTED, FAILED, NO_CONFIG):
            self._announce(info)

    def _announce(self, info: ConnectionInfo) -> None:
        if info.stage == CONNECTED:
            self._freeze_for_gc()
            self.set_status(f"Connected to {info.hosts_text} as {info.username}")
            self.post_message(ConnectionChanged(True))
        elif info.stage == FAILED:
            self.set_status(f"✗ {info.last_error}")
            self.notify(
                f"{info.last_error}\n{info.last_hint or ''}".strip(),
                title="Connection failed",
                severity="error",
                timeout=8,
            )
            self.post_message(ConnectionChanged(False, info.last_error))
        elif info.stage == NO_CONFIG:
            self.set_status("No profile configured: press d for the demo, or see pane 1")

    def _freeze_for_gc(self) -> None:
        """What exists once connected lives as long as the session: the modules, the DOM, the
        parsed WSDLs (about 90,000 objects). CPython's full collections walked all of them
        again each time: twice, ~0.1 s of CPU, while a 5,000-employee company's replies were
        read and shown. Frozen, collections skip them (reference counting still frees them);
        a session that is replaced, or the app that exits, thaws them first.

        Frozen garbage cycles are never collected, so the replaced session's (thawed, not yet
        collected) are collected before the next freeze, and a reconnect that keeps its
        session does not freeze again: otherwise every profile switch kept the old session and
        its client alive for good (~8,000 more frozen objects a switch)."""
        if self._gc_frozen:
            return
        if self._gc_thawed:
            gc.collect()
            self._gc_thawed = False
        gc.freeze()
        self._gc_frozen = True

    @on(SessionReady)
    async def _on_session_ready(self, message: SessionReady) -> None:
        self.demo_server = message.demo_server
        await self._mount_session(message.session)
        self._read_last_check(message.session.settings)

    @work(thread=True, exclusive=True, group="last-check", exit_on_error=False)
    def _read_last_check(self, settings: ConnectionSettings) -> None:
        """The Connection pane's "Last check": the newest recorded check of this profile, API,
        environment and demo scenario (a check of another scenario says nothing of this one)."""
        from nmbrs_client.history import History, HistoryError, world_of_settings

        world = world_of_settings(settings)
        try:
            found = History().find("last", world)
        except HistoryError as exc:
            self.post_message(LastCheckKnown(None, f"the check history cannot be read: {exc.hint}"))
            return
        note = f"none recorded for {world.in_words()} yet (2 runs the rights check)"
        self.post_message(LastCheckKnown(found, note))

    @on(LastCheckKnown)
    def _on_last_check(self, message: LastCheckKnown) -> None:
        for pane in self.query(ConnectionPane):
            pane.show_last_check(message.record, message.note)

    async def _mount_session(self, session: Session) -> None:
        old = self.session
        switcher = self.query_one("#panes", ContentSwitcher)
        if old is not None and old is not session:
            gc.unfreeze()  # see _freeze_for_gc
            self._gc_frozen = False
            self._gc_thawed = True
            switcher.current = "connection"
            for pane_id in PANE_IDS[1:]:
                pane = self.pane(pane_id)
                if pane is not None:
                    await pane.remove()
            old.close()
        self.session = session
        if old is session:
            return
        panes = [pane_class(spec)(session, id=spec.id) for spec in PANES[1:]]
        for pane in panes:
            pane.display = False  # ContentSwitcher hides only the children it starts with
        await switcher.mount_all(panes)
        self.show_pane(self.current_pane)

    def _close_session(self) -> None:
        if self.session is not None:
            self.session.close()

    def action_reconnect(self) -> None:
        self.notify("Reconnecting…", timeout=2)
        self.workers.cancel_group(self, "connect")
        self.start_connect()

    def action_cancel_connect(self) -> None:
        if self.connection_info.busy:
            self.workers.cancel_group(self, "connect")
            self._show_info(self.connection_info.with_(stage=CANCELLED))
            self.notify("Connection attempt cancelled; press r to try again.")

    def action_start_demo(self) -> None:
        """The demo; when a demo is running already, the same one again (its API, scenario
        and latency: restarting a REST demo never silently opens the SOAP one)."""
        self._given_settings = None
        was = self.launch if self.launch.demo else LaunchOptions()
        self.start_connect(
            LaunchOptions(demo=True, api=was.api, scenario=was.scenario, latency_ms=was.latency_ms)
        )
        self.show_pane("connection")

    def switch_profile(self, name: str) -> None:
        self._given_settings = None
        self.start_connect(
            LaunchOptions(
                profile=name, config_path=self.launch.config_path, environment_credentials=False
            )
        )
        self.show_pane("connection")

    # -- commands from the palette ---------------------------------------------------------
    @on(ShowPane)
    def _on_show_pane_command(self, command: ShowPane) -> None:
        self.show_pane(command.pane_id)

    @on(ShowHelp)
    def _on_help_command(self, _command: ShowHelp) -> None:
        self.action_help()

    @on(ShowInfo)
    def _on_info_command(self, _command: ShowInfo) -> None:
        self.action_info()

    @on(Reconnect)
    def _on_reconnect_command(self, _command: Reconnect) -> None:
        self.action_reconnect()

    @on(WriteSupportBundle)
    def _on_bundle_command(self, command: WriteSupportBundle) -> None:
        self.action_support_bundle(command.lang)

    @on(SwitchProfile)
    def _on_switch_profile_command(self, command: SwitchProfile) -> None:
        self.switch_profile(command.profile)

    @on(StartDemo)
    def _on_start_demo_command(self, _command: StartDemo) -> None:
        self.action_start_demo()

    @on(JumpTo)
    def _on_jump_command(self, command: JumpTo) -> None:
        self.jump_to(command.target)

    @on(JumpToRights)
    def _on_jump_rights_command(self, command: JumpToRights) -> None:
        self.jump_rights_company(command.company_id)

    # -- messages from panes ---------------------------------------------------------------
    @on(StatusUpdate)
    def _on_status(self, message: StatusUpdate) -> None:
        self.set_status(message.text)

    @on(CompanySelected)
    def _on_company(self, message: CompanySelected) -> None:
        for pane_id in ("employees", "payroll"):
            hook = getattr(self.pane(pane_id), "show_company", None)
            if callable(hook):
                hook(message.company)
        if message.chosen_on in (None, self.current_pane):  # the view moves only when asked
            self.show_pane("employees")

    @on(EmployeeSelected)
    def _on_employee(self, message: EmployeeSelected) -> None:
        pane = self.pane("employees")
        hook = getattr(pane, "show_employee", None)
        self.show_pane("employees")
        if callable(hook):
            hook(message.company_id, message.employee_id)

    def jump_rights_company(self, company_id: EntityId) -> None:
        """Palette: the rights of one company, among however many the check covered."""
        from tui.panes.rights import RightsPane

        self.show_pane("rights")
        self.query_one(RightsPane).jump_to_company(company_id)

    def jump_to(self, target: Target) -> None:
        """Palette jump: select the company (and open the employee)."""
        company = target.company
        if self.session is not None:
            from tui.data.kinds import COMPANIES

            for item in self.session.data.get(COMPANIES, None) or []:
                if item.id == target.company_id:
                    company = item
        if company is not None:
            self.post_message(CompanySelected(company))
        if target.employee_id is not None:
            self.post_message(EmployeeSelected(target.company_id, target.employee_id))

    # -- errors from workers, in one place ---------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if error is None:
            return
        from tui.connect import describe_error

        what, hint, _code = describe_error(error)
        if event.worker.group == "connect":
            self._show_info(
                self.connection_info.with_(stage=FAILED, last_error=what, last_hint=hint)
            )
        self.show_error(
            f"{event.worker.name or 'task'} failed",
            what,
            hint,
            details=f"{type(error).__name__}: {what}",
        )
