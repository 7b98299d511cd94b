"""/kantor/dokumen/<id>/...: staff of the issuing agency download (audited), heads/approvers revoke with a reason
and reissue; staff of another agency get 404, staff without the right and citizens get 403; bad input shows in
an error summary and changes nothing; CSRF is required; the case-page include offers only what is allowed."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.cases.tests.factories import staff_with_role, submitted_case
from balai.documents.models import DocumentKind, DocumentStatus, IssuedDocument
from balai.documents.selectors import documents_for_case_staff
from balai.documents.tests.factories import IssuedDocumentFactory, completed_case, result_service, template_for_service
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.web.tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db
REASON = "Diterbitkan dengan tanggal lahir yang salah."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BALAI_PUBLIC_URL = "https://layanan.contoh.go.id"


@pytest.fixture
def agency(signing_profile_for):
    agency = OrganizationFactory(name="Dinas Kependudukan")
    signing_profile_for(agency)
    return agency


@pytest.fixture
def case(agency):
    from balai.cases.tests.factories import published_service

    return submitted_case(service=published_service(owner=agency))


@pytest.fixture
def document(agency, case):
    return IssuedDocumentFactory(organization=agency, case=case, holder=case.applicant)


def as_user(user) -> Client:
    client = sign_in_verified(Client(), user) if user.is_staff_member else Client()
    if not user.is_staff_member:
        client.force_login(user)
    client.cookies["balai_language"] = "en"
    return client


def url(name: str, document: IssuedDocument) -> str:
    return reverse(f"staff_documents:{name}", args=[document.public_id])


# --- download ------------------------------------------------------------------------------------------------


def test_staff_of_the_agency_download_and_it_is_audited(document, agency):
    verifier = staff_with_role(agency, Role.VERIFIER)
    response = as_user(verifier).get(url("download", document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    with default_storage.open(document.storage_name, "rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()
    event = AuditEvent.objects.get(action="document.downloaded", object_id=str(document.pk))
    assert event.actor == verifier and event.summary["role"] == "staff"


def test_staff_of_a_parent_agency_download_too(signing_profile_for):
    parent = OrganizationFactory()
    unit = OrganizationFactory(parent=parent)
    signing_profile_for(unit)
    document = IssuedDocumentFactory(organization=unit)
    assert as_user(staff_with_role(parent, Role.VERIFIER)).get(url("download", document)).status_code == 200


def test_staff_of_another_agency_get_404(document):
    outsider = staff_with_role(OrganizationFactory(), Role.HEAD)
    client = as_user(outsider)
    for name in ["download", "revoke", "reissue"]:
        assert client.get(url(name, document)).status_code == 404
    assert client.post(url("revoke", document), {"reason": REASON}).status_code == 404
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()


def test_citizens_get_403_even_the_holder(document):
    client = as_user(document.holder)
    assert client.get(url("download", document)).status_code == 403
    assert client.post(url("revoke", document), {"reason": REASON}).status_code == 403
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID


def test_anonymous_people_are_asked_to_sign_in(document):
    response = Client().get(url("revoke", document))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_staff_without_a_second_factor_are_sent_to_it(document, agency):
    head = staff_with_role(agency, Role.HEAD)
    client = Client()
    client.force_login(head)
    response = client.get(url("download", document))
    assert response.status_code == 302
    assert "/akun/" in response["Location"]


@pytest.mark.parametrize("value", ["abc", "0" * 20, "x" * 300, "%27%20OR%201%3D1%20--", "abcdefghijkmnpqrstuv"])
def test_unknown_and_malformed_ids_are_404(agency, value):
    client = as_user(staff_with_role(agency, Role.HEAD))
    assert client.get(f"/kantor/dokumen/{value}/unduh/").status_code == 404
    assert client.get(f"/kantor/dokumen/{value}/cabut/").status_code == 404


# --- revoke --------------------------------------------------------------------------------------------------


def test_the_revoke_form_shows_the_document_and_asks_for_a_reason(document, agency):
    response = as_user(staff_with_role(agency, Role.APPROVER)).get(url("revoke", document))
    assert response.status_code == 200
    body = response.content.decode()
    assert document.number in body
    assert 'name="reason"' in body and 'name="csrfmiddlewaretoken"' in body
    assert reverse("worklist:detail", args=[document.case.number]) in body  # cancel goes back to the case


@pytest.mark.parametrize("role", [Role.HEAD, Role.APPROVER, Role.ADMINISTRATOR])
def test_deciding_staff_revoke_with_a_reason(document, agency, role):
    person = staff_with_role(agency, role)
    response = as_user(person).post(url("revoke", document), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == reverse("worklist:detail", args=[document.case.number])
    document.refresh_from_db()
    assert document.status == DocumentStatus.REVOKED
    assert document.revocation_reason == REASON and document.revoked_by == person
    assert AuditEvent.objects.filter(action="document.revoked", object_id=str(document.pk)).exists()
    # The public page now says revoked, never valid.
    public = Client().get(reverse("verify:document", args=[document.public_id])).content.decode()
    assert 'data-document-status="revoked"' in public


def test_a_verifier_may_see_but_not_revoke(document, agency):
    client = as_user(staff_with_role(agency, Role.VERIFIER))
    assert client.get(url("revoke", document)).status_code == 403
    assert client.post(url("revoke", document), {"reason": REASON}).status_code == 403
    assert client.post(url("reissue", document)).status_code == 403
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID
    assert not AuditEvent.objects.filter(action="document.revoked").exists()


@pytest.mark.parametrize("reason", ["", "   ", "pendek", "x" * 2001])
def test_a_bad_reason_is_shown_in_the_error_summary_and_changes_nothing(document, agency, reason):
    response = as_user(staff_with_role(agency, Role.HEAD)).post(url("revoke", document), {"reason": reason})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert 'href="#id_reason"' in body
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID


def test_markup_in_the_reason_is_shown_as_text(document, agency):
    as_user(staff_with_role(agency, Role.HEAD)).post(
        url("revoke", document), {"reason": "<script>alert(1)</script> salah"}
    )
    body = Client().get(reverse("verify:document", args=[document.public_id])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; salah" in body


def test_revoking_a_revoked_document_is_refused(agency, case):
    revoked = IssuedDocumentFactory(organization=agency, case=case, revoked=True)
    client = as_user(staff_with_role(agency, Role.HEAD))
    response = client.post(url("revoke", revoked), {"reason": REASON})
    assert response.status_code == 409
    assert 'class="error-summary"' in response.content.decode() or "notice--error" in response.content.decode()
    revoked.refresh_from_db()
    assert revoked.revocation_reason != REASON


def test_revoking_needs_the_csrf_token(document, agency):
    client = sign_in_verified(Client(enforce_csrf_checks=True), staff_with_role(agency, Role.HEAD))
    assert client.post(url("revoke", document), {"reason": REASON}).status_code == 403
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID


def test_a_platform_administrator_may_revoke(document):
    admin = UserFactory(superuser=True)
    assert as_user(admin).post(url("revoke", document), {"reason": REASON}).status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.REVOKED


# --- reissue -------------------------------------------------------------------------------------------------


@pytest.fixture
def issued(signing_profile_for):
    """A completed case whose result document was issued through the services (needed to reissue it)."""
    service = result_service()
    signing_profile_for(service.owner)
    template_for_service(service)
    case = completed_case(service=service)
    return IssuedDocument.objects.get(case=case, kind=DocumentKind.OUTPUT)


def test_the_reissue_page_explains_and_asks_to_confirm(document, agency):
    response = as_user(staff_with_role(agency, Role.HEAD)).get(url("reissue", document))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()


def test_an_approver_reissues_and_the_old_one_points_at_the_new_one(issued):
    approver = staff_with_role(issued.organization, Role.APPROVER)
    response = as_user(approver).post(url("reissue", issued), {"reason": "Nama anak salah ketik."})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == DocumentStatus.REPLACED and issued.replaced_by is not None
    assert issued.replaced_by.status == DocumentStatus.VALID
    public = Client().get(reverse("verify:document", args=[issued.public_id])).content.decode()
    assert f'href="/verifikasi/{issued.replaced_by.public_id}/"' in public


def test_a_replaced_document_cannot_be_reissued_again(agency, case):
    newer = IssuedDocumentFactory(organization=agency, case=case)
    old = IssuedDocumentFactory(organization=agency, case=case, status=DocumentStatus.REPLACED, replaced_by=newer)
    before = IssuedDocument.objects.filter(case=case).count()
    response = as_user(staff_with_role(agency, Role.HEAD)).post(url("reissue", old))
    assert response.status_code == 409
    assert IssuedDocument.objects.filter(case=case).count() == before


def test_a_document_without_a_case_cannot_be_reissued(agency):
    loose = IssuedDocumentFactory(organization=agency)
    response = as_user(staff_with_role(agency, Role.HEAD)).post(url("reissue", loose))
    assert response.status_code == 409
    assert 'class="error-summary"' in response.content.decode()
    loose.refresh_from_db()
    assert loose.status == DocumentStatus.VALID


# --- the include for the staff case page ---------------------------------------------------------------------


def render_include(user, case) -> str:
    request = RequestFactory().get("/")
    request.user = user
    documents = documents_for_case_staff(user, case)
    return render_to_string("documents/includes/case_documents_staff.html", {"documents": documents}, request=request)


def test_case_include_offers_revoke_and_reissue_only_when_allowed(document, agency, case):
    revoked = IssuedDocumentFactory(organization=agency, case=case, revoked=True)
    html = render_include(staff_with_role(agency, Role.APPROVER), case)
    assert url("download", document) in html and url("download", revoked) in html
    assert url("revoke", document) in html and url("reissue", document) in html
    assert url("revoke", revoked) not in html
    assert url("reissue", revoked) in html  # a revoked one may be reissued
    html = render_include(staff_with_role(agency, Role.VERIFIER), case)
    assert url("download", document) in html
    assert url("revoke", document) not in html and url("reissue", document) not in html


def test_case_include_without_documents_says_so():
    case = submitted_case()  # its agency has no signing profile: not even a receipt was issued
    html = render_include(staff_with_role(case.organization, Role.VERIFIER), case)
    assert "<table" not in html
