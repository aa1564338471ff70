"""Modal screens of the dashboard (help, info, errors) and the data panes' detail screens."""
