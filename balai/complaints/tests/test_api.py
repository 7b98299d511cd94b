"""``/api/v1/complaints``: categories, filing and the reporter's actions, the staff's list and steps; every
bad input a 4xx JSON error with nothing stored, another person's or agency's complaint a 404."""

from __future__ import annotations

import pytest
from django.test import Client

from balai.accounts.tests.factories import UserFactory
from balai.api.services import api_key_create, api_key_revoke
from balai.complaints.models import Complaint
from balai.complaints.tests.factories import LAT, LON, filed_complaint, jpeg_bytes, staff
from balai.organizations.models import Role
from balai.web.tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db
BASE = "/api/v1/complaints"


def _key(owner, scopes):
    _key, clear = api_key_create(actor=None, owner=owner, name="App", scopes=list(scopes))
    return _key, {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def _body(**extra):
    data = {
        "category": "JALAN-RUSAK",
        "description": "Lubang besar",
        "latitude": float(LAT),
        "longitude": float(LON),
        "attributes": {"hazard": "ya"},
    }
    data.update(extra)
    return data


def test_categories_are_public(world):
    response = Client().get(f"{BASE}/categories")
    assert response.status_code == 200
    road = next(c for c in response.json() if c["code"] == "JALAN-RUSAK")
    assert road["needs_location"] and road["attributes"][1]["code"] == "hazard"


def test_file_and_read_with_a_key(world):
    citizen = UserFactory(citizen=True)
    _k, auth = _key(citizen, ["complaints:write"])
    client = Client()
    response = client.post(BASE, _body(), content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"]["code"] == "verification" and data["tracking_code"]
    assert Complaint.objects.get().case.channel == "api"
    mine = client.get(f"{BASE}/mine", **auth).json()
    assert mine["count"] == 1
    detail = client.get(f"{BASE}/mine/{data['number']}", **auth)
    assert detail.status_code == 200 and detail.json()["timeline"][0]["by"] == "reporter"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (_body(latitude=91), 422),
        (_body(longitude=-200), 422),
        (_body(latitude=None, longitude=None), 422),
        (_body(description="x" * 4001), 422),
        (_body(category="NOPE"), 422),
        (_body(attributes={"hazard": "maybe"}), 422),
        (_body(attributes={"hazard": "ya", "colour": "red"}), 422),
        (_body(privacy="secret"), 422),
        ("not json", 400),
    ],
)
def test_bad_input_is_a_json_error_and_nothing_is_stored(world, body, status):
    citizen = UserFactory(citizen=True)
    _k, auth = _key(citizen, ["complaints:write"])
    response = Client().post(BASE, body, content_type="application/json", **auth)
    assert response.status_code == status, response.content
    assert "error" in response.json() and response.json()["error"]["message"]
    assert not Complaint.objects.exists()


def test_html_is_stored_as_text_and_returned_as_text(world):
    citizen = UserFactory(citizen=True)
    _k, auth = _key(citizen, ["complaints:write"])
    response = Client().post(
        BASE, _body(description="<script>alert(1)</script>"), content_type="application/json", **auth
    )
    assert response.json()["description"] == "<script>alert(1)</script>"


def test_missing_scope_revoked_key_and_no_key(world):
    citizen = UserFactory(citizen=True)
    _k, read_only = _key(citizen, [])
    assert Client().post(BASE, _body(), content_type="application/json", **read_only).status_code == 403
    key, auth = _key(citizen, ["complaints:write"])
    api_key_revoke(actor=None, api_key=key)
    assert Client().post(BASE, _body(), content_type="application/json", **auth).status_code == 401
    assert Client().post(BASE, _body(), content_type="application/json").status_code == 401
    assert not Complaint.objects.exists()


def test_someone_elses_complaint_is_404(world):
    complaint = filed_complaint(category="PUNGLI", latitude=None, longitude=None, attributes={})
    _k, auth = _key(UserFactory(citizen=True), ["complaints:write"])
    assert Client().get(f"{BASE}/mine/{complaint.case.number}", **auth).status_code == 404
    response = Client().post(
        f"{BASE}/mine/{complaint.case.number}/reply", {"body": "x"}, content_type="application/json", **auth
    )
    assert response.status_code == 404


def test_photo_upload_checked(world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    citizen = UserFactory(citizen=True)
    complaint = filed_complaint(reporter=citizen)
    _k, auth = _key(citizen, ["complaints:write"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"GIF89a not a jpeg at all", content_type="image/jpeg")
    bad = Client().post(f"{BASE}/mine/{complaint.case.number}/photos", {"file": fake}, **auth)
    assert bad.status_code == 422 and complaint.photos.count() == 0
    good = SimpleUploadedFile("x.jpg", jpeg_bytes(), content_type="image/jpeg")
    ok = Client().post(f"{BASE}/mine/{complaint.case.number}/photos", {"file": good}, **auth)
    assert ok.status_code == 200 and ok.json()["photos"] == 1


def test_staff_flow_and_scoping(world):
    complaint = filed_complaint()
    citizen_key = _key(UserFactory(citizen=True), ["complaints:staff"])[1]
    assert Client().get(f"{BASE}/staff", **citizen_key).status_code == 403
    coordinator = staff(world.coordinator, Role.COMPLAINT_ADMIN)
    _k, coord = _key(coordinator, ["complaints:staff"])
    listing = Client().get(f"{BASE}/staff", **coord).json()
    assert listing["count"] == 1
    number = complaint.case.number
    bad = Client().post(f"{BASE}/staff/{number}/dispatch", {"agency": "NOPE"}, content_type="application/json", **coord)
    assert bad.status_code == 422 and "agency" in bad.json()["error"]["fields"]
    done = Client().post(f"{BASE}/staff/{number}/dispatch", {}, content_type="application/json", **coord)
    assert done.status_code == 200 and done.json()["agency"] == "DPUPR"
    other = _key(staff(world.dishub), ["complaints:staff"])[1]
    assert Client().get(f"{BASE}/staff/{number}", **other).status_code == 404
    agency = _key(staff(world.dpupr), ["complaints:staff"])[1]
    empty = Client().post(f"{BASE}/staff/{number}/respond", {"response": ""}, content_type="application/json", **agency)
    assert empty.status_code == 422
    answered = Client().post(
        f"{BASE}/staff/{number}/respond", {"response": "Ditambal"}, content_type="application/json", **agency
    )
    assert answered.json()["state"]["code"] == "responded"
    again = Client().post(
        f"{BASE}/staff/{number}/respond", {"response": "Lagi"}, content_type="application/json", **agency
    )
    assert again.status_code == 409


def test_staff_session_needs_second_factor_for_api(world):
    officer = staff(world.coordinator, Role.COMPLAINT_ADMIN)
    client = Client()
    client.force_login(officer)
    assert client.get(f"{BASE}/staff").status_code == 403
    assert sign_in_verified(Client(), officer).get(f"{BASE}/staff").status_code == 200


def test_anonymous_reporter_hidden_in_the_staff_api(world):
    complaint = filed_complaint(reporter=UserFactory(citizen=True, full_name="Rahasia Sekali"), privacy="anonymous")
    from balai.complaints.services import complaint_dispatch

    complaint_dispatch(actor=staff(world.coordinator, Role.COMPLAINT_ADMIN), complaint=complaint)
    agency = _key(staff(world.dpupr, Role.HEAD), ["complaints:staff"])[1]
    data = Client().get(f"{BASE}/staff/{complaint.case.number}", **agency)
    assert data.json()["reporter"] is None and "Rahasia Sekali" not in data.content.decode()
