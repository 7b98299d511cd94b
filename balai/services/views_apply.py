"""Applying online at /layanan/<code>/ajukan/: the service's form (answers and documents), "Simpan draf"
to continue later, "Lanjut" to the review page (answers, files, fee, time limit, declaration), and
"Kirim permohonan", which submits the draft exactly once and shows the receipt.

The pages carry no hidden inputs: the draft is in the URL and looked up among the signed-in person's own
drafts (anyone else's is a 404), the service version comes from the draft, the fee from the server."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from balai.cases.services import apply
from balai.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from balai.services import selectors
from balai.services.fees import compute_fee
from balai.services.formdefs import build_form
from balai.services.formdefs.display import display_answers
from balai.services.formdefs.values import field_label


class DeclarationForm(forms.Form):
    declaration = forms.BooleanField(
        label=gettext_lazy("I declare that the information and documents I gave are true and complete."),
        error_messages={"required": gettext_lazy("Confirm that the information you gave is true and complete.")},
    )


def _language() -> str:
    return (get_language() or "id").split("-")[0]


def _service_or_404(code: str) -> Any:
    service = selectors.public_service(code)
    if service is None or not service.accepts_applications:
        raise Http404()
    return service


def _draft_or_404(request: HttpRequest, code: str, draft_id: Any, *, submitted: bool = False) -> Any:
    try:
        return apply.draft_for(request.user, draft_id, service_code=code, submitted=submitted)
    except NotFound:
        raise Http404() from None


def _refuse_profile(request: HttpRequest, service: Any) -> HttpResponse | None:
    if apply.service_needs_profile(service) and not apply.profile_complete(request.user):
        messages.warning(
            request,
            _("Complete your profile (NIK and village) first: %(service)s is handled by the office of your village.")
            % {"service": service.display_name},
        )
        return redirect(f"{reverse('saya:profile')}?next={reverse('services:apply', args=[service.code])}")
    return None


def _add_errors(form: Any, exc: ValidationFailed) -> None:
    for code, errors in exc.fields.items():
        name = code if code in form.fields else None
        for error in errors:
            form.add_error(name, str(error))
    if not exc.fields:
        form.add_error(None, str(exc.message))


def _form_page(request: HttpRequest, service: Any, draft: Any, form: Any, *, status: int = 200) -> HttpResponse:
    version = draft.service_version if draft is not None else service.current_version
    uploads = apply.draft_uploads(draft) if draft is not None else []
    labels = {str(spec.get("code")): field_label(spec) for spec in version.requirements}
    return render(
        request,
        "services/apply/form.html",
        {
            "service": service,
            "draft": draft,
            "form": form,
            "uploads": [(u, labels.get(u.requirement_code, u.requirement_code)) for u in uploads],
            "version_changed": draft is not None and service.current_version_id != draft.service_version_id,
        },
        status=status,
    )


def _initial_uploads(draft: Any) -> dict[str, Any]:
    if draft is None:
        return {}
    return {u.requirement_code: u for u in apply.draft_uploads(draft)}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply_start(request: HttpRequest, code: str) -> HttpResponse:
    service = _service_or_404(code)
    refused = _refuse_profile(request, service)
    if refused is not None:
        return refused
    return _edit(request, service, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply_draft(request: HttpRequest, code: str, draft_id: int) -> HttpResponse:
    service = _service_or_404(code)
    draft = _draft_or_404(request, code, draft_id, submitted=True)
    if draft.case_id is not None:  # already submitted (the back button): its receipt
        return redirect("my_cases:receipt", number=draft.case.number)
    refused = _refuse_profile(request, service)
    if refused is not None:
        return refused
    return _edit(request, service, draft)


def _edit(request: HttpRequest, service: Any, draft: Any) -> HttpResponse:
    version = draft.service_version if draft is not None else service.current_version
    definition = version.form_definition
    initial = {**(draft.answers if draft is not None else {}), **_initial_uploads(draft)}
    if request.method != "POST":
        form = build_form(definition, initial=initial, language=_language())
        return _form_page(request, service, draft, form)

    save_only = "save" in request.POST
    form = build_form(
        definition, data=request.POST, files=request.FILES, initial=initial, language=_language(), partial=save_only
    )
    if not form.is_valid():
        return _form_page(request, service, draft, form, status=400)
    try:
        draft = apply.draft_save(
            actor=request.user, service=service, answers=form.answers, uploads=form.uploads, draft=draft
        )
    except ValidationFailed as exc:
        _add_errors(form, exc)
        return _form_page(request, service, draft, form, status=400)
    except (PermissionDenied, NotFound):
        raise Http404() from None
    if save_only:
        messages.success(
            request,
            _("Your draft is saved. You can continue it later from “My applications”."),
        )
        return redirect("services:apply_draft", code=service.code, draft_id=draft.pk)
    return redirect("services:apply_review", code=service.code, draft_id=draft.pk)


@login_required
@require_POST
def apply_remove_upload(request: HttpRequest, code: str, draft_id: int, upload_id: int) -> HttpResponse:
    draft = _draft_or_404(request, code, draft_id)
    try:
        apply.upload_remove(actor=request.user, draft=draft, upload_id=upload_id)
    except NotFound:
        raise Http404() from None
    messages.success(request, _("The file is removed."))
    return redirect("services:apply_draft", code=draft.service_version.service.code, draft_id=draft.pk)


@login_required
@require_POST
def apply_delete_draft(request: HttpRequest, code: str, draft_id: int) -> HttpResponse:
    draft = _draft_or_404(request, code, draft_id)
    apply.draft_delete(actor=request.user, draft=draft)
    messages.success(request, _("The draft is deleted."))
    return redirect("my_cases:list")


def _review_context(service: Any, draft: Any) -> dict[str, Any]:
    version = draft.service_version
    language = _language()
    labels = {str(spec.get("code")): field_label(spec, language) for spec in version.requirements}
    for field in version.fields:
        if field.get("type") == "file":
            labels[str(field["code"])] = field_label(field, language)
    try:
        fee = compute_fee(service, draft.answers)
    except ValidationFailed:
        fee = None
    return {
        "service": service,
        "draft": draft,
        "answer_rows": display_answers(version.form_definition, draft.answers or {}, language=language, unmask=True),
        "uploads": [(u, labels.get(u.requirement_code, u.requirement_code)) for u in apply.draft_uploads(draft)],
        "fee": fee,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply_review(request: HttpRequest, code: str, draft_id: int) -> HttpResponse:
    service = _service_or_404(code)
    draft = _draft_or_404(request, code, draft_id, submitted=True)
    if draft.case_id is not None:  # a double click or a refresh after submitting: the same case
        return redirect("my_cases:receipt", number=draft.case.number)
    refused = _refuse_profile(request, service)
    if refused is not None:
        return refused
    try:
        apply.draft_check(draft)
    except ValidationFailed:
        messages.error(request, _("Some answers are missing or not valid. Complete them before submitting."))
        return redirect("services:apply_draft", code=service.code, draft_id=draft.pk)
    context = _review_context(service, draft)
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    context["form"] = form
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "services/apply/review.html", context, status=400)
        try:
            case, _created = apply.draft_submit(actor=request.user, draft=draft, declaration=True)
        except ValidationFailed as exc:
            _add_errors(form, exc)
            return render(request, "services/apply/review.html", context, status=400)
        except (NotFound, PermissionDenied):
            raise Http404() from None
        return redirect("my_cases:receipt", number=case.number)
    return render(request, "services/apply/review.html", context)
