"""Which nmbrs-tui this is (shown by ``--version``, in reports, bundles and the history)."""

from __future__ import annotations


def version() -> str:
    """The installed package's version (``pip install .`` / ``pipx`` / ``uv tool``)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("nmbrs-tui")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown (not installed)"
