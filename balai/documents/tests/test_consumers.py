"""The consumers: the final step of a granted application issues its document once; a rejection, a service
without a signed output, a missing template or key issue nothing and do not fail the worker."""

from __future__ import annotations

import logging

import pytest

from balai.cases.models import Case
from balai.core.events import consumers_of
from balai.documents.consumers import issue_result_document, issue_submission_receipt
from balai.documents.models import DocumentKind, IssuedDocument
from balai.documents.tests.factories import complete, completed_case, result_service, submit, template_for_service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def service(signing_profile_for):
    service = result_service()
    signing_profile_for(service.owner)
    template_for_service(service)
    return service


def outputs(case) -> int:
    return IssuedDocument.objects.filter(case=case, kind=DocumentKind.OUTPUT).count()


def test_consumers_are_registered_for_the_case_events():
    assert issue_result_document in consumers_of("case.closed")
    assert issue_submission_receipt in consumers_of("case.submitted")


def test_a_retried_task_does_not_issue_twice(service):
    case = completed_case(service=service)
    assert outputs(case) == 1
    payload = {"case_id": case.pk, "outcome": "completed"}
    assert issue_result_document.call("case.closed", payload) == "already_issued"
    assert issue_submission_receipt.call("case.submitted", {"case_id": case.pk}) == "already_issued"
    assert outputs(case) == 1
    assert IssuedDocument.objects.filter(case=case, kind=DocumentKind.RECEIPT).count() == 1


def test_a_rejection_issues_no_document(service):
    case = complete(submit(service), outcome="reject")
    assert case.state.code == "rejected"
    assert outputs(case) == 0
    assert issue_result_document.call("case.closed", {"case_id": case.pk, "outcome": "rejected"}) == "not_granted"


def test_only_services_whose_output_is_a_signed_pdf(signing_profile_for):
    service = result_service()
    service.output = {"document": "Kartu Identitas Anak", "format": "pickup"}
    service.save(update_fields=["output"])
    signing_profile_for(service.owner)
    template_for_service(service)
    case = completed_case(service=service)
    assert outputs(case) == 0
    assert issue_result_document.call("case.closed", {"case_id": case.pk}) == "no_signed_output"


def test_without_a_template_nothing_is_issued_and_it_is_logged(signing_profile_for, caplog):
    service = result_service()
    signing_profile_for(service.owner)
    with caplog.at_level(logging.WARNING, logger="balai.documents"):
        case = completed_case(service=service)
    assert outputs(case) == 0
    assert any("no document template" in r.getMessage() for r in caplog.records)


def test_without_a_signing_key_the_case_still_closes_and_staff_can_issue_later(caplog):
    service = result_service()
    template_for_service(service)
    with caplog.at_level(logging.ERROR, logger="balai.documents"):
        case = completed_case(service=service)
    assert Case.objects.get(pk=case.pk).state.code == "completed"
    assert outputs(case) == 0 and not IssuedDocument.objects.filter(case=case).exists()
    assert issue_result_document.call("case.closed", {"case_id": case.pk}) == "no_signing_profile"
    assert any(getattr(r, "error_code", "") == "no_signing_profile" for r in caplog.records)


def test_a_signing_failure_is_reported_not_raised(signing_profile_for):
    service = result_service()
    template_for_service(service)
    case = completed_case(service=service)
    signing_profile_for(service.owner, config={"key_file": "agencies/missing.key", "certificate_file": "missing.pem"})
    result = issue_result_document.call("case.closed", {"case_id": case.pk})
    assert result.startswith("failed:")
    assert outputs(case) == 0


@pytest.mark.parametrize("payload", [{}, {"case_id": None}, {"case_id": "x"}, {"case_id": 987654321}])
def test_malformed_payloads_are_ignored(payload):
    assert issue_result_document.call("case.closed", payload) == "no_case"
    assert issue_submission_receipt.call("case.submitted", payload) == "no_case"
