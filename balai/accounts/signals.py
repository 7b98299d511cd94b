"""Audit of sign-in, sign-in failure, sign-out and lockout, wherever they happen (our pages, /admin/,
the API). Connected in AccountsConfig.ready(). Django's and django-axes' own signals are used here for
this audit-only purpose because they are the one place all sign-in paths meet; no logic hangs on them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed


def _channel(request: Any) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "web"


def on_logged_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    from balai.audit.services import audit_log

    if user is not None:
        audit_log(actor=user, action="account.signed_in", target=user, summary={"via": _channel(request)})


def on_login_failed(sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **kwargs: Any) -> None:
    from balai.accounts.services.auth import mask_identifier
    from balai.audit.services import audit_log

    credentials = credentials or {}
    identifier = credentials.get("username") or credentials.get("email") or credentials.get("phone") or ""
    audit_log(
        actor=None,
        action="account.sign_in_failed",
        actor_label=mask_identifier(str(identifier)),
        summary={"via": _channel(request)},
    )


def on_logged_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    from balai.audit.services import audit_log

    if user is not None and getattr(user, "is_authenticated", False):
        audit_log(actor=user, action="account.signed_out", target=user, summary={"via": _channel(request)})


def on_locked_out(
    sender: Any, request: Any = None, username: str | None = None, ip_address: Any = None, **kwargs: Any
) -> None:
    from balai.accounts.services.auth import mask_identifier
    from balai.audit.services import audit_log

    audit_log(actor=None, action="account.locked_out", actor_label=mask_identifier(username or ""))


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(on_logged_in, dispatch_uid="balai.accounts.audit.logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="balai.accounts.audit.login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="balai.accounts.audit.logged_out")
    user_locked_out.connect(on_locked_out, dispatch_uid="balai.accounts.audit.locked_out")
