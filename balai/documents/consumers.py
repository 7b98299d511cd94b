"""Event consumers of the documents app (registered in apps.ready)."""
