"""Public pages of the shell, the staff landing and components pages, and the error pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from balai.core import request_context
from balai.web.components import ComponentDemoForm, component_examples
from balai.web.context_processors import site_values

logger = logging.getLogger(__name__)

DEMO_BAD_INPUT = {"full_name": "<script>alert(1)</script>", "email": "bukan-email", "nik": "3201"}

View = Callable[..., HttpResponse]


def staff_member_required(view: View) -> View:
    """Signed in, and government staff (``user.is_staff_member``); others get 403. The two-factor
    middleware guards all of /kantor/ as well: this check does not rely on it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(request.user, "is_staff_member", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- Public pages ---------------------------------------------------------------------------------
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/pages/privacy.html")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/pages/accessibility.html")


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico on their own; send them to the SVG icon instead of a 404.
    return HttpResponseRedirect(static("web/img/favicon.svg"))


# --- Staff pages ----------------------------------------------------------------------------------
def _active_memberships(user: object) -> list[object]:
    """The person's current memberships, or none when the organizations app has no such relation."""
    related = getattr(user, "memberships", None)
    if related is None:
        return []
    return list(related.filter(ended_at__isnull=True).select_related("organization").order_by("organization__name"))


@require_safe
@staff_member_required
def kantor_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "web/kantor/home.html",
        {
            "memberships": _active_memberships(user),
            "can_use_admin": bool(user.is_staff or user.is_superuser),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_member_required
def components(request: HttpRequest) -> HttpResponse:
    # The demo form shows its error state by default (?valid=1: the clean state); a POST validates it for real.
    if request.method == "POST":
        demo_form = ComponentDemoForm(data=request.POST, files=request.FILES)
    elif request.GET.get("valid"):
        demo_form = ComponentDemoForm()
    else:
        demo_form = ComponentDemoForm(data=DEMO_BAD_INPUT)
    demo_page = Paginator(range(1, 241), 10).get_page(request.GET.get("page") or 6)
    return render(
        request,
        "web/kantor/components.html",
        {
            "examples": component_examples(),
            "demo_form": demo_form,
            "page_obj": demo_page,
        },
    )


# --- Error pages ----------------------------------------------------------------------------------
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Renders without the request context: no database, session or user, which may be what failed."""
    context = {
        **site_values(request.path),
        "LANGUAGE_CODE": get_language(),
        "request_id": request_context.current().request_id or getattr(request, "request_id", ""),
    }
    try:
        body = loader.get_template("web/errors/500.html").render(context)
    except Exception:  # a broken template must not hide the original error behind a second one
        logger.exception("the 500 page could not be rendered")
        body = "<!DOCTYPE html><title>500</title><h1>500 Internal Server Error</h1>"
    return HttpResponseServerError(body)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "web/errors/403_csrf.html", status=403)
