"""Filing a complaint at ``/pengaduan/baru/`` (anyone) and ``/kantor/pengaduan/loket/`` (officers for a walk-in
person), confirming a contact by code, and following a public complaint.

Filing is three short steps that work without JavaScript: the category, the place (after which open complaints
of the same category nearby are shown, so the person may follow one instead of filing it again), and the
details with photos and the privacy choice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from balai.accounts.phone import mask_phone
from balai.cases.models import Channel
from balai.complaints.forms import (
    CategoryForm,
    CodeForm,
    ComplaintForm,
    FollowConfirmForm,
    FollowEmailForm,
    LocationForm,
)
from balai.complaints.models import ComplaintSettings
from balai.complaints.selectors import category_choices, nearby_open_complaints, public_complaint
from balai.complaints.services import (
    complaint_contact_confirm,
    complaint_contact_resend,
    complaint_create,
    complaint_follow,
    complaint_follow_confirm,
    complaint_follow_request,
    complaint_unfollow,
    pending_complaint,
)
from balai.complaints.views.common import form_error, remember_tracking
from balai.core.exceptions import BalaiError
from balai.core.masking import mask_email
from balai.web.views import staff_member_required

PENDING_SESSION_KEY = "complaints:pending"
FIELD_ALIASES = {"latitude": "lat", "longitude": "lon", "address": "alamat", "district": "kecamatan"}


def _steps(request: HttpRequest, *, mode: str) -> dict[str, Any]:
    """Which step to show, with its forms, from the query string."""
    categories = list(category_choices())
    code = request.GET.get("kategori") or request.POST.get("kategori") or ""
    category = next((c for c in categories if c.code == code), None)
    context: dict[str, Any] = {"mode": mode, "categories": categories, "category": category}
    if category is None:
        form = CategoryForm(request.GET if code else None, categories=categories)
        if code:
            form.is_valid()
        context.update(step="category", category_form=form)
        return context
    if "lanjut" not in request.GET and request.method == "GET":
        context.update(step="location", location_form=LocationForm(category=category))
        return context
    location = LocationForm(request.GET if request.method == "GET" else request.POST, category=category)
    if not location.is_valid():
        context.update(step="location", location_form=location)
        return context
    context.update(step="details", location=location.cleaned_data)
    lat, lon = location.cleaned_data.get("latitude"), location.cleaned_data.get("longitude")
    if lat is not None and mode == "public":
        context["nearby"] = nearby_open_complaints(category, lat, lon)
        context["radius"] = ComplaintSettings.current().duplicate_radius_m
    return context


def _details_form(request: HttpRequest, context: dict[str, Any], contact: str) -> ComplaintForm:
    if request.method == "POST":
        return ComplaintForm(request.POST, request.FILES, category=context["category"], contact=contact)
    initial = {name: request.GET.get(name, "") for name in ("lat", "lon", "alamat", "kecamatan")}
    return ComplaintForm(initial=initial, category=context["category"], contact=contact)


def _contact_mode(request: HttpRequest, mode: str) -> str:
    if mode == "counter":
        return "counter"
    return "account" if request.user.is_authenticated else "code"


def _file(request: HttpRequest, form: ComplaintForm, *, channel: str) -> Any:
    data = form.cleaned_data
    return complaint_create(
        actor=request.user if request.user.is_authenticated else None,
        category=form.category,
        description=data["description"],
        privacy=data["privacy"],
        channel=channel,
        latitude=data.get("lat") or None,
        longitude=data.get("lon") or None,
        address=data.get("alamat") or "",
        district=data.get("kecamatan") or None,
        attributes=form.attributes(),
        photos=data.get("photos") or [],
        title=data.get("title") or "",
        reporter_name=data.get("reporter_name") or "",
        reporter_email=data.get("reporter_email") or "",
        reporter_phone=data.get("reporter_phone") or "",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def file_complaint(request: HttpRequest) -> HttpResponse:
    context = _steps(request, mode="public")
    if context["step"] == "details":
        form = _details_form(request, context, _contact_mode(request, "public"))
        if request.method == "POST" and form.is_valid():
            try:
                complaint = _file(request, form, channel=Channel.WEB)
            except BalaiError as exc:
                form_error(form, exc, FIELD_ALIASES)
            else:
                number = complaint.case.number
                if complaint.is_published:
                    messages.success(
                        request,
                        _(
                            "Your complaint %(number)s was received. "
                            "The coordinator verifies it within %(days)d working days."
                        )
                        % {"number": number, "days": ComplaintSettings.current().verification_days},
                    )
                    return redirect("my_complaints:detail", number)
                request.session[PENDING_SESSION_KEY] = number
                return redirect("complaints:confirm", number)
        context["form"] = form
    elif request.method == "POST":
        return redirect(reverse("complaints:file"))
    return render(request, "complaints/file.html", context)


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def counter_file(request: HttpRequest) -> HttpResponse:
    context = _steps(request, mode="counter")
    if context["step"] == "details":
        form = _details_form(request, context, "counter")
        if request.method == "POST" and form.is_valid():
            try:
                complaint = _file(request, form, channel=Channel.COUNTER)
            except BalaiError as exc:
                form_error(form, exc, FIELD_ALIASES)
            else:
                messages.success(
                    request,
                    _("Complaint %(number)s registered. Give the reporter the number and the tracking code %(code)s.")
                    % {"number": complaint.case.number, "code": complaint.case.verification_code},
                )
                return redirect("complaints_staff:detail", complaint.case.number)
        context["form"] = form
    elif request.method == "POST":
        return redirect(reverse("complaints_staff:counter"))
    return render(request, "complaints/file.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, number: str) -> HttpResponse:
    """Enter the code sent to the contact of a complaint filed without an account."""
    try:
        complaint = pending_complaint(number)
    except BalaiError:
        raise Http404 from None
    filed_here = request.session.get(PENDING_SESSION_KEY) == complaint.case.number
    form = CodeForm(request.POST if request.method == "POST" and "resend" not in request.POST else None)
    if request.method == "POST" and "resend" in request.POST:
        try:
            complaint_contact_resend(complaint=complaint)
        except BalaiError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("A new code was sent."))
        return redirect("complaints:confirm", complaint.case.number)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = complaint_contact_confirm(complaint=complaint, code=form.cleaned_data["code"])
        except BalaiError as exc:
            form_error(form, exc, {"__all__": "code"})
            if not exc.fields:
                form.errors.pop("__all__", None)
                form.add_error("code", str(exc.message))
        else:
            request.session.pop(PENDING_SESSION_KEY, None)
            remember_tracking(request, confirmed.case.number, confirmed.case.verification_code)
            messages.success(request, _("Thank you: your complaint is confirmed and goes to the coordinator."))
            return redirect("complaints:tracked", confirmed.case.number)
    contact = ""
    if filed_here:
        contact = mask_email(complaint.reporter_email) or mask_phone(complaint.reporter_phone)
    return render(request, "complaints/confirm.html", {"complaint": complaint, "form": form, "contact": contact})


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, number: str) -> HttpResponse:
    """Follow a public complaint: at once when signed in; with an e-mail address confirmed by code otherwise."""
    complaint = public_complaint(number)
    if complaint is None:
        raise Http404
    detail_url = _public_detail_url(complaint.case.number)
    email_form = FollowEmailForm(request.POST if request.method == "POST" and "email_request" in request.POST else None)
    confirm_form = FollowConfirmForm(
        request.POST if request.method == "POST" and "email_confirm" in request.POST else None
    )
    if request.method == "POST":
        try:
            if request.user.is_authenticated and "follow" in request.POST:
                complaint_follow(actor=request.user, complaint=complaint)
                messages.success(request, _("You follow this complaint: we tell you of every update."))
                return redirect(detail_url)
            if "email_request" in request.POST and email_form.is_valid():
                complaint_follow_request(complaint=complaint, email=email_form.cleaned_data["email"])
                confirm_form = FollowConfirmForm(initial={"email": email_form.cleaned_data["email"]})
                messages.success(request, _("We sent a code to your e-mail address."))
            elif "email_confirm" in request.POST and confirm_form.is_valid():
                complaint_follow_confirm(
                    complaint=complaint,
                    email=confirm_form.cleaned_data["email"],
                    code=confirm_form.cleaned_data["code"],
                )
                messages.success(request, _("You follow this complaint: we tell you of every update."))
                return redirect(detail_url)
        except BalaiError as exc:
            target = confirm_form if "email_confirm" in request.POST else email_form
            form_error(target, exc)
    waiting_for_code = bool(confirm_form.initial.get("email") or confirm_form.is_bound)
    return render(
        request,
        "complaints/follow.html",
        {
            "complaint": complaint,
            "email_form": email_form,
            "confirm_form": confirm_form,
            "waiting_for_code": waiting_for_code,
            "detail_url": detail_url,
        },
    )


@require_http_methods(["GET", "POST"])
def unfollow(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every message to a follower: a page with one button (a GET never changes anything)."""
    if request.method == "POST":
        try:
            complaint = complaint_unfollow(token=token)
        except BalaiError:
            raise Http404 from None
        messages.success(request, _("You no longer follow complaint %(number)s.") % {"number": complaint.case.number})
        return redirect(_public_detail_url(complaint.case.number))
    return render(request, "complaints/unfollow.html", {"token": token})


@require_POST
def unfollow_signed_in(request: HttpRequest, number: str) -> HttpResponse:
    from balai.complaints.services import complaint_unfollow_user

    complaint = public_complaint(number)
    if complaint is None or not request.user.is_authenticated:
        raise Http404
    complaint_unfollow_user(actor=request.user, complaint=complaint)
    messages.success(request, _("You no longer follow complaint %(number)s.") % {"number": complaint.case.number})
    return redirect(_public_detail_url(complaint.case.number))


def _public_detail_url(number: str) -> str:
    """The public complaint page (the public pages' route when installed, else the path it has)."""
    from django.urls import NoReverseMatch

    try:
        return reverse("complaints_public:detail", args=[number])
    except NoReverseMatch:
        return f"/pengaduan/{number}/"
