"""Evidence files, versions and links."""
