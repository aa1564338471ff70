"""Embedded demo Nmbrs environment: how to start it, its fixed credentials and how a client
reaches it, and the seed of its fictitious data.

Kept import-light on purpose: importing the constants (or :func:`start`, whose servers load on
the first call) must not build any data or load a server.
"""

from __future__ import annotations

from nmbrs_demo.credentials import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USERNAME
from nmbrs_demo.reach import DEMO_ACCESS, demo_access, demo_settings
from nmbrs_demo.records import DEMO_SEED, DEMO_TODAY
from nmbrs_demo.running import RunningDemo
from nmbrs_demo.running import start_demo as start

__all__ = [
    "DEMO_ACCESS",
    "DEMO_DOMAIN",
    "DEMO_SEED",
    "DEMO_TODAY",
    "DEMO_TOKEN",
    "DEMO_USERNAME",
    "RunningDemo",
    "demo_access",
    "demo_settings",
    "start",
]
