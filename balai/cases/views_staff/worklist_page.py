"""The worklist: filters, counts per state, claim and bulk assignment."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from balai.accounts.models import User
from balai.cases.forms_staff import (
    BulkAssignForm,
    WorklistFilterForm,
)
from balai.cases.models import CaseType, WorkflowState
from balai.cases.selectors import (
    cases_for_staff,
    staff_scope,
    state_counts,
    worklist_for_staff,
)
from balai.cases.services import case_assign
from balai.cases.views_staff.common import (
    PAGE_SIZE,
    colleagues_in,
    parse_int,
    sla_status,
    state_tag,
    supervises,
    worklist_url,
)
from balai.core.calendar import add_working_days
from balai.core.exceptions import BalaiError
from balai.organizations.scoping import organization_ids_for
from balai.services.models import Service
from balai.web.views import staff_member_required


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


def _row_labels() -> dict[str, str]:
    return {
        "select": _("Select"),
        "number": _("Number"),
        "service": _("Service"),
        "applicant": _("Applicant"),
        "status": _("Status"),
        "submitted": _("Submitted"),
        "due": _("Due"),
        "assigned": _("Assigned to"),
        "counter": _("counter"),
        "you": _("You"),
        "nobody": _("Nobody"),
        "claim": _("Claim"),
        "select_case": _("Select case %(number)s"),
    }


def _rows_html(rows: list[dict[str, Any]], t: dict[str, str]) -> SafeString:
    """The table rows, built here rather than in a template loop: 25 rows of ~20 lookups each were a quarter
    of the page's server time. Every value goes through ``format_html`` (escaped)."""
    out = []
    for row in rows:
        case = row["case"]
        submitted = timezone.localtime(case.submitted_at).strftime("%d/%m/%Y %H:%M")
        due = timezone.localtime(case.due_at).strftime("%d/%m/%Y") if case.due_at else "–"
        sla = (
            format_html(' <strong class="tag tag--{}">{}</strong>', row["sla_tag"], row["sla_label"])
            if row["sla_label"]
            else ""
        )
        if row["assigned"]:
            assigned = t["you"] if row["mine"] else row["assignee"]
        else:
            assigned = format_html('<span class="text-muted">{}</span>', t["nobody"])
        claim = (
            format_html(
                '<button type="submit" name="claim" value="{}" class="link-button">{}'
                '<span class="visually-hidden"> {}</span></button>',
                case.pk,
                t["claim"],
                case.number,
            )
            if case.closed_at is None and not row["mine"]
            else ""
        )
        channel = (
            format_html(' <span class="text-muted">({})</span>', t["counter"]) if case.channel == "counter" else ""
        )
        out.append(
            format_html(
                "<tr>"
                '<td data-label="{}"><input type="checkbox" name="cases" value="{}" id="case-{}">'
                '<label for="case-{}" class="visually-hidden">{}</label></td>'
                '<td data-label="{}"><a href="{}">{}</a></td>'
                '<td data-label="{}">{}</td>'
                '<td data-label="{}">{}{}</td>'
                '<td data-label="{}"><strong class="tag tag--{}">{}</strong></td>'
                '<td data-label="{}">{}</td>'
                '<td data-label="{}">{}{}</td>'
                '<td data-label="{}">{} {}</td>'
                "</tr>",
                t["select"],
                case.pk,
                case.pk,
                case.pk,
                t["select_case"] % {"number": case.number},
                t["number"],
                row["url"],
                case.number,
                t["service"],
                row["service"] or "–",
                t["applicant"],
                case.applicant_name or "–",
                channel,
                t["status"],
                row["tag"] or "neutral",
                row["state_name"],
                t["submitted"],
                submitted,
                t["due"],
                due,
                sla,
                t["assigned"],
                assigned,
                claim,
            )  # fmt: skip
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every part built by format_html


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
    complaint_url = reverse("complaints_staff:detail", args=["NUMBER"])
    for case in page:
        sla = sla_status(case, now, soon)
        case_state = states_by_id[case.state_id]
        rows.append(
            {
                "case": case,
                "sla": sla,
                "sla_tag": _SLA_TAGS.get(sla, ""),
                "sla_label": sla_labels.get(sla, ""),
                "tag": state_tag(case_state),
                # one reverse() per page; complaints open on their own pages
                "url": (complaint_url if case.case_type == CaseType.COMPLAINT else detail_url).replace(
                    "NUMBER", quote(case.number, safe="")
                ),
                "service": service_names.get(case.service_id, ""),
                "state_name": case_state.display_name,
                "assigned": case.assigned_to_id is not None,
                "assignee": case.assignee_name or "",
                "mine": case.assigned_to_id == user.pk,
            }
        )
    rows_html = _rows_html(rows, _row_labels())
    counts = state_counts(
        user, scope=scope, state_codes=state_codes, **{k: v for k, v in filters.items() if k != "state"}
    )
    names = dict(states)
    state_totals = [(code, names.get(code, code), n) for code, n in sorted(counts.items(), key=lambda i: -i[1])]
    supervisor = scope.supervises
    colleagues = colleagues_in(set(scope.organization_ids)) if supervisor else [(str(user.pk), user.full_name)]
    me = str(user.pk)
    return render(
        request,
        "cases/staff/worklist.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "rows_html": rows_html,
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
    back = worklist_url(str(request.POST.get("query", ""))[:2000])
    scope = cases_for_staff(user)
    if "claim" in request.POST:
        case = scope.filter(pk=parse_int(request.POST.get("claim"))).first()
        if case is None:
            raise Http404
        try:
            case_assign(actor=user, case=case, assignee=user)
        except BalaiError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Case %(number)s is now assigned to you.") % {"number": case.number})
        return redirect(back)

    posted = [parse_int(v) for v in request.POST.getlist("cases")][: PAGE_SIZE * 4]
    case_ids = list(scope.filter(pk__in=[p for p in posted if p]).values_list("pk", flat=True))
    people = colleagues_in(organization_ids_for(user)) if supervises(user) else [(str(user.pk), user.full_name)]
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
