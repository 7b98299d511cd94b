"""Readable names for audit actions (like Wagtail's ``log_actions``): each app registers its dotted
action names with a lazily translated label; unknown actions show their raw name."""

from __future__ import annotations

from django.utils.functional import Promise

_labels: dict[str, Promise | str] = {}


def register(action: str, label: Promise | str) -> None:
    """Register (or re-register) the label of ``action``, e.g. ``register("case.transitioned", _("..."))``."""
    if not action or " " in action:
        raise ValueError(f"invalid audit action name: {action!r}")
    _labels[action] = label


def label_for(action: str) -> str:
    label = _labels.get(action)
    return str(label) if label is not None else action


def is_registered(action: str) -> bool:
    return action in _labels


def registered_actions() -> dict[str, Promise | str]:
    return dict(_labels)


def choices() -> list[tuple[str, str]]:
    """(action, label) pairs sorted by action, for filters and forms."""
    return [(action, str(label)) for action, label in sorted(_labels.items())]
