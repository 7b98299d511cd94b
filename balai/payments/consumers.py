"""Event consumers of the payments app (registered in apps.ready)."""
