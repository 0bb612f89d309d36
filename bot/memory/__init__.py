"""Memory: extract, store and recall per-user memories."""
