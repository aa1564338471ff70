"""Embedded demo Nmbrs environment: fixed credentials and the seed of its fictitious data.

Kept import-light on purpose: importing the constants (or :func:`start`, whose servers load on
the first call) must not build any data or load a server.
"""

from __future__ import annotations

from nmbrs_client.demo_identity import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USERNAME
from nmbrs_demo.records import DEMO_SEED, DEMO_TODAY
from nmbrs_demo.running import RunningDemo
from nmbrs_demo.running import start_demo as start

__all__ = [
    "DEMO_DOMAIN",
    "DEMO_SEED",
    "DEMO_TODAY",
    "DEMO_TOKEN",
    "DEMO_USERNAME",
    "RunningDemo",
    "start",
]
