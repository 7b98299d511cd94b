"""Telling the reporter and the followers what happened to a complaint (run by the ``complaint.updated``
consumer in ``tasks.py``, so a slow mail server never delays the officer's click).

The reporter hears of every step that concerns them (with the agency's words); followers hear of the public
steps of a public complaint, with personal data masked and a link to stop following."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from balai.cases.models import TimelineEntry
from balai.complaints.masking import mask_personal_data
from balai.complaints.models import Complaint, Privacy
from balai.core.exceptions import BalaiError

logger = logging.getLogger(__name__)

REPORTER_EVENTS = {
    "published",
    "dispatched",
    "info_requested",
    "duplicate",
    "rejected",
    "responded",
    "transferred",
    "message",
    "closed",
}
FOLLOWER_EVENTS = {"dispatched", "duplicate", "rejected", "responded", "transferred", "message", "closed", "reopened"}
EXCERPT = 600


def _absolute(path: str) -> str:
    return settings.BALAI_PUBLIC_URL.rstrip("/") + path


def _public_url(number: str) -> str:
    try:
        return _absolute(reverse("complaints_public:detail", args=[number]))
    except NoReverseMatch:
        return _absolute(f"/pengaduan/{number}/")


def _event_text(event: str, complaint: Complaint, payload: dict[str, Any]) -> str:
    case = complaint.case
    texts = {
        "published": _("Your complaint %(number)s is registered. Keep its tracking code: %(code)s."),
        "dispatched": _("Complaint %(number)s was verified and sent to %(agency)s, which answers it."),
        "info_requested": _("The coordinator asks for more information about complaint %(number)s."),
        "duplicate": _("Complaint %(number)s was merged with complaint %(original)s, which is handled instead."),
        "rejected": _("Complaint %(number)s cannot be handled."),
        "responded": _("%(agency)s responded to complaint %(number)s."),
        "transferred": _("Complaint %(number)s was transferred to %(agency)s."),
        "message": _("New message from %(agency)s on complaint %(number)s."),
        "closed": _("Complaint %(number)s was closed."),
        "reopened": _("The reporter reopened complaint %(number)s: the problem is not solved yet."),
    }
    return texts[event] % {
        "number": case.number,
        "code": case.verification_code,
        "agency": case.organization.name,
        "original": payload.get("duplicate_of") or "",
    }


def _latest_public_text(complaint: Complaint, entry_id: Any) -> str:
    entries = TimelineEntry.objects.filter(case_id=complaint.pk, is_public=True)
    entry = entries.filter(pk=entry_id).first() if entry_id else None
    if entry is None:
        entry = entries.exclude(body="").order_by("-created_at", "-id").first()
    body = entry.body if entry is not None else ""
    return body if len(body) <= EXCERPT else body[: EXCERPT - 1] + "…"


def _send(channel: str, to: str, subject: str, body: str, recipient: Any = None) -> bool:
    from balai.notifications.services import send_message

    try:
        send_message(channel=channel, to=to, subject=subject, body=body, recipient=recipient, kind="complaint")
    except BalaiError:
        logger.warning("complaint message not sent: bad address", extra={"channel": channel})
        return False
    return True


def _reporter_address(complaint: Complaint) -> tuple[str, str, Any, str] | None:
    """(channel, address, account, language) of the reporter, or None when there is nowhere to write."""
    case = complaint.case
    if case.applicant_id is not None:
        user = case.applicant
        language = user.language or settings.LANGUAGE_CODE
        if user.email:
            return "email", user.email, user, language
        if user.phone:
            return "sms", user.phone, user, language
        return None
    if complaint.contact_verified_at is None:
        return None
    if complaint.reporter_email:
        return "email", complaint.reporter_email, None, settings.LANGUAGE_CODE
    if complaint.reporter_phone:
        return "sms", complaint.reporter_phone, None, settings.LANGUAGE_CODE
    return None


def notify_update(*, case_id: int, event: str, payload: dict[str, Any] | None = None) -> int:
    """Send the messages for ``event`` on the complaint ``case_id``; returns how many were queued."""
    payload = payload or {}
    complaint = (
        Complaint.objects.select_related("case__organization", "case__applicant", "category").filter(pk=case_id).first()
    )
    if complaint is None:
        return 0
    number = complaint.case.number
    sent = 0
    if event in REPORTER_EVENTS:
        address = _reporter_address(complaint)
        if address is not None:
            channel, to, account, language = address
            with translation.override(language):
                subject = _("Complaint %(number)s") % {"number": number}
                text = _event_text(event, complaint, payload)
                details = _latest_public_text(complaint, payload.get("entry_id")) if event != "published" else ""
                if account is not None:
                    link = _absolute(reverse("my_complaints:detail", args=[number]))
                else:
                    link = _absolute(reverse("complaints:reporter_access"))
                body = "\n\n".join(p for p in (text, details, _("Read it and answer at %(url)s") % {"url": link}) if p)
            sent += _send(channel, to, subject, body if channel == "email" else text + " " + link, account)
    if event in FOLLOWER_EVENTS and complaint.privacy != Privacy.CONFIDENTIAL and complaint.is_published:
        sent += _notify_followers(complaint, event, payload)
    return sent


def _notify_followers(complaint: Complaint, event: str, payload: dict[str, Any]) -> int:
    number = complaint.case.number
    sent = 0
    details = mask_personal_data(_latest_public_text(complaint, payload.get("entry_id")))
    for follower in complaint.followers.select_related("user").order_by("pk"):
        user = follower.user
        if user is not None and (not user.is_active or user.pk == complaint.case.applicant_id):
            continue
        address = user.email if user is not None else follower.email
        if not address:
            continue
        language = (user.language if user is not None else None) or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = _("Update on complaint %(number)s") % {"number": number}
            stop = _absolute(reverse("complaints:unfollow", args=[follower.unsubscribe_token]))
            body = "\n\n".join(
                p
                for p in (
                    _event_text(event, complaint, payload),
                    details,
                    _("Read it at %(url)s") % {"url": _public_url(number)},
                    _("Stop following this complaint: %(url)s") % {"url": stop},
                )
                if p
            )
        sent += _send("email", address, subject, body, user)
    return sent
