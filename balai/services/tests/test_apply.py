"""Applying online: form → draft → continue → review → submit (once) → receipt, and the refused sides."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from balai.accounts.tests.factories import ProfileFactory, UserFactory
from balai.cases.models import Case, CaseDraft, Workflow
from balai.cases.models_apply import PendingUpload
from balai.cases.tests.factories import published_service
from balai.services.models import ServiceVersion

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

FORM = {
    "fields": [
        {
            "code": "child_name",
            "label": "Nama anak",
            "label_en": "Child's name",
            "type": "text",
            "required": True,
            "max_length": 50,
        },
        {"code": "birth_date", "label": "Tanggal lahir", "type": "date", "required": True, "not_after": "today"},
        {"code": "mother_nik", "label": "NIK ibu", "type": "nik", "required": True},
        {"code": "children", "label": "Jumlah anak", "type": "integer", "required": False, "min": 1, "max": 20},
        {"code": "postcode", "label": "Kode pos", "type": "text", "required": False, "pattern": "^[0-9]{5}$"},
    ],
    "requirements": [
        {
            "code": "surat_lahir",
            "name": "Surat keterangan lahir",
            "name_en": "Birth certificate from the clinic",
            "file": ["pdf"],
            "max_mb": 1,
        },
        {"code": "foto", "name": "Foto", "file": ["jpg", "png"], "max_mb": 1, "optional": True},
    ],
}


def make_service(**fields):
    service = published_service(**fields)
    ServiceVersion.objects.filter(pk=service.current_version_id).update(form_definition=FORM)
    service.refresh_from_db()
    return service


def nik_of(profile_or_none=None):
    return ProfileFactory().nik


def answers(**overrides):
    data = {
        "child_name": "Budi Santoso",
        "birth_date": "2025-01-05",
        "mother_nik": nik_of(),
        "children": "2",
        "postcode": "",
    }
    data.update(overrides)
    return data


def pdf(name="surat.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def citizen(client):
    user = UserFactory(citizen=True)
    client.force_login(user)
    return user


@pytest.fixture
def service():
    return make_service()


def test_anonymous_is_sent_to_sign_in_and_back(client, service):
    url = reverse("services:apply", args=[service.code])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert "next=" in response["Location"]


def test_form_shows_fields_and_requirements(client, citizen, service):
    response = client.get(reverse("services:apply", args=[service.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nama anak" in html and "Surat keterangan lahir" in html
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html


def test_whole_journey_draft_continue_review_submit_receipt(client, citizen, service):
    url = reverse("services:apply", args=[service.code])
    # Save a partial draft with the required document.
    response = client.post(url, {"child_name": "Budi", "save": "1", "surat_lahir": pdf()})
    assert response.status_code == 302
    draft = CaseDraft.objects.get(user=citizen)
    assert {k: v for k, v in draft.answers.items() if v is not None} == {"child_name": "Budi"}
    assert draft.uploads.count() == 1
    assert draft.service_version_id == service.current_version_id
    # It is listed under "My applications".
    listing = client.get(reverse("my_cases:list"))
    assert reverse("services:apply_draft", args=[service.code, draft.pk]) in listing.content.decode()
    # Continue: the file stays, the answers complete.
    page = client.get(reverse("services:apply_draft", args=[service.code, draft.pk]))
    assert "surat.pdf" in page.content.decode()
    response = client.post(
        reverse("services:apply_draft", args=[service.code, draft.pk]), {**answers(), "continue": "1"}
    )
    assert response.status_code == 302
    review_url = reverse("services:apply_review", args=[service.code, draft.pk])
    assert response["Location"] == review_url
    review = client.get(review_url)
    html = review.content.decode()
    assert review.status_code == 200
    assert "Budi Santoso" in html and "05/01/2025" in html and "surat.pdf" in html
    assert "Gratis" in html or "Free" in html
    # The declaration is required.
    refused = client.post(review_url, {})
    assert refused.status_code == 400
    assert Case.objects.count() == 0
    response = client.post(review_url, {"declaration": "on"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == reverse("my_cases:receipt", args=[case.number])
    assert case.channel == "web" and case.applicant == citizen
    assert case.answers["child_name"] == "Budi Santoso"
    assert case.attachments.get().requirement_code == "surat_lahir"
    receipt = client.get(response["Location"])
    text = receipt.content.decode()
    assert case.number in text and case.verification_code in text
    assert reverse("track:form") in text
    # Double submit / refresh: the same case, not a second one.
    again = client.post(review_url, {"declaration": "on"})
    assert again.status_code == 302 and again["Location"] == reverse("my_cases:receipt", args=[case.number])
    assert Case.objects.count() == 1
    # The draft is no longer listed; the case is.
    listing = client.get(reverse("my_cases:list")).content.decode()
    assert case.number in listing
    assert reverse("services:apply_draft", args=[service.code, draft.pk]) not in listing


def test_draft_submit_is_idempotent_in_the_service(citizen, service):
    from balai.cases.services import apply as services_apply

    draft = services_apply.draft_save(actor=citizen, service=service, answers=answers())
    services_apply.upload_create(
        actor=citizen,
        service_version=draft.service_version,
        requirement_code="surat_lahir",
        uploaded_file=pdf(),
        draft=draft,
    )
    first, created = services_apply.draft_submit(actor=citizen, draft=draft, declaration=True)
    second, created_again = services_apply.draft_submit(actor=citizen, draft=draft, declaration=True)
    assert created and not created_again and first.pk == second.pk
    assert Case.objects.count() == 1


def test_continue_without_required_document_is_refused(client, citizen, service):
    response = client.post(reverse("services:apply", args=[service.code]), {**answers(), "continue": "1"})
    assert response.status_code == 400
    assert "Surat keterangan lahir" in response.content.decode()
    assert CaseDraft.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("child_name", ""),
        ("child_name", "x" * 51),
        ("child_name", "<script>alert(1)</script>"),
        ("birth_date", "2999-01-01"),
        ("birth_date", "kemarin"),
        ("mother_nik", "1234"),
        ("children", "dua"),
        ("children", "99"),
        ("postcode", "12ab"),
    ],
)
def test_bad_input_gets_a_message_and_stores_nothing(client, citizen, service, field, value):
    response = client.post(
        reverse("services:apply", args=[service.code]),
        {**answers(**{field: value}), "continue": "1", "surat_lahir": pdf()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html
    assert "<script>alert" not in html
    assert CaseDraft.objects.count() == 0 and PendingUpload.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("surat.pdf", PNG, "PDF"),  # content is not a PDF
        ("surat.exe", PDF, "PDF"),  # wrong name
        ("surat.pdf", b"", ""),  # empty
        ("surat.pdf", PDF + b"0" * (1024 * 1024 + 1), "MB"),  # too large
    ],
)
def test_bad_files_are_refused(client, citizen, service, name, content, message):
    response = client.post(
        reverse("services:apply", args=[service.code]),
        {**answers(), "continue": "1", "surat_lahir": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PendingUpload.objects.count() == 0 and Case.objects.count() == 0


def test_another_users_draft_is_404(client, service):
    from balai.cases.services import apply as services_apply

    owner = UserFactory(citizen=True)
    draft = services_apply.draft_save(actor=owner, service=service, answers={"child_name": "A"})
    intruder = UserFactory(citizen=True)
    client.force_login(intruder)
    for name in ("services:apply_draft", "services:apply_review"):
        assert client.get(reverse(name, args=[service.code, draft.pk])).status_code == 404
    assert (
        client.post(reverse("services:apply_review", args=[service.code, draft.pk]), {"declaration": "on"}).status_code
        == 404
    )
    assert client.post(reverse("services:apply_delete", args=[service.code, draft.pk])).status_code == 404
    assert Case.objects.count() == 0 and CaseDraft.objects.filter(pk=draft.pk).exists()


def test_draft_under_another_service_code_is_404(client, citizen, service):
    from balai.cases.services import apply as services_apply

    draft = services_apply.draft_save(actor=citizen, service=service, answers={})
    other = make_service()
    assert client.get(reverse("services:apply_draft", args=[other.code, draft.pk])).status_code == 404


def test_remove_upload_and_delete_draft(client, citizen, service):
    url = reverse("services:apply", args=[service.code])
    client.post(url, {"save": "1", "surat_lahir": pdf()})
    draft = CaseDraft.objects.get()
    upload = draft.uploads.get()
    other = UserFactory(citizen=True)
    client.force_login(other)
    assert (
        client.post(reverse("services:apply_remove_upload", args=[service.code, draft.pk, upload.pk])).status_code
        == 404
    )
    client.force_login(citizen)
    response = client.post(reverse("services:apply_remove_upload", args=[service.code, draft.pk, upload.pk]))
    assert response.status_code == 302 and draft.uploads.count() == 0
    response = client.post(reverse("services:apply_delete", args=[service.code, draft.pk]))
    assert response.status_code == 302 and CaseDraft.objects.count() == 0


def test_draft_keeps_its_version_when_the_form_changes(client, citizen, service):
    from balai.cases.services import apply as services_apply

    draft = services_apply.draft_save(actor=citizen, service=service, answers=answers())
    services_apply.upload_create(
        actor=citizen,
        service_version=draft.service_version,
        requirement_code="surat_lahir",
        uploaded_file=pdf(),
        draft=draft,
    )
    new_version = ServiceVersion.objects.create(
        service=service,
        number=2,
        form_definition={"fields": [], "requirements": []},
        workflow=Workflow.objects.get(code="simple"),
    )
    service.current_version = new_version
    service.save(update_fields=["current_version"])
    page = client.get(reverse("services:apply_draft", args=[service.code, draft.pk]))
    assert "Nama anak" in page.content.decode()
    client.post(reverse("services:apply_review", args=[service.code, draft.pk]), {"declaration": "on"})
    assert Case.objects.get().service_version_id == draft.service_version_id


def test_profile_needed_for_village_routed_service(client, citizen):
    service = make_service(routing="by_applicant_village")
    response = client.get(reverse("services:apply", args=[service.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("saya:profile"))


def test_unknown_or_unpublished_service_is_404(client, citizen):
    assert client.get(reverse("services:apply", args=["TIDAK-ADA"])).status_code == 404
    hidden = make_service(is_published=False)
    assert client.get(reverse("services:apply", args=[hidden.code])).status_code == 404


@pytest.mark.parametrize(("language", "text"), [("id", "Simpan draf"), ("en", "Save draft")])
def test_pages_in_both_languages(client, citizen, service, language, text):
    client.cookies["django_language"] = language
    with translation.override(language):
        client.cookies["balai_language"] = language
        response = client.get(reverse("services:apply", args=[service.code]))
    assert text in response.content.decode()


def test_draft_saves_and_deletes_are_audited_without_the_answers(service, citizen):
    from balai.audit.models import AuditEvent
    from balai.cases.services import apply as services_apply

    draft = services_apply.draft_save(actor=citizen, service=service, answers={"child_name": "Budi Santoso"})
    services_apply.draft_save(actor=citizen, service=service, answers={"child_name": "Budi S."}, draft=draft)
    services_apply.draft_delete(actor=citizen, draft=draft)
    events = list(AuditEvent.objects.filter(action__startswith="case.draft_").order_by("id"))
    assert [e.action for e in events] == ["case.draft_created", "case.draft_saved", "case.draft_deleted"]
    assert all(e.actor_id == citizen.pk for e in events)
    assert "Budi" not in str([e.summary for e in events])
