"""``/api/v1/documents``: check an issued document (by its public id, or by uploading the PDF) without signing
in, the signed-in person's own documents, and revocation by staff of the issuing agency. The same rules as
the pages: the public answer carries no personal data beyond the masked name; uploads are limited per client
address and never stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema

from balai.api.auth import require_scope
from balai.api.errors import responses
from balai.api.pagination import PageOut, PageQuery, paginate
from balai.api.scopes import register_scope
from balai.core.exceptions import BalaiError, NotFound, PermissionDenied, RateLimited, ValidationFailed
from balai.documents.forms import (
    MULTIPART_OVERHEAD,
    REASON_MAX_LENGTH,
    declared_length,
    install_pdf_upload_handler,
    read_upload,
)
from balai.documents.models import IssuedDocument
from balai.documents.selectors import (
    Outcome,
    VerificationResult,
    document_for_staff,
    document_for_verification,
    documents_for_holder,
    public_facts,
    verify_max_bytes,
    verify_upload,
)
from balai.documents.views.common import rate_limited
from balai.documents.views.public import refusal_message

router = Router(tags=["documents"])
REVOKE_SCOPE = "documents:revoke"
register_scope(REVOKE_SCOPE, gettext_lazy("Revoke documents issued by your agencies (government staff)"))


class UploadTooLarge(BalaiError):
    status = 413
    default_code = "too_large"
    default_message = gettext_lazy("The file is too large.")


class DocumentStatusOut(Schema):
    public_id: str = Field(description="The id printed beside the QR code; the page is /verifikasi/<public_id>/.")
    kind: str = Field(description="output (the result of a service), receipt or payment_receipt.")
    document_type: str = Field(description="For example: Akta Kelahiran.")
    number: str = Field(description="The reference number printed on the document.")
    organization: str = Field(description="Name of the issuing agency.")
    organization_code: str
    issued_at: datetime
    holder: str = Field(description="The holder's name, partly masked (Sit* Nurh*****).")
    status: Literal["valid", "revoked", "replaced"]
    revoked_at: datetime | None = Field(None, description="When it was revoked (status revoked).")
    revocation_reason: str = Field("", description="Why it was revoked (status revoked).")
    replaced_by: str | None = Field(None, description="Public id of the newer document (status replaced).")
    sha256: str = Field(description="SHA-256 of the issued PDF file, lower-case hex.")
    verification_url: str = Field(description="Path of the public verification page.")


class MyDocumentOut(DocumentStatusOut):
    holder_name: str = Field(description="Your name as printed on the document.")
    download_url: str = Field(description="Path that downloads the PDF in a signed-in browser session.")


class MyDocumentPage(PageOut):
    results: list[MyDocumentOut]


class SignatureOut(Schema):
    signed: bool = Field(description="The file carries an electronic (PAdES) signature.")
    intact: bool = Field(description="The signed bytes are unchanged.")
    covers_whole_file: bool = Field(description="Nothing was appended after signing.")
    trusted: bool = Field(description="The signing certificate chains to a trust root of this platform.")
    certificate_matches: bool = Field(
        description="The signing certificate is the one recorded for the matched document."
    )
    signer: str = Field("", description="Subject of the signing certificate.")
    signed_at: datetime | None = None
    problems: list[str] = Field(default_factory=list, description="What the signature check found, in words.")


class VerificationOut(Schema):
    outcome: Literal["genuine", "revoked", "replaced", "altered", "signature_problem", "unknown"] = Field(
        description=(
            "genuine: the file is a valid document we issued, signature intact and trusted; revoked / replaced: "
            "a document we issued that is no longer valid; altered: signed by one of our agencies but changed "
            "(matches nothing, or the signature is broken); signature_problem: the file is ours but its signature "
            "cannot be confirmed now; unknown: neither our file nor our signature."
        )
    )
    message: str = Field(description="The outcome in words, in the request's language.")
    sha256: str = Field(description="SHA-256 of the uploaded file.")
    size: int = Field(description="Size of the uploaded file in bytes.")
    signature: SignatureOut
    document: DocumentStatusOut | None = Field(None, description="The issued document the file matches, if any.")


class RevokeIn(Schema):
    reason: str = Field(min_length=1, max_length=REASON_MAX_LENGTH, description="Shown to anyone who checks it.")


def _status(document: IssuedDocument) -> dict[str, Any]:
    facts = public_facts(document)
    return {
        **{key: facts[key] for key in DocumentStatusOut.model_fields if key in facts},
        "status": str(facts["status"]),
        "verification_url": reverse("verify:document", args=[document.public_id]),
    }


def _mine(document: IssuedDocument) -> dict[str, Any]:
    return {
        **_status(document),
        "holder_name": document.holder_name,
        "download_url": reverse("my_documents:download", args=[document.public_id]),
    }


OUTCOME_MESSAGES = {
    Outcome.GENUINE: gettext_lazy("The file is genuine: a valid document we issued, with an intact signature."),
    Outcome.REVOKED: gettext_lazy("The document has been revoked. It is no longer valid."),
    Outcome.REPLACED: gettext_lazy("The document has been replaced by a newer one. It is no longer valid."),
    Outcome.ALTERED: gettext_lazy("The file has been changed after it was signed. Do not accept it."),
    Outcome.SIGNATURE_PROBLEM: gettext_lazy("The file is ours, but its signature could not be confirmed."),
    Outcome.UNKNOWN: gettext_lazy("The file was not issued through this platform."),
}


def _verification(result: VerificationResult) -> dict[str, Any]:
    return {
        "outcome": result.outcome,
        "message": str(OUTCOME_MESSAGES[result.outcome]),
        "sha256": result.sha256,
        "size": result.size,
        "signature": {
            "signed": result.signed,
            "intact": result.intact,
            "covers_whole_file": result.covers_whole_file,
            "trusted": result.trusted,
            "certificate_matches": result.certificate_matches,
            "signer": result.signer_subject,
            "signed_at": result.signed_at,
            "problems": result.problems,
        },
        "document": _status(result.document) if result.document is not None else None,
    }


def _refuse(outcome: str, max_bytes: int) -> BalaiError:
    message = refusal_message(outcome, max_bytes)
    if outcome == Outcome.TOO_LARGE:
        return UploadTooLarge(message, fields={"file": [message]})
    return ValidationFailed(message, code=outcome, fields={"file": [message]})


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary", "description": "The PDF file."}},
                }
            }
        },
    }
}


@router.post(
    "/verify",
    response=responses(VerificationOut, 413, 422, 429),
    url_name="documents_verify",
    summary="Check a PDF file",
    auth=None,
    openapi_extra=_UPLOAD_BODY,
)
def verify_document(request: HttpRequest) -> dict[str, Any]:
    """Multipart with one ``file``: is it exactly a document we issued (SHA-256), is its electronic signature
    intact and made with a trusted agency certificate, and is the document still valid? No sign-in; the file
    is not kept. Not a PDF, empty or password-protected: 422; larger than the limit (20 MB by default): 413;
    too many checks from one address: 429."""
    max_bytes = verify_max_bytes()
    if rate_limited(request, scope="api"):
        raise RateLimited()
    if declared_length(request) > max_bytes + MULTIPART_OVERHEAD:
        raise _refuse(Outcome.TOO_LARGE, max_bytes)
    handler = install_pdf_upload_handler(request, max_bytes)
    try:
        uploaded = request.FILES.get("file")
    except (MultiPartParserError, SuspiciousOperation):
        raise ValidationFailed(
            _("The upload could not be read. Send the file as multipart/form-data in a field named “file”."),
            code="bad_upload",
        ) from None
    if handler.too_large:
        raise _refuse(Outcome.TOO_LARGE, max_bytes)
    if uploaded is None:
        raise ValidationFailed(fields={"file": [_("This field is required.")]})
    result = verify_upload(read_upload(uploaded, max_bytes))
    if not result.checked:
        raise _refuse(result.outcome, max_bytes)
    return _verification(result)


@router.get(
    "/mine",
    response=responses(MyDocumentPage, 401, 403, 422),
    url_name="documents_mine",
    summary="Your documents",
)
def my_documents(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """The documents issued to the signed-in person (results of applications and receipts), newest first."""
    result = paginate(documents_for_holder(request.auth), page)  # type: ignore[attr-defined]
    result["results"] = [_mine(document) for document in result["results"]]
    return result


@router.get(
    "/{public_id}",
    response=responses(DocumentStatusOut, 404),
    url_name="documents_status",
    summary="Public status of a document",
    auth=None,
)
def document_status(request: HttpRequest, response: HttpResponse, public_id: str) -> dict[str, Any]:
    """What the verification page shows: type, number, agency, date, the holder's masked name, status and
    SHA-256. No sign-in. An unknown or malformed id is 404. The status can change at any time (revocation):
    answers are never served from a cache without asking again."""
    document = document_for_verification(public_id)
    if document is None:
        raise NotFound()
    response["Cache-Control"] = "no-cache, max-age=0"
    return _status(document)


@router.post(
    "/{public_id}/revoke",
    response=responses(DocumentStatusOut, 401, 403, 404, 409, 422),
    url_name="documents_revoke",
    summary="Revoke a document",
)
def revoke_document(request: HttpRequest, public_id: str, body: RevokeIn) -> dict[str, Any]:
    """Staff of the issuing agency with the right to revoke (API keys need the ``documents:revoke`` scope).
    The reason is shown on the public page. A document outside the caller's agencies is 404; one that is no
    longer valid is 409."""
    from balai.documents.services import document_revoke

    user = request.auth  # type: ignore[attr-defined]
    if not getattr(user, "is_staff_member", False):
        raise PermissionDenied()
    require_scope(request, REVOKE_SCOPE)
    document = document_for_staff(user, public_id)
    if document is None:
        raise NotFound()
    reason = body.reason.strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Write why the document is revoked.")]})
    document = document_revoke(actor=user, document=document, reason=reason)
    return _status(document_for_verification(document.public_id) or document)
