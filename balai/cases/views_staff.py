"""The staff workspace pages under /kantor/perkara/: the worklist (filters, counts, claim, bulk assign), the
case page (answers, documents, timeline, the steps allowed now, notes, assignment) and counter filing.
Thin views: scoping comes from the case selectors, every change from the case services."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
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
    BulkAssignForm,
    CounterServiceForm,
    NikLookupForm,
    NoteForm,
    TransitionForm,
    WalkInForm,
    WorklistFilterForm,
)
from balai.cases.models import Case, StateKind, WorkflowState, WorkflowTransition
from balai.cases.selectors import (
    allowed_transitions,
    cases_for_staff,
    staff_scope,
    staff_timeline,
    state_counts,
    worklist_for_staff,
)
from balai.cases.services import ASSIGNING_ROLES, case_add_note, case_assign, case_transition
from balai.cases.services_counter import (
    citizen_by_nik,
    counter_file,
    counter_service,
    counter_services,
    may_file_at_counter,
)
from balai.core.calendar import add_working_days, working_days_between
from balai.core.crypto import DecryptionError, decrypt, encrypt
from balai.core.exceptions import BalaiError, Conflict, NotFound, PermissionDenied
from balai.organizations.models import Membership, Organization
from balai.organizations.scoping import ancestor_ids, is_platform_admin, organization_ids_for
from balai.services.formdefs import build_form
from balai.services.formdefs.display import display_answers
from balai.services.models import Service
from balai.web.views import staff_member_required

PAGE_SIZE = 25
COUNTER_TOKEN_MAX_AGE = 2 * 60 * 60  # seconds a counter session (person found or registered) stays valid


# --- helpers -------------------------------------------------------------------------------------------


def _form_error(form: Any, exc: BalaiError) -> None:
    """A service error on the form: per-field messages on their fields, the rest at the top."""
    if exc.fields:
        for name, msgs in exc.fields.items():
            for msg in msgs:
                form.add_error(name if name in form.fields else None, msg)
    else:
        form.add_error(None, str(exc.message))


def _staff_case(user: Any, number: str) -> Case:
    case = cases_for_staff(user).filter(number=str(number or "")[:64]).first() if number else None
    if case is None:
        raise Http404
    return case


def _supervises(user: Any) -> bool:
    """May assign cases to other people (the engine checks this again per case)."""
    if is_platform_admin(user):
        return True
    return Membership.objects.active().filter(user=user, role__in=list(ASSIGNING_ROLES)).exists()


def _people(org_ids: set[int]) -> list[tuple[str, str]]:
    if not org_ids:
        return []
    users = (
        User.objects.filter(
            memberships__organization_id__in=org_ids,
            memberships__ended_at__isnull=True,
            is_active=True,
            anonymised_at__isnull=True,
        )
        .distinct()
        .order_by("full_name", "id")
        .values_list("id", "full_name")
    )
    return [(str(pk), name) for pk, name in users]


def _sla_status(case: Case, now: Any, soon: Any) -> str:
    if case.closed_at is not None:
        return "closed"
    if case.sla_paused_at is not None:
        return "paused"
    if case.due_at is None:
        return ""
    if case.due_at < now:
        return "overdue"
    if case.due_at <= soon:
        return "due_soon"
    return "on_time"


def _state_tag(state: WorkflowState) -> str:
    if state.kind == StateKind.WAITING:
        return "menunggu"
    if state.kind == StateKind.FINAL:
        return "ditolak" if "reject" in state.code else "selesai"
    if state.is_initial:
        return "diajukan"
    return "diproses"


def _worklist_url(query: str = "") -> str:
    """The worklist with the filters the person came from (re-encoded: nothing raw reaches the header)."""
    url = reverse("worklist:list")
    clean = QueryDict(query[:2000]).urlencode() if query else ""
    return f"{url}?{clean}" if clean else url


# --- worklist ------------------------------------------------------------------------------------------


def _state_choices(states: Any = None) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for state in WorkflowState.objects.order_by("position", "id") if states is None else states:
        seen.setdefault(state.code, state.display_name)
    return list(seen.items())


_SLA_TAGS = {"overdue": "ditolak", "due_soon": "menunggu", "paused": "draf"}


def _sla_labels() -> dict[str, str]:
    return {
        "overdue": _("Overdue"),
        "due_soon": _("Due soon"),
        "paused": _("Clock paused (waiting for the applicant)"),
    }


@require_safe
@staff_member_required
def worklist(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = staff_scope(user)  # memberships and organizations, read once for the whole page
    all_states = list(WorkflowState.objects.order_by("position", "id"))
    state_ids_by_code: dict[str, list[int]] = {}
    for s in all_states:
        state_ids_by_code.setdefault(s.code, []).append(s.pk)
    state_codes = {s.pk: s.code for s in all_states}
    states_by_id = {s.pk: s for s in all_states}
    service_objects = list(Service.objects.order_by("name").only("code", "name", "name_en"))
    service_names = {s.pk: s.display_name for s in service_objects}
    services = [(s.code, s.display_name) for s in service_objects]
    states = _state_choices(all_states)
    form = WorklistFilterForm(request.GET or None, services=services, states=states)
    filters: dict[str, Any] = {}
    order = "due_at"
    if form.is_bound:
        form.is_valid()  # invalid filters are reported and ignored; the valid ones still apply
        data = form.cleaned_data
        filters = {
            "service": data.get("service") or None,
            "state": data.get("state") or None,
            "overdue": True if data.get("overdue") else None,
            "assigned_to": user if data.get("mine") else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
        order = data.get("sort") or "due_at"
    state = filters.get("state")
    state_ids = None
    if state:
        codes = [state] if isinstance(state, str) else [getattr(s, "code", s) for s in state]
        state_ids = [pk for code in codes for pk in state_ids_by_code.get(str(code), ())]
    cases = worklist_for_staff(user, order=order, scope=scope, state_ids=state_ids, light=True, **filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    soon = add_working_days(now, 1)
    # Everything a row shows, worked out here in one pass (the template only prints it).
    sla_labels = _sla_labels()
    rows = []
    detail_url = reverse("worklist:detail", args=["NUMBER"])
    for case in page:
        sla = _sla_status(case, now, soon)
        case_state = states_by_id[case.state_id]
        rows.append(
            {
                "case": case,
                "sla": sla,
                "sla_tag": _SLA_TAGS.get(sla, ""),
                "sla_label": sla_labels.get(sla, ""),
                "tag": _state_tag(case_state),
                "url": detail_url.replace("NUMBER", quote(case.number, safe="")),  # one reverse() per page
                "service": service_names.get(case.service_id, ""),
                "state_name": case_state.display_name,
                "assigned": case.assigned_to_id is not None,
                "assignee": case.assignee_name or "",
                "mine": case.assigned_to_id == user.pk,
            }
        )
    counts = state_counts(
        user, scope=scope, state_codes=state_codes, **{k: v for k, v in filters.items() if k != "state"}
    )
    names = dict(states)
    state_totals = [(code, names.get(code, code), n) for code, n in sorted(counts.items(), key=lambda i: -i[1])]
    supervisor = scope.supervises
    colleagues = _people(set(scope.organization_ids)) if supervisor else [(str(user.pk), user.full_name)]
    me = str(user.pk)
    return render(
        request,
        "cases/staff/worklist.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "state_totals": state_totals,
            "total": page.paginator.count,
            "colleagues": [(pk, name, pk == me) for pk, name in colleagues],
            "supervisor": supervisor,
            "query": request.GET.urlencode(),
            "can_file_at_counter": scope.files_at_counter,
        },
    )


@require_POST
@staff_member_required
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Claim one case (``claim=<id>``) or assign the ticked cases to one colleague."""
    user = request.user
    back = _worklist_url(str(request.POST.get("query", ""))[:2000])
    scope = cases_for_staff(user)
    if "claim" in request.POST:
        case = scope.filter(pk=_int(request.POST.get("claim"))).first()
        if case is None:
            raise Http404
        try:
            case_assign(actor=user, case=case, assignee=user)
        except BalaiError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Case %(number)s is now assigned to you.") % {"number": case.number})
        return redirect(back)

    posted = [_int(v) for v in request.POST.getlist("cases")][: PAGE_SIZE * 4]
    case_ids = list(scope.filter(pk__in=[p for p in posted if p]).values_list("pk", flat=True))
    people = _people(organization_ids_for(user)) if _supervises(user) else [(str(user.pk), user.full_name)]
    form = BulkAssignForm(request.POST, case_ids=case_ids, colleagues=people)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    assignee = User.objects.get(pk=int(form.cleaned_data["assignee"]))
    done, failed = [], []
    for case in scope.filter(pk__in=form.cleaned_data["cases"]).order_by("number"):
        try:
            case_assign(actor=user, case=case, assignee=assignee)
        except BalaiError as exc:
            failed.append(f"{case.number}: {exc.fields.get('assignee', [exc.message])[0]}")
        else:
            done.append(case.number)
    if done:
        messages.success(
            request,
            _("%(count)d case(s) assigned to %(name)s.") % {"count": len(done), "name": assignee.full_name},
        )
    for line in failed:
        messages.error(request, line)
    return redirect(back)


def _int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


# --- the case page -------------------------------------------------------------------------------------


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
    supervisor = _supervises(user)
    org_ids = ancestor_ids(case.organization_id)
    if case.assessing_organization_id:
        org_ids |= ancestor_ids(case.assessing_organization_id)
    colleagues = _people(org_ids) if supervisor else []
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
            "tag": _state_tag(case.state),
            "sla": _sla_status(case, now, add_working_days(now, 1)),
            "due_in": due_in,
            "answers": display_answers(definition, case.answers or {}),
            "applicant_rows": applicant_rows,
            "can_unmask": bool(profile and profile.nik and not unmasked_nik and may_unmask_nik(user)),
            "attachments": list(case.attachments.all()),
            "timeline": list(staff_timeline(case)),
            "transition_forms": _transition_forms(user, case, transition_form),
            "note_form": note_form or NoteForm(),
            "assign_form": assign_form,
            "can_claim": case.closed_at is None and case.assigned_to_id != user.pk,
            "error": error,
        },
        status=status,
    )


@never_cache
@require_safe
@staff_member_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render_case(request, _staff_case(request.user, number))


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
    case = _staff_case(user, number)
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
        assessing = Organization.objects.active().filter(pk=_int(data["assessing_organization"])).first()
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
        return _render_case(request, _staff_case(user, number), status=409, error=_conflict_text(exc))
    except PermissionDenied as exc:
        return _render_case(request, case, status=403, error=str(exc.message))
    except NotFound as exc:
        raise Http404 from exc
    except BalaiError as exc:
        _form_error(form, exc)
        return _render_case(request, case, status=400, transition_form=form)
    messages.success(
        request, _("Done: %(step)s. The case is now “%(state)s”.") % {"step": step.display_name, "state": case.state}
    )
    return redirect("worklist:detail", number=case.number)


@require_POST
@staff_member_required
def case_note_view(request: HttpRequest, number: str) -> HttpResponse:
    user = request.user
    case = _staff_case(user, number)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            case_add_note(
                actor=user, case=case, body=form.cleaned_data["body"], is_public=form.cleaned_data["is_public"]
            )
        except NotFound as exc:
            raise Http404 from exc
        except BalaiError as exc:
            _form_error(form, exc)
        else:
            if form.cleaned_data["is_public"]:
                messages.success(request, _("Your reply was sent to the applicant."))
            else:
                messages.success(request, _("The internal note was added."))
            return redirect("worklist:detail", number=case.number)
    return _render_case(request, case, status=400, note_form=form)


@require_POST
@staff_member_required
def case_assign_view(request: HttpRequest, number: str) -> HttpResponse:
    """Claim the case (``assignee`` = me) or, for supervisors, give it to a colleague or to nobody."""
    user = request.user
    case = _staff_case(user, number)
    org_ids = ancestor_ids(case.organization_id)
    if case.assessing_organization_id:
        org_ids |= ancestor_ids(case.assessing_organization_id)
    colleagues = _people(org_ids) if _supervises(user) else [(str(user.pk), user.full_name)]
    if (str(user.pk), user.full_name) not in colleagues:
        colleagues.append((str(user.pk), user.full_name))
    form = AssignForm(request.POST, colleagues=colleagues)
    if form.is_valid():
        value = form.cleaned_data["assignee"]
        assignee = None if value == "none" else User.objects.filter(pk=_int(value)).first()
        try:
            case_assign(actor=user, case=case, assignee=assignee, expected_version=form.cleaned_data["version"])
        except Conflict as exc:
            return _render_case(request, _staff_case(user, number), status=409, error=_conflict_text(exc))
        except NotFound as exc:
            raise Http404 from exc
        except BalaiError as exc:
            _form_error(form, exc)
        else:
            if assignee is None:
                messages.success(request, _("The case is no longer assigned to anyone."))
            else:
                messages.success(request, _("The case is now assigned to %(name)s.") % {"name": assignee.full_name})
            return redirect("worklist:detail", number=case.number)
    if not _supervises(user):
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
    case = _staff_case(user, number)
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
    case = _staff_case(request.user, number)
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


# --- counter filing ------------------------------------------------------------------------------------


def _counter_guard(user: Any) -> None:
    if not may_file_at_counter(user):
        raise PermissionDenied(_("Only front-office staff can file applications at the counter."))


def _counter_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return render(request, "cases/staff/counter_forbidden.html", {"message": str(exc.message)}, status=403)


@require_safe
@staff_member_required
def counter(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        _counter_guard(user)
    except PermissionDenied as exc:
        return _counter_forbidden(request, exc)
    services = [(s.code, s.display_name) for s in counter_services(user)]
    form = CounterServiceForm(request.GET or None, services=services)
    if form.is_bound and form.is_valid():
        return redirect("worklist:counter_file", code=form.cleaned_data["service"])
    return render(request, "cases/staff/counter.html", {"form": form, "has_services": bool(services)})


def _person_token(user: Any, service: Service, person: dict[str, Any]) -> str:
    return encrypt(json.dumps({"a": user.pk, "s": service.code, "t": int(time.time()), **person}))


def _person_from_token(user: Any, service: Service, token: str) -> dict[str, Any] | None:
    """The person chosen earlier in this counter session (tamper-proof: the token is authenticated
    encryption, bound to this officer, this service and two hours)."""
    if not token or len(token) > 4000:
        return None
    try:
        data = json.loads(decrypt(token))
    except (DecryptionError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("a") != user.pk or data.get("s") != service.code:
        return None
    if not isinstance(data.get("t"), int) or time.time() - data["t"] > COUNTER_TOKEN_MAX_AGE:
        return None
    if "u" in data:
        applicant = User.objects.filter(pk=data["u"], is_active=True).first()
        return {"applicant": applicant} if applicant else None
    walk_in = data.get("w")
    if isinstance(walk_in, dict):
        return {"walk_in": {k: str(walk_in.get(k) or "") for k in ("name", "nik", "phone")}}
    return None


def _person_rows(person: dict[str, Any]) -> list[tuple[str, str]]:
    if "applicant" in person:
        applicant = person["applicant"]
        profile = CitizenProfile.objects.filter(user=applicant).first()
        return [
            (_("Name"), applicant.full_name),
            (_("NIK"), profile.nik_masked if profile else ""),
            (_("Phone"), mask_phone(applicant.phone)),
            (_("Account"), _("Registered account: the application appears in their own list too.")),
        ]
    walk_in = person["walk_in"]
    return [
        (_("Name"), walk_in["name"]),
        (_("NIK"), mask_nik(walk_in["nik"])),
        (_("Phone"), mask_phone(walk_in["phone"])),
        (_("Account"), _("Walk-in person without an account")),
    ]


@never_cache
@staff_member_required
def counter_file_view(request: HttpRequest, code: str) -> HttpResponse:
    """Find the person (NIK) or register a walk-in person, then fill in the service's form for them."""
    user = request.user
    try:
        _counter_guard(user)
    except PermissionDenied as exc:
        return _counter_forbidden(request, exc)
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponse(status=405)
    service = counter_service(user, code)
    if service is None:
        raise Http404
    definition = service.current_version.form_definition
    context: dict[str, Any] = {"service": service, "step": "lookup", "lookup_form": NikLookupForm()}
    status = 200
    action = request.POST.get("action", "") if request.method == "POST" else ""

    if action == "lookup":
        lookup = NikLookupForm(request.POST)
        context["lookup_form"] = lookup
        if lookup.is_valid():
            nik = lookup.cleaned_data["nik"]
            applicant = citizen_by_nik(actor=user, nik=nik)
            if applicant is not None:
                person = {"applicant": applicant}
                context.update(
                    step="form",
                    token=_person_token(user, service, {"u": applicant.pk}),
                    person_rows=_person_rows(person),
                    form=build_form(definition),
                )
            else:
                context.update(step="walk_in", walk_in_form=WalkInForm(initial={"nik": nik}), not_found=True)
        else:
            status = 400
    elif action == "walk_in":
        walk_in_form = WalkInForm(request.POST)
        if walk_in_form.is_valid():
            walk_in = {k: walk_in_form.cleaned_data[k] for k in ("name", "nik", "phone")}
            context.update(
                step="form",
                token=_person_token(user, service, {"w": walk_in}),
                person_rows=_person_rows({"walk_in": walk_in}),
                form=build_form(definition),
            )
        else:
            context.update(step="walk_in", walk_in_form=walk_in_form)
            status = 400
    elif action == "submit":
        token = str(request.POST.get("person", ""))
        person = _person_from_token(user, service, token)
        if person is None:
            context["error"] = _("The person's details have expired or are not valid. Look the person up again.")
            status = 400
        else:
            form = build_form(definition, data=request.POST, files=request.FILES)
            context.update(step="form", token=token, person_rows=_person_rows(person), form=form)
            if form.is_valid():
                try:
                    case = counter_file(
                        actor=user,
                        service=service,
                        answers=form.answers,
                        uploads=form.uploads,
                        applicant=person.get("applicant"),
                        walk_in=person.get("walk_in"),
                    )
                except PermissionDenied as exc:
                    context["error"] = str(exc.message)
                    status = 403
                except BalaiError as exc:
                    _form_error(form, exc)
                    status = 400
                else:
                    return redirect("worklist:counter_receipt", number=case.number)
            else:
                status = 400
    elif action:
        status = 400
    return render(request, "cases/staff/counter_file.html", context, status=status)


@never_cache
@require_safe
@staff_member_required
def counter_receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The printable receipt (tanda terima) of a counter filing: number and verification code."""
    case = _staff_case(request.user, number)
    if case.channel != "counter":
        raise Http404
    return render(
        request,
        "cases/staff/receipt.html",
        {
            "case": case,
            "service": case.service_version.service if case.service_version_id else None,
            "track_url": request.build_absolute_uri("/lacak/"),
        },
    )
