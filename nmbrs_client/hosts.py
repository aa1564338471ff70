"""Nmbrs' own REST hosts: the API and its identity service in production (there is no sandbox).

Kept outside the REST client so that the configuration can name them without loading it.
"""

from __future__ import annotations

PRODUCTION_API_URL = "https://api.nmbrsapp.com"
PRODUCTION_IDENTITY_URL = "https://identityservice.nmbrs.com"
DEFAULT_REDIRECT_URI = "http://localhost:8765/callback"
