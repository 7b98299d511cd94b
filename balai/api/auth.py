"""How an API request proves who sends it: an API key (``Authorization: Bearer`` or ``X-API-Key``) or the
web session.

The callbacks run in order; each returns the user, None when its credential is absent (the next one is
tried), or raises when a credential is present but wrong (the request is refused at once, even when
another credential would have worked, so that a broken client notices). Every callback returns the
``User``; ``request.api_key`` is set when a key was used, so endpoints can check scopes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer
from ninja.utils import check_csrf

from balai.api.services import api_key_authenticate
from balai.core.exceptions import NotAuthenticated, PermissionDenied

INVALID_KEY_MESSAGE = _("The API key is not valid, has expired or was revoked.")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class InvalidApiKey(NotAuthenticated):
    default_code = "invalid_api_key"
    default_message = INVALID_KEY_MESSAGE


class TwoFactorRequired(PermissionDenied):
    default_code = "two_factor_required"
    default_message = _("Staff must confirm the sign-in with a verification code (two-factor) first.")


class CsrfFailed(PermissionDenied):
    default_code = "csrf_failed"
    default_message = _("The CSRF check failed. Reload the page and try again.")


def _key_user(request: HttpRequest, raw_key: str | None) -> Any:
    if not raw_key:
        return None
    key = api_key_authenticate(raw_key)
    if key is None:
        raise InvalidApiKey()
    request.api_key = key  # type: ignore[attr-defined]
    request.user = key.owner
    return key.owner


class ApiKeyBearer(HttpBearer):
    """``Authorization: Bearer balai_<prefix>_<secret>``."""

    openapi_bearerFormat = "balai_<prefix>_<secret>"  # noqa: N815 - OpenAPI's own spelling

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token:
            raise InvalidApiKey()
        return _key_user(request, token)


class ApiKeyHeader(APIKeyHeader):
    """``X-API-Key: balai_<prefix>_<secret>``."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _key_user(request, key)


class BalaiSessionAuth(APIKeyCookie):
    """The web sign-in. Unsafe methods need the CSRF token (``X-CSRFToken``); staff need a verified OTP."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed()
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if getattr(user, "is_staff_member", False):
            is_verified = getattr(user, "is_verified", None)
            if not (callable(is_verified) and is_verified()):
                raise TwoFactorRequired()
        return user


# The default for every operation; public operations say ``auth=None``.
DEFAULT_AUTH = [ApiKeyBearer(), ApiKeyHeader(), BalaiSessionAuth()]


def require_scope(request: HttpRequest, scope: str) -> None:
    """Refuse a request made with an API key that lacks ``scope``; sessions act with the user's own rights."""
    key = getattr(request, "api_key", None)
    if key is not None and not key.has_scope(scope):
        raise PermissionDenied(
            gettext("This API key lacks the scope %(scope)s.") % {"scope": scope}, code="insufficient_scope"
        )
