"""The citizen's own applications at /saya/permohonan/: the list (cases and drafts), one case (state, due
date, public history, documents, and the reply form when the agency waits for corrections), the receipt
after submitting, and document downloads. Another person's case or document is a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from balai.cases.models import APPLICANT, Case
from balai.cases.selectors import (
    allowed_transitions,
    attachment_for,
    case_list_for_citizen,
    cases_for_citizen,
    public_timeline,
)
from balai.cases.services import MAX_TEXT_LENGTH, case_reply, case_transition
from balai.cases.services.apply import drafts_for_citizen
from balai.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from balai.documents.selectors import documents_for_case_citizen
from balai.services.formdefs.display import display_answers
from balai.services.formdefs.uploads import clean_original_name

PAGE_SIZE = 20
MAX_REPLY_FILES = 5


def state_tag(case: Case) -> str:
    """The colour of a case's state tag."""
    state = case.state
    if state.kind == "final":
        return "danger" if state.code in {"rejected", "withdrawn", "cancelled"} else "success"
    if state.kind == "waiting":
        return "waiting"
    return "submitted" if state.is_initial else "progress"


def _case_or_404(request: HttpRequest, number: str) -> Case:
    # Complaints have their own pages (/saya/pengaduan/); here only applications.
    case = cases_for_citizen(request.user).filter(number=str(number)[:64]).exclude(case_type="complaint").first()
    if case is None:
        raise Http404()
    return case


@login_required
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(case_list_for_citizen(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    cases = [(case, state_tag(case)) for case in page.object_list]
    drafts = list(drafts_for_citizen(request.user)[:50])
    return render(request, "cases/citizen/list.html", {"page_obj": page, "cases": cases, "drafts": drafts})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_REPLY_FILES:
            raise forms.ValidationError(_("Attach at most %(max)d files at once.") % {"max": MAX_REPLY_FILES})
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("What did you correct?"),
        help_text=gettext_lazy("Explain the corrections the agency asked for."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT_LENGTH,
        required=False,
    )
    files = MultipleFileField(
        label=gettext_lazy("Documents"),
        help_text=gettext_lazy("PDF, JPG, PNG or WebP; up to 5 files."),
        required=False,
    )

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not (data.get("body") or "").strip() and not data.get("files"):
            raise forms.ValidationError(_("Write what you corrected or attach the corrected documents."))
        return data


def _applicant_steps(request: HttpRequest, case: Case) -> list:
    return [t for t in allowed_transitions(request.user, case) if APPLICANT in (t.allowed_roles or [])]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    if cases_for_citizen(request.user).filter(number=str(number)[:64], case_type="complaint").exists():
        return redirect("my_complaints:detail", str(number)[:64])
    case = _case_or_404(request, number)
    steps = _applicant_steps(request, case)
    form = ReplyForm(request.POST or None, request.FILES or None) if steps else None
    status = 200
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Nothing is asked of you on this application at the moment."))
            return redirect("my_cases:detail", number=case.number)
        if form.is_valid():
            try:
                with transaction.atomic():
                    files = form.cleaned_data.get("files") or []
                    body = form.cleaned_data.get("body") or ""
                    case_reply(actor=request.user, case=case, body=body, attachments=files)
                    case_transition(
                        actor=request.user,
                        case=case,
                        transition=steps[0].code,
                        comment=body,
                        expected_version=case.version,
                    )
            except ValidationFailed as exc:
                for name, errors in exc.fields.items():
                    for error in errors:
                        form.add_error(
                            "files" if name == "attachments" else (name if name in form.fields else None), error
                        )
                if not exc.fields:
                    form.add_error(None, str(exc.message))
            except Conflict as exc:
                messages.error(request, str(exc.message))
                return redirect("my_cases:detail", number=case.number)
            except (NotFound, PermissionDenied):
                raise Http404() from None
            else:
                messages.success(request, _("Your corrections are sent. The agency continues with your application."))
                return redirect("my_cases:detail", number=case.number)
        status = 400
    version = case.service_version
    language = (get_language() or "id").split("-")[0]
    context = {
        "case": case,
        "tag": state_tag(case),
        "timeline": list(public_timeline(case)),
        "attachments": list(case.attachments.filter(Q(is_public=True) | Q(uploaded_by=request.user))),
        "issued_documents": documents_for_case_citizen(request.user, case),
        "answer_rows": display_answers(version.form_definition, case.answers or {}, language=language)
        if version
        else [],
        "form": form,
        "asked": case.state.is_waiting,
    }
    return render(request, "cases/citizen/detail.html", context, status=status)


@login_required
@require_safe
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_or_404(request, number)
    return render(request, "cases/citizen/receipt.html", {"case": case, "tag": state_tag(case)})


@login_required
@require_safe
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    case = _case_or_404(request, number)
    try:
        attachment = attachment_for(request.user, attachment_id)
    except NotFound:
        raise Http404() from None
    if attachment.case_id != case.pk or case.applicant_id != request.user.pk:
        raise Http404()
    try:
        handle = default_storage.open(attachment.storage_name, "rb")
    except OSError:
        raise Http404() from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=clean_original_name(attachment.original_name),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
