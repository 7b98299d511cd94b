"""/saya/dokumen/: the signed-in person's documents and their downloads — only their own (another person's is
404), audited, with a safe file name, in a constant number of queries; and the case-page include."""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.documents.models import DocumentKind, DocumentStatus, IssuedDocument
from balai.documents.selectors import documents_for_case_citizen
from balai.documents.tests.factories import IssuedDocumentFactory, completed_case, result_service, template_for_service
from balai.documents.views.common import download_name

pytestmark = pytest.mark.django_db
LIST = "/saya/dokumen/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BALAI_PUBLIC_URL = "https://layanan.contoh.go.id"


@pytest.fixture
def citizen():
    return UserFactory(citizen=True, verified=True)


@pytest.fixture
def client(citizen):
    client = Client()
    client.cookies["balai_language"] = "en"
    client.force_login(citizen)
    return client


@pytest.fixture
def document(signing_org, citizen):
    return IssuedDocumentFactory(organization=signing_org, holder=citizen, number="DISDUKCAPIL/474.1/12/XI/2026")


def download_url(document: IssuedDocument) -> str:
    return reverse("my_documents:download", args=[document.public_id])


def test_the_list_shows_the_persons_documents(client, document, signing_org):
    revoked = IssuedDocumentFactory(organization=signing_org, holder=document.holder, revoked=True)
    someone_elses = IssuedDocumentFactory(organization=signing_org)
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert document.number in body and revoked.number in body
    assert someone_elses.number not in body
    assert download_url(document) in body
    assert f"/verifikasi/{document.public_id}/" in body
    assert "tag--danger" in body  # the revoked one is marked
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_the_list_says_when_there_is_nothing(client):
    response = client.get(LIST)
    assert response.status_code == 200
    assert "No document has been issued to you yet" in response.content.decode()


def test_the_list_asks_anonymous_people_to_sign_in():
    response = Client().get(LIST)
    assert response.status_code == 302
    assert "/akun/masuk/" in response["Location"]


def test_the_list_has_a_constant_query_budget(client, citizen, signing_org, django_assert_max_num_queries):
    IssuedDocumentFactory(organization=signing_org, holder=citizen)
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(6) as first:
        client.get(LIST)
    newer = IssuedDocumentFactory(organization=signing_org)
    for _ in range(6):
        IssuedDocumentFactory(organization=signing_org, holder=citizen)
    IssuedDocumentFactory(organization=signing_org, holder=citizen, status=DocumentStatus.REPLACED, replaced_by=newer)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(LIST)
    assert response.content.decode().count(">Download PDF<") == 8


def test_the_holder_downloads_the_signed_pdf(client, document, citizen):
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="DISDUKCAPIL-474.1-12-XI-2026.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    data = b"".join(response.streaming_content)
    with default_storage.open(document.storage_name, "rb") as handle:
        assert data == handle.read()
    event = AuditEvent.objects.get(action="document.downloaded", object_id=str(document.pk))
    assert event.actor == citizen
    assert event.summary["role"] == "holder"


def test_another_persons_document_is_404(client, signing_org):
    other = IssuedDocumentFactory(organization=signing_org)
    assert client.get(download_url(other)).status_code == 404
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()


@pytest.mark.parametrize("value", ["abc", "0" * 20, "x" * 300, "%27%20OR%201%3D1%20--", "abcdefghijkmnpqrstuv"])
def test_unknown_and_malformed_ids_are_404(client, document, value):
    assert client.get(f"{LIST}{value}/unduh/").status_code == 404


def test_download_asks_anonymous_people_to_sign_in(document):
    response = Client().get(download_url(document))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()


def test_a_missing_file_is_404_not_500(client, document):
    default_storage.delete(document.storage_name)
    assert client.get(download_url(document)).status_code == 404
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()


def test_download_only_by_get(client, document):
    assert client.post(download_url(document)).status_code == 405


@pytest.mark.parametrize(
    ("number", "name"),
    [
        ("DISDUKCAPIL/474.1/12/XI/2026", "DISDUKCAPIL-474.1-12-XI-2026.pdf"),
        ('A"B\r\nContent-Type: text/html', "A-B-Content-Type-text-html.pdf"),
        ("../../etc/passwd", "etc-passwd.pdf"),
        ("Surat Keterangan Domisili – Kelurahan Cibinong", "Surat-Keterangan-Domisili-Kelurahan-Cibinong.pdf"),
    ],
)
def test_the_file_name_is_safe(number, name):
    assert download_name(IssuedDocument(number=number, public_id="abc")) == name


def test_the_file_name_of_an_unprintable_number_falls_back_to_the_id():
    assert download_name(IssuedDocument(number="///", public_id="k7m2p9qx")) == "dokumen-k7m2p9qx.pdf"


# --- the include for the citizen's case page -------------------------------------------------------------------


def test_case_include_lists_the_applications_documents(signing_profile_for, citizen):
    service = result_service()
    signing_profile_for(service.owner)
    template_for_service(service)
    case = completed_case(service=service, applicant=citizen)
    documents = documents_for_case_citizen(citizen, case)
    assert {d.kind for d in documents} == {DocumentKind.RECEIPT, DocumentKind.OUTPUT}
    html = render_to_string("documents/includes/case_documents_citizen.html", {"documents": documents})
    for document in documents:
        assert download_url(document) in html
        assert f"/verifikasi/{document.public_id}/" in html
    assert re.search(r"<h2[^>]*>", html)


def test_case_include_without_documents_says_so():
    html = render_to_string("documents/includes/case_documents_citizen.html", {"documents": []})
    assert "<ul>" not in html
