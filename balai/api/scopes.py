"""What an API key may do beyond reading its owner's own data: named scopes, registered by the apps.

A key with no scopes can call the endpoints that need only an identity (``/me``) and the public ones;
every endpoint that reads or changes more names the scope it needs (``require_scope``).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_SCOPES: dict[str, Promise | str] = {}


def register_scope(name: str, label: Promise | str) -> None:
    _SCOPES[name] = label


def known_scopes() -> dict[str, Promise | str]:
    return dict(_SCOPES)


def scope_choices() -> list[tuple[str, str]]:
    return [(name, f"{name} — {label}") for name, label in sorted(_SCOPES.items())]


register_scope("audit:read", _("Read the audit trail (platform administrators only)"))
