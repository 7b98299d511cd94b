"""Issuing, revoking and reissuing documents: who may, what is recorded, and that a failure stores nothing."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from balai.accounts.tests.factories import ProfileFactory, UserFactory
from balai.audit.models import AuditEvent
from balai.cases.models import TimelineEntry, TimelineKind
from balai.cases.tests.factories import staff_with_role
from balai.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from balai.documents.models import DocumentKind, DocumentSequence, DocumentStatus, IssuedDocument, SigningProfile
from balai.documents.services import (
    document_issue,
    document_reissue,
    document_revoke,
    document_template_save,
    may_download_as_staff,
    receipt_issue,
)
from balai.documents.signing import SigningError, validate_pdf
from balai.documents.tests.factories import (
    complete,
    completed_case,
    pdf_text,
    result_service,
    submit,
    template_for_service,
)
from balai.organizations.models import Role


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English message texts (the Indonesian catalogue is checked by check_translations)."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.BALAI_PUBLIC_URL = "https://layanan.contoh.go.id"


@pytest.fixture
def service(signing_profile_for):
    service = result_service()
    signing_profile_for(service.owner)
    template_for_service(service)
    return service


def stored_files(settings) -> list[str]:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT) / "documents" / "issued"
    return [str(p) for p in root.rglob("*.pdf")] if root.exists() else []


def output_of(case) -> IssuedDocument:
    return IssuedDocument.objects.get(case=case, kind=DocumentKind.OUTPUT)


class TestIssuedOnCompletion:
    def test_the_final_step_issues_a_signed_document_with_its_record(self, service):
        applicant = ProfileFactory().user
        case = completed_case(service=service, applicant=applicant)
        document = output_of(case)
        assert document.status == DocumentStatus.VALID
        assert document.organization == service.owner and document.holder == applicant
        assert document.holder_name == applicant.full_name
        assert document.template_version.number == 1 and document.issued_by is None
        assert re.fullmatch(rf"{service.owner.code}/{service.code}/0001/[IVX]+/\d{{4}}", document.number)
        with default_storage.open(document.storage_name, "rb") as handle:
            data = handle.read()
        assert document.sha256 == hashlib.sha256(data).hexdigest() and document.size == len(data)
        report = validate_pdf(data)
        assert report.signed and report.intact and report.trusted
        assert document.certificate_sha256 == report.certificate_sha256
        assert document.signing_provider == "demo"
        text = pdf_text(data)
        assert "Putri Lestari" in text and "5 Maret 2026" in text and "Perempuan" in text and "12,5" in text
        assert applicant.citizen_profile.nik in text  # the full NIK belongs on the official document
        assert case.number in text and f"https://layanan.contoh.go.id/verifikasi/{document.public_id}/" in text
        entry = TimelineEntry.objects.get(case=case, kind=TimelineKind.DOCUMENT, body__contains=document.number)
        assert entry.is_public
        assert AuditEvent.objects.filter(action="document.issued", object_id=str(document.pk)).exists()

    def test_the_receipt_is_issued_on_submission(self, service):
        case = submit(service)
        receipt = IssuedDocument.objects.get(case=case, kind=DocumentKind.RECEIPT)
        assert receipt.number.startswith(f"{service.owner.code}/TT/00001/")
        with default_storage.open(receipt.storage_name, "rb") as handle:
            text = pdf_text(handle.read())
        assert case.verification_code in text and case.number in text

    def test_a_walk_in_applicant_holds_nothing_but_is_named(self, service):
        case = complete(submit(service, walk_in={"name": "Ahmad Fauzi", "nik": ""}))
        document = output_of(case)
        assert document.holder is None and document.holder_name == "Ahmad Fauzi"

    def test_numbers_follow_each_other_without_gaps(self, service):
        first, second = completed_case(service=service), completed_case(service=service)
        assert output_of(first).number.split("/")[2] == "0001"
        assert output_of(second).number.split("/")[2] == "0002"

    def test_markup_in_answers_is_printed_literally(self, service):
        case = submit(service)
        type(case).objects.filter(pk=case.pk).update(
            answers={**case.answers, "child_name": "<b>Putri</b> & <font size=40>Lestari</font>"}
        )
        case = complete(type(case).objects.get(pk=case.pk))
        with default_storage.open(output_of(case).storage_name, "rb") as handle:
            assert "<b>Putri</b> & <font size=40>Lestari</font>" in pdf_text(handle.read())


class TestIssueByHand:
    @pytest.fixture
    def case(self):
        service = result_service()
        case = completed_case(service=service)  # no template and no key yet: nothing issued
        assert not IssuedDocument.objects.filter(case=case, kind=DocumentKind.OUTPUT).exists()
        return case

    def test_an_approver_issues_once_then_gets_the_same_document(self, case, signing_profile_for):
        signing_profile_for(case.organization)
        template_for_service(case.service_version.service)
        approver = staff_with_role(case.organization, Role.APPROVER)
        document = document_issue(actor=approver, case=case)
        assert document.issued_by == approver
        assert document_issue(actor=approver, case=case) == document
        assert IssuedDocument.objects.filter(case=case, kind=DocumentKind.OUTPUT).count() == 1

    def test_without_a_template_it_says_so(self, case, signing_profile_for):
        signing_profile_for(case.organization)
        with pytest.raises(Conflict) as caught:
            document_issue(actor=None, case=case)
        assert caught.value.code == "no_template"

    def test_signing_failure_stores_nothing_and_gives_the_number_back(self, case, settings):
        template_for_service(case.service_version.service)
        with pytest.raises(SigningError):
            document_issue(actor=None, case=case)
        assert not IssuedDocument.objects.filter(case=case, kind=DocumentKind.OUTPUT).exists()
        assert not DocumentSequence.objects.filter(last_value__gt=0, scope__startswith="surat-uji").exists()
        assert stored_files(settings) == []

    def test_a_broken_profile_is_a_signing_error_too(self, case, signing_profile_for):
        template_for_service(case.service_version.service)
        signing_profile_for(case.organization, config={"key_file": "agencies/nope.key", "certificate_file": "x.pem"})
        with pytest.raises(SigningError):
            document_issue(actor=None, case=case)
        assert not IssuedDocument.objects.filter(case=case).exists()

    @pytest.mark.parametrize("who", ["verifier", "other_agency", "citizen", "holder"])
    def test_others_may_not_issue(self, case, signing_profile_for, who):
        from balai.organizations.tests.factories import OrganizationFactory

        signing_profile_for(case.organization)
        template_for_service(case.service_version.service)
        actor = {
            "verifier": lambda: staff_with_role(case.organization, Role.VERIFIER),
            "other_agency": lambda: staff_with_role(OrganizationFactory(), Role.HEAD),
            "citizen": lambda: UserFactory(citizen=True),
            "holder": lambda: case.applicant,
        }[who]()
        expected = PermissionDenied if who == "verifier" else NotFound
        with pytest.raises(expected):
            document_issue(actor=actor, case=case)
        assert not IssuedDocument.objects.filter(case=case, kind=DocumentKind.OUTPUT).exists()

    def test_an_open_case_gets_no_result_document(self, signing_profile_for):
        service = result_service()
        signing_profile_for(service.owner)
        template_for_service(service)
        case = submit(service)
        with pytest.raises(Conflict) as caught:
            document_issue(actor=None, case=case)
        assert caught.value.code == "case_not_completed"

    def test_receipt_is_idempotent(self, case, signing_profile_for):
        signing_profile_for(case.organization)
        first = receipt_issue(actor=None, case=case)
        assert receipt_issue(actor=None, case=case) == first

    def test_issuing_has_a_query_budget(self, case, signing_profile_for, django_assert_max_num_queries):
        signing_profile_for(case.organization)
        template_for_service(case.service_version.service)
        with django_assert_max_num_queries(30):
            document_issue(actor=None, case=case)


class TestRevoke:
    @pytest.fixture
    def document(self, service):
        return output_of(completed_case(service=service))

    def test_an_approver_revokes_with_a_reason(self, document):
        approver = staff_with_role(document.organization, Role.APPROVER)
        revoked = document_revoke(actor=approver, document=document, reason="Nama anak salah ketik.")
        assert revoked.status == DocumentStatus.REVOKED and revoked.revoked_by == approver
        assert revoked.revocation_reason == "Nama anak salah ketik." and revoked.revoked_at is not None
        assert AuditEvent.objects.filter(action="document.revoked", object_id=str(document.pk)).exists()

    def test_revoking_twice_is_a_conflict(self, document):
        head = staff_with_role(document.organization, Role.HEAD)
        document_revoke(actor=head, document=document, reason="Dicabut atas permintaan pemohon.")
        with pytest.raises(Conflict) as caught:
            document_revoke(actor=head, document=document, reason="Dicabut atas permintaan pemohon.")
        assert caught.value.code == "already_revoked"

    @pytest.mark.parametrize(
        ("who", "error"),
        [("other_agency", NotFound), ("holder", NotFound), ("citizen", NotFound), ("verifier", PermissionDenied)],
    )
    def test_others_may_not_revoke(self, document, who, error):
        from balai.organizations.tests.factories import OrganizationFactory

        actor = {
            "other_agency": lambda: staff_with_role(OrganizationFactory(), Role.HEAD),
            "holder": lambda: document.holder,
            "citizen": lambda: UserFactory(citizen=True),
            "verifier": lambda: staff_with_role(document.organization, Role.VERIFIER),
        }[who]()
        with pytest.raises(error):
            document_revoke(actor=actor, document=document, reason="Alasan yang cukup panjang.")
        document.refresh_from_db()
        assert document.status == DocumentStatus.VALID

    @pytest.mark.parametrize("reason", ["", "   ", "pendek", "x" * 2001])
    def test_the_reason_is_checked(self, document, reason):
        head = staff_with_role(document.organization, Role.HEAD)
        with pytest.raises(ValidationFailed) as caught:
            document_revoke(actor=head, document=document, reason=reason)
        assert "reason" in caught.value.fields
        document.refresh_from_db()
        assert document.status == DocumentStatus.VALID

    def test_staff_of_the_agency_may_download(self, document):
        assert may_download_as_staff(staff_with_role(document.organization, Role.VERIFIER), document)
        assert not may_download_as_staff(UserFactory(citizen=True), document)


class TestReissue:
    def test_reissue_replaces_the_old_one_with_the_current_template(self, service):
        case = completed_case(service=service)
        old = output_of(case)
        template = old.template_version.template
        document_template_save(actor=None, template=template, data={"title": "Surat Keterangan Uji (Perbaikan)"})
        approver = staff_with_role(case.organization, Role.APPROVER)
        new = document_reissue(actor=approver, document=old, reason="Perbaikan judul dokumen.")
        old.refresh_from_db()
        assert old.status == DocumentStatus.REPLACED and old.replaced_by == new
        assert new.status == DocumentStatus.VALID and new.number != old.number
        assert new.template_version.number == 2
        assert AuditEvent.objects.filter(action="document.replaced", object_id=str(old.pk)).exists()
        with pytest.raises(Conflict) as caught:
            document_reissue(actor=approver, document=old)
        assert caught.value.code == "already_replaced"
        with pytest.raises(Conflict):
            document_revoke(actor=approver, document=old, reason="Tidak berlaku lagi sama sekali.")

    def test_a_revoked_document_stays_revoked_when_reissued(self, service):
        case = completed_case(service=service)
        old = output_of(case)
        head = staff_with_role(case.organization, Role.HEAD)
        document_revoke(actor=head, document=old, reason="Data pemohon keliru.")
        new = document_reissue(actor=head, document=old)
        old.refresh_from_db()
        assert old.status == DocumentStatus.REVOKED and old.replaced_by == new

    def test_reissue_needs_the_role(self, service):
        old = output_of(completed_case(service=service))
        with pytest.raises(PermissionDenied):
            document_reissue(actor=staff_with_role(old.organization, Role.FRONT_OFFICE), document=old)
        assert IssuedDocument.objects.filter(kind=DocumentKind.OUTPUT).count() == 1


def test_an_inactive_profile_means_no_document(signing_profile_for):
    service = result_service()
    template_for_service(service)
    signing_profile_for(service.owner)
    SigningProfile.objects.filter(organization=service.owner).update(is_active=False)
    case = completed_case(service=service)
    assert not IssuedDocument.objects.filter(case=case).exists()


class TestTemplateSave:
    @pytest.fixture
    def admin(self):
        return UserFactory(superuser=True)

    def data(self, for_service, **overrides):
        values = {
            "code": "surat-baru",
            "kind": DocumentKind.OUTPUT,
            "service": for_service,
            "document_type": "Surat Baru",
            "title": "Surat Keterangan",
            "reference_pattern": "{agency}/{service}/{seq}/{month_roman}/{year}",
            "body": "Nama: {{ answers.child_name }}",
            "signer_nip": "197001011990031001",
        }
        values.update(overrides)
        return values

    def test_saving_writes_version_one_and_the_audit(self, admin):
        from balai.documents.models import DocumentTemplate

        template = document_template_save(actor=admin, template=DocumentTemplate(), data=self.data(result_service()))
        assert template.version == 1
        version = template.versions.get()
        assert version.content["body"] == "Nama: {{ answers.child_name }}" and version.created_by == admin
        assert AuditEvent.objects.filter(action="document.template_saved", object_id=str(template.pk)).exists()

    def test_only_a_changed_content_makes_a_new_version(self, admin):
        from balai.documents.models import DocumentTemplate

        template = document_template_save(actor=admin, template=DocumentTemplate(), data=self.data(result_service()))
        template = document_template_save(actor=admin, template=template, data={"body": template.body})
        assert template.version == 1
        template = document_template_save(actor=admin, template=template, data={"is_active": False})
        assert template.version == 1 and not template.is_active
        template = document_template_save(actor=admin, template=template, data={"place": "Kota Lama"})
        assert template.version == 2 and template.versions.count() == 2

    @pytest.mark.parametrize(
        ("overrides", "field", "fragment"),
        [
            ({"body": "Nama: {{ answers.x }}"}, "body", "has no field “x”"),
            ({"title": "{{ pemohon.nama }}"}, "title", "not a namespace"),
            ({"reference_pattern": "{agency}/{year}"}, "reference_pattern", "{seq}"),
            ({"reference_pattern": "{service}/{seq}/{year}"}, "reference_pattern", "{agency}"),
            ({"signer_nip": "19700101199003100"}, "signer_nip", "18 digits"),
            ({"signer_nip": "1970010119900310AB"}, "signer_nip", "18 digits"),
            ({"signer_nip": "197013011990031001"}, "signer_nip", "not a valid NIP"),
            ({"signer_nip": "197001011990131001"}, "signer_nip", "not a valid NIP"),
            ({"signer_nip": "197001011990033001"}, "signer_nip", "not a valid NIP"),
            ({"service": None}, "service", "needs the service"),
            ({"code": "Bukan Slug!"}, "code", ""),
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_stored(self, admin, overrides, field, fragment):
        from balai.documents.models import DocumentTemplate, DocumentTemplateVersion

        with pytest.raises(ValidationFailed) as caught:
            document_template_save(
                actor=admin, template=DocumentTemplate(), data=self.data(result_service(), **overrides)
            )
        assert field in caught.value.fields
        assert any(fragment in message for message in caught.value.fields[field])
        assert not DocumentTemplate.objects.exists() and not DocumentTemplateVersion.objects.exists()
        assert not AuditEvent.objects.filter(action="document.template_saved").exists()

    def test_a_logo_that_is_not_an_image_is_refused_and_not_stored(self, admin, settings):
        from pathlib import Path

        from django.core.files.uploadedfile import SimpleUploadedFile

        from balai.documents.models import DocumentTemplate

        fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)></svg>", content_type="image/png")
        with pytest.raises(ValidationFailed) as caught:
            document_template_save(
                actor=admin, template=DocumentTemplate(), data={**self.data(result_service()), "logo": fake}
            )
        assert "logo" in caught.value.fields
        assert not (Path(settings.MEDIA_ROOT) / "documents" / "logos").exists()

    def test_a_logo_is_stored_under_a_random_name_and_versioned(self, admin):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from balai.documents.models import DocumentTemplate
        from balai.documents.tests.test_pdf import png

        template = document_template_save(actor=admin, template=DocumentTemplate(), data=self.data(result_service()))
        logo = SimpleUploadedFile("kop.png", png(), content_type="image/png")
        template = document_template_save(actor=admin, template=template, data={"logo": logo})
        assert template.version == 2 and template.logo.name.startswith("documents/logos/")
        assert "kop" not in template.logo.name
        assert template.versions.get(number=2).logo_storage_name == template.logo.name
        template = document_template_save(actor=admin, template=template, data={"logo": False})
        assert template.version == 3 and not template.logo

    def test_agency_administrators_edit_their_own_templates_only(self):
        from balai.documents.models import DocumentTemplate
        from balai.organizations.tests.factories import OrganizationFactory

        service = result_service()
        own = staff_with_role(service.owner, Role.ADMINISTRATOR)
        template = document_template_save(actor=own, template=DocumentTemplate(), data=self.data(service))
        for outsider in (
            staff_with_role(OrganizationFactory(), Role.ADMINISTRATOR),
            staff_with_role(service.owner, Role.HEAD),
            UserFactory(citizen=True),
        ):
            with pytest.raises(PermissionDenied):
                document_template_save(actor=outsider, template=template, data={"title": "Diubah"})
        template.refresh_from_db()
        assert template.title == "Surat Keterangan"

    def test_the_receipt_template_is_made_on_demand_once(self):
        from balai.documents.services import receipt_template

        first = receipt_template()
        assert first.code == "tanda-terima" and first.version == 1 and first.kind == DocumentKind.RECEIPT
        assert receipt_template() == first


def _run_together(workers):
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(workers))
    results, errors = [], []

    def run(fn):
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_numbers_without_gaps_and_never_twice_per_case(signing_profile_for):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    service = result_service()
    cases = [completed_case(service=service) for _ in range(6)]  # no key and no template yet: nothing issued
    signing_profile_for(service.owner)
    template_for_service(service)
    workers = [lambda c=c: document_issue(actor=None, case=c).number for c in cases]
    workers += [lambda: document_issue(actor=None, case=cases[0]).number]  # the same case twice at once
    results, errors = _run_together(workers)
    assert errors == []
    numbers = sorted({n.split("/")[2] for n in results})
    assert numbers == [f"{n:04d}" for n in range(1, 7)]
    assert IssuedDocument.objects.filter(kind=DocumentKind.OUTPUT).count() == 6
