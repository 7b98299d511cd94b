"""Following a public complaint: with an account at once, with an e-mail address after confirming it by code.
Every message to a follower carries the link that ends the following without signing in."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from balai.accounts.services.verification import verification_check
from balai.audit.services import audit_log
from balai.complaints.models import Complaint, ComplaintFollower, Privacy
from balai.core.crypto import blind_index
from balai.core.exceptions import Conflict, NotFound, ValidationFailed

FOLLOW_PURPOSE = "complaint_follow"


def follow_token() -> str:
    return secrets.token_urlsafe(32)


def email_index(address: str) -> str:
    return blind_index(address.strip().lower(), purpose="complaints:follower")


def _followable(complaint: Complaint) -> None:
    from balai.complaints.workflows import FINAL_STATES

    if complaint.privacy == Privacy.CONFIDENTIAL or not complaint.is_published:
        raise NotFound()
    if complaint.case.state.code in FINAL_STATES:
        raise Conflict(_("This complaint is closed; there will be no more updates."), code="closed")


def complaint_follow(*, actor: Any, complaint: Complaint) -> ComplaintFollower:
    """The signed-in person follows a public complaint (again following is no error)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ValidationFailed(_("Sign in, or give your e-mail address to follow this complaint."))
    _followable(complaint)
    with transaction.atomic():
        follower, created = ComplaintFollower.objects.get_or_create(
            complaint=complaint, user=actor, defaults={"unsubscribe_token": follow_token()}
        )
        if created:
            audit_log(
                actor=actor,
                action="complaint.followed",
                target=complaint.case,
                summary={"number": complaint.case.number},
            )
    return follower


def _clean_email(email: Any) -> str:
    address = str(email or "").strip().lower()
    try:
        if not address or len(address) > 254:
            raise ValidationError("bad")
        validate_email(address)
    except ValidationError:
        raise ValidationFailed(fields={"email": [_("Enter a valid e-mail address.")]}) from None
    return address


def complaint_follow_request(*, complaint: Complaint, email: str) -> None:
    """Send a code to ``email``; ``complaint_follow_confirm`` with it makes the address a follower."""
    from balai.complaints.services.contact import send_code

    _followable(complaint)
    address = _clean_email(email)
    send_code(
        purpose=FOLLOW_PURPOSE,
        channel="email",
        address=address,
        subject=_("Follow complaint %(number)s") % {"number": complaint.case.number},
        template=_(
            "%(site)s: your code to follow complaint %(number)s is %(code)s (valid for %(minutes)d minutes). "
            "If you did not ask for it, ignore this message."
        ),
        number=complaint.case.number,
    )


def complaint_follow_confirm(*, complaint: Complaint, email: str, code: str) -> ComplaintFollower:
    from balai.accounts.services.verification import destination_index

    _followable(complaint)
    address = _clean_email(email)
    verification_check(purpose=FOLLOW_PURPOSE, code=code, index=destination_index("email", address))
    index = email_index(address)
    with transaction.atomic():
        existing = ComplaintFollower.objects.filter(complaint=complaint, email_index=index).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                follower = ComplaintFollower.objects.create(
                    complaint=complaint, email=address, email_index=index, unsubscribe_token=follow_token()
                )
        except IntegrityError:
            return ComplaintFollower.objects.get(complaint=complaint, email_index=index)
        audit_log(
            actor=None,
            action="complaint.followed",
            target=complaint.case,
            summary={"number": complaint.case.number, "by": "email"},
            actor_label="follower",
        )
    return follower


def complaint_unfollow(*, token: str) -> Complaint:
    """End a following by the link in a message (no sign-in needed); returns the complaint."""
    value = str(token or "").strip()[:64]
    follower = (
        ComplaintFollower.objects.select_related("complaint__case").filter(unsubscribe_token=value).first()
        if value
        else None
    )
    if follower is None:
        raise NotFound()
    complaint = follower.complaint
    follower.delete()
    return complaint


def complaint_unfollow_user(*, actor: Any, complaint: Complaint) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotFound()
    ComplaintFollower.objects.filter(complaint=complaint, user=actor).delete()


def is_following(user: Any, complaint: Complaint) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and ComplaintFollower.objects.filter(complaint=complaint, user=user).exists()
    )
