"""The fixed credentials of the embedded demo Nmbrs, known to the client's config resolver.

They live here, not in ``nmbrs_demo``, so that resolving ``environment = "demo"`` never imports
the demo package: the demo server imports these, never the other way round.
"""

from __future__ import annotations

DEMO_USERNAME = "demo@example.com"
DEMO_TOKEN = "demo-token"  # a public demo value, not a secret
DEMO_DOMAIN = "demo"

__all__ = ["DEMO_DOMAIN", "DEMO_TOKEN", "DEMO_USERNAME"]
