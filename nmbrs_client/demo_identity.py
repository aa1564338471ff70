"""The fixed credentials of the embedded demo Nmbrs, known to the client's config resolver.

They live here, not in ``nmbrs_demo``, so that resolving ``environment = "demo"`` never imports
the demo package: the demo server imports these, never the other way round. Every value is a
public demo constant (the same in every copy of nmbrs-tui), not a secret.
"""

from __future__ import annotations

# SOAP v3 demo
DEMO_USERNAME = "demo@example.com"
DEMO_TOKEN = "demo-token"  # a public demo value, not a secret
DEMO_DOMAIN = "demo"

# REST demo (api = "rest"): the app registration and product subscription of the demo.
DEMO_REST_CLIENT_ID = "PartnerApp_nmbrs-tui-demo_d3m0"
# Holds "$", "*" and "+" on purpose: a client that does not percent-encode the secret before
# Basic auth (RFC 6749 §2.3.1) gets invalid_client, as on the real identity service.
DEMO_REST_CLIENT_SECRET = "demo$secret*for+nmbrs-tui"  # a public demo value, not a secret
DEMO_REST_SUBSCRIPTION_KEY = "0d3m0000000000000000000000005ub5"  # public demo value
# The registered redirect URIs (at most 5 per app). Nothing needs to listen on them: after the
# consent the browser lands there and the user pastes the address back into the terminal.
DEMO_REST_REDIRECT_URIS: tuple[str, ...] = (
    "http://localhost:8765/callback",
    "http://127.0.0.1:8765/callback",
    "http://localhost:4000/callback",
    "http://127.0.0.1:4000/callback",
)
DEMO_REST_USER_EMAIL = "demo@example.com"
DEMO_REST_USER_NAME = "Demo Klantlogin"

__all__ = [
    "DEMO_DOMAIN",
    "DEMO_REST_CLIENT_ID",
    "DEMO_REST_CLIENT_SECRET",
    "DEMO_REST_REDIRECT_URIS",
    "DEMO_REST_SUBSCRIPTION_KEY",
    "DEMO_REST_USER_EMAIL",
    "DEMO_REST_USER_NAME",
    "DEMO_TOKEN",
    "DEMO_USERNAME",
]
