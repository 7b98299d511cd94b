"""Session rules for government staff: two-factor authentication before anything else, and sign-out
after a period without requests. Citizens are not affected."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "balai_staff_last_seen"
IDLE_FLAG_KEY = "balai_idle_signed_out"
# Rewrite the session at most this often: enough precision for a 30-minute rule, far fewer writes.
_TOUCH_EVERY_SECONDS = 15


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _is_staff_session(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and getattr(user, "is_staff_member", False))


class StaffIdleTimeoutMiddleware:
    """Ends a staff session after ``settings.STAFF_IDLE_TIMEOUT_SECONDS`` without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_staff_session(request):
            now = timezone.now().timestamp()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int | float) and now - last_seen > settings.STAFF_IDLE_TIMEOUT_SECONDS:
                logout(request)
                if _is_api(request):
                    from balai.api.errors import error_response

                    return error_response(
                        request, 401, code="session_expired", message=_("Your session has ended. Sign in again.")
                    )
                # The message framework is not ready this early: the sign-in page reads this flag instead.
                request.session[IDLE_FLAG_KEY] = True
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return HttpResponseRedirect(reverse(settings.LOGIN_URL) + (f"?{query}" if query else ""))
            if not isinstance(last_seen, int | float) or now - last_seen >= _TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """A signed-in staff member whose session has not passed a second factor reaches only the 2FA pages
    (enrolment without a confirmed device, else the code page), sign-out, static files, the language
    switch and the health probes. API paths answer a JSON 403 instead of redirecting."""

    always_allowed_prefixes = ("/i18n/", "/healthz", "/readyz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _allowed(self, request: HttpRequest) -> bool:
        path = request.path
        if path.startswith(settings.STATIC_URL) or path.startswith(self.always_allowed_prefixes):
            return True
        return path in {
            reverse("accounts:two_factor_enrol"),
            reverse("accounts:two_factor_verify"),
            reverse("accounts:logout"),
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_staff_session(request) or request.user.is_verified() or self._allowed(request):
            return self.get_response(request)
        if _is_api(request):
            from balai.api.errors import error_response

            return error_response(
                request,
                403,
                code="two_factor_required",
                message=_("Staff must confirm sign-in with a two-factor authentication code first."),
            )
        from django_otp import devices_for_user

        has_device = any(True for _d in devices_for_user(request.user, confirmed=True))
        target = reverse("accounts:two_factor_verify" if has_device else "accounts:two_factor_enrol")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
