"""/kantor/pajak/: the revenue agency's office — the overview, taxpayers and PBB-P2 objects. Tax staff only (see
``balai.taxes.access``); every change goes through the taxes services, which check again and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from balai.accounts.models import User
from balai.audit.services import audit_log
from balai.core.exceptions import BalaiError
from balai.core.masking import mask_email
from balai.taxes import selectors
from balai.taxes.exports import Column
from balai.taxes.forms import (
    LinkAccountForm,
    ObjectFilter,
    ObjectForm,
    TaxpayerFilter,
    TaxpayerForm,
    YearForm,
    put_errors,
)
from balai.taxes.models import Assessment, GenerationRun, TaxReturn
from balai.taxes.nop import format_nop
from balai.taxes.services import (
    assessment_issue,
    tax_object_create,
    taxpayer_link_account,
    taxpayer_register,
)
from balai.taxes.templatetags.taxes import format_rupiah

from .common import bill_url, render_list, tax_staff_required

OFFICE = gettext_lazy("Office")
TAXES = gettext_lazy("Taxes and levies")


def crumbs(*trail: tuple[Any, str]) -> list[tuple[Any, str]]:
    return [(OFFICE, reverse("kantor:home")), (TAXES, reverse("tax_office:home")), *trail]


@never_cache
@require_safe
@tax_staff_required
def home(request: HttpRequest) -> HttpResponse:
    latest_run = selectors.staff_runs(request.user).first()
    return render(
        request,
        "taxes/staff/home.html",
        {
            "crumbs": [(OFFICE, reverse("kantor:home")), (TAXES, "")],
            "taxpayer_count": selectors.staff_taxpayers(request.user).count(),
            "object_count": selectors.staff_objects(request.user).count(),
            "latest_run": latest_run,
        },
    )


# --- Taxpayers ------------------------------------------------------------------------------------------


def taxpayer_url(taxpayer: Any) -> str:
    return reverse("tax_office:taxpayer", args=[taxpayer.npwpd])


TAXPAYER_COLUMNS = [
    Column(gettext_lazy("NPWPD"), lambda t: t.npwpd, link=taxpayer_url),
    Column(gettext_lazy("Name"), lambda t: t.name),
    Column(gettext_lazy("Kind"), lambda t: t.get_kind_display()),
    Column(gettext_lazy("Registered"), lambda t: t.registered_at.date().isoformat()),
    Column(gettext_lazy("Active"), lambda t: _("Yes") if t.is_active else _("No")),
]


@never_cache
@require_safe
@tax_staff_required
def taxpayers(request: HttpRequest) -> HttpResponse:
    form = TaxpayerFilter(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    return render_list(
        request,
        template="taxes/staff/taxpayers.html",
        queryset=selectors.staff_taxpayers(request.user, **filters),
        columns=TAXPAYER_COLUMNS,
        filter_form=form,
        export_name="wajib-pajak",
        context={
            "title": _("Taxpayers"),
            "list_title": _("Taxpayers"),
            "lead": _("Regional taxpayers (wajib pajak) with their NPWPD."),
            "crumbs": crumbs((_("Taxpayers"), "")),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@tax_staff_required
def taxpayer_new(request: HttpRequest) -> HttpResponse:
    form = TaxpayerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            account = None
            if data["account_email"]:
                account = User.objects.filter(email__iexact=data["account_email"], is_active=True).first()
                if account is None:
                    form.add_error("account_email", _("No active account has this e-mail address."))
            if not form.errors:
                try:
                    taxpayer = taxpayer_register(
                        actor=request.user,
                        name=data["name"],
                        kind=data["kind"],
                        address=data["address"],
                        npwp=data["npwp"],
                        tax_types=data["tax_types"],
                        accounts=[account] if account else [],
                    )
                except BalaiError as exc:
                    put_errors(form, exc)
                    status = 400 if exc.status == 422 else exc.status
                else:
                    messages.success(
                        request, _("Taxpayer registered with NPWPD %(npwpd)s.") % {"npwpd": taxpayer.npwpd}
                    )
                    return redirect(taxpayer_url(taxpayer))
    return render(
        request,
        "taxes/staff/form.html",
        {
            "form": form,
            "title": _("Register a taxpayer"),
            "submit_label": _("Register"),
            "crumbs": crumbs((_("Taxpayers"), reverse("tax_office:taxpayers")), (_("Register a taxpayer"), "")),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@tax_staff_required
def taxpayer_detail(request: HttpRequest, npwpd: str) -> HttpResponse:
    taxpayer = selectors.staff_taxpayer(request.user, npwpd)
    if taxpayer is None:
        raise Http404
    form = LinkAccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            account = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
            if account is None:
                form.add_error("email", _("No active account has this e-mail address."))
            else:
                try:
                    taxpayer_link_account(actor=request.user, taxpayer=taxpayer, user=account)
                except BalaiError as exc:
                    put_errors(form, exc)
                else:
                    messages.success(request, _("The account is linked to this taxpayer."))
                    return redirect(taxpayer_url(taxpayer))
    else:
        # The address is personal data: who opened it is recorded.
        audit_log(actor=request.user, action="tax.taxpayer_viewed", target=taxpayer, summary={"npwpd": taxpayer.npwpd})
    accounts = [mask_email(u.email) or u.full_name for u in taxpayer.accounts.order_by("id")]
    return render(
        request,
        "taxes/staff/taxpayer.html",
        {
            "taxpayer": taxpayer,
            "accounts": accounts,
            "tax_types": list(taxpayer.tax_types.order_by("code")),
            "objects": list(taxpayer.tax_objects.order_by("nop")[:100]),
            "returns": list(TaxReturn.objects.filter(taxpayer=taxpayer).select_related("tax_type")[:24]),
            "form": form,
            "crumbs": crumbs((_("Taxpayers"), reverse("tax_office:taxpayers")), (taxpayer.npwpd, "")),
        },
        status=status,
    )


# --- Objects --------------------------------------------------------------------------------------------


def object_url(obj: Any) -> str:
    return reverse("tax_office:object", args=[obj.nop])


OBJECT_COLUMNS = [
    Column(gettext_lazy("NOP"), lambda o: format_nop(o.nop), link=object_url),
    Column(gettext_lazy("NPWPD"), lambda o: o.taxpayer.npwpd, link=lambda o: taxpayer_url(o.taxpayer)),
    Column(gettext_lazy("Taxpayer"), lambda o: o.taxpayer.name),
    Column(gettext_lazy("Location"), lambda o: o.location),
    Column(gettext_lazy("Land (m²)"), lambda o: o.land_area_m2, numeric=True),
    Column(gettext_lazy("Building (m²)"), lambda o: o.building_area_m2, numeric=True),
    Column(gettext_lazy("NJOP"), lambda o: o.njop, money=True),
    Column(gettext_lazy("Active"), lambda o: _("Yes") if o.is_active else _("No")),
]


@never_cache
@require_safe
@tax_staff_required
def objects(request: HttpRequest) -> HttpResponse:
    form = ObjectFilter(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    return render_list(
        request,
        template="taxes/staff/objects.html",
        queryset=selectors.staff_objects(request.user, **filters),
        columns=OBJECT_COLUMNS,
        filter_form=form,
        export_name="objek-pbb",
        context={
            "title": _("Tax objects (PBB-P2)"),
            "list_title": _("Tax objects"),
            "crumbs": crumbs((_("Tax objects"), "")),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@tax_staff_required
def object_new(request: HttpRequest) -> HttpResponse:
    form = ObjectForm(request.POST or None, initial={"npwpd": request.GET.get("npwpd", "")})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            taxpayer = selectors.staff_taxpayer(request.user, data.pop("npwpd").strip().upper())
            if taxpayer is None:
                form.add_error("npwpd", _("No taxpayer has this NPWPD."))
            else:
                try:
                    obj = tax_object_create(actor=request.user, taxpayer=taxpayer, **data)
                except BalaiError as exc:
                    put_errors(form, exc)
                    status = 400 if exc.status == 422 else exc.status
                else:
                    messages.success(request, _("Tax object %(nop)s registered.") % {"nop": obj.formatted_nop})
                    return redirect(object_url(obj))
    return render(
        request,
        "taxes/staff/form.html",
        {
            "form": form,
            "title": _("Register a tax object"),
            "submit_label": _("Register"),
            "crumbs": crumbs((_("Tax objects"), reverse("tax_office:objects")), (_("Register a tax object"), "")),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@tax_staff_required
def object_detail(request: HttpRequest, nop: str) -> HttpResponse:
    obj = selectors.staff_object(request.user, nop)
    if obj is None:
        raise Http404
    form = YearForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                sppt = assessment_issue(actor=request.user, tax_object=obj, year=form.cleaned_data["year"])
            except BalaiError as exc:
                put_errors(form, exc)
                status = 400 if exc.status == 422 else exc.status
            else:
                messages.success(
                    request,
                    _("SPPT %(year)s issued: %(amount)s.") % {"year": sppt.year, "amount": format_rupiah(sppt.amount)},
                )
                return redirect(object_url(obj))
    assessments = list(Assessment.objects.filter(tax_object=obj).select_related("bill").order_by("-year")[:20])
    return render(
        request,
        "taxes/staff/object.html",
        {
            "object": obj,
            "assessments": [(a, bill_url(a.bill, staff=True)) for a in assessments],
            "form": form,
            "active_run": GenerationRun.objects.filter(status__in=["queued", "running"]).first(),
            "crumbs": crumbs((_("Tax objects"), reverse("tax_office:objects")), (obj.formatted_nop, "")),
        },
        status=status,
    )
