"""Documents and evidence packs built by jobs."""
