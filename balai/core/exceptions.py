"""The one error hierarchy of Balai.

Services raise these; views render the translated ``message``; the API answers
``{"error": {"code": ..., "message": ..., "fields": {...}}}`` with ``status``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class BalaiError(Exception):
    status = 400
    default_code = "invalid"
    default_message = _("The request could not be processed.")

    def __init__(
        self,
        message: Any = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.code = code or self.default_code
        self.extra = extra or {}
        self.fields = fields or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = {name: [str(m) for m in msgs] for name, msgs in self.fields.items()}
        return {"error": body}


class ValidationFailed(BalaiError):
    status = 422
    default_code = "validation_failed"
    default_message = _("Some of the data is not valid.")


class NotAuthenticated(BalaiError):
    status = 401
    default_code = "not_authenticated"
    default_message = _("You need to sign in.")


class PermissionDenied(BalaiError):
    status = 403
    default_code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class NotFound(BalaiError):
    status = 404
    default_code = "not_found"
    default_message = _("Not found.")


class Conflict(BalaiError):
    status = 409
    default_code = "conflict"
    default_message = _("The record was changed by someone else. Reload and try again.")


class RateLimited(BalaiError):
    status = 429
    default_code = "rate_limited"
    default_message = _("Too many attempts. Please wait and try again.")


def from_django_validation_error(exc: Any) -> ValidationFailed:
    """Turn a django ValidationError into ValidationFailed, keeping per-field messages."""
    fields: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            fields[name] = [str(m) for e in errors for m in e.messages]
        return ValidationFailed(fields=fields)
    messages = [str(m) for m in getattr(exc, "messages", [str(exc)])]
    return ValidationFailed(message=" ".join(messages), fields={"__all__": messages})
