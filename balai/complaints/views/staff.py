"""The staff pages under ``/kantor/pengaduan/``: the complaints of the person's agencies (all of them for the
coordinator) with filters, and one complaint with its details, photos, history and the steps the person may
take now (each through its complaints service), notes, assignment and response templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from balai.accounts.phone import mask_phone
from balai.cases.models import WorkflowState
from balai.cases.selectors import allowed_transitions
from balai.cases.services import ASSIGNING_ROLES, case_assign, staff_may_see_case
from balai.complaints import forms as f
from balai.complaints.categories import sorted_attributes
from balai.complaints.models import Complaint, ResponseTemplate
from balai.complaints.selectors import (
    complaint_for_staff,
    complaints_for_staff,
    entry_author,
    may_see_reporter,
    photo_for,
    staff_timeline,
)
from balai.complaints.services import (
    complaint_add_note,
    complaint_close_unanswered,
    complaint_dispatch,
    complaint_mark_duplicate,
    complaint_reject,
    complaint_request_info,
    complaint_respond,
    complaint_return,
    complaint_transfer,
)
from balai.complaints.services.common import answering_agency
from balai.complaints.views.common import form_error, photo_response, state_tag
from balai.complaints.workflows import WORKFLOW_CODE
from balai.core.exceptions import BalaiError, NotFound
from balai.core.masking import mask_email
from balai.organizations.scoping import can_act_on, organization_ids_for
from balai.web.views import staff_member_required

PAGE_SIZE = 25

# Each step of the workflow a person can take on the page: its form and the service doing it.
STEP_FORMS: dict[str, type] = {
    "dispatch": f.DispatchForm,
    "request_info": f.RequestInfoForm,
    "mark_duplicate": f.DuplicateForm,
    "reject": f.RejectForm,
    "close_without_info": f.CloseForm,
    "respond": f.RespondForm,
    "transfer": f.TransferForm,
    "return_to_coordinator": f.ReturnForm,
}


def _run_step(code: str, user: Any, complaint: Complaint, data: dict[str, Any], version: int | None) -> Complaint:
    common = {"actor": user, "complaint": complaint, "expected_version": version}
    if code == "dispatch":
        return complaint_dispatch(agency=data["agency"], comment=data.get("comment", ""), **common)
    if code == "request_info":
        return complaint_request_info(question=data["question"], **common)
    if code == "mark_duplicate":
        return complaint_mark_duplicate(duplicate_of=data["duplicate_of"], comment=data.get("comment", ""), **common)
    if code == "reject":
        return complaint_reject(reason=data["reason"], **common)
    if code == "close_without_info":
        return complaint_close_unanswered(reason=data["reason"], **common)
    if code == "respond":
        return complaint_respond(response=data["response"], **common)
    if code == "transfer":
        return complaint_transfer(agency=data["agency"], reason=data["reason"], **common)
    return complaint_return(reason=data["reason"], **common)


def _step_form(code: str, complaint: Complaint, data: Any = None, initial: dict | None = None) -> Any:
    kwargs: dict[str, Any] = {"prefix": code, "initial": initial or {}}
    if code == "dispatch":
        kwargs["suggested"] = answering_agency(complaint.category, complaint.district)
    if code == "transfer":
        kwargs["current"] = complaint.case.organization_id
    return STEP_FORMS[code](data, **kwargs)


def _templates(complaint: Complaint) -> list[ResponseTemplate]:
    return list(
        ResponseTemplate.objects.filter(is_active=True)
        .filter(Q(category=complaint.category) | Q(category__isnull=True))
        .filter(Q(organization_id=complaint.case.organization_id) | Q(organization__isnull=True))
        .order_by("title")[:50]
    )


def _reporter_rows(user: Any, complaint: Complaint) -> list[tuple[str, str]]:
    case = complaint.case
    if not may_see_reporter(user, complaint):
        return [(_("Reporter"), _("Hidden: the reporter chose to stay anonymous."))]
    if case.applicant_id:
        return [
            (_("Reporter"), case.applicant.full_name),
            (_("E-mail"), mask_email(case.applicant.email)),
            (_("Phone"), mask_phone(case.applicant.phone)),
            (_("Account"), _("Yes")),
        ]
    return [
        (_("Reporter"), complaint.reporter_name or _("Not given")),
        (_("E-mail"), mask_email(complaint.reporter_email)),
        (_("Phone"), mask_phone(complaint.reporter_phone)),
        (_("Contact confirmed"), _("Yes") if complaint.contact_verified_at else _("No (filed at the counter)")),
    ]


def _attribute_rows(complaint: Complaint) -> list[tuple[str, str]]:
    rows = []
    for spec in sorted_attributes(complaint.category.attributes):
        value = complaint.attributes.get(spec["code"])
        if value in (None, "", []):
            continue
        names = spec.get("values") or {}
        shown = ", ".join(names.get(v, v) for v in value) if isinstance(value, list) else names.get(value, value)
        rows.append((spec.get("description") or spec["code"], str(shown)))
    return rows


def _detail(request: HttpRequest, complaint: Complaint, *, bound: tuple[str, Any] | None = None, status: int = 200):
    user = request.user
    case = complaint.case
    can_act = staff_may_see_case(user, case)
    steps = [t for t in allowed_transitions(user, case) if t.code in STEP_FORMS] if can_act else []
    template_id = request.GET.get("template")
    templates = _templates(complaint)
    chosen = next((t for t in templates if str(t.pk) == str(template_id)), None)
    step_forms = []
    for step in steps:
        if bound is not None and bound[0] == step.code:
            form = bound[1]
        else:
            initial = {"response": chosen.body} if step.code == "respond" and chosen else None
            form = _step_form(step.code, complaint, initial=initial)
        step_forms.append((step, form))
    supervises = can_act and can_act_on(user, case.organization_id, roles=ASSIGNING_ROLES)
    context = {
        "complaint": complaint,
        "case": case,
        "tag": state_tag(case.state),
        "step_forms": step_forms,
        "note_form": (bound[1] if bound and bound[0] == "note" else f.NoteForm()) if can_act else None,
        "can_act": can_act,
        "can_claim": can_act and case.closed_at is None and case.assigned_to_id != user.pk,
        "supervises": supervises and case.closed_at is None,
        "colleagues": _colleagues(case.organization_id) if supervises else [],
        "reporter_rows": _reporter_rows(user, complaint),
        "attribute_rows": _attribute_rows(complaint),
        "photos": list(complaint.photos.all()),
        "timeline": _timeline_rows(complaint),
        "templates": templates if any(s.code == "respond" for s in steps) else [],
        "duplicates": list(complaint.duplicates.select_related("case")[:50]),
        "now": timezone.now(),
    }
    return render(request, "complaints/staff/detail.html", context, status=status)


def _timeline_rows(complaint: Complaint) -> list[tuple[Any, str]]:
    """The history with who did each step: the officer's name, or "the reporter" / "the system"."""
    applicant_id = complaint.case.applicant_id
    labels = {"reporter": _("the reporter"), "system": _("the system")}
    rows = []
    for entry in staff_timeline(complaint):
        author = entry_author(entry, applicant_id)
        rows.append((entry, entry.actor.full_name if author == "agency" else labels[author]))
    return rows


def _colleagues(organization_id: int) -> list[tuple[int, str]]:
    from balai.accounts.models import User

    return list(
        User.objects.filter(
            memberships__organization_id=organization_id, memberships__ended_at__isnull=True, is_active=True
        )
        .distinct()
        .order_by("full_name")
        .values_list("pk", "full_name")[:200]
    )


def _lookup(user: Any, number: str) -> Complaint:
    try:
        return complaint_for_staff(user, number)
    except NotFound:
        raise Http404 from None


@require_safe
@staff_member_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    states = list(
        WorkflowState.objects.filter(workflow__code=WORKFLOW_CODE).order_by("position").values_list("code", "name")
    )
    form = f.StaffFilterForm(request.GET or None, states=states)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "category": data.get("category") or None,
            "state": data.get("state") or None,
            "overdue": True if data.get("overdue") else None,
            "assigned_to": request.user if data.get("mine") else None,
        }
    page = Paginator(complaints_for_staff(request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(c, state_tag(c.case.state), c.case.is_overdue) for c in page.object_list]
    return render(
        request,
        "complaints/staff/list.html",
        {"form": form, "page_obj": page, "rows": rows, "now": now, "files_at_counter": _files_at_counter(request.user)},
    )


def _files_at_counter(user: Any) -> bool:
    from balai.complaints.services.common import COUNTER_ROLES

    return bool(organization_ids_for(user, roles=COUNTER_ROLES))


@never_cache
@require_safe
@staff_member_required
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _detail(request, _lookup(request.user, number))


@require_POST
@staff_member_required
def complaint_step(request: HttpRequest, number: str, step: str) -> HttpResponse:
    complaint = _lookup(request.user, number)
    if step not in STEP_FORMS:
        raise Http404
    form = _step_form(step, complaint, data=request.POST)
    version = _version(request)
    if form.is_valid():
        try:
            _run_step(step, request.user, complaint, form.cleaned_data, version)
        except NotFound:
            raise Http404 from None
        except BalaiError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": _step_name(complaint, step)})
            try:
                return redirect("complaints_staff:detail", complaint_for_staff(request.user, number).case.number)
            except NotFound:
                # Dispatched or transferred out of the person's reach: back to their list.
                return redirect("complaints_staff:list")
    return _detail(request, _lookup(request.user, number), bound=(step, form), status=400)


def _step_name(complaint: Complaint, code: str) -> str:
    step = complaint.case.workflow.transitions.filter(code=code).first()
    return step.display_name if step else code


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@require_POST
@staff_member_required
def complaint_note(request: HttpRequest, number: str) -> HttpResponse:
    complaint = _lookup(request.user, number)
    form = f.NoteForm(request.POST)
    if form.is_valid():
        try:
            complaint_add_note(
                actor=request.user,
                complaint=complaint,
                body=form.cleaned_data["body"],
                is_public=form.cleaned_data["is_public"],
            )
        except NotFound:
            raise Http404 from None
        except BalaiError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The note was added."))
            return redirect("complaints_staff:detail", complaint.case.number)
    return _detail(request, complaint, bound=("note", form), status=400)


@require_POST
@staff_member_required
def complaint_assign(request: HttpRequest, number: str) -> HttpResponse:
    from balai.accounts.models import User

    complaint = _lookup(request.user, number)
    raw = request.POST.get("assignee", "")
    assignee = User.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if raw and assignee is None:
        messages.error(request, _("Choose a person from the list."))
        return redirect("complaints_staff:detail", complaint.case.number)
    try:
        case_assign(actor=request.user, case=complaint.case, assignee=assignee, expected_version=_version(request))
    except NotFound:
        raise Http404 from None
    except BalaiError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The assignment was saved."))
    return redirect("complaints_staff:detail", complaint.case.number)


@require_safe
@staff_member_required
def complaint_photo(request: HttpRequest, number: str, photo_id: int) -> HttpResponse:
    complaint = _lookup(request.user, number)
    try:
        photo = photo_for(request.user, photo_id)
    except NotFound:
        raise Http404 from None
    if photo.complaint_id != complaint.pk:
        raise Http404
    return photo_response(photo)
