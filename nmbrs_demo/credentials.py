"""The fixed credentials of the embedded demo Nmbrs: what its servers accept.

Every value is a public demo constant (the same in every copy of nmbrs-tui), not a secret. The
client holds none of them: it is handed them through :mod:`nmbrs_demo.reach` when a demo is
started or named, and a test fails if one of them appears in ``nmbrs_client``.
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
# Where the REST demo serves its identity service, below the API's own address.
IDENTITY_PREFIX = "/identity"

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
    "IDENTITY_PREFIX",
]
