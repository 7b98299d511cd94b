"""Writes of the documents app: templates, issuing, revocation and reissue (one module each).

Public interface: ``document_template_save``, ``document_issue``, ``receipt_issue``, ``document_revoke``,
``document_reissue``, and the permission checks ``may_issue``, ``may_revoke``, ``may_download_as_staff``.
"""

from .automatic import issue_on_case_closed, issue_receipt_on_submission
from .issuing import (
    DOCUMENT_ROLES,
    document_issue,
    is_successful_outcome,
    may_download_as_staff,
    may_issue,
    may_revoke,
    receipt_issue,
)
from .profiles import PROFILE_FIELDS, signing_profile_save
from .revocation import MAX_REASON_LENGTH, MIN_REASON_LENGTH, document_reissue, document_revoke
from .templates import (
    RECEIPT_TEMPLATE_CODE,
    TEMPLATE_FIELDS,
    active_output_template,
    check_nip,
    document_template_save,
    may_manage_template,
    receipt_template,
    template_errors,
)

__all__ = [
    "DOCUMENT_ROLES",
    "MAX_REASON_LENGTH",
    "MIN_REASON_LENGTH",
    "PROFILE_FIELDS",
    "RECEIPT_TEMPLATE_CODE",
    "TEMPLATE_FIELDS",
    "active_output_template",
    "check_nip",
    "document_issue",
    "document_reissue",
    "document_revoke",
    "document_template_save",
    "is_successful_outcome",
    "issue_on_case_closed",
    "issue_receipt_on_submission",
    "may_download_as_staff",
    "may_issue",
    "may_manage_template",
    "may_revoke",
    "receipt_issue",
    "receipt_template",
    "signing_profile_save",
    "template_errors",
]
