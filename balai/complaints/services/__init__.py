"""Writes of the complaints app, one module per concern; everything is importable from here."""

from balai.complaints.services.contact import (
    complaint_contact_confirm,
    complaint_contact_resend,
    pending_complaint,
)
from balai.complaints.services.create import clean_location, complaint_create
from balai.complaints.services.followers import (
    complaint_follow,
    complaint_follow_confirm,
    complaint_follow_request,
    complaint_unfollow,
    complaint_unfollow_user,
    is_following,
)
from balai.complaints.services.handling import (
    complaint_add_note,
    complaint_close_unanswered,
    complaint_dispatch,
    complaint_mark_duplicate,
    complaint_reject,
    complaint_request_info,
    complaint_respond,
    complaint_return,
    complaint_transfer,
)
from balai.complaints.services.reporter import (
    complaint_accept,
    complaint_add_info,
    complaint_rate,
    complaint_reopen,
    complaint_reporter_reply,
    may_rate,
    may_reopen,
)
from balai.complaints.services.sweep import complaint_escalate, complaints_sweep

__all__ = [
    "clean_location",
    "complaint_accept",
    "complaint_add_info",
    "complaint_add_note",
    "complaint_close_unanswered",
    "complaint_contact_confirm",
    "complaint_contact_resend",
    "complaint_create",
    "complaint_dispatch",
    "complaint_escalate",
    "complaint_follow",
    "complaint_follow_confirm",
    "complaint_follow_request",
    "complaint_mark_duplicate",
    "complaint_rate",
    "complaint_reject",
    "complaint_reopen",
    "complaint_reporter_reply",
    "complaint_request_info",
    "complaint_respond",
    "complaint_return",
    "complaint_transfer",
    "complaint_unfollow",
    "complaint_unfollow_user",
    "complaints_sweep",
    "is_following",
    "may_rate",
    "may_reopen",
    "pending_complaint",
]
