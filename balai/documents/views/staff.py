"""/kantor/dokumen/<id>/...: staff of the issuing agency (or an agency above it) download, revoke and reissue
a document. A document outside the person's agencies is a 404; inside them but without the right to revoke
it is the 403 page. Every change goes through the documents services (which check again and audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from balai.core.exceptions import BalaiError, NotFound, PermissionDenied, ValidationFailed
from balai.documents.forms import ReissueForm, RevokeForm
from balai.documents.models import DocumentStatus, IssuedDocument
from balai.documents.selectors import document_for_staff, public_facts
from balai.documents.views.common import download_response
from balai.web.views import staff_member_required


def _document(request: HttpRequest, public_id: str) -> IssuedDocument:
    document = document_for_staff(request.user, public_id)
    if document is None:
        raise Http404
    return document


def _require_may_revoke(request: HttpRequest, document: IssuedDocument) -> None:
    from balai.documents.services import may_revoke

    if not may_revoke(request.user, document):
        raise DjangoPermissionDenied


def back_url(document: IssuedDocument) -> str:
    """Where staff return after acting on a document: its case, else its public page."""
    if document.case_id:
        return reverse("worklist:detail", args=[document.case.number])
    return reverse("verify:document", args=[document.public_id])


def _form_error(form: Any, exc: BalaiError) -> int:
    """Show a service error on the form; the status of the page (a refused value is a 400 like a form error)."""
    if exc.fields:
        for name, msgs in exc.fields.items():
            for msg in msgs:
                form.add_error(name if name in form.fields else None, msg)
    else:
        form.add_error(None, str(exc.message))
    return 400 if isinstance(exc, ValidationFailed) else exc.status


def _render(request: HttpRequest, template: str, document: IssuedDocument, form: Any, *, status: int) -> HttpResponse:
    return render(
        request,
        template,
        {"document": document, "facts": public_facts(document), "form": form, "back_url": back_url(document)},
        status=status,
    )


@never_cache
@require_safe
@staff_member_required
def staff_download(request: HttpRequest, public_id: str) -> HttpResponse:
    return download_response(request, _document(request, public_id), role="staff")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_member_required
def revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: the form; POST: revoke with a reason (``document_revoke``)."""
    from balai.documents.services import document_revoke

    document = _document(request, public_id)
    _require_may_revoke(request, document)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return _render(request, "documents/staff/revoke.html", document, form, status=200)
    if document.status != DocumentStatus.VALID:
        form.is_valid()
        form.add_error(None, _("This document is no longer valid: it cannot be revoked."))
        return _render(request, "documents/staff/revoke.html", document, form, status=409)
    if form.is_valid():
        try:
            document = document_revoke(actor=request.user, document=document, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        except NotFound:
            raise Http404 from None
        except BalaiError as exc:
            status = _form_error(form, exc)
            return _render(request, "documents/staff/revoke.html", document, form, status=status)
        messages.success(request, _("Document %(number)s is revoked.") % {"number": document.number})
        return redirect(back_url(document))
    return _render(request, "documents/staff/revoke.html", document, form, status=400)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_member_required
def reissue(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: the confirmation; POST: issue a new document in place of this one (``document_reissue``)."""
    from balai.documents.services import document_reissue

    document = _document(request, public_id)
    _require_may_revoke(request, document)
    form = ReissueForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return _render(request, "documents/staff/reissue.html", document, form, status=200)
    if document.status == DocumentStatus.REPLACED:
        form.is_valid()
        form.add_error(None, _("This document was already replaced by a newer one: it cannot be reissued."))
        return _render(request, "documents/staff/reissue.html", document, form, status=409)
    if form.is_valid():
        try:
            new = document_reissue(actor=request.user, document=document, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        except NotFound:
            raise Http404 from None
        except BalaiError as exc:
            status = _form_error(form, exc)
            return _render(request, "documents/staff/reissue.html", document, form, status=status)
        messages.success(
            request,
            _("Document %(old)s is replaced by the new document %(new)s.")
            % {"old": document.number, "new": new.number},
        )
        return redirect(back_url(new))
    return _render(request, "documents/staff/reissue.html", document, form, status=400)
