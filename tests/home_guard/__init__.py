"""The guard that keeps a test run out of the user's real nmbrs-tui folders (see sitecustomize)."""
