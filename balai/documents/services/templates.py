"""Saving document templates. Every save is checked as a whole (placeholders, reference pattern, NIP, logo) and
either stored completely or not at all; a save that changes what documents look like writes a new immutable
``DocumentTemplateVersion`` that documents issued from then on point at."""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core.exceptions import PermissionDenied, ValidationFailed
from balai.documents.models import DocumentKind, DocumentTemplate, DocumentTemplateVersion
from balai.documents.numbering import validate_reference_pattern
from balai.documents.pdf import LOGO_TYPES, MAX_LOGO_BYTES, check_logo
from balai.documents.templating import validate_template
from balai.organizations.models import Role
from balai.organizations.scoping import can_act_on, is_platform_admin

# What an administrator may set. ``logo`` is handled apart: an uploaded file sets it, False clears it.
TEMPLATE_FIELDS = (
    "code",
    "kind",
    "service",
    "organization",
    "document_type",
    "title",
    "letterhead_name",
    "letterhead_lines",
    "reference_pattern",
    "body",
    "signer_name",
    "signer_position",
    "signer_nip",
    "place",
    "is_active",
)
# What a version freezes: everything printed on the document.
CONTENT_FIELDS = (
    "document_type",
    "title",
    "letterhead_name",
    "letterhead_lines",
    "reference_pattern",
    "body",
    "signer_name",
    "signer_position",
    "signer_nip",
    "place",
)
NIP_RE = re.compile(r"^\d{18}$")
RECEIPT_TEMPLATE_CODE = "tanda-terima"
RECEIPT_DEFAULTS = {
    "kind": DocumentKind.RECEIPT,
    "document_type": "Tanda Terima Permohonan",
    "title": "Tanda Terima Permohonan",
    "reference_pattern": "{agency}/TT/{seq:5}/{month_roman}/{year}",
    "body": (
        "Permohonan di atas telah kami terima pada {{ case.submitted_date }} dan diproses oleh {{ case.agency }}. "
        "Tanda terima ini bukan bukti bahwa permohonan disetujui."
    ),
}


def may_manage_template(actor: Any, organization: Any) -> bool:
    """Platform administrators; for a template of one agency also that agency's administrators. ``actor`` None is
    the system (the demo loader, management commands)."""
    if actor is None:
        return True
    if is_platform_admin(actor):
        return True
    return organization is not None and can_act_on(actor, organization, roles=[Role.ADMINISTRATOR])


def _owner(template: DocumentTemplate) -> Any:
    if template.organization_id:
        return template.organization
    if template.service_id:
        return template.service.owner
    return None


def check_nip(value: str) -> list[str]:
    """A civil servant's NIP: 18 digits = birth date (YYYYMMDD), appointment (YYYYMM), sex (1/2), serial."""
    if not value:
        return []
    if not NIP_RE.match(value):
        return [_("The NIP has exactly 18 digits, without spaces or dots (for example 197001011990031001).")]
    try:
        datetime.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
        valid_appointment = 1 <= int(value[12:14]) <= 12
    except ValueError:
        valid_appointment = False
    if not valid_appointment or value[14] not in "12":
        return [
            _(
                "This is not a valid NIP: it starts with the birth date (YYYYMMDD), then the month of appointment "
                "(YYYYMM), then 1 or 2 for the sex."
            )
        ]
    return []


def _read_logo(upload: Any) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_LOGO_BYTES:
        return b"\0" * (MAX_LOGO_BYTES + 1)  # refused by check_logo without reading a huge file
    upload.seek(0)
    data = upload.read(MAX_LOGO_BYTES + 1)
    upload.seek(0)
    return data


def template_errors(
    template: DocumentTemplate, *, logo_data: bytes | None = None, include_model: bool = True
) -> dict[str, list[str]]:
    """Every problem of ``template`` (already holding the new values) by field; empty when it can be saved.
    ``include_model=False`` leaves out the model's own field checks (a ModelForm makes those itself)."""
    errors: dict[str, list[str]] = {}
    if include_model:
        try:
            template.full_clean(exclude=["logo"], validate_unique=True, validate_constraints=True)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(str(m) for m in messages)
    service = template.service if template.service_id else None
    if template.kind == DocumentKind.OUTPUT and service is None:
        errors.setdefault("service", []).append(_("A template of a service's result needs the service."))
    if template.kind != DocumentKind.OUTPUT and service is not None:
        errors.setdefault("service", []).append(_("Receipts use one template for every service: leave it empty."))
    for name in ("body", "title"):
        problems = validate_template(getattr(template, name) or "", service)
        if problems:
            errors.setdefault(name, []).extend(problems)
    pattern_problems = validate_reference_pattern(
        template.reference_pattern, shared_by_agencies=not template.organization_id
    )
    if pattern_problems:
        errors.setdefault("reference_pattern", []).extend(pattern_problems)
    nip_problems = check_nip((template.signer_nip or "").strip())
    if nip_problems:
        errors.setdefault("signer_nip", []).extend(nip_problems)
    if logo_data is not None:
        try:
            check_logo(logo_data)
        except ValidationFailed as exc:
            errors.setdefault("logo", []).extend(exc.fields.get("logo") or [str(exc.message)])
    return errors


def content_of(template: DocumentTemplate) -> dict[str, Any]:
    content: dict[str, Any] = {name: getattr(template, name) for name in CONTENT_FIELDS}
    content["kind"] = template.kind
    content["service"] = template.service.code if template.service_id else None
    content["organization"] = template.organization.code if template.organization_id else None
    return content


def _store_logo(data: bytes) -> str:
    extension = LOGO_TYPES[check_logo(data)]
    return default_storage.save(f"documents/logos/{secrets.token_urlsafe(18)}{extension}", ContentFile(data))


def _snapshot(template: DocumentTemplate, actor: Any) -> DocumentTemplateVersion | None:
    """A new version when the content or the logo differs from the latest one (None when nothing changed)."""
    content = content_of(template)
    logo_name = template.logo.name or ""
    latest = template.versions.order_by("-number").first() if template.pk else None
    if latest is not None and latest.content == content and latest.logo_storage_name == logo_name:
        return None
    template.version = (latest.number if latest is not None else 0) + 1
    return DocumentTemplateVersion(
        template=template,
        number=template.version,
        content=content,
        logo_storage_name=logo_name,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def document_template_save(
    *, actor: Any, template: DocumentTemplate, data: Mapping[str, Any], actor_label: str = ""
) -> DocumentTemplate:
    """Create (``template`` unsaved) or change a template with the values in ``data`` (keys of ``TEMPLATE_FIELDS``
    plus ``logo``: an uploaded PNG/JPEG to set it, False to remove it).

    Raises PermissionDenied, or ValidationFailed with every problem by field (unknown placeholders, a bad reference
    pattern, a NIP that is not 18 digits, a logo that is not an image); then nothing is stored."""
    unknown = set(data) - {*TEMPLATE_FIELDS, "logo"}
    if unknown:
        raise ValueError(f"unknown template fields: {sorted(unknown)}")
    with transaction.atomic():
        created = template.pk is None
        if not created:
            stored = DocumentTemplate.objects.select_for_update().filter(pk=template.pk).first()
            if stored is None:
                raise ValidationFailed(_("This template no longer exists."), code="not_found")
            if not may_manage_template(actor, _owner(stored)):
                raise PermissionDenied()
            template = stored
        elif "code" in data and data["code"] is not None:
            template.code = str(data["code"])
        changed = []
        for name in TEMPLATE_FIELDS:
            if name in data and (created or name != "code"):
                value = data[name]
                if isinstance(value, str):
                    value = value.replace("\r\n", "\n").strip() if name != "body" else value.replace("\r\n", "\n")
                if getattr(template, name) != value:
                    changed.append(name)
                setattr(template, name, value)
        if not may_manage_template(actor, _owner(template)):
            raise PermissionDenied()
        logo = data.get("logo")
        logo_data = _read_logo(logo) if logo not in (None, False, "") else None
        errors = template_errors(template, logo_data=logo_data)
        if errors:
            raise ValidationFailed(_("The template cannot be saved. Correct the fields marked."), fields=errors)

        stored_logo = ""
        if logo_data is not None:
            stored_logo = _store_logo(logo_data)
            template.logo.name = stored_logo
            changed.append("logo")
        elif logo is False and template.logo:
            template.logo.name = ""
            changed.append("logo")
        try:
            template.updated_at = timezone.now()
            version = _snapshot(template, actor)
            template.save()
            if version is not None:
                version.template = template
                version.save(force_insert=True)
            audit_log(
                actor=actor,
                action="document.template_saved",
                target=template,
                actor_label=actor_label if actor is None else "",
                summary={
                    "code": template.code,
                    "created": created,
                    "changed": sorted(set(changed)),
                    "version": template.version,
                    "new_version": version is not None,
                },
            )
        except BaseException:
            # The new logo is referenced by nothing once this transaction rolls back. (An enclosing transaction
            # that rolls back later leaves it unreferenced under its random name; it is never served.)
            if stored_logo:
                default_storage.delete(stored_logo)
            raise
    return template


def receipt_template() -> DocumentTemplate:
    """The built-in template of receipts (code ``tanda-terima``), created with its first version when missing."""
    template = DocumentTemplate.objects.filter(code=RECEIPT_TEMPLATE_CODE).first()
    if template is not None:
        return template
    try:
        with transaction.atomic():
            template = DocumentTemplate(code=RECEIPT_TEMPLATE_CODE, **RECEIPT_DEFAULTS)
            return document_template_save(actor=None, template=template, data={}, actor_label="system")
    except IntegrityError:
        return DocumentTemplate.objects.get(code=RECEIPT_TEMPLATE_CODE)


def active_output_template(service: Any) -> DocumentTemplate | None:
    if service is None:
        return None
    return (
        DocumentTemplate.objects.filter(service=service, kind=DocumentKind.OUTPUT, is_active=True, version__gt=0)
        .select_related("organization")
        .first()
    )
