"""The public complaint pages under ``/pengaduan/`` (no sign-in): the list with filters, the map (a list of
coordinates when no map tiles are configured), one complaint with its public timeline and photos, and the
statistics per agency. Nothing here shows a reporter's contact; texts are masked and escaped."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from balai.complaints.models import ComplaintSettings
from balai.complaints.public import listing, mapview, stats
from balai.complaints.public.forms import ComplaintFilterForm, StatisticsForm
from balai.complaints.selectors import public_complaint, public_photos


def _url(name: str, *args: object) -> str:
    """A link to a page of the complaints app when it is installed (the filing form, following)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 6 else 1


def _tile_template() -> str | None:
    return mapview.tile_template(ComplaintSettings.current().map_tile_url)


@require_safe
def complaint_list(request: HttpRequest) -> HttpResponse:
    form = ComplaintFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    page = listing.list_page(form.filters(), _page_number(request)) if valid else None
    return render(
        request,
        "complaints/public/list.html",
        {
            "form": form,
            "page": page,
            "file_url": _url("complaints:file"),
            "query": request.GET.urlencode(),
            "nav": "list",
        },
        status=200 if valid else 400,
    )


@require_safe
def complaint_map(request: HttpRequest) -> HttpResponse:
    form = ComplaintFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    items = listing.map_items(form.filters()) if valid else []
    template = _tile_template()
    image = None
    if template is not None:
        points = [
            mapview.Point(latitude=i.latitude, longitude=i.longitude, href=i.href, label=f"{i.number}: {i.heading}")
            for i in items
        ]
        image = mapview.build_map(template, points)
    response = render(
        request,
        "complaints/public/map.html",
        {
            "form": form,
            "items": items,
            "image": image,
            "tiles_configured": template is not None,
            "limit": listing.MAP_LIMIT,
            "query": request.GET.urlencode(),
            "nav": "map",
        },
        status=200 if valid else 400,
    )
    if image is not None:
        # The tiles come from the configured host: allow exactly that origin for images on this page.
        response._csp_update = {"img-src": [image.origin]}  # type: ignore[attr-defined]
    return response


@require_safe
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    complaint = public_complaint(number)
    if complaint is None:
        raise Http404
    detail = listing.public_detail(complaint)
    template = _tile_template()
    image = None
    if template is not None and complaint.latitude is not None:
        point = mapview.Point(complaint.latitude, complaint.longitude, href="#lokasi", label=complaint.case.number)
        image = mapview.build_map(template, [point], max_zoom=16)
    response = render(
        request,
        "complaints/public/detail.html",
        {
            "detail": detail,
            "complaint": complaint,
            "image": image,
            "geo_uri": mapview.geo_uri(complaint.latitude, complaint.longitude)
            if complaint.latitude is not None
            else "",
            "follow_url": _url("complaints:follow", number),
            "file_url": _url("complaints:file"),
        },
    )
    if image is not None:
        response._csp_update = {"img-src": [image.origin]}  # type: ignore[attr-defined]
    return response


@require_safe
def complaint_photo(request: HttpRequest, number: str, photo_id: int) -> HttpResponse:
    """A public photo of a public complaint (stored without metadata); anything else is 404."""
    complaint = public_complaint(number)
    if complaint is None:
        raise Http404
    photo = public_photos(complaint).filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    try:
        handle = default_storage.open(photo.storage_name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = f'inline; filename="{complaint.case.number}-{photo.pk}"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    years = stats.years_with_complaints()
    form = StatisticsForm(request.GET or None, years=years, initial={"year": years[0]})
    valid = not form.is_bound or form.is_valid()
    year = form.cleaned_data.get("year") if form.is_bound and valid else None
    if not form.is_bound:
        year = years[0]
    figures = stats.agency_figures(year) if valid else []
    totals = {
        "received": sum(f.received for f in figures),
        "open": sum(f.open for f in figures),
        "closed": sum(f.closed for f in figures),
    }
    return render(
        request,
        "complaints/public/statistics.html",
        {"form": form, "figures": figures, "year": year, "totals": totals, "nav": "stats"},
        status=200 if valid else 400,
    )
