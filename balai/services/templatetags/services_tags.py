"""Template helpers of the catalogue: rupiah amounts and file-type lists."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def rupiah(amount: Any) -> str:
    """``100000`` → ``Rp 100.000`` (Indonesian thousands separator, whole rupiah)."""
    if amount is None or amount == "":
        return ""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    sign = "-" if value < 0 else ""
    return f"Rp {sign}{abs(value):,}".replace(",", ".")


@register.filter
def file_types(extensions: Any) -> str:
    """``["pdf", "jpg"]`` → ``PDF, JPG``."""
    if not extensions:
        return ""
    return ", ".join(str(ext).upper() for ext in extensions)
