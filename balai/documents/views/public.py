"""/verifikasi/: anyone checks an issued document without signing in — by the id printed beside the QR code
(``/verifikasi/<id>/``: type, number, agency, date, the holder's masked name, status, SHA-256) or by
uploading the PDF (hash and electronic signature). Unknown and malformed ids get the same 404 page after
the same one query; uploads are limited per client address and never stored."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from balai.documents.forms import (
    MULTIPART_OVERHEAD,
    PdfUploadHandler,
    PublicIdForm,
    VerifyUploadForm,
    declared_length,
    install_pdf_upload_handler,
    read_upload,
)
from balai.documents.selectors import (
    Outcome,
    VerificationResult,
    document_for_verification,
    is_well_formed_public_id,
    normalize_public_id,
    public_facts,
    verify_max_bytes,
    verify_upload,
)
from balai.documents.views.common import no_index, rate_limited


def refusal_message(outcome: str, max_bytes: int) -> str:
    """The form error for a file that could not be checked."""
    from django.template.defaultfilters import filesizeformat

    if outcome == Outcome.TOO_LARGE:
        return _("The file is larger than %(size)s. Documents issued by this platform are much smaller.") % {
            "size": filesizeformat(max_bytes)
        }
    if outcome == Outcome.EMPTY:
        return _("The file is empty. Choose the PDF file of the document.")
    if outcome == Outcome.ENCRYPTED:
        return _(
            "The file is protected with a password, so it cannot be checked. Upload the file as it was "
            "issued, without a password."
        )
    return _("The file is not a PDF. Choose the PDF file of the document, or type its document ID instead.")


def refusal_status(outcome: str) -> int:
    return 413 if outcome == Outcome.TOO_LARGE else 400


def _page(request: HttpRequest, context: dict[str, Any], *, status: int = 200, template: str) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return no_index(response)


def _verify_page(
    request: HttpRequest,
    *,
    id_form: PublicIdForm | None = None,
    upload_form: VerifyUploadForm | None = None,
    status: int = 200,
    limited: bool = False,
) -> HttpResponse:
    context = {
        "id_form": id_form or PublicIdForm(),
        "upload_form": upload_form or VerifyUploadForm(max_bytes=verify_max_bytes()),
        "limited": limited,
    }
    return _page(request, context, status=status, template="documents/verify.html")


@csrf_exempt  # checked below by csrf_protect, once the upload handler is in place
def verify(request: HttpRequest) -> HttpResponse:
    """GET: the page (``?id=`` goes to the document's page); POST: check an uploaded PDF."""
    if request.method in {"GET", "HEAD"}:
        return _verify_get(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    max_bytes = verify_max_bytes()
    if rate_limited(request, scope="web"):
        return _verify_page(request, status=429, limited=True)
    if declared_length(request) > max_bytes + MULTIPART_OVERHEAD:
        # Refused from the header alone: the body is never read.
        return _upload_refused(request, Outcome.TOO_LARGE, max_bytes)
    handler = install_pdf_upload_handler(request, max_bytes)
    return csrf_protect(_verify_post)(request, handler=handler, max_bytes=max_bytes)


def _verify_get(request: HttpRequest) -> HttpResponse:
    if "id" not in request.GET:
        return _verify_page(request)
    id_form = PublicIdForm(request.GET)
    if id_form.is_valid():
        return redirect("verify:document", public_id=id_form.cleaned_data["id"])
    return _verify_page(request, id_form=id_form, status=400)


def _upload_refused(request: HttpRequest, outcome: str, max_bytes: int) -> HttpResponse:
    form = VerifyUploadForm(data={}, files={}, max_bytes=max_bytes)
    form.is_valid()
    form.errors.clear()
    form.add_error("file", refusal_message(outcome, max_bytes))
    return _verify_page(request, upload_form=form, status=refusal_status(outcome))


def _verify_post(request: HttpRequest, *, handler: PdfUploadHandler, max_bytes: int) -> HttpResponse:
    form = VerifyUploadForm(request.POST, request.FILES, max_bytes=max_bytes)
    if handler.too_large:
        return _upload_refused(request, Outcome.TOO_LARGE, max_bytes)
    if not form.is_valid():
        return _verify_page(request, upload_form=form, status=400)
    result = verify_upload(read_upload(form.cleaned_data["file"], max_bytes))
    if not result.checked:
        return _upload_refused(request, result.outcome, max_bytes)
    return _page(
        request,
        {
            "result": result,
            "facts": public_facts(result.document) if result.document is not None else None,
            "upload_form": VerifyUploadForm(max_bytes=max_bytes),
            "id_form": PublicIdForm(),
        },
        template="documents/verify_result.html",
    )


@require_safe
def document(request: HttpRequest, public_id: str) -> HttpResponse:
    """The public status of one document. Unknown and malformed ids: the same template, 404, one query."""
    canonical = normalize_public_id(public_id)
    if canonical != public_id and is_well_formed_public_id(canonical):
        # Typed by hand with capitals, spaces or hyphens: decided on the form alone, not on existence.
        return redirect("verify:document", public_id=canonical)
    found = document_for_verification(public_id)
    context: dict[str, Any] = {
        "facts": public_facts(found) if found is not None else None,
        "id_form": PublicIdForm(),
    }
    response = render(request, "documents/document.html", context, status=200 if found is not None else 404)
    # The status can change at any time (revocation): caches must ask again every time.
    response["Cache-Control"] = "no-cache, max-age=0"
    return no_index(response)


__all__ = ["VerificationResult", "document", "verify"]
