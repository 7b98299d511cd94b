"""Staff two-factor authentication: enrolment of an authenticator app (QR code and secret), the code
page after sign-in, and backup codes shown once."""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device

from balai.accounts.forms_auth import TwoFactorCodeForm, TwoFactorEnrolForm
from balai.accounts.services import auth as services
from balai.accounts.views.auth import form_error
from balai.core.exceptions import BalaiError


def _qr_data_uri(text: str) -> str:
    """The otpauth URL as an SVG QR code in a data: URI (no script, no outside service; CSP allows data:)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _group(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/kantor/" if getattr(request.user, "is_staff_member", False) else "/saya/"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    if user_has_device(request.user, confirmed=True):
        if request.user.is_verified():
            return redirect(_next_url(request))
        return redirect("accounts:two_factor_verify")
    device = services.two_factor_enrolment_device(actor=request.user)
    form = TwoFactorEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            backup_codes = services.two_factor_enrol_confirm(
                actor=request.user, device=device, token=form.cleaned_data["token"]
            )
        except BalaiError as exc:
            form_error(form, exc)
        else:
            otp_login(request, device)
            # Rendered, not redirected: the backup codes exist in plain text only in this response.
            response = render(
                request,
                "accounts/two_factor/backup_codes.html",
                {"backup_codes": backup_codes, "next": _next_url(request)},
            )
            response["Cache-Control"] = "no-store"
            return response
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "accounts/two_factor/enrol.html",
        {
            "form": form,
            "qr_data_uri": _qr_data_uri(device.config_url),
            "secret": _group(secret),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:two_factor_enrol")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(actor=request.user, token=form.cleaned_data["token"])
        except BalaiError as exc:
            form_error(form, exc)
        else:
            otp_login(request, device)
            if device.__class__.__name__ == "StaticDevice":
                remaining = device.token_set.count()
                messages.warning(
                    request,
                    _("You used a backup code. %(count)d backup codes are left.") % {"count": remaining},
                )
            return redirect(_next_url(request))
    return render(request, "accounts/two_factor/verify.html", {"form": form, "next": _next_url(request)})
