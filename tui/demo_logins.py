"""The embedded demo's logins for the client, loaded only when a connection names the demo.

The client holds no demo value (:mod:`nmbrs_client.demo_access`); every entry point that
resolves settings hands it :func:`demo_access`, which imports the demo package only when a
profile or flag says ``environment = "demo"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nmbrs_client.demo_access import DemoAccess


def demo_access() -> DemoAccess:
    from nmbrs_demo.reach import DEMO_ACCESS

    return DEMO_ACCESS
