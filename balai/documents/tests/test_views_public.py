"""The public pages /verifikasi/ and /verifikasi/<id>/: no sign-in, the facts and status of a document (a
revoked or replaced one never reads as valid), the holder's name masked and nothing else personal, the same
404 for unknown and malformed ids in the same number of queries, and PDF uploads checked and never stored —
refused with a clear message when not a PDF, empty, too large, encrypted or over the rate limit."""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from balai.accounts.tests.factories import ProfileFactory
from balai.documents.models import PUBLIC_ID_LENGTH, DocumentStatus, IssuedDocument, new_public_id
from balai.documents.tests.conftest import make_pdf
from balai.documents.tests.factories import IssuedDocumentFactory

pytestmark = pytest.mark.django_db

VERIFY = "/verifikasi/"
MALFORMED_PATHS = [
    "abc",
    "x" * (PUBLIC_ID_LENGTH + 1),
    "k" * 500,
    "0" * PUBLIC_ID_LENGTH,
    "%27%20OR%201%3D1%20--",
    "1%3B%20DROP%20TABLE%20documents_issueddocument",
    "%C4%85bcdefghijkmnpqrstuv",
    "%F0%9F%98%80" * 20,
    "%3Cscript%3Ealert(1)%3C%5Cscript%3E",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def english(client: Client | None = None) -> Client:
    client = client or Client()
    client.cookies["balai_language"] = "en"
    return client


def pdf_of(document: IssuedDocument) -> bytes:
    with default_storage.open(document.storage_name, "rb") as handle:
        return handle.read()


def upload(client: Client, data: bytes, name: str = "dokumen.pdf", **extra):
    return client.post(VERIFY, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")}, **extra)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def holder():
    profile = ProfileFactory(user__full_name="Siti Nurhaliza")
    return profile.user


@pytest.fixture
def document(signing_org, holder):
    return IssuedDocumentFactory(organization=signing_org, holder=holder, holder_name=holder.full_name)


# --- /verifikasi/<id>/ ----------------------------------------------------------------------------------------


def test_anyone_sees_the_facts_of_a_valid_document(document, holder):
    response = english().get(reverse("verify:document", args=[document.public_id]))
    assert response.status_code == 200
    body = text(response)
    assert 'data-document-status="valid"' in body
    assert "This document is valid" in body
    for fact in [document.document_type, document.number, document.organization.display_name, document.sha256]:
        assert fact in body
    assert "Sit* Nurh*****" in body
    assert "Siti Nurhaliza" not in body and "Nurhaliza" not in body
    assert holder.email not in body
    assert holder.citizen_profile.nik not in body
    assert "storage" not in body and document.storage_name not in body


def test_the_issue_date_is_an_indonesian_long_date(document):
    IssuedDocument.objects.filter(pk=document.pk).update(issued_at="2026-11-23T03:00:00+00:00")
    body = text(Client().get(reverse("verify:document", args=[document.public_id])))
    assert "23 November 2026" in body
    IssuedDocument.objects.filter(pk=document.pk).update(issued_at="2026-08-17T03:00:00+00:00")
    body = text(Client().get(reverse("verify:document", args=[document.public_id])))
    assert "17 Agustus 2026" in body


def test_a_revoked_document_never_reads_as_valid(signing_org):
    revoked = IssuedDocumentFactory(organization=signing_org, revoked=True)
    response = english().get(reverse("verify:document", args=[revoked.public_id]))
    assert response.status_code == 200
    body = text(response)
    assert 'data-document-status="revoked"' in body
    assert "This document has been revoked" in body
    assert revoked.revocation_reason in body
    assert "is valid" not in body
    assert "tag--success" not in body


def test_a_replaced_document_links_to_the_newer_one(signing_org):
    newer = IssuedDocumentFactory(organization=signing_org)
    old = IssuedDocumentFactory(organization=signing_org, status=DocumentStatus.REPLACED, replaced_by=newer)
    body = text(english().get(reverse("verify:document", args=[old.public_id])))
    assert 'data-document-status="replaced"' in body
    assert "replaced by a newer one" in body
    assert f'href="/verifikasi/{newer.public_id}/"' in body
    assert "is valid" not in body


def test_a_revoked_and_reissued_document_stays_revoked_and_links_to_the_new_one(signing_org):
    newer = IssuedDocumentFactory(organization=signing_org)
    old = IssuedDocumentFactory(organization=signing_org, revoked=True, replaced_by=newer)
    body = text(english().get(reverse("verify:document", args=[old.public_id])))
    assert 'data-document-status="revoked"' in body
    assert f'href="/verifikasi/{newer.public_id}/"' in body


def test_the_page_is_not_cached_or_indexed(document):
    response = Client().get(reverse("verify:document", args=[document.public_id]))
    assert "no-cache" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"


def test_an_unknown_id_is_404_with_the_same_template(document):
    response = english().get(reverse("verify:document", args=[new_public_id()]))
    assert response.status_code == 404
    assert "documents/document.html" in [t.name for t in response.templates]
    assert "No document has this ID" in text(response)
    assert "noindex" in response["X-Robots-Tag"]


@pytest.mark.parametrize("path", MALFORMED_PATHS)
def test_malformed_ids_are_the_same_404(document, path):
    response = Client().get(f"{VERIFY}{path}/")
    assert response.status_code == 404
    assert "documents/document.html" in [t.name for t in response.templates]
    assert "<script>alert(1)" not in response.content.decode()


def test_known_unknown_and_malformed_ids_cost_the_same_queries(document, django_assert_num_queries):
    # Anonymous: no session, no user; one indexed look-up in every case.
    for path in [document.public_id, new_public_id(), "x" * 300, "0" * PUBLIC_ID_LENGTH, "%27%20OR%201%3D1"]:
        with django_assert_num_queries(1):
            Client().get(f"{VERIFY}{path}/")


def test_an_id_typed_with_capitals_and_spaces_goes_to_the_page(document):
    typed = " ".join(document.public_id[i : i + 4] for i in range(0, PUBLIC_ID_LENGTH, 4)).upper()
    response = Client().get(f"{VERIFY}{typed.replace(' ', '-')}/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}{document.public_id}/"


def test_only_get_and_head(document):
    url = reverse("verify:document", args=[document.public_id])
    assert Client().post(url).status_code == 405
    assert Client().head(url).status_code == 200


# --- /verifikasi/ by id --------------------------------------------------------------------------------------


def test_the_check_page_explains_and_offers_both_ways():
    response = english().get(VERIFY)
    assert response.status_code == 200
    body = text(response)
    assert "Check a document" in body
    assert 'enctype="multipart/form-data"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'name="id"' in body and 'name="file"' in body
    assert "noindex" in response["X-Robots-Tag"]


def test_the_typed_id_leads_to_the_document_page(document):
    typed = document.public_id.upper()[:10] + " " + document.public_id.upper()[10:]
    response = Client().get(VERIFY, {"id": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify:document", args=[document.public_id])


def test_an_unknown_but_well_formed_id_is_sent_on_to_the_404(document):
    # The form cannot tell existence either: it checks the format only.
    unknown = new_public_id()
    response = Client().get(VERIFY, {"id": unknown}, follow=True)
    assert response.redirect_chain == [(f"{VERIFY}{unknown}/", 302)]
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["", "abc", "0" * PUBLIC_ID_LENGTH, "' OR 1=1 --", "<b>x</b>" * 3, "x" * 200])
def test_a_malformed_typed_id_is_a_form_error(value):
    response = english().get(VERIFY, {"id": value})
    assert response.status_code == 400
    body = text(response)
    assert "error-summary" in body
    assert "<b>x</b>" not in body


# --- /verifikasi/ by upload ----------------------------------------------------------------------------------


def result_outcome(response) -> str | None:
    match = re.search(r'data-outcome="([a-z_]+)"', response.content.decode())
    return match.group(1) if match else None


def test_the_genuine_file_is_genuine(document):
    data = pdf_of(document)
    response = upload(english(), data)
    assert response.status_code == 200
    assert result_outcome(response) == "genuine"
    body = text(response)
    assert "The file is genuine" in body
    assert document.number in body and document.sha256 in body
    assert "Sit* Nurh*****" in body and "Nurhaliza" not in body
    assert response["Cache-Control"] == "no-store"


def test_one_flipped_byte_is_reported_as_changed(document):
    data = bytearray(pdf_of(document))
    at = data.index(b"stream") + 20
    data[at] ^= 0x01
    response = upload(english(), bytes(data))
    assert response.status_code == 200
    assert result_outcome(response) == "altered"
    body = text(response)
    assert "The file has been changed" in body
    assert "The file is genuine" not in body
    assert document.number not in body


def test_a_revoked_documents_file_is_reported_revoked(signing_org):
    revoked = IssuedDocumentFactory(organization=signing_org, revoked=True)
    response = upload(english(), pdf_of(revoked))
    assert result_outcome(response) == "revoked"
    body = text(response)
    assert "has been revoked" in body and revoked.revocation_reason in body


def test_a_replaced_documents_file_links_to_the_newer_one(signing_org):
    newer = IssuedDocumentFactory(organization=signing_org)
    old = IssuedDocumentFactory(organization=signing_org, status=DocumentStatus.REPLACED, replaced_by=newer)
    response = upload(english(), pdf_of(old))
    assert result_outcome(response) == "replaced"
    assert f'href="/verifikasi/{newer.public_id}/"' in response.content.decode()


def test_an_unsigned_pdf_was_not_issued_here():
    response = upload(english(), make_pdf("Surat lain"))
    assert response.status_code == 200
    assert result_outcome(response) == "unknown"
    assert "not issued through this platform" in text(response)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "foto.pdf", "not a PDF"),
        (b"<html><script>alert(1)</script></html>", "dokumen.pdf", "not a PDF"),
        (b"", "kosong.pdf", "The file is empty"),
        (make_pdf("Rahasia", encrypt="sandi"), "terkunci.pdf", "protected with a password"),
    ],
)
def test_files_that_cannot_be_checked_get_a_clear_message(data, name, message):
    response = upload(english(), data, name=name)
    assert response.status_code == 400
    body = text(response)
    assert "error-summary" in body
    assert message in body
    assert result_outcome(response) is None
    assert "<script>alert(1)</script>" not in body


def test_a_broken_multipart_body_is_400_not_500():
    body = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7 no end'
    response = Client().post(VERIFY, body, content_type="multipart/form-data; boundary=")
    assert response.status_code == 400


def test_no_file_is_a_form_error():
    response = english().post(VERIFY, {})
    assert response.status_code == 400
    assert "error-summary" in text(response)


def test_a_file_over_the_limit_is_refused_from_its_length(settings, document):
    settings.BALAI_VERIFY_MAX_BYTES = 1024
    response = upload(english(), b"%PDF-1.7\n" + b"0" * 200_000)
    assert response.status_code == 413
    assert "larger than" in text(response)


def test_a_file_just_over_the_limit_is_stopped_while_reading(settings):
    # Content-Length within limit + framing, the file itself just over: the upload handler stops it.
    settings.BALAI_VERIFY_MAX_BYTES = 4096
    response = upload(english(), b"%PDF-1.7\n" + b"0" * 5000)
    assert response.status_code == 413
    assert "larger than" in text(response)


def test_uploads_store_nothing(document, tmp_path):
    files_before = sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file())
    count = IssuedDocument.objects.count()
    client = Client()
    for data in [pdf_of(document), make_pdf(), b"not a pdf", b""]:
        upload(client, data)
    assert IssuedDocument.objects.count() == count
    assert sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file()) == files_before


def test_uploads_need_the_csrf_token(document):
    client = Client(enforce_csrf_checks=True)
    response = upload(client, pdf_of(document))
    assert response.status_code == 403
    # With the token from the page it works.
    client.get(VERIFY)
    token = client.cookies["csrftoken"].value
    response = client.post(
        VERIFY,
        {"file": SimpleUploadedFile("d.pdf", pdf_of(document)), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    assert result_outcome(response) == "genuine"


def test_uploads_are_limited_per_address(settings):
    settings.BALAI_VERIFY_RATE_LIMIT = 3
    client = english()
    for _ in range(3):
        assert upload(client, make_pdf(), REMOTE_ADDR="10.0.0.1").status_code == 200
    response = upload(client, make_pdf(), REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "Too many files" in text(response)
    # Another address is not affected, and looking up by id is never limited.
    assert upload(client, make_pdf(), REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.get(VERIFY, {"id": new_public_id()}, REMOTE_ADDR="10.0.0.1").status_code == 302


def test_other_methods_are_refused():
    assert Client().put(VERIFY).status_code == 405
    assert Client().delete(VERIFY).status_code == 405
