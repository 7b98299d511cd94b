"""Template filters of the tax pages: rupiah amounts and NOP in their printed form."""

from __future__ import annotations

from typing import Any

from django import template

from balai.taxes.nop import format_nop

register = template.Library()


def format_rupiah(value: Any) -> str:
    """``1170000`` → ``Rp 1.170.000`` (the Indonesian thousands separator, whatever the page's language)."""
    if value is None or value == "":
        return "–"
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    sign = "-" if number < 0 else ""
    return f"{sign}Rp {abs(number):,}".replace(",", ".")


@register.filter
def rupiah(value: Any) -> str:
    return format_rupiah(value)


@register.filter
def nop(value: Any) -> str:
    return format_nop(str(value or ""))
