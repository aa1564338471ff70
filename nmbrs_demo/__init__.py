"""Embedded demo Nmbrs environment: fixed credentials and the seed of its fictitious data.

Kept import-light on purpose: importing the constants must not build any data or load the server.
"""

from __future__ import annotations

import datetime

from nmbrs_client.demo_identity import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USERNAME

DEMO_SEED = 20261124
DEMO_TODAY = datetime.date(2026, 11, 24)

__all__ = ["DEMO_DOMAIN", "DEMO_SEED", "DEMO_TODAY", "DEMO_TOKEN", "DEMO_USERNAME"]
