"""complaint_create: what is stored for each kind of reporter, routing, deadlines, privacy, photos without
metadata, and every kind of bad input refused with nothing stored."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from balai.accounts.models.verification import VerificationCode
from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.cases.models import Case, CaseType, Confidentiality
from balai.complaints.models import Complaint, ComplaintPhoto
from balai.complaints.services import complaint_create
from balai.complaints.tests.factories import LAT, LON, filed_complaint, jpeg_bytes, jpeg_upload, staff
from balai.core.exceptions import PermissionDenied, RateLimited, ValidationFailed
from balai.notifications.models import OutboundMessage
from balai.organizations.models import Role

pytestmark = pytest.mark.django_db


def _nothing_stored():
    assert not Complaint.objects.exists()
    assert not Case.objects.filter(case_type=CaseType.COMPLAINT).exists()
    assert not ComplaintPhoto.objects.exists()


def test_citizen_files_a_counted_complaint_with_the_coordinator(world):
    citizen = UserFactory(citizen=True, verified=True)
    complaint = filed_complaint(reporter=citizen, title="Lubang di Jl. Pasar")
    case = complaint.case
    assert case.number.startswith("ADU-") and case.case_type == CaseType.COMPLAINT
    assert case.state.code == "verification"
    assert case.organization == world.coordinator
    assert case.applicant == citizen
    assert complaint.is_published and complaint.verification_due_at is not None
    assert case.due_at == complaint.verification_due_at
    assert complaint.attributes == {"hazard": "ya"}
    assert str(complaint.latitude) == LAT and str(complaint.longitude) == LON
    assert AuditEvent.objects.filter(action="complaint.submitted", object_id=str(case.pk)).exists()
    assert case.timeline.filter(kind="submission", is_public=True).count() == 1


def test_without_an_account_the_complaint_waits_for_the_contact_code(world):
    complaint = filed_complaint(actor=None, reporter_email="Pelapor@Contoh.test", reporter_name="Rudi")
    assert complaint.case.state.code == "contact_check"
    assert not complaint.is_published
    assert complaint.case.applicant is None and complaint.case.walk_in_name == "Rudi"
    assert complaint.reporter_email == "pelapor@contoh.test"
    message = OutboundMessage.objects.get(kind="complaint_contact")
    assert complaint.case.number in message.body
    assert VerificationCode.objects.filter(purpose="complaint_contact").count() == 1


def test_anonymous_without_account_keeps_the_name_off_the_case(world):
    complaint = filed_complaint(actor=None, reporter_phone="0812 3456 7890", reporter_name="Rudi", privacy="anonymous")
    assert complaint.case.walk_in_name == "Anonim"
    assert complaint.reporter_name == "Rudi"
    assert complaint.reporter_phone == "+6281234567890"


def test_category_forces_confidentiality(world):
    complaint = filed_complaint(category="PUNGLI", privacy="public", latitude=None, longitude=None)
    assert complaint.privacy == "confidential"
    assert complaint.case.confidentiality == Confidentiality.CONFIDENTIAL


def test_counter_filing_by_front_office(world):
    officer = staff(world.dpupr, Role.FRONT_OFFICE)
    complaint = filed_complaint(
        actor=officer, channel="counter", reporter_name="Ibu Wati", reporter_phone="081234567890"
    )
    assert complaint.is_published and complaint.case.channel == "counter"
    assert complaint.case.walk_in_name == "Ibu Wati"
    assert complaint.case.applicant is None


def test_counter_filing_needs_a_filing_role(world):
    responder = staff(world.dpupr, Role.RESPONDER)
    with pytest.raises(PermissionDenied):
        filed_complaint(actor=responder, channel="counter", reporter_name="Ibu Wati")
    _nothing_stored()


def test_photos_are_stored_without_exif(world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    raw = jpeg_bytes()
    assert Image.open(io.BytesIO(raw)).getexif()  # the upload has camera and GPS data
    complaint = filed_complaint(photos=[jpeg_upload(), jpeg_upload("b.png", fmt="PNG")])
    photos = list(complaint.photos.all())
    assert len(photos) == 2
    for photo in photos:
        stored = (tmp_path / photo.storage_name).read_bytes()
        image = Image.open(io.BytesIO(stored))
        assert not image.getexif()
        assert b"KameraUji" not in stored and b"Model X" not in stored
        assert photo.width == 64 and photo.height == 48


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"latitude": None, "longitude": None}, "location"),
        ({"latitude": "91", "longitude": LON}, "latitude"),
        ({"latitude": LAT, "longitude": "-181"}, "longitude"),
        ({"latitude": "abc", "longitude": LON}, "latitude"),
        ({"latitude": LAT, "longitude": None}, "longitude"),
        ({"latitude": "NaN", "longitude": LON}, "latitude"),
        ({"attributes": {"hazard": "mungkin"}}, "attribute[hazard]"),
        ({"attributes": {"hazard": "ya", "unknown": "x"}}, "attribute[unknown]"),
        ({"attributes": {}}, "attribute[hazard]"),
        ({"description": "x" * 4001}, "description"),
        ({"description": "   "}, "description"),
        ({"privacy": "secret"}, "privacy"),
        ({"title": "t" * 201}, "title"),
        ({"district": "00.00.00"}, "district"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(world, kwargs, field):
    with pytest.raises(ValidationFailed) as exc:
        filed_complaint(**kwargs)
    assert field in exc.value.fields
    _nothing_stored()


def test_unknown_category(world):
    with pytest.raises(ValidationFailed) as exc:
        filed_complaint(category="NOPE")
    assert "category" in exc.value.fields
    _nothing_stored()


def test_description_of_exactly_4000_characters_is_accepted(world):
    assert len(filed_complaint(description="y" * 4000).description) == 4000


def test_html_is_stored_as_text(world):
    text = "<script>alert(1)</script> <b>jalan</b>"
    assert filed_complaint(description=text).description == text


def test_control_characters_are_dropped(world):
    assert filed_complaint(description="jalan\x00 rusak\x07").description == "jalan rusak"


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("fake.jpg", b"MZ\x90\x00 this is not an image" * 10, content_type="image/jpeg"),
        SimpleUploadedFile("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200, content_type="image/jpeg"),
        SimpleUploadedFile("doc.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        SimpleUploadedFile("anim.jpg", jpeg_bytes(fmt="GIF", with_exif=False), content_type="image/jpeg"),
        SimpleUploadedFile("cut.jpg", jpeg_bytes()[:300], content_type="image/jpeg"),
    ],
)
def test_fake_images_are_refused(world, upload):
    with pytest.raises(ValidationFailed) as exc:
        filed_complaint(photos=[upload])
    assert "photos" in exc.value.fields
    _nothing_stored()


def test_oversized_image_is_refused(world):
    big = SimpleUploadedFile("big.jpg", jpeg_bytes() + b"\x00" * (10 * 1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as exc:
        filed_complaint(photos=[big])
    assert "photos" in exc.value.fields
    _nothing_stored()


def test_more_than_five_photos_are_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        filed_complaint(photos=[jpeg_upload() for _ in range(6)])
    assert "photos" in exc.value.fields
    _nothing_stored()


def test_reporter_without_account_needs_a_valid_contact(world):
    with pytest.raises(ValidationFailed) as exc:
        filed_complaint(actor=None)
    assert "contact" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        filed_complaint(actor=None, reporter_email="bukan-email")
    assert "reporter_email" in exc.value.fields
    _nothing_stored()


def test_too_many_unconfirmed_complaints_from_one_contact(world, settings):
    settings.VERIFICATION_CODE_RESEND_INTERVAL_SECONDS = 0
    settings.VERIFICATION_CODE_MAX_SENDS = 100
    for _ in range(5):
        filed_complaint(actor=None, reporter_email="banjir@contoh.test")
    with pytest.raises(RateLimited):
        filed_complaint(actor=None, reporter_email="banjir@contoh.test")
    assert Complaint.objects.count() == 5


def test_location_by_address_alone_is_enough(world):
    complaint = filed_complaint(latitude=None, longitude=None, address="Jl. Pasar Baru depan toko emas")
    assert complaint.latitude is None and complaint.address.startswith("Jl. Pasar")


def test_by_district_category_keeps_the_district(world):
    from balai.organizations.tests.factories import DistrictFactory

    district = DistrictFactory(code="99.01.01")
    complaint = filed_complaint(category="KETERTIBAN", attributes={}, district="99.01.01")
    assert complaint.district == district


def test_category_without_any_agency_is_refused(world):
    world.settings.coordinator = None
    world.settings.save()
    category = world.category("LAINNYA")
    category.routes_to = None
    category.save()
    with pytest.raises(ValidationFailed):
        filed_complaint(category="LAINNYA", attributes={})
    _nothing_stored()
    assert complaint_create  # the service under test is the public interface
