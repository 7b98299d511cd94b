"""What the public sees (published, not confidential; masked text; no internal notes nor reporter messages),
the nearby check (category, radius, open only), and the masking of personal data."""

from __future__ import annotations

import pytest

from balai.complaints.masking import mask_personal_data
from balai.complaints.selectors import (
    distance_m,
    nearby_open_complaints,
    public_complaint,
    public_complaints,
    public_timeline,
)
from balai.complaints.services import complaint_add_note, complaint_dispatch, complaint_reject, complaint_reporter_reply
from balai.complaints.tests.factories import LAT, LON, filed_complaint, staff
from balai.organizations.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "hidden", "kept"),
    [
        ("NIK saya 3201010101900001.", "3201010101900001", "NIK saya"),
        ("NIK 3201 0101 0190 0001", "0190", "NIK"),
        ("Telp 0812-3456-7890 ya", "3456", "0812"),
        ("WA +6281234567890", "34567890", "+6281"),
        ("kirim ke budi.santoso@gmail.com", "budi.santoso", "@gmail.com"),
        ("Kantor (0274) 555123", "555123", "(0274)"),
    ],
)
def test_personal_data_is_masked(text, hidden, kept):
    masked = mask_personal_data(text)
    assert hidden not in masked and kept in masked


@pytest.mark.parametrize("text", ["Jalan No. 12 RT 001/002", "Rp 1.000.000", "tahun 2026", "pukul 08.30"])
def test_ordinary_numbers_stay(text):
    assert mask_personal_data(text) == text


def test_public_lists_leave_out_confidential_and_unconfirmed(world):
    public = filed_complaint(description="NIK 3201010101900001")
    anonymous = filed_complaint(privacy="anonymous")
    confidential = filed_complaint(privacy="confidential")
    pungli = filed_complaint(category="PUNGLI", latitude=None, longitude=None, attributes={})
    unconfirmed = filed_complaint(actor=None, reporter_email="a@contoh.test")
    numbers = set(public_complaints().values_list("case__number", flat=True))
    assert numbers == {public.case.number, anonymous.case.number}
    for hidden in (confidential, pungli, unconfirmed):
        assert public_complaint(hidden.case.number) is None
    assert "3201010101900001" not in public_complaint(public.case.number).public_description
    assert public_complaint("bukan nomor") is None


def test_public_filters(world):
    road = filed_complaint()
    light = filed_complaint(category="LAMPU-JALAN", attributes={})
    assert list(public_complaints(category="LAMPU-JALAN")) == [light]
    complaint_dispatch(actor=staff(world.coordinator, Role.COMPLAINT_ADMIN), complaint=road)
    assert list(public_complaints(agency="DPUPR")) == [road]
    assert list(public_complaints(state="in_progress")) == [road]
    assert set(public_complaints(status="open")) == {road, light}


def test_nearby_check(world):
    near = filed_complaint()
    filed_complaint(category="LAMPU-JALAN", attributes={})  # same place, other category
    filed_complaint(latitude="-6.916500", longitude=LON)  # about 195 m south
    filed_complaint(latitude="-6.917000", longitude=LON)  # about 250 m south
    closed = filed_complaint()
    complaint_reject(actor=staff(world.coordinator, Role.COMPLAINT_ADMIN), complaint=closed, reason="Bukan kewenangan")
    filed_complaint(privacy="confidential")
    found = nearby_open_complaints("JALAN-RUSAK", LAT, LON, 200)
    assert [item.distance_m for item in found] == [0, 195]
    assert near in [item.complaint for item in found] and len(found) == 2
    assert nearby_open_complaints("JALAN-RUSAK", "95", LON) == []
    assert nearby_open_complaints("NOPE", LAT, LON) == []
    assert round(distance_m(-6.914744, 107.60981, -6.916500, 107.60981)) == 195


def test_public_timeline_shows_public_steps_only(world):
    reporter = filed_complaint().case.applicant
    complaint = filed_complaint(reporter=reporter)
    coordinator = staff(world.coordinator, Role.COMPLAINT_ADMIN)
    complaint_reporter_reply(actor=reporter, complaint=complaint, body="Nomor saya 081234567890")
    complaint = complaint_dispatch(actor=coordinator, complaint=complaint, comment="catatan internal")
    responder = staff(world.dpupr)
    complaint_add_note(actor=responder, complaint=complaint, body="Rapat internal", is_public=False)
    complaint_add_note(actor=responder, complaint=complaint, body="Tim datang, hubungi 081299998888", is_public=True)
    steps = public_timeline(complaint)
    text = " ".join(step.body for step in steps)
    assert "Rapat internal" not in text and "catatan internal" not in text
    assert "081234567890" not in text and "Nomor saya" not in text
    assert "Tim datang" in text and "081299998888" not in text
    assert [s.kind for s in steps][0] == "submission"
