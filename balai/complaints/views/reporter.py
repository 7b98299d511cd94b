"""The reporter's pages: ``/saya/pengaduan/`` for a signed-in reporter, ``/pengaduan/pelapor/`` for one who filed
without an account and proves themself with the number and tracking code. Both show the whole history of
the complaint (what the agency answered, what the reporter sent) and the actions open now: reply, add
information, accept or reopen the response, rate the handling."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from balai.complaints.forms import AddInfoForm, RateForm, ReopenForm, ReplyForm, TrackingForm
from balai.complaints.models import Complaint
from balai.complaints.selectors import (
    complaint_for_reporter,
    complaint_for_tracking,
    complaints_for_reporter,
    photo_for,
    reporter_timeline,
)
from balai.complaints.services import (
    complaint_accept,
    complaint_add_info,
    complaint_rate,
    complaint_reopen,
    complaint_reporter_reply,
    may_rate,
    may_reopen,
)
from balai.complaints.views.common import form_error, photo_response, remember_tracking, state_tag, tracked_code
from balai.complaints.workflows import FINAL_STATES, MORE_INFO, RESPONDED
from balai.core.exceptions import BalaiError, NotFound

PAGE_SIZE = 20
ACTIONS = ("balas", "informasi", "terima", "buka-kembali", "nilai")


def _forms(complaint: Complaint, bound: tuple[str, Any] | None = None) -> dict[str, Any]:
    state = complaint.case.state.code
    forms: dict[str, Any] = {}
    if state not in FINAL_STATES:
        forms["informasi"] = AddInfoForm(prefix="informasi")
        if state != MORE_INFO:
            forms["balas"] = ReplyForm(prefix="balas")
    if state == RESPONDED and may_reopen(complaint):
        forms["terima"] = None
        forms["buka-kembali"] = ReopenForm(prefix="buka-kembali")
    if may_rate(complaint):
        forms["nilai"] = RateForm(prefix="nilai")
    if bound is not None and bound[0] in forms:
        forms[bound[0]] = bound[1]
    return forms


def _render(request: HttpRequest, complaint: Complaint, *, tracked: bool, bound: tuple[str, Any] | None = None):
    context = {
        "complaint": complaint,
        "case": complaint.case,
        "tag": state_tag(complaint.case.state),
        "timeline": reporter_timeline(complaint),
        "photos": list(complaint.photos.all()),
        "forms": _forms(complaint, bound),
        "tracked": tracked,
        "more_info": complaint.case.state.code == MORE_INFO,
    }
    return render(request, "complaints/reporter/detail.html", context, status=400 if bound else 200)


def _act(request: HttpRequest, complaint: Complaint, action: str, *, actor: Any, code: str | None) -> Any:
    """Run ``action``; returns None when done, or (action, bound form) to show again with its errors."""
    form_classes = {"balas": ReplyForm, "informasi": AddInfoForm, "buka-kembali": ReopenForm, "nilai": RateForm}
    form = form_classes[action](request.POST, request.FILES, prefix=action) if action in form_classes else None
    if form is not None and not form.is_valid():
        return (action, form)
    data = form.cleaned_data if form is not None else {}
    try:
        if action == "balas":
            complaint_reporter_reply(actor=actor, complaint=complaint, body=data["body"], tracking_code=code)
            messages.success(request, _("Your message was sent."))
        elif action == "informasi":
            complaint_add_info(
                actor=actor, complaint=complaint, body=data["body"], photos=data.get("photos") or [], tracking_code=code
            )
            messages.success(request, _("Thank you: the information was added to your complaint."))
        elif action == "terima":
            complaint_accept(actor=actor, complaint=complaint, tracking_code=code)
            messages.success(request, _("Thank you: the complaint is closed. You can rate how it was handled."))
        elif action == "buka-kembali":
            complaint_reopen(actor=actor, complaint=complaint, reason=data["reason"], tracking_code=code)
            messages.success(request, _("The complaint is open again; the agency handles it once more."))
        else:
            complaint_rate(
                actor=actor, complaint=complaint, rating=data["rating"], comment=data["comment"], tracking_code=code
            )
            messages.success(request, _("Thank you for your rating."))
    except NotFound:
        raise Http404 from None
    except BalaiError as exc:
        if form is None:
            messages.error(request, str(exc.message))
            return None
        form_error(form, exc)
        return (action, form)
    return None


# --- Signed-in reporter -----------------------------------------------------------------------------------


@require_safe
@login_required
def my_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(complaints_for_reporter(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(complaint, state_tag(complaint.case.state)) for complaint in page.object_list]
    return render(request, "complaints/reporter/list.html", {"page_obj": page, "rows": rows})


@never_cache
@require_safe
@login_required
def my_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        complaint = complaint_for_reporter(request.user, number)
    except NotFound:
        raise Http404 from None
    return _render(request, complaint, tracked=False)


@require_POST
@login_required
def my_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    try:
        complaint = complaint_for_reporter(request.user, number)
    except NotFound:
        raise Http404 from None
    bound = _act(request, complaint, action, actor=request.user, code=None)
    if bound is not None:
        return _render(request, complaint_for_reporter(request.user, number), tracked=False, bound=bound)
    return redirect("my_complaints:detail", complaint.case.number)


@require_safe
@login_required
def my_photo(request: HttpRequest, number: str, photo_id: int) -> HttpResponse:
    try:
        complaint = complaint_for_reporter(request.user, number)
        photo = photo_for(request.user, photo_id)
    except NotFound:
        raise Http404 from None
    if photo.complaint_id != complaint.pk:
        raise Http404
    return photo_response(photo)


# --- Reporter without an account (number and tracking code) ------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def tracking_access(request: HttpRequest) -> HttpResponse:
    form = TrackingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_for_tracking(form.cleaned_data["number"], form.cleaned_data["code"])
        except NotFound:
            form.add_error(None, _("No complaint filed without an account has this number and tracking code."))
        else:
            remember_tracking(request, complaint.case.number, complaint.case.verification_code)
            return redirect("complaints:tracked", complaint.case.number)
    return render(request, "complaints/reporter/access.html", {"form": form}, status=400 if form.errors else 200)


def _tracked(request: HttpRequest, number: str) -> tuple[Complaint, str]:
    code = tracked_code(request, str(number or "").upper())
    if not code:
        raise Http404
    try:
        return complaint_for_tracking(number, code), code
    except NotFound:
        raise Http404 from None


@never_cache
@require_safe
def tracked_detail(request: HttpRequest, number: str) -> HttpResponse:
    complaint, _code = _tracked(request, number)
    return _render(request, complaint, tracked=True)


@require_POST
def tracked_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    complaint, code = _tracked(request, number)
    bound = _act(request, complaint, action, actor=None, code=code)
    if bound is not None:
        return _render(request, _tracked(request, number)[0], tracked=True, bound=bound)
    return redirect("complaints:tracked", complaint.case.number)


@require_safe
def tracked_photo(request: HttpRequest, number: str, photo_id: int) -> HttpResponse:
    complaint, code = _tracked(request, number)
    try:
        photo = photo_for(None, photo_id, tracking=(complaint.case.number, code))
    except NotFound:
        raise Http404 from None
    if photo.complaint_id != complaint.pk:
        raise Http404
    return photo_response(photo)
