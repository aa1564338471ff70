"""What the dashboard saves to the download folder: the support bundle and a masked screenshot.

Both are written 0600 and never over an existing file, and both say in a toast where they
went or why they could not be written (the folder is the profile's ``download_dir``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from tui.session import Session


def save_support_bundle(
    app: App[Any], session: Session | None, lang: str | None, now: datetime
) -> Path | None:
    """Write the support bundle (zip, 0600) into the download folder and say where."""
    from tui.bundle import BundleInputs, write_bundle
    from tui.headless.history_cmd import recent_checks

    if session is None:
        app.notify("Not connected yet: nothing to bundle.", severity="warning")
        return None
    report = None
    chosen = lang or "en"
    try:
        from tui.panes.rights import RightsPane

        rights = app.query_one(RightsPane)
        report = rights.report
        chosen = lang or rights.report_lang
    except Exception:  # no rights pane mounted (an unavailable module): bundle the rest
        report = None
    calls = session.backend.call_log.records()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    name = session.profile_name or "session"
    history, note = recent_checks(session.settings)
    try:
        path = write_bundle(
            session.download_dir / f"support-bundle-{name}-{stamp}.zip",
            BundleInputs(
                report=report,
                lang=chosen,
                calls=calls,
                settings=session.settings,
                created_at=now,
                history=history,
                notes=[note] if note else [],
            ),
        )
    except OSError as error:
        app.notify(
            f"Support bundle not written: {error.strerror or error}. Check the download "
            "folder (download_dir in config.toml).",
            severity="error",
            timeout=8,
        )
        return None
    missing = "" if report is not None else " No finished rights check: run it (2) first."
    app.notify(
        f"Saved {path} (mode 0600): report, {len(calls)} calls, versions, settings.{missing}",
        title="Support bundle",
        timeout=10,
    )
    return path


def save_screenshot(
    app: App[Any], session: Session | None, masked_now: bool, now: datetime
) -> Path | None:
    """Save the screen as SVG (0600) in the download folder and say where."""
    from nmbrs_client.config import default_download_dir
    from nmbrs_client.private_file import write_new_private_file

    folder = session.download_dir if session is not None else default_download_dir()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    try:
        svg = app.export_screenshot()
        path = write_new_private_file(folder, f"screenshot-{stamp}", ".svg", svg.encode("utf-8"))
    except OSError as error:
        app.notify(
            f"Screenshot not saved: {error.strerror or error}. Check the download folder "
            "(download_dir in config.toml).",
            severity="error",
            timeout=8,
        )
        return None
    note = " Personal data was masked for it (v reveals again)." if masked_now else ""
    app.notify(f"Saved {path} (mode 0600).{note}", title="Screenshot", timeout=8)
    return path
