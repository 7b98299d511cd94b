"""``/api/v1/documents``: the public status by id, checking an uploaded PDF (genuine, changed, revoked, refused
files as 4xx JSON errors, rate limited), the person's own documents, and revocation by deciding staff only."""

from __future__ import annotations

import json

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from balai.accounts.tests.factories import UserFactory
from balai.api.tests.conftest import signed_in
from balai.audit.models import AuditEvent
from balai.cases.tests.factories import staff_with_role
from balai.documents.models import PUBLIC_ID_LENGTH, DocumentStatus, IssuedDocument
from balai.documents.tests.conftest import make_pdf
from balai.documents.tests.factories import IssuedDocumentFactory
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/documents"
REASON = "Diterbitkan dengan tanggal lahir yang salah."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def document(signing_org):
    return IssuedDocumentFactory(organization=signing_org, holder_name="Siti Nurhaliza")


def pdf_of(document: IssuedDocument) -> bytes:
    with default_storage.open(document.storage_name, "rb") as handle:
        return handle.read()


def verify(client: Client, data: bytes, **extra):
    return client.post(f"{BASE}/verify", {"file": SimpleUploadedFile("d.pdf", data)}, **extra)


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "fields", "request_id"} <= set(body["error"])
    return body["error"]


# --- status by id ---------------------------------------------------------------------------------------------


def test_the_status_is_public_and_shows_what_the_page_shows(document):
    response = Client().get(f"{BASE}/{document.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["public_id"] == document.public_id
    assert body["number"] == document.number
    assert body["organization"] == document.organization.display_name
    assert body["holder"] == "Sit* Nurh*****"
    assert body["status"] == "valid"
    assert body["sha256"] == document.sha256
    assert body["verification_url"] == f"/verifikasi/{document.public_id}/"
    assert "Nurhaliza" not in json.dumps(body)
    assert "no-cache" in response["Cache-Control"]
    assert not {"holder_name", "holder_id", "storage_name", "case"} & set(body)


def test_a_revoked_documents_status_says_revoked_with_reason_and_date(signing_org):
    revoked = IssuedDocumentFactory(organization=signing_org, revoked=True)
    body = Client().get(f"{BASE}/{revoked.public_id}").json()
    assert body["status"] == "revoked"
    assert body["revocation_reason"] == revoked.revocation_reason
    assert body["revoked_at"]


def test_a_replaced_documents_status_names_the_newer_one(signing_org):
    newer = IssuedDocumentFactory(organization=signing_org)
    old = IssuedDocumentFactory(organization=signing_org, status=DocumentStatus.REPLACED, replaced_by=newer)
    body = Client().get(f"{BASE}/{old.public_id}").json()
    assert body["status"] == "replaced" and body["replaced_by"] == newer.public_id


@pytest.mark.parametrize(
    "value", ["abcdefghijkmnpqrstuv", "abc", "0" * PUBLIC_ID_LENGTH, "x" * 300, "%27%20OR%201%3D1--", "%C4%85" * 20]
)
def test_unknown_and_malformed_ids_are_the_same_404(document, value, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = Client().get(f"{BASE}/{value}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


# --- verify upload ----------------------------------------------------------------------------------------------


def test_the_genuine_file_is_genuine(document):
    response = verify(Client(), pdf_of(document))
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "genuine"
    assert body["sha256"] == document.sha256
    assert body["signature"]["signed"] and body["signature"]["intact"] and body["signature"]["trusted"]
    assert body["signature"]["certificate_matches"]
    assert body["document"]["number"] == document.number
    assert body["document"]["holder"] == "Sit* Nurh*****"
    assert body["message"]


def test_one_flipped_byte_is_altered_and_matches_no_document(document):
    data = bytearray(pdf_of(document))
    at = data.index(b"stream") + 20
    data[at] ^= 0x01
    body = verify(Client(), bytes(data)).json()
    assert body["outcome"] == "altered"
    assert body["document"] is None
    assert not body["signature"]["intact"]


def test_a_revoked_documents_file_is_revoked(signing_org):
    revoked = IssuedDocumentFactory(organization=signing_org, revoked=True)
    body = verify(Client(), pdf_of(revoked)).json()
    assert body["outcome"] == "revoked" and body["document"]["status"] == "revoked"


def test_an_unsigned_pdf_is_unknown():
    body = verify(Client(), make_pdf()).json()
    assert body["outcome"] == "unknown" and body["document"] is None


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a" + b"\x00" * 50, "not_pdf"),
        (b"", "empty"),
        (make_pdf("Rahasia", encrypt="sandi"), "encrypted"),
    ],
)
def test_files_that_cannot_be_checked_are_422_with_a_message(data, code):
    response = verify(Client(), data)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == code
    assert error["fields"]["file"] and error["message"]


def test_a_missing_file_is_422():
    response = Client().post(f"{BASE}/verify", {})
    assert response.status_code == 422
    assert "file" in error_of(response)["fields"]


def test_a_broken_multipart_body_is_422_not_500():
    body = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7 no end'
    response = Client().post(f"{BASE}/verify", body, content_type="multipart/form-data; boundary=")
    assert response.status_code == 422
    assert error_of(response)["code"] == "bad_upload"


def test_a_json_body_is_not_a_file():
    response = Client().post(f"{BASE}/verify", {"sha256": "ab" * 32}, content_type="application/json")
    assert response.status_code == 422


def test_a_file_over_the_limit_is_413(settings):
    settings.BALAI_VERIFY_MAX_BYTES = 1000
    response = verify(Client(), b"%PDF-1.7\n" + b"0" * 100_000)
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"
    response = verify(Client(), b"%PDF-1.7\n" + b"0" * 1500)  # stopped while reading
    assert response.status_code == 413


def test_checks_are_limited_per_address(settings):
    settings.BALAI_VERIFY_RATE_LIMIT = 2
    client = Client()
    assert verify(client, make_pdf(), REMOTE_ADDR="10.1.1.1").status_code == 200
    assert verify(client, make_pdf(), REMOTE_ADDR="10.1.1.1").status_code == 200
    response = verify(client, make_pdf(), REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert verify(client, make_pdf(), REMOTE_ADDR="10.1.1.2").status_code == 200


def test_checking_stores_nothing(document):
    before = IssuedDocument.objects.count()
    verify(Client(), pdf_of(document))
    verify(Client(), make_pdf())
    assert IssuedDocument.objects.count() == before


# --- mine ------------------------------------------------------------------------------------------------------


def test_my_documents_lists_only_mine(signing_org, django_assert_max_num_queries):
    citizen = UserFactory(citizen=True, verified=True)
    mine = [IssuedDocumentFactory(organization=signing_org, holder=citizen) for _ in range(3)]
    IssuedDocumentFactory(organization=signing_org)
    client = signed_in(citizen)
    with django_assert_max_num_queries(5):
        response = client.get(f"{BASE}/mine")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {row["public_id"] for row in body["results"]} == {d.public_id for d in mine}
    row = body["results"][0]
    assert row["holder_name"] == citizen.full_name
    assert row["download_url"] == f"/saya/dokumen/{row['public_id']}/unduh/"


def test_my_documents_needs_authentication():
    response = Client().get(f"{BASE}/mine")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_my_documents_pages_are_checked(signing_org):
    client = signed_in(UserFactory(citizen=True))
    assert client.get(f"{BASE}/mine", {"page_size": 1000}).status_code == 422


# --- revoke ----------------------------------------------------------------------------------------------------


def test_a_head_of_the_agency_revokes(document):
    head = staff_with_role(document.organization, Role.HEAD)
    response = signed_in(head, otp=True).post(
        f"{BASE}/{document.public_id}/revoke", {"reason": REASON}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "revoked" and body["revocation_reason"] == REASON
    assert AuditEvent.objects.filter(action="document.revoked", object_id=str(document.pk)).exists()


def test_revoking_twice_is_409(document):
    client = signed_in(staff_with_role(document.organization, Role.HEAD), otp=True)
    url = f"{BASE}/{document.public_id}/revoke"
    assert client.post(url, {"reason": REASON}, content_type="application/json").status_code == 200
    response = client.post(url, {"reason": REASON}, content_type="application/json")
    assert response.status_code == 409
    assert error_of(response)["code"] == "already_revoked"


@pytest.mark.parametrize(
    ("who", "status"),
    [("citizen", 403), ("holder", 403), ("verifier", 403), ("other_agency", 404)],
)
def test_others_may_not_revoke(document, who, status):
    person = {
        "citizen": lambda: UserFactory(citizen=True),
        "holder": lambda: document.holder,
        "verifier": lambda: staff_with_role(document.organization, Role.VERIFIER),
        "other_agency": lambda: staff_with_role(OrganizationFactory(), Role.HEAD),
    }[who]()
    client = signed_in(person, otp=person.is_staff_member)
    response = client.post(f"{BASE}/{document.public_id}/revoke", {"reason": REASON}, content_type="application/json")
    assert response.status_code == status
    error_of(response)
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID


def test_anonymous_may_not_revoke(document):
    response = Client().post(f"{BASE}/{document.public_id}/revoke", {"reason": REASON}, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "pendek"}, {"reason": "x" * 2001}, {"reason": 5}])
def test_a_bad_reason_is_422_and_changes_nothing(document, body):
    client = signed_in(staff_with_role(document.organization, Role.HEAD), otp=True)
    response = client.post(f"{BASE}/{document.public_id}/revoke", body, content_type="application/json")
    assert response.status_code == 422
    assert "reason" in error_of(response)["fields"]
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID


def test_an_api_key_needs_the_revoke_scope(document):
    from balai.api.services import api_key_create

    def make_key(owner, scopes=()):
        return api_key_create(actor=None, owner=owner, name="Bank", scopes=scopes)

    head = staff_with_role(document.organization, Role.HEAD)
    _key, raw = make_key(head)
    url = f"{BASE}/{document.public_id}/revoke"
    response = Client().post(url, {"reason": REASON}, content_type="application/json", HTTP_X_API_KEY=raw)
    assert response.status_code == 403
    assert error_of(response)["code"] == "insufficient_scope"
    _key, raw = make_key(head, scopes=["documents:revoke"])
    response = Client().post(url, {"reason": REASON}, content_type="application/json", HTTP_X_API_KEY=raw)
    assert response.status_code == 200


def test_the_openapi_document_describes_the_operations():
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "multipart/form-data" in paths["/api/v1/documents/verify"]["post"]["requestBody"]["content"]
    assert "security" not in paths["/api/v1/documents/verify"]["post"]
    assert "security" not in paths["/api/v1/documents/{public_id}"]["get"]
    assert paths["/api/v1/documents/mine"]["get"]["security"]
    assert "post" in paths["/api/v1/documents/{public_id}/revoke"]
    assert "DocumentStatusOut" in schema["components"]["schemas"]
