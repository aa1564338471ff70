"""Reusable widgets of the dashboard (virtual table, masking helpers, table panel)."""
