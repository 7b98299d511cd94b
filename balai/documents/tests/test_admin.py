"""/admin/ for documents: template edits go through document_template_save (errors on the form, nothing stored),
versions and issued documents are read only, revocation through document_revoke with a reason, the demo loader."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from balai.accounts.tests.factories import UserFactory
from balai.documents.models import DocumentStatus, DocumentTemplate, DocumentTemplateVersion
from balai.documents.tests.factories import IssuedDocumentFactory, result_service, template_for_service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def admin_client(client):
    user = UserFactory(superuser=True)
    device = TOTPDevice.objects.create(user=user, name="uji", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    client.cookies["balai_language"] = "en"  # the assertions read the English messages
    client.user = user
    return client


def post_data(service, **overrides):
    data = {
        "code": "surat-admin",
        "kind": "output",
        "service": service.pk,
        "organization": "",
        "document_type": "Surat Admin",
        "title": "Surat Keterangan",
        "letterhead_name": "",
        "letterhead_lines": "",
        "reference_pattern": "{agency}/{service}/{seq}/{month_roman}/{year}",
        "body": "Nama: {{ answers.child_name }}",
        "signer_name": "Drs. Bambang",
        "signer_position": "Kepala Dinas",
        "signer_nip": "197001011990031001",
        "place": "Kota Lama",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_adding_a_template_saves_version_one(admin_client):
    service = result_service()
    response = admin_client.post(reverse("admin:documents_documenttemplate_add"), post_data(service))
    assert response.status_code == 302, response.content[:2000]
    template = DocumentTemplate.objects.get(code="surat-admin")
    assert template.version == 1 and template.versions.get().created_by == admin_client.user


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"body": "Nama: {{ answers.tidak_ada }}"}, "has no field"),
        ({"reference_pattern": "{agency}/{year}"}, "{seq}"),
        ({"signer_nip": "12345"}, "18 digits"),
    ],
)
def test_errors_show_on_the_form_and_nothing_is_stored(admin_client, overrides, message):
    service = result_service()
    response = admin_client.post(reverse("admin:documents_documenttemplate_add"), post_data(service, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DocumentTemplate.objects.exists() and not DocumentTemplateVersion.objects.exists()


def test_a_fake_logo_is_refused_on_the_form(admin_client):
    service = result_service()
    fake = SimpleUploadedFile("logo.png", b"GIF89a not an image", content_type="image/png")
    response = admin_client.post(reverse("admin:documents_documenttemplate_add"), {**post_data(service), "logo": fake})
    assert response.status_code == 200 and "PNG or JPEG" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_editing_makes_a_new_version_and_the_page_lists_placeholders(admin_client):
    service = result_service()
    template = template_for_service(service)
    url = reverse("admin:documents_documenttemplate_change", args=[template.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and "{{ applicant.nik }}" in page.content.decode()
    version = template.versions.get()
    data = post_data(
        service,
        body="Anak: {{ answers.child_name }}",
        **{
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-0-id": str(version.pk),
            "versions-0-template": str(template.pk),
        },
    )
    data.pop("code")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.version == 2 and template.body == "Anak: {{ answers.child_name }}"


def test_issued_documents_are_read_only_and_revoked_with_a_reason(admin_client, signing_org):
    document = IssuedDocumentFactory(organization=signing_org)
    changelist = reverse("admin:documents_issueddocument_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(reverse("admin:documents_issueddocument_change", args=[document.pk])).status_code == 200
    assert admin_client.get(reverse("admin:documents_issueddocument_add")).status_code == 403
    form = admin_client.post(changelist, {"action": "revoke_documents", "_selected_action": [document.pk]})
    assert form.status_code == 200 and "Reason for revocation" in form.content.decode()
    too_short = admin_client.post(
        changelist,
        {"action": "revoke_documents", "_selected_action": [document.pk], "apply": "1", "reason": "singkat"},
    )
    assert too_short.status_code == 200
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID
    done = admin_client.post(
        changelist,
        {
            "action": "revoke_documents",
            "_selected_action": [document.pk],
            "apply": "1",
            "reason": "Diterbitkan untuk pemohon yang salah.",
        },
    )
    assert done.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.REVOKED
    assert document.revocation_reason == "Diterbitkan untuk pemohon yang salah."


def test_signing_profile_certificate_is_read_only(admin_client, signing_org):
    profile = signing_org.signing_profile
    page = admin_client.get(reverse("admin:documents_signingprofile_change", args=[profile.pk]))
    assert page.status_code == 200
    assert 'name="certificate_pem"' not in page.content.decode()


def test_the_demo_templates_load_once_and_keep_admin_edits(django_assert_max_num_queries):
    from balai.demo.loader import read_data
    from balai.demo.services_loader import load_services
    from balai.documents.demo import load_document_templates, read_templates
    from balai.documents.services import document_template_save
    from balai.organizations.tests.factories import OrganizationFactory

    catalogue = read_data("services.yaml")
    for code in sorted({entry["owner"] for entry in catalogue["services"]}):
        OrganizationFactory(code=code)
    load_services(data=catalogue)
    entries = read_templates()
    assert load_document_templates() == {"document templates": len(entries)}
    signed = [e["code"] for e in catalogue["services"] if (e.get("output") or {}).get("format") == "signed_pdf"]
    assert sorted(DocumentTemplate.objects.values_list("service__code", flat=True)) == sorted(signed)
    assert all(t.version == 1 for t in DocumentTemplate.objects.all())
    akta = DocumentTemplate.objects.get(code="akta-lahir")
    document_template_save(actor=None, template=akta, data={"title": "Diubah oleh admin"})
    with django_assert_max_num_queries(6):
        assert load_document_templates() == {"document templates": 0}
    akta.refresh_from_db()
    assert akta.title == "Diubah oleh admin"
