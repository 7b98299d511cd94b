"""/lacak/: anyone with a registration number and its verification code sees the public status of one
application (service, state, dates, public history) — no names of staff, no answers, no personal data.
A wrong number or code gets one generic message; attempts are limited per client address."""

from __future__ import annotations

from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from balai.cases.selectors import tracking_status

RATE_LIMIT = 20
RATE_WINDOW_SECONDS = 600


class TrackForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Registration number"),
        help_text=gettext_lazy("As on your receipt, for example AKTA-LAHIR-2026-000123."),
        max_length=64,
    )
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        help_text=gettext_lazy("The 10 characters on your receipt."),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def rate_limited(request: HttpRequest, *, scope: str = "web") -> bool:
    """Count one attempt for the client's address; True when it made more than RATE_LIMIT in the window."""
    key = f"track:{scope}:{client_ip(request)}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > RATE_LIMIT


@require_safe
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    context: dict = {"form": form}
    status = 200
    if form.is_bound:
        if rate_limited(request):
            context["limited"] = True
            status = 429
        elif form.is_valid():
            tracked = tracking_status(form.cleaned_data["number"], form.cleaned_data["code"])
            if tracked is None:
                context["not_found"] = True
                status = 404
            else:
                context["status"] = tracked
        else:
            status = 400
    response = render(request, "cases/track/track.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


__all__ = ["TrackForm", "rate_limited", "track"]
