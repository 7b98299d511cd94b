"""Every document page, in each state it can show, passes the site's accessibility basics (one h1, no skipped
heading levels, named controls, no duplicate ids, no inline styles or scripts, reachable scroll areas) in
Indonesian and English, and works without JavaScript (plain forms that submit to the server)."""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.documents.models import DocumentStatus, new_public_id
from balai.documents.tests.conftest import make_pdf
from balai.documents.tests.factories import IssuedDocumentFactory
from balai.organizations.models import Role
from balai.web.tests.conftest import sign_in_verified
from tests.test_accessibility_basics import assert_accessible

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(params=["id", "en"])
def language(request):
    return request.param


@pytest.fixture
def documents(signing_org):
    case = submitted_case(service=published_service(owner=signing_org))
    valid = IssuedDocumentFactory(organization=signing_org, case=case, holder=case.applicant)
    newer = IssuedDocumentFactory(organization=signing_org, case=case, holder=case.applicant)
    replaced = IssuedDocumentFactory(
        organization=signing_org, case=case, holder=case.applicant, status=DocumentStatus.REPLACED, replaced_by=newer
    )
    revoked = IssuedDocumentFactory(organization=signing_org, case=case, holder=case.applicant, revoked=True)
    return {"valid": valid, "replaced": replaced, "revoked": revoked, "case": case}


def client_in(language: str, user=None, *, staff: bool = False) -> Client:
    client = Client()
    if user is not None:
        if staff:
            sign_in_verified(client, user)
        else:
            client.force_login(user)
    client.cookies["balai_language"] = language
    return client


def check(response, where: str, *, status: int = 200) -> str:
    assert response.status_code == status, where
    html = response.content.decode()
    page = assert_accessible(html, where)
    assert len(re.findall(r"<h1[\s>]", html)) == 1, where
    assert page is not None
    return html


def pdf_of(document) -> bytes:
    with default_storage.open(document.storage_name, "rb") as handle:
        return handle.read()


def test_public_pages(documents, language):
    client = client_in(language)
    check(client.get("/verifikasi/"), "verify form")
    check(client.get("/verifikasi/", {"id": "salah"}), "verify form, bad id", status=400)
    for name in ["valid", "replaced", "revoked"]:
        check(client.get(reverse("verify:document", args=[documents[name].public_id])), f"document {name}")
    check(client.get(reverse("verify:document", args=[new_public_id()])), "document unknown", status=404)


def test_upload_results(documents, language):
    client = client_in(language)
    valid = pdf_of(documents["valid"])
    flipped = bytearray(valid)
    flipped[flipped.index(b"stream") + 20] ^= 1
    for name, data, status in [
        ("genuine", valid, 200),
        ("revoked", pdf_of(documents["revoked"]), 200),
        ("replaced", pdf_of(documents["replaced"]), 200),
        ("altered", bytes(flipped), 200),
        ("unknown", make_pdf(), 200),
        ("not a pdf", b"GIF89a", 400),
    ]:
        response = client.post("/verifikasi/", {"file": SimpleUploadedFile("d.pdf", data)})
        check(response, f"upload {name}", status=status)


def test_citizen_pages(documents, language):
    client = client_in(language, documents["case"].applicant)
    html = check(client.get("/saya/dokumen/"), "my documents")
    assert "<script" not in html.split("<main", 1)[1]


def test_staff_pages(documents, language, signing_org):
    head = staff_with_role(signing_org, Role.HEAD)
    client = client_in(language, head, staff=True)
    valid = documents["valid"]
    check(client.get(reverse("staff_documents:revoke", args=[valid.public_id])), "revoke form")
    check(
        client.post(reverse("staff_documents:revoke", args=[valid.public_id]), {"reason": ""}),
        "revoke form with errors",
        status=400,
    )
    check(client.get(reverse("staff_documents:reissue", args=[valid.public_id])), "reissue form")
