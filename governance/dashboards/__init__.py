"""Board dashboards."""
