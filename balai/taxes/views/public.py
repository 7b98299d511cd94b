"""/pajak/cek-tagihan/: anyone checks the unpaid PBB-P2 of a NOP: per year the amount due today and the due date.
No name, no address, no payment code. An unknown NOP and one with nothing unpaid get the same answer (the page does
not tell whether a NOP exists). Attempts are limited per client address (``BALAI_TAX_CHECK_RATE_LIMIT`` per
``BALAI_TAX_CHECK_RATE_WINDOW`` seconds, 20 per 600 by default)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from balai.core.middleware import client_ip
from balai.taxes.forms import CheckForm
from balai.taxes.selectors import unpaid_by_nop

DEFAULT_RATE_LIMIT = 20
DEFAULT_RATE_WINDOW_SECONDS = 600


def rate_limited(request: HttpRequest, *, scope: str) -> bool:
    """Count one attempt of the client's address; True once it made more than the limit within the window."""
    limit = int(getattr(settings, "BALAI_TAX_CHECK_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    window = int(getattr(settings, "BALAI_TAX_CHECK_RATE_WINDOW", DEFAULT_RATE_WINDOW_SECONDS))
    key = f"taxes:check:{scope}:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return count > limit


@require_safe
def check(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.GET or None)
    context: dict = {"form": form}
    status = 200
    if form.is_bound:
        if rate_limited(request, scope="web"):
            context["limited"] = True
            status = 429
        elif form.is_valid():
            context["checked"] = True
            context["nop"] = form.cleaned_data["nop"]
            context["bills"] = unpaid_by_nop(form.cleaned_data["nop"])
        else:
            status = 400
    response = render(request, "taxes/public/check.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
