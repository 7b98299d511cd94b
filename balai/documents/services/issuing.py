"""Issuing documents: fill the template version, number, render, sign with the agency's key, store, record.

Everything happens in one transaction with the case row locked: the reference number is taken from the locked
sequence (a failure gives it back), a case never gets two valid documents of one kind, and the signed file is
written only after rendering and signing succeeded and removed again if recording it fails.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.cases.models import Case, StateKind
from balai.core.events import publish
from balai.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from balai.documents.models import (
    DocumentKind,
    DocumentStatus,
    DocumentTemplate,
    DocumentTemplateVersion,
    IssuedDocument,
    new_public_id,
)
from balai.documents.numbering import (
    format_date_id,
    format_reference,
    local_date,
    next_document_sequence,
    sequence_scope,
)
from balai.documents.pdf import DocumentContent, ReceiptContent, RenderError, render_document, render_receipt
from balai.documents.templating import fill_blocks, fill_text, parse_body
from balai.organizations.models import Role
from balai.organizations.scoping import is_platform_admin, roles_in

from .content import (
    attachment_names,
    current_region,
    letterhead_for,
    service_of,
    track_url,
    values_for,
    verification_url,
)
from .templates import active_output_template, receipt_template

# Roles that decide about an agency's documents: issue by hand, revoke, reissue.
DOCUMENT_ROLES = frozenset({Role.HEAD, Role.APPROVER, Role.ADMINISTRATOR})
# Final states whose code contains one of these words end an application without the result being granted.
UNSUCCESSFUL_WORDS = ("reject", "tolak", "withdraw", "cancel", "batal", "cabut", "gugur")
ISSUABLE_KINDS = (DocumentKind.OUTPUT, DocumentKind.RECEIPT)


def is_successful_outcome(state: Any) -> bool:
    """True for a final state that grants the application (``completed``), False for ``rejected`` and the like.
    Workflows are data; the state's code says which final states refuse (see ``UNSUCCESSFUL_WORDS``)."""
    if state is None or state.kind != StateKind.FINAL:
        return False
    code = str(state.code).lower()
    return not any(word in code for word in UNSUCCESSFUL_WORDS)


def _staff_roles(user: Any, *organization_ids: int | None) -> set[str]:
    held: set[str] = set()
    for org_id in {i for i in organization_ids if i}:
        held |= roles_in(user, org_id)
    return held


def may_issue(user: Any, case: Case) -> bool:
    """Heads, approvers and administrators of the agency responsible for ``case`` (and platform administrators)."""
    return is_platform_admin(user) or bool(_staff_roles(user, case.organization_id) & DOCUMENT_ROLES)


def may_revoke(user: Any, document: IssuedDocument) -> bool:
    """Heads, approvers and administrators of the issuing agency (or of an agency above it); platform
    administrators. Nobody else: not a citizen, not the staff of another agency."""
    return is_platform_admin(user) or bool(_staff_roles(user, document.organization_id) & DOCUMENT_ROLES)


def may_download_as_staff(user: Any, document: IssuedDocument) -> bool:
    """Any staff member of the issuing agency or of the agency responsible for the case; platform admins."""
    if is_platform_admin(user):
        return True
    case_org = document.case.organization_id if document.case_id else None
    return bool(_staff_roles(user, document.organization_id, case_org))


def _lock_case(case: Case) -> Case:
    """Lock the case row (no joins in the locking query) and read it with what rendering needs."""
    if not Case.objects.select_for_update().filter(pk=case.pk).exists():
        raise NotFound()
    return Case.objects.select_related(
        "state",
        "organization",
        "service_version__service__current_version",
        "applicant__citizen_profile__village",
        "applicant__citizen_profile__district",
    ).get(pk=case.pk)


def _latest_version(template: DocumentTemplate) -> DocumentTemplateVersion:
    version = template.versions.order_by("-number").first()
    if version is None:
        raise Conflict(_("The template %(code)s has never been saved.") % {"code": template.code}, code="no_template")
    return version


def _render(
    *,
    kind: str,
    case: Case,
    organization: Any,
    version: DocumentTemplateVersion,
    number: str,
    public_id: str,
    issued_at: Any,
) -> bytes:
    content = version.content
    region = current_region()
    values = values_for(
        case=case, organization=organization, content=content, number=number, issued_at=issued_at, region=region
    )
    letterhead = letterhead_for(content, version.logo_storage_name, organization, region)
    blocks = fill_blocks(parse_body(content.get("body") or ""), values)
    title = fill_text(content.get("title") or "", values)
    place = str(content.get("place") or (region.capital if region is not None else ""))
    url = verification_url(public_id)
    if kind == DocumentKind.RECEIPT:
        service = service_of(case)
        receipt = ReceiptContent(
            letterhead=letterhead,
            title=title,
            reference=number,
            case_number=case.number,
            verification_code=case.verification_code,
            service_name=service.name if service is not None else "-",
            applicant_name=case.applicant_name,
            agency_name=case.organization.name,
            submitted_text=timezone.localtime(case.submitted_at).strftime("%d/%m/%Y %H:%M"),
            due_text=format_date_id(case.due_at) if case.due_at else "-",
            attachments=attachment_names(case),
            blocks=blocks,
            place_date=", ".join(part for part in (place, format_date_id(issued_at)) if part),
            verification_url=url,
            track_url=track_url(),
            document_type=str(content.get("document_type") or ""),
        )
        return render_receipt(receipt)
    document = DocumentContent(
        letterhead=letterhead,
        document_type=str(content.get("document_type") or ""),
        title=title,
        reference=number,
        blocks=blocks,
        case_number=case.number,
        place=place,
        date_text=format_date_id(issued_at),
        signer_position=str(content.get("signer_position") or ""),
        signer_name=str(content.get("signer_name") or ""),
        signer_nip=str(content.get("signer_nip") or ""),
        verification_url=url,
        agency_name=organization.name,
    )
    return render_document(document)


def _issue(
    *,
    actor: Any,
    case: Case,
    template: DocumentTemplate,
    kind: str,
    timings: dict[str, float] | None = None,
) -> IssuedDocument:
    """Issue one document for the locked ``case`` (caller holds the transaction and checked everything)."""
    from balai.cases.services import case_record_document
    from balai.documents.signing import sign_pdf

    started = time.perf_counter()
    version = _latest_version(template)
    organization = template.organization if template.organization_id else case.organization
    service = service_of(case)
    issued_at = timezone.now()
    content = version.content
    seq = next_document_sequence(sequence_scope(template.code, organization.code), local_date(issued_at).year)
    number = format_reference(
        str(content.get("reference_pattern") or template.reference_pattern),
        agency=organization.code,
        service=service.code if service is not None else "UMUM",
        seq=seq,
        when=issued_at,
    )
    if IssuedDocument.objects.filter(number=number).exists():
        raise Conflict(
            _(
                "The reference number %(number)s is already used by another document. The reference pattern of "
                "template %(code)s must make its numbers different from other templates' (add {service} or a "
                "text of its own)."
            )
            % {"number": number, "code": template.code},
            code="number_taken",
        )
    public_id = new_public_id()
    try:
        pdf = _render(
            kind=kind,
            case=case,
            organization=organization,
            version=version,
            number=number,
            public_id=public_id,
            issued_at=issued_at,
        )
    except RenderError as exc:
        raise ValidationFailed(
            _(
                "The document could not be laid out on A4 pages: a table row is longer than a page. "
                "Shorten the template."
            ),
            code="render_failed",
        ) from exc
    rendered = time.perf_counter()
    document_type = str(content.get("document_type") or template.document_type)
    signed = sign_pdf(
        pdf,
        organization=organization,
        reason=f"{document_type} {number}",
        location=str(content.get("place") or ""),
    )
    signed_at = time.perf_counter()
    data = signed.data
    storage_name = default_storage.save(
        f"documents/issued/{local_date(issued_at).year}/{secrets.token_urlsafe(24)}.pdf", ContentFile(data)
    )
    try:
        document = IssuedDocument(
            public_id=public_id,
            kind=kind,
            document_type=document_type[:200],
            number=number,
            template_version=version,
            case=case,
            organization=organization,
            holder=case.applicant if case.applicant_id else None,
            holder_name=case.applicant_name[:200],
            storage_name=storage_name,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            signer_name=str(content.get("signer_name") or "")[:200],
            signer_position=str(content.get("signer_position") or "")[:200],
            signer_nip=str(content.get("signer_nip") or "")[:18],
            signing_provider=signed.provider[:50],
            certificate_sha256=signed.certificate_sha256,
            issued_at=issued_at,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        try:
            document.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:  # a programming error: the values above are all checked or built here
            raise ValidationFailed(fields={k: [str(m) for m in v] for k, v in exc.message_dict.items()}) from exc
        document.save(force_insert=True)
        case_record_document(actor=actor, case=case, body=f"{document_type} {number}", is_public=True)
        audit_log(
            actor=actor,
            action="document.issued",
            target=document,
            actor_label="" if actor is not None else "system",
            summary={
                "number": number,
                "kind": kind,
                "case": case.number,
                "template": template.code,
                "template_version": version.number,
                "organization": organization.code,
                "sha256": document.sha256,
                "provider": document.signing_provider,
            },
        )
        publish(
            "document.issued",
            {
                "document_id": document.pk,
                "public_id": document.public_id,
                "kind": kind,
                "number": number,
                "case_id": case.pk,
                "organization_id": organization.pk,
                "holder_id": document.holder_id,
            },
        )
    except BaseException:
        # Nothing refers to the file once this transaction rolls back. (An enclosing transaction that rolls back
        # later leaves it unreferenced under its random name; no page serves a file without its row.)
        default_storage.delete(storage_name)
        raise
    if timings is not None:
        stored = time.perf_counter()
        timings["render"] = timings.get("render", 0.0) + rendered - started
        timings["sign"] = timings.get("sign", 0.0) + signed_at - rendered
        timings["store"] = timings.get("store", 0.0) + stored - signed_at
    return document


def _valid_document(case: Case, kind: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(case=case, kind=kind, status=DocumentStatus.VALID).order_by("-id").first()


def _may_see_case(user: Any, case: Case) -> bool:
    return is_platform_admin(user) or bool(_staff_roles(user, case.organization_id, case.assessing_organization_id))


def template_for(case: Case, kind: str, template: DocumentTemplate | None = None) -> DocumentTemplate:
    """The template a new document of ``kind`` for ``case`` is made from (checked), or Conflict."""
    if kind == DocumentKind.RECEIPT:
        template = template or receipt_template()
        if template.kind != DocumentKind.RECEIPT:
            raise ValidationFailed(fields={"template": [_("This template is not a receipt template.")]})
        return template
    service = service_of(case)
    if template is None:
        template = active_output_template(service)
        if template is None:
            raise Conflict(
                _("There is no active document template for this service. An administrator has to create one first."),
                code="no_template",
            )
    if template.kind != DocumentKind.OUTPUT or service is None or template.service_id != service.pk:
        raise ValidationFailed(fields={"template": [_("This template belongs to another service.")]})
    if not template.is_active:
        raise Conflict(_("The document template is switched off."), code="template_inactive")
    return template


def document_issue(
    *,
    actor: Any,
    case: Case,
    template: DocumentTemplate | None = None,
    kind: str = DocumentKind.OUTPUT,
    timings: dict[str, float] | None = None,
) -> IssuedDocument:
    """Issue the result document (``kind`` "output") or the receipt ("receipt") of ``case``, signed by the issuing
    agency (the template's, else the case's responsible agency). ``actor`` None is the system (the final step of
    the workflow). Idempotent: when the case already has a valid document of ``kind``, that one is returned.

    Raises NotFound (the actor may not see the case), PermissionDenied (no issuing role), Conflict (the case is not
    completed, no active template) or SigningError (the agency cannot sign)."""
    if kind not in ISSUABLE_KINDS:
        raise ValidationFailed(fields={"kind": [_("Unknown kind of document.")]})
    with transaction.atomic():
        locked = _lock_case(case)
        if actor is not None:
            if not _may_see_case(actor, locked):
                raise NotFound()
            if kind == DocumentKind.OUTPUT and not may_issue(actor, locked):
                raise PermissionDenied(
                    _("Only the head, an approver or an administrator of the agency can issue documents.")
                )
        if kind == DocumentKind.OUTPUT and not is_successful_outcome(locked.state):
            raise Conflict(
                _("The result document is issued only when the application has been completed (approved)."),
                code="case_not_completed",
            )
        existing = _valid_document(locked, kind)
        if existing is not None:
            return existing
        chosen = template_for(locked, kind, template)
        return _issue(actor=actor, case=locked, template=chosen, kind=kind, timings=timings)


def receipt_issue(*, actor: Any, case: Case) -> IssuedDocument:
    """The signed receipt (tanda terima) of ``case``'s submission; idempotent like ``document_issue``."""
    return document_issue(actor=actor, case=case, kind=DocumentKind.RECEIPT)
