"""The case page: answers, documents, timeline, the steps allowed now, notes and assignment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from balai.accounts.models import CitizenProfile, User
from balai.accounts.nik import mask_nik
from balai.accounts.phone import mask_phone
from balai.accounts.services.profile import may_unmask_nik, nik_unmask
from balai.audit.services import audit_log
from balai.cases.forms_staff import (
    AssignForm,
    ExtendDeadlineForm,
    NoteForm,
    TransitionForm,
)
from balai.cases.models import Case, WorkflowTransition
from balai.cases.selectors import (
    allowed_transitions,
    staff_timeline,
)
from balai.cases.services import case_add_note, case_assign, case_transition
from balai.cases.services.deadline import case_extend_deadline, extension_days, may_extend_deadline
from balai.cases.views_staff.common import (
    colleagues_in,
    complaint_number_for_staff,
    form_error,
    parse_int,
    sla_status,
    staff_case_or_404,
    state_tag,
    supervises,
)
from balai.core.calendar import add_working_days, working_days_between
from balai.core.exceptions import BalaiError, Conflict, NotFound, PermissionDenied
from balai.documents.selectors import documents_for_case_staff
from balai.organizations.models import Organization
from balai.organizations.scoping import ancestor_ids
from balai.services.formdefs.display import display_answers
from balai.web.views import staff_member_required


def _agencies(case: Case) -> list[tuple[str, str]]:
    return [
        (str(o.pk), o.name) for o in Organization.objects.active().exclude(pk=case.organization_id).order_by("name")
    ]


def _transition_forms(user: Any, case: Case, bound: TransitionForm | None = None) -> list[TransitionForm]:
    result = []
    for step in allowed_transitions(user, case):
        if bound is not None and bound.step.pk == step.pk:
            result.append(bound)
            continue
        agencies = _agencies(case) if step.requires_assessing_organization else None
        result.append(
            TransitionForm(step=step, agencies=agencies, initial={"transition": step.code, "version": case.version})
        )
    return result


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    status: int = 200,
    transition_form: TransitionForm | None = None,
    note_form: NoteForm | None = None,
    assign_form: AssignForm | None = None,
    extend_form: ExtendDeadlineForm | None = None,
    error: str = "",
    unmasked_nik: str = "",
) -> HttpResponse:
    user = request.user
    definition = case.service_version.form_definition if case.service_version_id else {}
    profile = CitizenProfile.objects.filter(user_id=case.applicant_id).first() if case.applicant_id else None
    now = timezone.now()
    due_in = None
    if case.due_at and case.closed_at is None and case.due_at >= now:
        due_in = working_days_between(now, case.due_at)
    supervisor = supervises(user)
    org_ids = ancestor_ids(case.organization_id)
    if case.assessing_organization_id:
        org_ids |= ancestor_ids(case.assessing_organization_id)
    colleagues = colleagues_in(org_ids) if supervisor else []
    if assign_form is None and supervisor and case.closed_at is None:
        assign_form = AssignForm(
            colleagues=colleagues, initial={"version": case.version, "assignee": str(case.assigned_to_id or "")}
        )
    applicant_rows = [(_("Name"), case.applicant_name)]
    if case.applicant_id:
        applicant_rows += [
            (_("NIK"), unmasked_nik or (profile.nik_masked if profile else "")),
            (_("E-mail"), case.applicant.email or ""),
            (_("Phone"), mask_phone(case.applicant.phone)),
        ]
    else:
        applicant_rows += [
            (_("NIK"), mask_nik(case.walk_in_nik)),
            (_("Phone"), mask_phone(case.walk_in_phone)),
            (_("Account"), _("Walk-in person without an account")),
        ]
    return render(
        request,
        "cases/staff/detail.html",
        {
            "case": case,
            "service": case.service_version.service if case.service_version_id else None,
            "tag": state_tag(case.state),
            "sla": sla_status(case, now, add_working_days(now, 1)),
            "due_in": due_in,
            "answers": display_answers(definition, case.answers or {}),
            "applicant_rows": applicant_rows,
            "can_unmask": bool(profile and profile.nik and not unmasked_nik and may_unmask_nik(user)),
            "attachments": list(case.attachments.all()),
            "issued_documents": documents_for_case_staff(user, case),
            "timeline": list(staff_timeline(case)),
            "transition_forms": _transition_forms(user, case, transition_form),
            "note_form": note_form or NoteForm(),
            "assign_form": assign_form,
            "can_claim": case.closed_at is None and case.assigned_to_id != user.pk,
            "extend_form": extend_form
            or (ExtendDeadlineForm(initial={"version": case.version}) if may_extend_deadline(user, case) else None),
            "extension_days": extension_days(case),
            "error": error,
        },
        status=status,
    )


@never_cache
@require_safe
@staff_member_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    complaint = complaint_number_for_staff(request.user, number)
    if complaint is not None:
        return redirect("complaints_staff:detail", complaint)
    return _render_case(request, staff_case_or_404(request.user, number))


STALE_MESSAGE = "stale_version"


def _conflict_text(exc: Conflict) -> str:
    if exc.code == STALE_MESSAGE:
        return _(
            "This case was just changed by another officer. Its current state is shown below: check it and try "
            "again if the step is still needed."
        )
    return str(exc.message)


@require_POST
@staff_member_required
def case_transition_view(request: HttpRequest, number: str) -> HttpResponse:
    user = request.user
    case = staff_case_or_404(user, number)
    code = str(request.POST.get("step", ""))[:50]
    step = WorkflowTransition.objects.filter(workflow_id=case.workflow_id, code=code).first()
    if step is None:
        return _render_case(request, case, status=400, error=_("This step does not exist in the case's workflow."))
    agencies = _agencies(case) if step.requires_assessing_organization else None
    form = TransitionForm(request.POST, request.FILES, step=step, agencies=agencies)
    if not form.is_valid():
        return _render_case(request, case, status=400, transition_form=form)
    data = form.cleaned_data
    if data["transition"] != step.code:
        raise Http404  # the hidden step code was tampered with
    assessing = None
    if step.requires_assessing_organization and data.get("assessing_organization"):
        assessing = Organization.objects.active().filter(pk=parse_int(data["assessing_organization"])).first()
    try:
        case = case_transition(
            actor=user,
            case=case,
            transition=step.code,
            comment=data.get("comment") or "",
            document=data.get("document"),
            fee_amount=data.get("fee_amount"),
            expected_version=data["version"],
            assessing_organization=assessing,
        )
    except Conflict as exc:
        return _render_case(request, staff_case_or_404(user, number), status=409, error=_conflict_text(exc))
    except PermissionDenied as exc:
        return _render_case(request, case, status=403, error=str(exc.message))
    except NotFound as exc:
        raise Http404 from exc
    except BalaiError as exc:
        form_error(form, exc)
        return _render_case(request, case, status=400, transition_form=form)
    messages.success(
        request, _("Done: %(step)s. The case is now “%(state)s”.") % {"step": step.display_name, "state": case.state}
    )
    return redirect("worklist:detail", number=case.number)


@require_POST
@staff_member_required
def case_note_view(request: HttpRequest, number: str) -> HttpResponse:
    user = request.user
    case = staff_case_or_404(user, number)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            case_add_note(
                actor=user, case=case, body=form.cleaned_data["body"], is_public=form.cleaned_data["is_public"]
            )
        except NotFound as exc:
            raise Http404 from exc
        except BalaiError as exc:
            form_error(form, exc)
        else:
            if form.cleaned_data["is_public"]:
                messages.success(request, _("Your reply was sent to the applicant."))
            else:
                messages.success(request, _("The internal note was added."))
            return redirect("worklist:detail", number=case.number)
    return _render_case(request, case, status=400, note_form=form)


@require_POST
@staff_member_required
def case_extend_view(request: HttpRequest, number: str) -> HttpResponse:
    user = request.user
    case = staff_case_or_404(user, number)
    form = ExtendDeadlineForm(request.POST)
    if form.is_valid():
        try:
            case = case_extend_deadline(
                actor=user,
                case=case,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except NotFound as exc:
            raise Http404 from exc
        except BalaiError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, _("The time limit was extended to %(date)s.") % {"date": date_format(case.due_at, "d/m/Y")}
            )
            return redirect("worklist:detail", number=case.number)
    return _render_case(request, case, status=400, extend_form=form)


@require_POST
@staff_member_required
def case_assign_view(request: HttpRequest, number: str) -> HttpResponse:
    """Claim the case (``assignee`` = me) or, for supervisors, give it to a colleague or to nobody."""
    user = request.user
    case = staff_case_or_404(user, number)
    org_ids = ancestor_ids(case.organization_id)
    if case.assessing_organization_id:
        org_ids |= ancestor_ids(case.assessing_organization_id)
    colleagues = colleagues_in(org_ids) if supervises(user) else [(str(user.pk), user.full_name)]
    if (str(user.pk), user.full_name) not in colleagues:
        colleagues.append((str(user.pk), user.full_name))
    form = AssignForm(request.POST, colleagues=colleagues)
    if form.is_valid():
        value = form.cleaned_data["assignee"]
        assignee = None if value == "none" else User.objects.filter(pk=parse_int(value)).first()
        try:
            case_assign(actor=user, case=case, assignee=assignee, expected_version=form.cleaned_data["version"])
        except Conflict as exc:
            return _render_case(request, staff_case_or_404(user, number), status=409, error=_conflict_text(exc))
        except NotFound as exc:
            raise Http404 from exc
        except BalaiError as exc:
            form_error(form, exc)
        else:
            if assignee is None:
                messages.success(request, _("The case is no longer assigned to anyone."))
            else:
                messages.success(request, _("The case is now assigned to %(name)s.") % {"name": assignee.full_name})
            return redirect("worklist:detail", number=case.number)
    if not supervises(user):
        error = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return _render_case(request, case, status=400, error=error)
    return _render_case(request, case, status=400, assign_form=form)


@never_cache
@require_POST
@staff_member_required
def case_unmask_nik(request: HttpRequest, number: str) -> HttpResponse:
    """Show the applicant's full profile NIK once (audited by ``nik_unmask``); NIKs inside the answers stay
    masked."""
    user = request.user
    case = staff_case_or_404(user, number)
    if case.applicant_id is None:
        raise Http404
    try:
        nik = nik_unmask(actor=user, user=case.applicant)
    except PermissionDenied as exc:
        return _render_case(request, case, status=403, error=str(exc.message))
    except NotFound as exc:
        return _render_case(request, case, status=404, error=str(exc.message))
    return _render_case(request, case, unmasked_nik=nik)


@require_safe
@staff_member_required
def case_document(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """Download a case document: staff of the responsible or assessing agency only."""
    case = staff_case_or_404(request.user, number)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        handle = default_storage.open(attachment.storage_name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    # Opening a citizen's document is access to personal data: it is recorded like an unmasking.
    audit_log(
        actor=request.user,
        action="case.document_downloaded",
        target=attachment,
        summary={"case": case.number, "requirement": attachment.requirement_code},
    )
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
