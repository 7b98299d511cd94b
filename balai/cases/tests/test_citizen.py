"""The citizen's applications (list, detail, corrections loop, downloads) and public tracking."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from balai.accounts.tests.factories import UserFactory
from balai.cases.models import TimelineEntry
from balai.cases.services import case_add_note, case_transition
from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.organizations.models import Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def citizen(client):
    user = UserFactory(citizen=True)
    client.force_login(user)
    return user


def test_list_requires_sign_in(client):
    response = client.get(reverse("my_cases:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_list_shows_own_cases_only_with_bounded_queries(client, citizen):
    service = published_service()
    own = [submitted_case(service=service, applicant=citizen) for _ in range(3)]
    other = submitted_case(service=service)
    client.get(reverse("my_cases:list"))  # warm up session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("my_cases:list"))
    for _ in range(5):
        submitted_case(service=service, applicant=citizen)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("my_cases:list"))
    assert len(many.captured_queries) == len(few.captured_queries)
    html = response.content.decode()
    assert all(case.number in html for case in own)
    assert other.number not in html


@pytest.mark.parametrize(("language", "text"), [("id", "Permohonan saya"), ("en", "My applications")])
def test_list_in_both_languages(client, citizen, language, text):
    client.cookies["django_language"] = language
    client.cookies["balai_language"] = language
    response = client.get(reverse("my_cases:list"))
    assert text in response.content.decode()


def test_another_citizens_case_and_attachment_are_404(client, citizen):
    case = submitted_case(
        attachments=[
            {
                "requirement_code": "x",
                "storage_name": "cases/none.pdf",
                "original_name": "a.pdf",
                "content_type": "application/pdf",
                "size": 3,
                "sha256": "0" * 64,
            }
        ]
    )
    attachment = case.attachments.get()
    assert client.get(reverse("my_cases:detail", args=[case.number])).status_code == 404
    assert client.get(reverse("my_cases:receipt", args=[case.number])).status_code == 404
    assert client.get(reverse("my_cases:attachment", args=[case.number, attachment.pk])).status_code == 404


def test_detail_shows_public_timeline_never_internal_notes(client, citizen):
    case = submitted_case(applicant=citizen)
    staff = staff_with_role(case.organization, Role.VERIFIER)
    case_add_note(actor=staff, case=case, body="Catatan internal rahasia", is_public=False)
    case_add_note(actor=staff, case=case, body="Pesan untuk pemohon", is_public=True)
    html = client.get(reverse("my_cases:detail", args=[case.number])).content.decode()
    assert "Pesan untuk pemohon" in html
    assert "Catatan internal rahasia" not in html
    assert staff.full_name not in html


def test_corrections_loop_with_a_file(client, citizen):
    case = submitted_case(applicant=citizen)
    staff = staff_with_role(case.organization, Role.VERIFIER)
    case = case_transition(actor=staff, case=case, transition="start_verification")
    case = case_transition(
        actor=staff, case=case, transition="return_for_corrections", comment="Lampirkan KK yang jelas."
    )
    url = reverse("my_cases:detail", args=[case.number])
    html = client.get(url).content.decode()
    assert "Lampirkan KK yang jelas." in html and 'name="files"' in html
    # Nothing given: a message, nothing changes.
    response = client.post(url, {"body": ""})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state.code == "corrections"
    # A wrong file type is refused.
    response = client.post(url, {"body": "", "files": SimpleUploadedFile("kk.pdf", b"MZ not a pdf")})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state.code == "corrections" and case.attachments.count() == 0
    response = client.post(url, {"body": "Sudah saya perbaiki.", "files": SimpleUploadedFile("kk.pdf", PDF)})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state.code == "verification"
    attachment = case.attachments.get()
    download = client.get(reverse("my_cases:attachment", args=[case.number, attachment.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF
    # Not waiting any more: the form is gone and a post is refused.
    assert 'name="files"' not in client.get(url).content.decode()
    client.post(url, {"body": "lagi"})
    assert TimelineEntry.objects.filter(case=case, body="lagi").count() == 0


@pytest.fixture
def tracked():
    cache.clear()
    return submitted_case()


def test_track_right_code_shows_public_status_only(client, tracked):
    response = client.get(reverse("track:form"), {"number": tracked.number, "code": tracked.verification_code})
    html = response.content.decode()
    assert response.status_code == 200
    assert tracked.number in html and tracked.state.display_public_name in html
    assert tracked.applicant.full_name not in html
    assert "Melamar kerja" not in html  # no answers


@pytest.mark.parametrize("code", ["WRONGCODE2", "", "<b>x</b>"])
def test_track_wrong_code_is_one_generic_message(client, tracked, code):
    wrong = client.get(reverse("track:form"), {"number": tracked.number, "code": code or "X"})
    unknown = client.get(reverse("track:form"), {"number": "TIDAK-ADA-2026-000001", "code": code or "X"})
    assert wrong.status_code == unknown.status_code == 404
    assert tracked.state.display_public_name not in wrong.content.decode()


def test_track_is_rate_limited(client, tracked):
    for _ in range(20):
        client.get(reverse("track:form"), {"number": tracked.number, "code": "AAAAAAAAAA"})
    response = client.get(reverse("track:form"), {"number": tracked.number, "code": tracked.verification_code})
    assert response.status_code == 429
    assert tracked.state.display_public_name not in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [("id", "Lacak permohonan"), ("en", "Track an application")])
def test_track_in_both_languages(client, language, text):
    client.cookies["django_language"] = language
    client.cookies["balai_language"] = language
    response = client.get(reverse("track:form"))
    assert response.status_code == 200 and text in response.content.decode()
