"""Masking of personal data for display: pages and logs show enough to recognise, never the whole value."""

from __future__ import annotations


def mask_email(address: str | None) -> str:
    """``budi.santoso@contoh.go.id`` → ``b••••@contoh.go.id``."""
    if not address:
        return ""
    local, _sep, domain = address.partition("@")
    if not domain:
        return "•" * min(len(address), 8)
    return local[:1] + "•" * 4 + "@" + domain
