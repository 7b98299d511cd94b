"""Open311 GeoReport v2 at ``/open311/v2/``: discovery, services, service definitions, service requests
(GET and POST), tokens, and FixMyStreet's ``servicerequestupdates``; each as ``.xml`` or ``.json``.

The views are thin: read the arguments (``params``), call a read or ``file_request``, render the document
(``formats``). Every refusal is the spec's error list in the format the address asked for, with 400, 403 or
404; an unknown format is answered in XML, the spec's required format."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render as render_page
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from balai.complaints.models import ComplaintCategory, ComplaintSettings
from balai.complaints.open311 import documents, reads
from balai.complaints.open311.errors import Open311Error
from balai.complaints.open311.filing import authenticate, file_request, read_filing
from balai.complaints.open311.formats import FORMATS, render, render_errors
from balai.complaints.open311.params import parse_list, parse_statuses, parse_w3_datetime, value_of
from balai.complaints.open311.replies import add_update
from balai.complaints.public.reference import reference

FIRST_CHANGESET = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
DEFAULT_SPAN = dt.timedelta(days=90)
MAX_SPAN = dt.timedelta(days=90)


def jurisdiction_id() -> str:
    """This endpoint's jurisdiction: the setting, else the public site's host without "www."."""
    configured = getattr(settings, "BALAI_OPEN311_JURISDICTION_ID", "")
    if configured:
        return configured
    host = urlsplit(settings.BALAI_PUBLIC_URL).hostname or ""
    return host.removeprefix("www.")


def endpoint(*methods: str) -> Callable[[Callable[..., Any]], Callable[..., HttpResponse]]:
    """Check the format, the method and ``jurisdiction_id``; turn Open311Error into the error list."""

    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            fmt = fmt.lower()
            try:
                if fmt not in FORMATS:
                    raise Open311Error.bad_request(
                        _("Unknown format %(format)s: use .xml or .json.") % {"format": fmt[:10]}
                    )
                if request.method not in allowed:
                    response = render_errors([(405, _("This method is not allowed here."))], fmt, status=405)
                    response["Allow"] = ", ".join(sorted(allowed))
                    return response
                data = request.POST if request.method == "POST" else request.GET
                given = value_of(data, "jurisdiction_id")
                if given and given.lower() != jurisdiction_id().lower():
                    raise Open311Error.not_found(
                        _("jurisdiction_id %(value)s was not found; this endpoint serves %(ours)s.")
                        % {"value": given[:100], "ours": jurisdiction_id()}
                    )
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                return render_errors(exc.errors, fmt, status=exc.status)
            except (RequestDataTooBig, TooManyFieldsSent):
                return render_errors([(400, _("The request is too large."))], fmt, status=400)

        return wrapper

    return decorate


def _media_url(request: HttpRequest) -> Callable[[str, int], str]:
    def build(number: str, photo_id: int) -> str:
        return request.build_absolute_uri(reverse("complaints_public:photo", args=[number, photo_id]))

    return build


def _categories() -> list[ComplaintCategory]:
    return list(ComplaintCategory.objects.filter(is_active=True).order_by("position", "name"))


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """A page for people: what this endpoint offers and where the discovery file is (the spec suggests one)."""
    base = request.build_absolute_uri(reverse("open311:index"))
    return render_page(
        request,
        "complaints/open311/index.html",
        {
            "base": base,
            "jurisdiction_id": jurisdiction_id(),
            "services": [(c.open311_code, reads.category_name(c)) for c in _categories()],
        },
    )


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    # The changeset moves when an administrator changes the complaint settings; the first release otherwise.
    changed = ComplaintSettings.objects.order_by("pk").values_list("updated_at", flat=True).first()
    key_service = _(
        "API keys for filing service requests are issued by the administrators of %(site)s; ask them for one "
        "with the open311 scope. Reading needs no key."
    ) % {"site": settings.BALAI_SITE_NAME}
    document = documents.discovery(
        endpoint_url=request.build_absolute_uri(reverse("open311:index")).rstrip("/"),
        changeset=changed or FIRST_CHANGESET,
        key_service=key_service,
    )
    return render(document, fmt)


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(documents.services(_categories()), fmt)


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    category = ComplaintCategory.objects.filter(open311_code=code, is_active=True).first()
    if category is None:
        raise Open311Error.not_found(_("service_code %(code)s was not found.") % {"code": code[:20]})
    return render(documents.service_definition(category), fmt)


def _date_range(data: Any, *, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    start = parse_w3_datetime(value_of(data, "start_date"), "start_date")
    end = parse_w3_datetime(value_of(data, "end_date"), "end_date")
    if start is None and end is None:
        end = now or timezone.now()
    if start is None:
        start = end - DEFAULT_SPAN
    elif end is None:
        end = start + DEFAULT_SPAN
    if start > end:
        raise Open311Error.bad_request(_("start_date is after end_date."))
    if end - start > MAX_SPAN:
        raise Open311Error.bad_request(_("start_date and end_date may not be more than 90 days apart."))
    return start, end


@endpoint("GET", "POST")
def requests_endpoint(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    data = request.GET
    numbers = parse_list(value_of(data, "service_request_id"), "service_request_id")
    if numbers:
        criteria = reads.RequestFilter(numbers=numbers)
    else:
        codes = parse_list(value_of(data, "service_code"), "service_code")
        if codes:
            known = {category.open311_code for category in reference().categories.values()}
            unknown = [code for code in codes if code not in known]
            if unknown:
                raise Open311Error.bad_request(
                    _("service_code %(code)s was not found.") % {"code": ", ".join(unknown)[:100]}
                )
        start, end = _date_range(data)
        criteria = reads.RequestFilter(
            service_codes=codes or None, start=start, end=end, statuses=parse_statuses(value_of(data, "status"))
        )
    rows, lookups = reads.request_rows(criteria)
    return render(documents.requests(rows, lookups, media_url=_media_url(request)), fmt)


def _require_form(request: HttpRequest) -> None:
    content_type = (request.content_type or "").lower()
    if content_type not in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        raise Open311Error.bad_request(_("Send the request as application/x-www-form-urlencoded."))


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_form(request)
    key = authenticate(request)
    filing = read_filing(request)
    complaint, token = file_request(key=key, filing=filing)
    number = complaint.case.number if reads.is_public(complaint) else None
    notice = documents.service_notice(filing.category)
    return render(documents.created(number, token, notice), fmt)


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    rows, lookups = reads.request_rows(reads.RequestFilter(numbers=[number]), limit=1)
    if not rows:
        raise Open311Error.not_found(_("service_request_id %(id)s was not found.") % {"id": number[:64]})
    return render(documents.requests(rows, lookups, media_url=_media_url(request)), fmt)


@endpoint("GET")
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    known, number = reads.request_number_for_token(token[:40])
    if not known:
        raise Open311Error.not_found(_("token %(token)s was not found.") % {"token": token[:40]})
    return render(documents.token(token, number), fmt)


@endpoint("GET", "POST")
def updates(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        _require_form(request)
        entry = add_update(key=authenticate(request), request=request)
        return render(documents.update_created(entry.pk), fmt)
    # The default window ends now, to the minute, so that polling clients share one cached reading.
    now = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    start, end = _date_range(request.GET, now=now)
    return render(documents.updates(reads.cached_update_rows(start, end)), fmt)


@csrf_exempt
def unknown(request: HttpRequest, path: str = "") -> HttpResponse:
    """Anything else under /open311/v2/: 404 in the format the address ends with (XML otherwise)."""
    fmt = path.rsplit(".", 1)[-1].lower() if "." in path else "xml"
    return render_errors([(404, _("There is no such resource in this API."))], fmt, status=404)
