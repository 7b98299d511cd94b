"""Saving an agency's signing profile (which provider signs for it, with which non-secret settings). The provider
checks its settings; for local keys the certificate is read and its fingerprint recorded, so the verification of
uploaded PDFs can recognise the agency's signatures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core.exceptions import BalaiError, PermissionDenied, ValidationFailed
from balai.documents.models import SigningProfile
from balai.organizations.scoping import is_platform_admin

PROFILE_FIELDS = ("organization", "provider", "config", "is_active")


def signing_profile_save(*, actor: Any, profile: SigningProfile, data: Mapping[str, Any]) -> SigningProfile:
    """Create or change ``profile`` with ``data`` (keys of ``PROFILE_FIELDS``). Platform administrators only
    (``actor`` None: the system). Raises ValidationFailed with the provider's own messages by field."""
    from balai.documents.signing import register

    if actor is not None and not is_platform_admin(actor):
        raise PermissionDenied()
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"unknown signing profile fields: {sorted(unknown)}")
    with transaction.atomic():
        if profile.pk is not None:
            profile = SigningProfile.objects.select_for_update().get(pk=profile.pk)
        changed = sorted(data)
        for name, value in data.items():
            setattr(profile, name, value)
        errors: dict[str, list[str]] = {}
        try:
            profile.full_clean(exclude=["certificate_pem", "certificate_sha256"])
        except ValidationError as exc:
            errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
        if profile.provider in register:
            backend_class = register[profile.provider]
            for key, messages in backend_class.config_errors(profile.config).items():
                errors.setdefault("config", []).extend(f"{key}: {m}" if key != "config" else str(m) for m in messages)
            if not errors:
                try:
                    certificate = backend_class(profile).certificate()
                except BalaiError as exc:
                    certificate = None
                    if profile.is_active:
                        errors.setdefault("config", []).append(str(exc.message))
                if certificate is not None:
                    from balai.documents.signing.base import certificate_pem, certificate_sha256

                    profile.certificate_pem = certificate_pem(certificate)
                    profile.certificate_sha256 = certificate_sha256(certificate)
        elif profile.provider:
            errors.setdefault("provider", []).append(_("This installation has no signing provider of that name."))
        if errors:
            raise ValidationFailed(_("The signing profile cannot be saved. Correct the fields marked."), fields=errors)
        profile.updated_at = timezone.now()
        profile.save()
        audit_log(
            actor=actor,
            action="document.signing_profile_saved",
            target=profile,
            actor_label="" if actor is not None else "system",
            summary={
                "organization": profile.organization.code,
                "provider": profile.provider,
                "changed": changed,
                "certificate_sha256": profile.certificate_sha256,
            },
        )
    return profile
