"""The applications API: own list and detail, submission with uploads by id (once, own only), tracking."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from balai.accounts.tests.factories import UserFactory
from balai.api.tests.conftest import signed_in
from balai.cases.models import Case
from balai.cases.tests.factories import published_service, submitted_case
from balai.services.models import ServiceVersion

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FORM = {
    "fields": [
        {"code": "purpose", "label": "Keperluan", "type": "text", "required": True, "max_length": 20},
        {"code": "birth_date", "label": "Tanggal lahir", "type": "date", "required": False, "not_after": "today"},
    ],
    "requirements": [{"code": "ktp", "name": "KTP", "file": ["pdf"], "max_mb": 1}],
}


@pytest.fixture
def service():
    service = published_service()
    ServiceVersion.objects.filter(pk=service.current_version_id).update(form_definition=FORM)
    service.refresh_from_db()
    return service


@pytest.fixture
def api(citizen):
    return signed_in(citizen)


def upload(client, service, *, content=PDF, name="ktp.pdf", requirement="ktp"):
    return client.post(
        "/api/v1/uploads",
        {"service": service.code, "requirement": requirement, "file": SimpleUploadedFile(name, content)},
    )


def submit(client, service, answers=None, uploads=()):
    return client.post(
        "/api/v1/applications",
        {
            "service": service.code,
            "answers": {"purpose": "Melamar kerja"} if answers is None else answers,
            "uploads": list(uploads),
        },
        content_type="application/json",
    )


def test_anonymous_is_401(client, service):
    assert client.get("/api/v1/applications").status_code == 401
    assert submit(client, service).status_code == 401
    assert upload(client, service).status_code == 401


def test_submit_with_upload_then_list_and_detail(api, citizen, service):
    response = upload(api, service)
    assert response.status_code == 201, response.content
    upload_id = response.json()["id"]
    response = submit(api, service, uploads=[upload_id])
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get()
    assert body["number"] == case.number and case.channel == "api" and case.applicant == citizen
    assert body["attachments"][0]["requirement"] == "ktp"
    # The upload id is used once.
    again = submit(api, service, uploads=[upload_id])
    assert again.status_code == 422 and "uploads" in again.json()["error"]["fields"]
    assert Case.objects.count() == 1
    listing = api.get("/api/v1/applications").json()
    assert listing["count"] == 1 and listing["results"][0]["number"] == case.number
    detail = api.get(f"/api/v1/applications/{case.number}").json()
    assert detail["answers"]["purpose"] == "Melamar kerja"


def test_another_citizens_application_and_upload_are_refused(api, service):
    other = UserFactory(citizen=True)
    case = submitted_case(service=service, applicant=other, answers={"purpose": "x"})
    assert api.get(f"/api/v1/applications/{case.number}").status_code == 404
    foreign = upload(signed_in(other), service).json()["id"]
    response = submit(api, service, uploads=[foreign])
    assert response.status_code == 422
    assert Case.objects.filter(applicant__isnull=False).count() == 1


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({}, "answers.purpose"),
        ({"purpose": "x" * 21}, "answers.purpose"),
        ({"purpose": ["a"]}, "answers.purpose"),
        ({"purpose": "<b>hi</b>"}, "answers.purpose"),
        ({"purpose": "ok", "birth_date": "2999-01-01"}, "answers.birth_date"),
    ],
)
def test_bad_answers_are_refused(api, service, answers, field):
    upload_id = upload(api, service).json()["id"]
    response = submit(api, service, answers=answers, uploads=[upload_id])
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert Case.objects.count() == 0


def test_missing_requirement_and_bad_files(api, service):
    response = submit(api, service)
    assert response.status_code == 422 and "uploads.ktp" in response.json()["error"]["fields"]
    assert upload(api, service, content=b"\x89PNG\r\n\x1a\n0000").status_code == 422
    assert upload(api, service, content=PDF + b"0" * (1024 * 1024)).status_code == 422
    assert upload(api, service, requirement="nope").status_code == 422
    assert upload(api, service, content=b"").status_code in {400, 422}


def test_unknown_service_is_404(api):
    response = api.post(
        "/api/v1/applications", {"service": "TIDAK-ADA", "answers": {}}, content_type="application/json"
    )
    assert response.status_code == 404


def test_track(client, service):
    cache.clear()
    case = submitted_case(service=service, answers={"purpose": "Rahasia"})
    ok = client.get("/api/v1/track", {"number": case.number, "code": case.verification_code})
    assert ok.status_code == 200
    assert ok.json()["state"]["code"] == "submitted"
    assert "Rahasia" not in ok.content.decode()
    wrong = client.get("/api/v1/track", {"number": case.number, "code": "AAAAAAAAAA"})
    unknown = client.get("/api/v1/track", {"number": "X-2026-000001", "code": "AAAAAAAAAA"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]
    for _ in range(20):
        client.get("/api/v1/track", {"number": case.number, "code": "AAAAAAAAAA"})
    assert client.get("/api/v1/track", {"number": case.number, "code": case.verification_code}).status_code == 429
