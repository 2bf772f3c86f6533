"""French formatting and ordering, in one place for every page, PDF and CSV."""
