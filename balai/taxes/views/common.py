"""What the tax pages share: the tax-staff check, paging and rendering of lists, exports and links to bills."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from balai.taxes.access import is_tax_staff
from balai.taxes.exports import EXPORT_FORMATS, Column, export_response
from balai.web.views import staff_member_required

PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def tax_staff_required(view: View) -> View:
    """Signed-in staff with a tax role in the revenue agency (or platform administrators); others get 403."""

    @staff_member_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_tax_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def bill_url(bill: Any, *, staff: bool = False) -> str | None:
    """The payments app's page of ``bill`` (the payer's own, or the office's), when the payments pages are mounted."""
    if bill is None:
        return None
    try:
        if staff:
            return reverse("revenue:bill", args=[bill.payment_code])
        return reverse("my_bills:detail", args=[bill.payment_code])
    except NoReverseMatch:
        return None


def render_list(
    request: HttpRequest,
    *,
    template: str,
    queryset: Any,
    columns: list[Column],
    filter_form: Any,
    export_name: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A filtered list page (``?page=``) or, with ``?format=csv|xlsx``, the whole filtered list as a file."""
    valid = filter_form.is_valid()
    filters = filter_form.cleaned_data if valid else {}
    export_format = request.GET.get("format", "")
    if valid and export_format in EXPORT_FORMATS:
        return export_response(
            request,
            name=export_name,
            columns=columns,
            queryset=queryset,
            export_format=export_format,
            filters=filters,
        )
    page = Paginator(queryset if valid else queryset.none(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        [
            {
                "text": cell_text(column.value(obj), column),
                "url": column.link(obj) if column.link else None,
                "numeric": column.numeric or column.money,
                "label": column.label,
            }
            for column in columns
        ]
        for obj in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        template,
        {
            **context,
            "filter_form": filter_form,
            "columns": columns,
            "rows": rows,
            "page_obj": page,
            "export_csv": "?" + _with(query, "csv"),
            "export_xlsx": "?" + _with(query, "xlsx"),
        },
        status=200 if valid else 400,
    )


def _with(query: Any, export_format: str) -> str:
    copy = query.copy()
    copy["format"] = export_format
    return copy.urlencode()


def cell_text(value: Any, column: Column) -> str:
    from balai.taxes.templatetags.taxes import format_rupiah

    if value is None or value == "":
        return "–"
    if isinstance(value, int) and not isinstance(value, bool):
        if column.money:
            return format_rupiah(value)
        if column.numeric:
            return f"{value:,}".replace(",", ".")
    return str(value)
