"""Revoking a document (it stays on record, and its verification page says revoked, why and when) and reissuing
one (a new document from the case with the current template; the old one points at it as replaced)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core.events import publish
from balai.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from balai.documents.models import DocumentStatus, IssuedDocument
from balai.documents.numbering import format_date_id

from .issuing import _issue, _lock_case, may_download_as_staff, may_revoke, template_for

MIN_REASON_LENGTH = 10
MAX_REASON_LENGTH = 2000


def _clean_reason(reason: Any, *, required: bool) -> str:
    text = str(reason or "").replace("\r\n", "\n").strip()
    if not text and not required:
        return ""
    if len(text) < MIN_REASON_LENGTH:
        raise ValidationFailed(
            fields={
                "reason": [
                    _("Write the reason in at least %(min)d characters: it is shown on the verification page.")
                    % {"min": MIN_REASON_LENGTH}
                ]
            }
        )
    if len(text) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            fields={"reason": [_("The reason is too long (at most %(max)d characters).") % {"max": MAX_REASON_LENGTH}]}
        )
    return text


def _lock_document(actor: Any, document: IssuedDocument) -> IssuedDocument:
    locked = IssuedDocument.objects.select_for_update().filter(pk=document.pk).first()
    if locked is None or actor is None or not may_download_as_staff(actor, locked):
        raise NotFound()
    if not may_revoke(actor, locked):
        raise PermissionDenied(_("Only the head, an approver or an administrator of the issuing agency can do this."))
    return locked


def _not_valid(document: IssuedDocument) -> Conflict:
    if document.status == DocumentStatus.REVOKED:
        return Conflict(
            _("This document was already revoked on %(date)s.") % {"date": format_date_id(document.revoked_at)},
            code="already_revoked",
        )
    newer = document.replaced_by.number if document.replaced_by_id else ""
    return Conflict(
        _("This document was replaced by document %(number)s; act on the newer one.") % {"number": newer},
        code="already_replaced",
    )


def document_revoke(*, actor: Any, document: IssuedDocument, reason: str) -> IssuedDocument:
    """Revoke ``document`` with a reason of 10 to 2000 characters. Raises NotFound (not the actor's agency),
    PermissionDenied (no deciding role), Conflict (already revoked or replaced) or ValidationFailed (reason)."""
    text = _clean_reason(reason, required=True)
    with transaction.atomic():
        locked = _lock_document(actor, document)
        if locked.status != DocumentStatus.VALID:
            raise _not_valid(locked)
        locked.status = DocumentStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revocation_reason = text
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
        audit_log(
            actor=actor,
            action="document.revoked",
            target=locked,
            summary={"number": locked.number, "kind": locked.kind, "reason": text},
        )
        publish(
            "document.revoked",
            {
                "document_id": locked.pk,
                "public_id": locked.public_id,
                "number": locked.number,
                "case_id": locked.case_id,
                "organization_id": locked.organization_id,
                "holder_id": locked.holder_id,
            },
        )
    return locked


def document_reissue(*, actor: Any, document: IssuedDocument, reason: str = "") -> IssuedDocument:
    """Issue a new document of the same kind from ``document``'s case with the current template version and mark
    the old one replaced by it (a revoked one stays revoked, and points at the new one). Returns the new one."""
    text = _clean_reason(reason, required=False)
    with transaction.atomic():
        old = _lock_document(actor, document)
        if old.status == DocumentStatus.REPLACED:
            raise _not_valid(old)
        if old.case_id is None:
            raise Conflict(_("Only documents issued for an application can be reissued."), code="no_case")
        case = _lock_case(old.case)
        template = template_for(case, old.kind)
        new = _issue(actor=actor, case=case, template=template, kind=old.kind)
        if old.status == DocumentStatus.VALID:
            old.status = DocumentStatus.REPLACED
        old.replaced_by = new
        old.save(update_fields=["status", "replaced_by"])
        audit_log(
            actor=actor,
            action="document.replaced",
            target=old,
            summary={"number": old.number, "replaced_by": new.number, "reason": text},
        )
        publish(
            "document.replaced",
            {
                "document_id": old.pk,
                "public_id": old.public_id,
                "replaced_by_id": new.pk,
                "replaced_by_public_id": new.public_id,
                "case_id": old.case_id,
                "organization_id": old.organization_id,
                "holder_id": old.holder_id,
            },
        )
    return new
