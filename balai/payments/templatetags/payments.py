"""Template filters of the payment pages: rupiah amounts and payment codes in readable groups."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def rupiah(value: Any) -> str:
    """``1250000`` → ``Rp1.250.000`` (the Indonesian way, whatever the page's language)."""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


@register.filter
def grouped(value: Any) -> str:
    """``9901000000001236`` → ``9901 0000 0000 1236``: easier to read aloud and to type at a bank."""
    text = str(value or "")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
