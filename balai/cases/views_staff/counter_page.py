"""Counter (assisted) filing: find or register the walk-in person by NIK, file, print the receipt."""

from __future__ import annotations

import json
import time
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from balai.accounts.models import CitizenProfile, User
from balai.accounts.nik import mask_nik
from balai.accounts.phone import mask_phone
from balai.cases.forms_staff import (
    CounterServiceForm,
    NikLookupForm,
    WalkInForm,
)
from balai.cases.services.counter import (
    citizen_by_nik,
    counter_file,
    counter_service,
    counter_services,
    may_file_at_counter,
)
from balai.cases.views_staff.common import COUNTER_TOKEN_MAX_AGE, form_error, staff_case_or_404
from balai.core.crypto import DecryptionError, decrypt, encrypt
from balai.core.exceptions import BalaiError, PermissionDenied
from balai.services.formdefs import build_form
from balai.services.models import Service
from balai.web.views import staff_member_required


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
                    form_error(form, exc)
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
    case = staff_case_or_404(request.user, number)
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
