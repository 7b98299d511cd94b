"""Event consumers of the documents app (registered in apps.ready): thin, idempotent task wrappers around
``balai.documents.services.automatic``.

- ``case.closed`` with a granted final state → the service's result document (when its output is a signed PDF
  and an active template exists);
- ``case.submitted`` → the signed receipt (tanda terima).
"""

from __future__ import annotations

from django_tasks import task

from balai.core.events import consumer


@consumer("case.closed")
@task()
def issue_result_document(name: str, payload: dict) -> str:
    from balai.documents.services import issue_on_case_closed

    return issue_on_case_closed(case_id=payload.get("case_id"))


@consumer("case.submitted")
@task()
def issue_submission_receipt(name: str, payload: dict) -> str:
    from balai.documents.services import issue_receipt_on_submission

    return issue_receipt_on_submission(case_id=payload.get("case_id"))
