"""Registering taxpayers (wajib pajak) and linking accounts to them.

A taxpayer is registered by tax staff (the office pages, the admin) or by the system when an application of the
NPWPD service is granted (``register_from_case``, run by the ``case.closed`` consumer). Either way the NPWPD is
taken gap-free inside the registering transaction and the registration is audited."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core.events import publish
from balai.core.exceptions import ValidationFailed, from_django_validation_error
from balai.taxes.access import require_tax_staff
from balai.taxes.models import Taxpayer, TaxpayerAccount, TaxpayerKind, TaxType
from balai.taxes.npwpd import format_npwpd, next_serial, regency_code

logger = logging.getLogger("balai.taxes")

NPWPD_SERVICE_CODE = "NPWPD"
MAX_NAME = 200
MAX_ADDRESS = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: Any, *, field: str, max_length: int, required: bool) -> str:
    text = " ".join(str(value or "").split()) if field != "address" else str(value or "").strip()
    if _CONTROL.search(text):
        raise ValidationFailed(fields={field: [_("Remove the control characters from this text.")]})
    if required and not text:
        raise ValidationFailed(fields={field: [_("This field is required.")]})
    if len(text) > max_length:
        raise ValidationFailed(
            fields={field: [_("Ensure this value has at most %(limit)s characters.") % {"limit": max_length}]}
        )
    return text


def normalise_npwp(value: Any) -> str:
    """The national tax number (NPWP): 15 digits, or 16 (the NIK-based form); separators allowed; may be empty."""
    text = re.sub(r"[\s.\-]", "", str(value or ""))
    if not text:
        return ""
    if not (text.isascii() and text.isdigit() and len(text) in (15, 16)):
        raise ValidationFailed(fields={"npwp": [_("An NPWP has 15 or 16 digits.")]})
    return text


def _tax_types(values: Iterable[Any]) -> list[TaxType]:
    codes = [v.code if isinstance(v, TaxType) else str(v) for v in values]
    found = {t.code: t for t in TaxType.objects.filter(code__in=codes, is_active=True)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationFailed(
            fields={"tax_types": [_("Unknown or inactive tax: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    return [found[code] for code in codes]


def taxpayer_register(
    *,
    actor: Any,
    name: str,
    kind: str,
    address: str = "",
    npwp: str = "",
    tax_types: Iterable[Any] = (),
    accounts: Iterable[Any] = (),
    registration_case: Any = None,
) -> Taxpayer:
    require_tax_staff(actor)
    name = _text(name, field="name", max_length=MAX_NAME, required=True)
    address = _text(address, field="address", max_length=MAX_ADDRESS, required=False)
    if kind not in TaxpayerKind.values:
        raise ValidationFailed(fields={"kind": [_("Select a valid choice.")]})
    npwp = normalise_npwp(npwp)
    types = _tax_types(tax_types)
    users = [u for u in accounts if u is not None]
    with transaction.atomic():
        serial = next_serial()
        taxpayer = Taxpayer(
            npwpd=format_npwpd(kind=kind, serial=serial, regency_code=regency_code()),
            name=name,
            kind=kind,
            address=address,
            npwp=npwp,
            registration_case=registration_case,
            registered_by=actor,
        )
        try:
            taxpayer.full_clean()
        except ValidationError as exc:
            raise from_django_validation_error(exc) from None
        taxpayer.save(force_insert=True)
        if types:
            taxpayer.tax_types.set(types)
        for user in users:
            TaxpayerAccount.objects.create(taxpayer=taxpayer, user=user, created_by=actor)
        audit_log(
            actor=actor,
            action="tax.taxpayer_registered",
            target=taxpayer,
            summary={
                "npwpd": taxpayer.npwpd,
                "kind": kind,
                "tax_types": [t.code for t in types],
                "accounts": [u.pk for u in users],
                "case": registration_case.number if registration_case is not None else None,
            },
        )
        publish("taxpayer.registered", {"taxpayer_id": taxpayer.pk, "npwpd": taxpayer.npwpd})
    return taxpayer


def taxpayer_link_account(*, actor: Any, taxpayer: Taxpayer, user: Any) -> TaxpayerAccount:
    """Let ``user`` act for ``taxpayer`` (idempotent: an existing link is returned as it is)."""
    require_tax_staff(actor)
    if user is None or not getattr(user, "is_active", False):
        raise ValidationFailed(fields={"user": [_("Choose an active account.")]})
    with transaction.atomic():
        link, created = TaxpayerAccount.objects.get_or_create(
            taxpayer=taxpayer, user=user, defaults={"created_by": actor}
        )
        if created:
            audit_log(
                actor=actor,
                action="tax.taxpayer_account_linked",
                target=taxpayer,
                summary={"npwpd": taxpayer.npwpd, "user": user.pk},
            )
    return link


def taxpayer_update(*, actor: Any, taxpayer: Taxpayer, name: str, address: str, is_active: bool) -> Taxpayer:
    require_tax_staff(actor)
    name = _text(name, field="name", max_length=MAX_NAME, required=True)
    address = _text(address, field="address", max_length=MAX_ADDRESS, required=False)
    with transaction.atomic():
        locked = Taxpayer.objects.select_for_update().get(pk=taxpayer.pk)
        changed = [
            label
            for label, old, new in (
                ("name", locked.name, name),
                ("address", locked.address, address),
                ("is_active", locked.is_active, is_active),
            )
            if old != new
        ]
        locked.name, locked.address, locked.is_active = name, address, is_active
        locked.updated_at = timezone.now()
        locked.save(update_fields=["name", "address", "is_active", "updated_at"])
        # The address is personal data: the audit says that it changed, never what it says.
        audit_log(actor=actor, action="tax.taxpayer_updated", target=locked, summary={"changed": changed})
    return locked


def register_from_case(*, case_id: Any) -> str:
    """Register the business of a granted NPWPD application (once per case). Returns what happened."""
    from balai.cases.models import Case
    from balai.documents.services import is_successful_outcome

    try:
        case = (
            Case.objects.select_related("state", "applicant", "service_version__service")
            .filter(pk=int(case_id))
            .first()
        )
    except (TypeError, ValueError):
        return "no_case"
    if case is None:
        return "no_case"
    service = case.service_version.service if case.service_version_id else None
    if service is None or service.code != NPWPD_SERVICE_CODE:
        return "not_npwpd"
    if not is_successful_outcome(case.state):
        return "not_granted"
    if Taxpayer.objects.filter(registration_case=case).exists():
        return "already_registered"
    answers = case.answers or {}
    tax_code = str(answers.get("tax_type") or "")
    types = [tax_code] if tax_code and TaxType.objects.filter(code=tax_code, is_active=True).exists() else []
    try:
        npwp = normalise_npwp(answers.get("npwp"))
    except ValidationFailed:
        npwp = ""  # optional on the form; a malformed one does not hold up the registration
    try:
        taxpayer_register(
            actor=None,
            name=answers.get("business_name") or case.applicant_name,
            kind=TaxpayerKind.BUSINESS,
            address=answers.get("business_address") or "",
            npwp=npwp,
            tax_types=types,
            accounts=[case.applicant] if case.applicant_id else [],
            registration_case=case,
        )
    except IntegrityError:  # a second delivery of the event registered it at the same moment
        return "already_registered"
    except ValidationFailed as exc:
        logger.error("taxpayer not registered", extra={"case_id": case.pk, "error": str(exc.message)})
        return "invalid_answers"
    return "registered"
