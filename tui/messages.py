"""Messages panes and workers post to the app, so panes never reach into each other and
workers never touch a widget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from nmbrs_client.backend import Company
    from nmbrs_client.history import CheckRecord
    from nmbrs_client.ids import EntityId
    from nmbrs_demo import RunningDemo
    from tui.connect import ConnectionInfo
    from tui.session import Session


class CompanySelected(Message):
    """A company was chosen (companies pane, palette): show its employees and payroll.

    ``chosen_on`` is the pane the choice was made on: the app opens Employees only while the
    user is still there, so a pane key typed before this message arrives is never undone.
    """

    def __init__(self, company: Company, *, chosen_on: str | None = None) -> None:
        super().__init__()
        self.company = company
        self.chosen_on = chosen_on


class EmployeeSelected(Message):
    """An employee was chosen (employees pane, palette): open the employee detail."""

    def __init__(self, company_id: EntityId, employee_id: EntityId) -> None:
        super().__init__()
        self.company_id = company_id
        self.employee_id = employee_id


class StatusUpdate(Message):
    """A short line for the app's status bar (loading, counts, errors)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class LastCheckKnown(Message):
    """The last recorded check of the connected profile and API (``None``: there is none,
    ``note`` says why), read when the session opens and posted again after each check."""

    def __init__(self, record: CheckRecord | None, note: str = "") -> None:
        super().__init__()
        self.record = record
        self.note = note


class ConnectionChanged(Message):
    """The app (re)connected or failed to: panes holding session data should reload."""

    def __init__(self, ok: bool, error: str | None = None) -> None:
        super().__init__()
        self.ok = ok
        self.error = error


class ConnectionProgress(Message):
    """A new snapshot of the connection (posted from the connect worker's thread)."""

    def __init__(self, info: ConnectionInfo) -> None:
        super().__init__()
        self.info = info


class SessionReady(Message):
    """The connect worker built a session: mount the data panes on it."""

    def __init__(self, session: Session, demo_server: RunningDemo | None) -> None:
        super().__init__()
        self.session = session
        self.demo_server = demo_server
