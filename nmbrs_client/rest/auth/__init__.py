"""OAuth 2.0 for the REST API: credentials, the authorization-code flow, the token store."""
