"""What the event consumers do: issue a case's result when its workflow ends in a granted final state, and the
receipt when it is submitted. Both are idempotent (a retried task finds the document already there) and never
raise for a problem an administrator has to fix (no template, no signing key): they log it and return, and
staff can issue or reissue from the case page later."""

from __future__ import annotations

import logging
from typing import Any

from balai.cases.models import Case, CaseType
from balai.core.exceptions import BalaiError
from balai.documents.models import DocumentKind

from .content import service_of
from .issuing import _valid_document, document_issue, is_successful_outcome, receipt_issue
from .templates import active_output_template

logger = logging.getLogger("balai.documents")
SIGNED_PDF = "signed_pdf"


def _case(case_id: Any) -> Case | None:
    try:
        return (
            Case.objects.select_related("state", "organization", "service_version__service")
            .filter(pk=int(case_id))
            .first()
        )
    except (TypeError, ValueError):
        return None


def _can_sign(case: Case, template: Any) -> bool:
    """Whether the issuing agency has a signing profile at all, checked before anything is rendered (every
    submission in an installation without keys would otherwise render a receipt only to fail signing it)."""
    from balai.documents.signing import active_profile_for

    organization = template.organization if template is not None and template.organization_id else case.organization
    if active_profile_for(organization) is not None:
        return True
    logger.error("document not issued", extra={"case_id": case.pk, "error_code": "no_signing_profile"})
    return False


def _failed(case: Case, kind: str, exc: BalaiError) -> str:
    logger.error(
        "document not issued",
        extra={"case_id": case.pk, "kind": kind, "error_code": exc.code, "error": str(exc.message)},
    )
    return f"failed:{exc.code}"


def issue_on_case_closed(*, case_id: Any) -> str:
    """Issue the result document of a closed case when it was granted, its service's output is a signed PDF and
    an active template exists. Returns what happened (for the task result and the logs)."""
    case = _case(case_id)
    if case is None:
        return "no_case"
    if not is_successful_outcome(case.state):
        return "not_granted"
    service = service_of(case)
    if service is None or (service.output or {}).get("format") != SIGNED_PDF:
        return "no_signed_output"
    template = active_output_template(service)
    if template is None:
        logger.warning("no document template for a signed output", extra={"case_id": case.pk, "service": service.code})
        return "no_template"
    if _valid_document(case, DocumentKind.OUTPUT) is not None:
        return "already_issued"
    if not _can_sign(case, template):
        return "no_signing_profile"
    try:
        document_issue(actor=None, case=case, kind=DocumentKind.OUTPUT)
    except BalaiError as exc:  # SigningError included: the agency has no usable signing profile
        return _failed(case, DocumentKind.OUTPUT, exc)
    return "issued"


def issue_receipt_on_submission(*, case_id: Any) -> str:
    """Issue the signed receipt of a submitted service application (once)."""
    case = _case(case_id)
    if case is None:
        return "no_case"
    if case.case_type != CaseType.SERVICE_APPLICATION:
        return "not_an_application"
    if _valid_document(case, DocumentKind.RECEIPT) is not None:
        return "already_issued"
    if not _can_sign(case, None):
        return "no_signing_profile"
    try:
        receipt_issue(actor=None, case=case)
    except BalaiError as exc:
        return _failed(case, DocumentKind.RECEIPT, exc)
    return "issued"
