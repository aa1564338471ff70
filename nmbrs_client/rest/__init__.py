"""The Nmbrs REST API client: allowlisted GETs on httpx, OAuth 2.0 tokens, typed errors."""
