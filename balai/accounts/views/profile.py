"""The citizen's own pages under /saya/: overview, profile, data download and account deletion. Thin:
each parses a form, calls one service or selector, renders."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from balai.accounts.forms_profile import ConfirmPasswordForm, ProfileForm
from balai.accounts.phone import mask_phone
from balai.accounts.selectors import profile_of
from balai.accounts.services.privacy import account_delete, personal_data_export
from balai.accounts.services.profile import profile_update
from balai.core.exceptions import BalaiError
from balai.core.exceptions import PermissionDenied as BalaiPermissionDenied
from balai.core.masking import mask_email


def show_service_error(form: forms.Form, exc: BalaiError) -> None:
    """Per-field messages on their fields, the rest at the top of the form."""
    if exc.fields:
        for name, msgs in exc.fields.items():
            for msg in msgs:
                form.add_error(name if name in form.fields else None, msg)
    else:
        form.add_error(None, str(exc.message))


@require_safe
@login_required
@never_cache
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = profile_of(user)
    return render(
        request,
        "accounts/self/overview.html",
        {
            "profile": profile,
            "email_masked": mask_email(user.email),
            "phone_masked": mask_phone(user.phone),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = profile_of(user)
    if request.method == "POST":
        form = ProfileForm(request.POST, profile=profile)
        if form.is_valid():
            data = form.cleaned_data
            try:
                profile_update(
                    actor=user,
                    user=user,
                    nik=data["nik"],
                    full_name=data["full_name"],
                    birth_date=data["birth_date"],
                    sex=data["sex"],
                    address=data["address"],
                    district=data.get("district"),
                    village=data.get("village"),
                )
            except BalaiPermissionDenied as exc:
                raise DjangoPermissionDenied(str(exc.message)) from exc
            except BalaiError as exc:
                show_service_error(form, exc)
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("saya:overview")
    else:
        initial = {"full_name": user.full_name}
        if profile is not None:
            initial.update(
                {
                    "birth_date": profile.birth_date,
                    "sex": profile.sex,
                    "address": profile.address,
                    "district": profile.district_id,
                    "village": profile.village_id,
                }
            )
        form = ProfileForm(initial=initial, profile=profile)
    return render(request, "accounts/self/profile_form.html", {"form": form, "profile": profile})


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def data_export(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "accounts/self/data.html")
    data = personal_data_export(actor=request.user, user=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"data-pribadi-{request.user.pk}-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def account_delete_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ConfirmPasswordForm(request.POST)
        if form.is_valid():
            try:
                account_delete(actor=user, user=user, password=form.cleaned_data["password"])
            except BalaiPermissionDenied as exc:
                form.add_error(None, str(exc.message))
            except BalaiError as exc:
                show_service_error(form, exc)
            else:
                logout(request)
                messages.success(
                    request, _("Your account has been deleted and your personal data removed. You are signed out.")
                )
                return redirect("/")
    else:
        form = ConfirmPasswordForm()
    return render(
        request,
        "accounts/self/delete.html",
        {"form": form, "is_staff_account": user.is_staff_member},
    )
