"""The staff case page /kantor/perkara/<number>/: scoping, answers with masked NIKs, documents, timeline with
internal notes, each allowed step as a form with its required inputs, two officers at once, assignment."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from balai.accounts.tests.factories import ProfileFactory, UserFactory
from balai.audit.models import AuditEvent
from balai.cases.models import Case, TimelineEntry, WorkflowTransition
from balai.cases.services import case_transition
from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.services.models import ServiceVersion
from balai.web.tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def agency():
    return OrganizationFactory(name="Dinas Kependudukan")


@pytest.fixture
def service(agency):
    return published_service(owner=agency)


@pytest.fixture
def verifier(agency):
    return staff_with_role(agency, Role.VERIFIER)


@pytest.fixture
def approver(agency):
    return staff_with_role(agency, Role.APPROVER)


@pytest.fixture
def case(service):
    applicant = ProfileFactory().user
    return submitted_case(service=service, applicant=applicant)


def client_for(user) -> Client:
    return sign_in_verified(Client(), user)


def url(case, name="worklist:detail", *args) -> str:
    return reverse(name, args=[case.number, *args])


def step(client, case, code, **data):
    payload = {"step": code, f"t-{code}-transition": code, f"t-{code}-version": case.version}
    payload.update({f"t-{code}-{k}": v for k, v in data.items()})
    return client.post(url(case, "worklist:transition"), payload)


def test_staff_of_the_agency_see_the_case(case, verifier):
    response = client_for(verifier).get(url(case))
    assert response.status_code == 200
    body = response.content.decode()
    assert case.number in body
    assert "Melamar kerja" in body  # the answer
    assert "Mulai verifikasi" in body  # the step allowed now


def test_another_agencys_case_is_404(case):
    outsider = staff_with_role(OrganizationFactory(), Role.VERIFIER)
    assert client_for(outsider).get(url(case)).status_code == 404


def test_unknown_number_is_404(verifier):
    assert client_for(verifier).get("/kantor/perkara/TIDAK-ADA-2026-000001/").status_code == 404


def test_citizen_gets_403_even_for_their_own_case(case):
    client = Client()
    client.force_login(case.applicant)
    assert client.get(url(case)).status_code == 403


def test_nik_answers_are_masked(agency, verifier):
    service = published_service(owner=agency)
    version = service.current_version
    definition = {
        "fields": [{"code": "nik_ayah", "label": "NIK ayah", "type": "nik", "required": True}],
        "requirements": [],
    }
    ServiceVersion.objects.filter(pk=version.pk).update(form_definition=definition)
    case = submitted_case(service=service, answers={"nik_ayah": "3201010101900001"})
    body = client_for(verifier).get(url(case)).content.decode()
    assert "3201010101900001" not in body
    assert "3201" in body and "0001" in body


def test_profile_nik_masked_and_unmasked_only_with_permission_and_audited(case, verifier):
    nik = case.applicant.citizen_profile.nik
    client = client_for(verifier)
    assert nik not in client.get(url(case)).content.decode()
    refused = client.post(url(case, "worklist:unmask_nik"))
    assert refused.status_code == 403
    assert nik not in refused.content.decode()
    verifier.user_permissions.add(Permission.objects.get(codename="view_unmasked_nik"))
    verifier = type(verifier).objects.get(pk=verifier.pk)
    shown = client_for(verifier).post(url(case, "worklist:unmask_nik"))
    assert shown.status_code == 200
    assert nik in shown.content.decode()
    assert AuditEvent.objects.filter(action="account.nik_unmasked").count() == 1


def test_start_verification_through_the_page(case, verifier):
    client = client_for(verifier)
    response = step(client, case, "start_verification")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state.code == "verification"


def test_required_comment_missing_keeps_the_case_unchanged(case, verifier):
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    response = step(client_for(verifier), case, "return_for_corrections", comment="  ")
    assert response.status_code == 400
    assert "Tulis komentar" in response.content.decode() or "comment" in str(
        response.context["transition_forms"][0].errors
    )
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state.code == "verification"
    assert fresh.version == case.version


def test_comment_too_long_is_refused(case, verifier):
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    response = step(client_for(verifier), case, "return_for_corrections", comment="x" * 6000)
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).state.code == "verification"


def test_hostile_comment_is_stored_as_text_and_escaped(case, verifier):
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    client = client_for(verifier)
    step(client, case, "return_for_corrections", comment="<script>alert(1)</script>")
    body = client.get(url(case)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_required_document_missing_and_wrong_type(case, verifier):
    WorkflowTransition.objects.filter(code="start_verification").update(requires_document=True)
    client = client_for(verifier)
    assert step(client, case, "start_verification").status_code == 400
    bad = SimpleUploadedFile("surat.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert step(client, case, "start_verification", document=bad).status_code == 400
    assert Case.objects.get(pk=case.pk).state.code == "submitted"
    good = SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf")
    assert step(client, case, "start_verification", document=good).status_code == 302
    case.refresh_from_db()
    assert case.state.code == "verification"
    attachment = case.attachments.get()
    download = client.get(url(case, "worklist:document", attachment.pk))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


def test_documents_are_not_served_outside_the_agency(case, verifier):
    WorkflowTransition.objects.filter(code="start_verification").update(requires_document=True)
    good = SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf")
    step(client_for(verifier), case, "start_verification", document=good)
    attachment = case.attachments.get()
    outsider = staff_with_role(OrganizationFactory(), Role.VERIFIER)
    assert client_for(outsider).get(url(case, "worklist:document", attachment.pk)).status_code == 404
    citizen_client = Client()
    citizen_client.force_login(case.applicant)
    assert citizen_client.get(url(case, "worklist:document", attachment.pk)).status_code == 403
    # an attachment of another case through this case's address
    other = submitted_case(service=case.service_version.service)
    assert client_for(verifier).get(url(other, "worklist:document", attachment.pk)).status_code == 404
    assert not AuditEvent.objects.filter(action="case.document_downloaded").exists()


def test_opening_a_document_is_recorded_in_the_audit_trail(case, verifier):
    WorkflowTransition.objects.filter(code="start_verification").update(requires_document=True)
    step(client_for(verifier), case, "start_verification", document=SimpleUploadedFile("s.pdf", PDF))
    attachment = case.attachments.get()
    response = client_for(verifier).get(url(case, "worklist:document", attachment.pk))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="case.document_downloaded")
    assert event.actor == verifier and event.object_id == str(attachment.pk)
    assert event.summary["case"] == case.number


def _to_fee_assessment(verifier):
    technical = OrganizationFactory(name="DPUPR")
    assessor = staff_with_role(technical, Role.VERIFIER)
    service = published_service(workflow="technical_review", owner=verifier.memberships.get().organization)
    case = submitted_case(service=service)
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    case = case_transition(actor=verifier, case=case, transition="request_assessment", assessing_organization=technical)
    case = case_transition(actor=assessor, case=case, transition="complete_assessment", comment="Sesuai")
    return case


@pytest.mark.parametrize("fee", ["", "abc", "1.500.000", "-5", "0", "1e9", "99999999999999999999"])
def test_fee_amount_bad_values_keep_the_case_unchanged(verifier, fee):
    case = _to_fee_assessment(verifier)
    response = step(client_for(verifier), case, "assess_fee", fee_amount=fee)
    assert response.status_code == 400
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state.code == "fee_assessment"
    assert fresh.fee_amount is None


def test_fee_amount_in_whole_rupiah(verifier):
    case = _to_fee_assessment(verifier)
    response = step(client_for(verifier), case, "assess_fee", fee_amount="1500000")
    assert response.status_code == 302
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state.code == "awaiting_payment"
    assert fresh.fee_amount == 1_500_000


def test_request_assessment_needs_an_agency(agency, verifier):
    service = published_service(workflow="technical_review", owner=agency)
    case = case_transition(actor=verifier, case=submitted_case(service=service), transition="start_verification")
    client = client_for(verifier)
    assert step(client, case, "request_assessment", assessing_organization="").status_code == 400
    assert step(client, case, "request_assessment", assessing_organization="999999").status_code == 400
    assert Case.objects.get(pk=case.pk).state.code == "verification"
    other = OrganizationFactory()
    assert step(client, case, "request_assessment", assessing_organization=str(other.pk)).status_code == 302
    assert Case.objects.get(pk=case.pk).assessing_organization == other


def test_step_not_allowed_for_the_role(case, verifier):
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    case = case_transition(actor=verifier, case=case, transition="forward_for_approval")
    response = step(client_for(verifier), case, "approve")
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state.code == "approval"


def test_step_not_possible_from_the_current_state(case, approver):
    response = step(client_for(approver), case, "approve")
    assert response.status_code in {403, 409}
    assert Case.objects.get(pk=case.pk).state.code == "submitted"


def test_unknown_or_tampered_step(case, verifier):
    client = client_for(verifier)
    response = client.post(url(case, "worklist:transition"), {"step": "<b>hack</b>"})
    assert response.status_code == 400
    assert "<b>hack</b>" not in response.content.decode()
    response = client.post(
        url(case, "worklist:transition"),
        {"step": "start_verification", "t-start_verification-transition": "approve", "t-start_verification-version": 1},
    )
    assert response.status_code == 404
    response = client.post(
        url(case, "worklist:transition"),
        {"step": "start_verification", "t-start_verification-transition": "start_verification"},
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).state.code == "submitted"


def test_two_officers_at_once_the_second_sees_a_clear_message(case, verifier):
    colleague = staff_with_role(case.organization, Role.VERIFIER)
    first, second = client_for(verifier), client_for(colleague)
    stale_version = case.version
    assert step(first, case, "start_verification").status_code == 302
    case.version = stale_version
    response = second.post(
        url(case, "worklist:transition"),
        {
            "step": "start_verification",
            "t-start_verification-transition": "start_verification",
            "t-start_verification-version": stale_version,
        },
    )
    assert response.status_code == 409
    assert "petugas lain" in response.content.decode()
    assert TimelineEntry.objects.filter(case=case, kind="transition").count() == 1


def test_internal_note_and_public_reply(case, verifier):
    client = client_for(verifier)
    response = client.post(url(case, "worklist:note"), {"body": "Cek ulang akta", "is_public": ""})
    assert response.status_code == 302
    client.post(url(case, "worklist:note"), {"body": "Berkas Anda kami terima", "is_public": "on"})
    notes = {e.body: e.is_public for e in TimelineEntry.objects.filter(case=case, kind__in=["note", "public_reply"])}
    assert notes == {"Cek ulang akta": False, "Berkas Anda kami terima": True}
    body = client.get(url(case)).content.decode()
    assert "Cek ulang akta" in body  # staff see internal notes


def test_empty_and_too_long_notes_are_refused(case, verifier):
    client = client_for(verifier)
    assert client.post(url(case, "worklist:note"), {"body": ""}).status_code == 400
    assert client.post(url(case, "worklist:note"), {"body": "x" * 6000}).status_code == 400
    assert not TimelineEntry.objects.filter(case=case, kind="note").exists()


def test_claim_and_assign_on_the_case_page(case, verifier, agency):
    head = staff_with_role(agency, Role.HEAD)
    client = client_for(verifier)
    assert client.post(url(case, "worklist:assign"), {"assignee": verifier.pk, "version": case.version}).status_code
    case.refresh_from_db()
    assert case.assigned_to == verifier
    # a verifier cannot give it to a colleague
    colleague = staff_with_role(agency, Role.VERIFIER)
    response = client.post(url(case, "worklist:assign"), {"assignee": colleague.pk, "version": case.version})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.assigned_to == verifier
    # the head can, but only to people of the agency
    head_client = client_for(head)
    outsider = staff_with_role(OrganizationFactory(), Role.VERIFIER)
    assert (
        head_client.post(url(case, "worklist:assign"), {"assignee": outsider.pk, "version": case.version}).status_code
        == 400
    )
    response = head_client.post(url(case, "worklist:assign"), {"assignee": colleague.pk, "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == colleague
    # with a stale version nothing changes
    response = head_client.post(url(case, "worklist:assign"), {"assignee": head.pk, "version": case.version - 1})
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.assigned_to == colleague


def test_english_case_page(case, verifier):
    client = client_for(verifier)
    client.cookies["django_language"] = "en"
    client.cookies["balai_language"] = "en"
    body = client.get(url(case)).content.decode()
    assert "Start verification" in body
    assert "Next steps" in body


def test_case_page_query_budget(case, verifier, django_assert_max_num_queries):
    client = client_for(verifier)
    client.get(url(case))
    with django_assert_max_num_queries(40):
        assert client.get(url(case)).status_code == 200


def test_user_factory_staff_without_membership_sees_nothing(case):
    lonely = UserFactory(staff=True, verified=True)
    assert client_for(lonely).get(url(case)).status_code == 404
