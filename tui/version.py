"""Which nmbrs-tui this is (shown by ``--version``, in reports, bundles and the history)."""

from __future__ import annotations


def version() -> str:
    """The version, from the one place it is written (the package metadata is made from it)."""
    from nmbrs_client.version import VERSION

    return VERSION
