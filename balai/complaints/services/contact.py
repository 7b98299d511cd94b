"""A reporter without an account proves their e-mail address or mobile number with a 6-digit code before the
complaint counts. The codes are the accounts app's (hashed, limited sends and attempts, expiry); only the
message and the purpose are the complaint's."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balai.accounts.models.verification import VerificationChannel, VerificationCode, VerificationPurpose
from balai.accounts.services.verification import (
    _check_send_limits,
    generate_code,
    hash_code,
    normalize_destination,
    verification_check,
)
from balai.audit.services import audit_log
from balai.complaints.models import Complaint
from balai.complaints.services.common import (
    current_settings,
    lock,
    publish_update,
    set_case_deadline,
    working_deadline,
)
from balai.complaints.workflows import CONTACT_CHECK
from balai.core.crypto import blind_index
from balai.core.exceptions import Conflict, NotFound, ValidationFailed

CONTACT_PURPOSE = "complaint_contact"
CONTACT_INDEX_PURPOSE = "complaints:contact"


def contact_channel(complaint: Complaint) -> tuple[str, str]:
    """(channel, address) the code goes to: the e-mail address when given, else the mobile number."""
    if complaint.reporter_email:
        return VerificationChannel.EMAIL, complaint.reporter_email
    if complaint.reporter_phone:
        return VerificationChannel.SMS, complaint.reporter_phone
    raise Conflict(_("This complaint has no contact to confirm."), code="no_contact")


def contact_index(value: str) -> str:
    return blind_index(value, purpose=CONTACT_INDEX_PURPOSE)


def confirm_url(complaint: Complaint) -> str:
    path = reverse("complaints:confirm", args=[complaint.case.number])
    return settings.BALAI_PUBLIC_URL.rstrip("/") + path


def send_code(
    *, purpose: str, channel: str, address: str, subject: str, template: str, **params: Any
) -> VerificationCode:
    """Issue a code for ``purpose`` to ``address`` (replacing the earlier one) and send ``template`` filled with
    ``site``, ``code``, ``minutes`` and ``params``. Raises RateLimited when the address had too many codes."""
    from balai.notifications.services import send_message

    try:
        address = normalize_destination(channel, address)
    except ValidationError as exc:
        raise ValidationFailed(_("The address is not valid."), code="invalid_address") from exc
    index = blind_index(address, purpose=f"verification:{channel}")
    code = generate_code()
    salt = secrets.token_hex(8)
    now = timezone.now()
    with transaction.atomic():
        _check_send_limits(purpose=purpose, index=index)
        VerificationCode.objects.filter(
            purpose=purpose, destination_index=index, consumed_at__isnull=True, superseded_at__isnull=True
        ).update(superseded_at=now)
        record = VerificationCode(
            user=None,
            purpose=purpose,
            channel=channel,
            destination_index=index,
            destination=address,
            code_hash=hash_code(code, salt),
            salt=salt,
            expires_at=now + timedelta(seconds=settings.VERIFICATION_CODE_TTL_SECONDS),
            created_at=now,
        )
        # The accounts app may not list this purpose among its choices (yet): the value is ours.
        record.full_clean(exclude=None if purpose in VerificationPurpose.values else ["purpose"])
        record.save()
        minutes = max(1, settings.VERIFICATION_CODE_TTL_SECONDS // 60)
        body = template % {"site": settings.BALAI_SITE_NAME, "code": code, "minutes": minutes, **params}
        send_message(channel=channel, to=address, subject=subject, body=body, kind=purpose)
    return record


def send_contact_code(complaint: Complaint) -> VerificationCode:
    """Send the code that confirms the complaint's contact, with its number and the page to enter it."""
    channel, address = contact_channel(complaint)
    with translation.override(settings.LANGUAGE_CODE):
        return send_code(
            purpose=CONTACT_PURPOSE,
            channel=channel,
            address=address,
            subject=_("Confirm your complaint %(number)s") % {"number": complaint.case.number},
            template=_(
                "%(site)s: your code to confirm complaint %(number)s is %(code)s (valid for %(minutes)d minutes). "
                "Enter it at %(url)s. Never give this code to anyone, including officers."
            ),
            number=complaint.case.number,
            url=confirm_url(complaint),
        )


def complaint_contact_resend(*, complaint: Complaint) -> VerificationCode:
    """Send a new code for a complaint still waiting for its contact to be confirmed."""
    if complaint.contact_verified_at is not None or complaint.case.state.code != CONTACT_CHECK:
        raise Conflict(_("The contact of this complaint is already confirmed."), code="already_confirmed")
    return send_contact_code(complaint)


def complaint_contact_confirm(*, complaint: Complaint, code: str) -> Complaint:
    """Check the code sent to the complaint's contact; when right, the complaint counts: it goes to the
    coordinator for verification with its deadline. Wrong codes count against the code's attempts."""
    from balai.cases.services import case_transition

    if complaint.case.state.code != CONTACT_CHECK or complaint.contact_verified_at is not None:
        raise Conflict(_("The contact of this complaint is already confirmed."), code="already_confirmed")
    channel, raw = contact_channel(complaint)
    index = blind_index(normalize_destination(channel, raw), purpose=f"verification:{channel}")
    # Outside the transaction below: a wrong attempt must be counted even though the check raises.
    verification_check(purpose=CONTACT_PURPOSE, code=code, index=index)
    with transaction.atomic():
        case, locked = lock(complaint)
        if case.state.code != CONTACT_CHECK:
            raise Conflict(_("The contact of this complaint is already confirmed."), code="already_confirmed")
        case = case_transition(actor=None, case=case, transition="confirm_contact")
        now = timezone.now()
        locked.contact_verified_at = now
        locked.is_published = True
        locked.verification_due_at = working_deadline(now, current_settings().verification_days)
        locked.updated_at = now
        locked.save(update_fields=["contact_verified_at", "is_published", "verification_due_at", "updated_at"])
        set_case_deadline(case, locked.verification_due_at)
        locked.case = case
        audit_log(
            actor=None,
            action="complaint.contact_confirmed",
            target=case,
            summary={"number": case.number, "channel": channel},
            actor_label="reporter",
        )
        publish_update(locked, "published")
    return locked


def pending_complaint(number: str) -> Complaint:
    """The complaint waiting for its contact under ``number`` (NotFound otherwise)."""
    complaint = (
        Complaint.objects.select_related("case__state", "category")
        .filter(case__number=str(number or "")[:64].strip().upper())
        .first()
    )
    if complaint is None or complaint.case.state.code != CONTACT_CHECK:
        raise NotFound()
    return complaint


def contact_for_display(complaint: Complaint) -> dict[str, Any]:
    from balai.accounts.phone import mask_phone
    from balai.core.masking import mask_email

    return {"email": mask_email(complaint.reporter_email), "phone": mask_phone(complaint.reporter_phone)}
