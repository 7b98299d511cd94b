"""What a document says, gathered from a case, its agency and a template version: the letterhead, the values of
the placeholders and the verification address. Used by the issuing services; reads only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage

from balai.documents.numbering import format_date_id
from balai.documents.pdf import Letterhead
from balai.documents.templating import SEX_ID, Values

VERIFY_PATH = "/verifikasi/%s/"  # the stable public address of a document (ARCHITECTURE.md)


def verification_url(public_id: str) -> str:
    """The absolute address printed and encoded in the QR code: ``BALAI_PUBLIC_URL`` + ``/verifikasi/<id>/``."""
    return str(settings.BALAI_PUBLIC_URL).rstrip("/") + VERIFY_PATH % public_id


def track_url() -> str:
    return str(settings.BALAI_PUBLIC_URL).rstrip("/") + "/lacak/"


def current_region() -> Any:
    from balai.organizations.models import Region

    return Region.objects.order_by("id").first()


def _organization_lines(organization: Any) -> tuple[str, ...]:
    contact = " · ".join(
        part
        for part in (
            f"Telepon {organization.phone}" if organization.phone else "",
            organization.email,
            organization.website,
        )
        if part
    )
    return tuple(line for line in (organization.address.replace("\n", ", "), contact) if line)


def read_logo(storage_name: str) -> bytes | None:
    """The logo stored under ``storage_name`` (None when there is none or the file is gone)."""
    if not storage_name:
        return None
    try:
        with default_storage.open(storage_name, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


def letterhead_for(content: Mapping[str, Any], logo_storage_name: str, organization: Any, region: Any) -> Letterhead:
    """The template's letterhead; an empty name or empty lines take the issuing agency's own name and contacts."""
    lines = tuple(line.strip() for line in str(content.get("letterhead_lines") or "").splitlines() if line.strip())
    government = f"Pemerintah {region.name}" if region is not None and region.name else ""
    return Letterhead(
        name=str(content.get("letterhead_name") or "").strip() or organization.name,
        lines=lines or _organization_lines(organization),
        government=government,
        logo=read_logo(logo_storage_name),
    )


def _profile(user: Any) -> Any:
    try:
        return user.citizen_profile
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist has no common import
        return None


def applicant_values(case: Any) -> dict[str, str]:
    if case is None:
        return {}
    if case.applicant_id is None:
        return {"applicant.name": case.walk_in_name, "applicant.nik": case.walk_in_nik or ""}
    user = case.applicant
    values = {"applicant.name": user.full_name}
    profile = _profile(user)
    if profile is not None:
        values.update(
            {
                "applicant.nik": profile.nik or "",
                "applicant.address": profile.address or "",
                "applicant.birth_date": format_date_id(profile.birth_date) if profile.birth_date else "",
                "applicant.sex": SEX_ID.get(profile.sex, ""),
                "applicant.village": profile.village.name if profile.village_id else "",
                "applicant.district": profile.district.name if profile.district_id else "",
            }
        )
    return values


def service_of(case: Any) -> Any:
    return case.service_version.service if case is not None and case.service_version_id else None


def values_for(
    *,
    case: Any,
    organization: Any,
    content: Mapping[str, Any],
    number: str,
    issued_at: dt.datetime,
    region: Any,
) -> Values:
    """The placeholder values of one document (see ``balai.documents.templating``)."""
    service = service_of(case)
    fixed: dict[str, str] = {
        "document.number": number,
        "document.date": format_date_id(issued_at),
        "document.type": str(content.get("document_type") or ""),
        "document.title": str(content.get("title") or ""),
        "document.place": str(content.get("place") or ""),
        "agency.name": organization.name,
        "agency.address": organization.address,
        "agency.phone": organization.phone,
        "agency.email": organization.email,
        "agency.website": organization.website,
        "signer.name": str(content.get("signer_name") or ""),
        "signer.position": str(content.get("signer_position") or ""),
        "signer.nip": str(content.get("signer_nip") or ""),
    }
    if region is not None:
        fixed.update({"region.name": region.name, "region.province": region.province, "region.capital": region.capital})
    if case is not None:
        fixed.update(
            {
                "case.number": case.number,
                "case.submitted_date": format_date_id(case.submitted_at),
                "case.service": service.name if service is not None else "",
                "case.agency": case.organization.name,
                "case.due_date": format_date_id(case.due_at) if case.due_at else "",
            }
        )
        fixed.update(applicant_values(case))
    return Values(
        fixed=fixed,
        answers=dict(case.answers or {}) if case is not None else {},
        definition=dict(case.service_version.form_definition or {})
        if case is not None and case.service_version_id
        else {},
        fallback_definition=(
            dict(service.current_version.form_definition or {})
            if service is not None and service.current_version_id
            else {}
        ),
    )


def attachment_names(case: Any) -> list[str]:
    """What the applicant handed in, for the receipt: the requirement's name where known, else the file name."""
    from balai.services.formdefs import upload_specs

    definition = dict(case.service_version.form_definition or {}) if case.service_version_id else {}
    names = {str(spec.get("code")): str(spec.get("name") or spec.get("code")) for spec in upload_specs(definition)}
    result = []
    for attachment in case.attachments.filter(is_public=True).order_by("created_at", "id"):
        label = names.get(attachment.requirement_code)
        result.append(f"{label} ({attachment.original_name})" if label else attachment.original_name)
    return result
