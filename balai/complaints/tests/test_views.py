"""The complaint pages: filing in three steps without JavaScript (with nearby complaints shown before the
details), confirming the contact, following, the reporter's pages (with and without an account) and the
staff pages, each checked for scoping, bad input and the accessibility basics."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from balai.accounts.tests.factories import UserFactory
from balai.complaints.models import Complaint, ComplaintFollower
from balai.complaints.services import complaint_dispatch, complaint_respond
from balai.complaints.tests.factories import LAT, LON, filed_complaint, jpeg_upload, staff
from balai.notifications.models import OutboundMessage
from balai.organizations.models import Role
from balai.web.tests.conftest import sign_in_verified
from tests.test_accessibility_basics import assert_accessible

pytestmark = pytest.mark.django_db
FILE = "/pengaduan/baru/"


def _code_from_last_message() -> str:
    body = OutboundMessage.objects.latest("pk").body
    return re.search(r"(?<![-\d])(\d{6})(?!\d)", body).group(1)


def test_step_one_lists_the_categories(world, client):
    response = client.get(FILE)
    assert response.status_code == 200
    assert "Jalan rusak atau berlubang" in response.content.decode()
    assert_accessible(response.content.decode(), "file step 1")


def test_unknown_category_stays_on_step_one(world, client):
    response = client.get(FILE, {"kategori": "<script>"})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_step_two_refuses_a_bad_place(world, client):
    response = client.get(FILE, {"kategori": "JALAN-RUSAK", "lanjut": "1", "lat": "95", "lon": LON})
    html = response.content.decode()
    assert response.status_code == 200 and 'name="lat"' in html and "90" in html
    assert_accessible(html, "file step 2 with errors")
    response = client.get(FILE, {"kategori": "JALAN-RUSAK", "lanjut": "1"})
    assert 'name="description"' not in response.content.decode()  # still on the place step: a place is needed


def test_step_three_shows_open_complaints_nearby(world, client):
    near = filed_complaint(title="Lubang dekat pasar")
    far = filed_complaint(latitude="-6.950000", longitude=LON)  # about 4 km away
    response = client.get(FILE, {"kategori": "JALAN-RUSAK", "lanjut": "1", "lat": LAT, "lon": LON})
    html = response.content.decode()
    assert near.case.number in html and reverse("complaints:follow", args=[near.case.number]) in html
    assert far.case.number not in html
    assert_accessible(html, "file step 3")


def test_signed_in_citizen_files_with_photo(world, client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    citizen = UserFactory(citizen=True, verified=True)
    client.force_login(citizen)
    query = f"?kategori=JALAN-RUSAK&lanjut=1&lat={LAT}&lon={LON}"
    response = client.post(
        FILE + query,
        {
            "kategori": "JALAN-RUSAK",
            "lat": LAT,
            "lon": LON,
            "description": "<b>Lubang</b> besar, hubungi 081234567890",
            "privacy": "public",
            "attribute[hazard]": "ya",
            "photos": [jpeg_upload()],
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == reverse("my_complaints:detail", args=[complaint.case.number])
    assert complaint.photos.count() == 1
    page = client.get(response.url)
    html = page.content.decode()
    assert "&lt;b&gt;Lubang&lt;/b&gt;" in html and "<b>Lubang</b>" not in html
    assert_accessible(html, "reporter detail")
    photo = client.get(reverse("my_complaints:photo", args=[complaint.case.number, complaint.photos.get().pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_bad_details_show_errors_and_store_nothing(world, client):
    client.force_login(UserFactory(citizen=True))
    query = f"?kategori=JALAN-RUSAK&lanjut=1&lat={LAT}&lon={LON}"
    response = client.post(
        FILE + query,
        {"kategori": "JALAN-RUSAK", "lat": LAT, "lon": LON, "description": "x" * 4001, "privacy": "public"},
    )
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert_accessible(response.content.decode(), "file details with errors")
    response = client.post(
        FILE + query,
        {
            "kategori": "JALAN-RUSAK",
            "lat": LAT,
            "lon": LON,
            "description": "ok",
            "privacy": "public",
            "attribute[hazard]": "mungkin",
        },
    )
    assert response.status_code == 200 and not Complaint.objects.exists()


def test_without_account_confirm_by_code_then_reporter_page(world, client):
    query = f"?kategori=JALAN-RUSAK&lanjut=1&lat={LAT}&lon={LON}"
    response = client.post(
        FILE + query,
        {
            "kategori": "JALAN-RUSAK",
            "lat": LAT,
            "lon": LON,
            "description": "Lubang",
            "privacy": "anonymous",
            "attribute[hazard]": "tidak",
            "reporter_email": "rudi@contoh.test",
        },
    )
    complaint = Complaint.objects.get()
    assert response.url == reverse("complaints:confirm", args=[complaint.case.number])
    page = client.get(response.url)
    assert "r••••@contoh.test" in page.content.decode()
    assert_accessible(page.content.decode(), "confirm")
    wrong = client.post(response.url, {"code": "12"})
    assert wrong.status_code == 200
    done = client.post(response.url, {"code": _code_from_last_message()})
    assert done.url == reverse("complaints:tracked", args=[complaint.case.number])
    detail = client.get(done.url)
    assert detail.status_code == 200 and complaint.case.verification_code in detail.content.decode()
    # The reporter is told the tracking code in a message as well.
    assert complaint.case.verification_code in OutboundMessage.objects.latest("pk").body
    # Another browser without the code sees nothing.
    assert Client().get(done.url).status_code == 404


def test_tracking_access_with_number_and_code(world):
    complaint = filed_complaint(actor=staff(world.dpupr, Role.FRONT_OFFICE), channel="counter", reporter_name="Wati")
    client = Client()
    bad = client.post(reverse("complaints:reporter_access"), {"number": complaint.case.number, "code": "XXXXXXXXXX"})
    assert bad.status_code == 400
    assert_accessible(bad.content.decode(), "tracking access")
    good = client.post(
        reverse("complaints:reporter_access"),
        {"number": complaint.case.number, "code": complaint.case.verification_code},
    )
    assert good.url == reverse("complaints:tracked", args=[complaint.case.number])
    reply = client.post(
        reverse("complaints:tracked_action", args=[complaint.case.number, "balas"]), {"balas-body": "Halo"}
    )
    assert reply.status_code == 302
    assert complaint.case.timeline.filter(kind="public_reply", body="Halo").exists()


def test_reporter_cannot_open_someone_elses_complaint(world, client):
    complaint = filed_complaint(category="PUNGLI", latitude=None, longitude=None, attributes={})
    client.force_login(UserFactory(citizen=True))
    assert client.get(reverse("my_complaints:detail", args=[complaint.case.number])).status_code == 404
    assert (
        client.post(
            reverse("my_complaints:action", args=[complaint.case.number, "balas"]), {"balas-body": "x"}
        ).status_code
        == 404
    )


def test_reporter_accepts_and_rates_on_the_page(world, client):
    citizen = UserFactory(citizen=True, verified=True)
    complaint = filed_complaint(reporter=citizen)
    complaint_dispatch(actor=staff(world.coordinator, Role.COMPLAINT_ADMIN), complaint=complaint)
    responder = staff(world.dpupr)
    from balai.complaints.selectors import complaint_for_staff

    complaint_respond(
        actor=responder, complaint=complaint_for_staff(responder, complaint.case.number), response="Sudah"
    )
    client.force_login(citizen)
    page = client.get(reverse("my_complaints:detail", args=[complaint.case.number]))
    assert_accessible(page.content.decode(), "reporter detail responded")
    client.post(reverse("my_complaints:action", args=[complaint.case.number, "terima"]))
    bad = client.post(reverse("my_complaints:action", args=[complaint.case.number, "nilai"]), {"nilai-rating": "9"})
    assert bad.status_code == 400
    client.post(
        reverse("my_complaints:action", args=[complaint.case.number, "nilai"]),
        {"nilai-rating": "4", "nilai-comment": ""},
    )
    complaint.refresh_from_db()
    assert complaint.rating == 4


def test_my_list(world, client):
    citizen = UserFactory(citizen=True)
    filed_complaint(reporter=citizen)
    filed_complaint()
    client.force_login(citizen)
    response = client.get(reverse("my_complaints:list"))
    assert response.content.decode().count('href="/saya/pengaduan/ADU-') == 1
    assert_accessible(response.content.decode(), "my complaints")


def test_follow_with_email_code_and_unfollow_link(world, client):
    complaint = filed_complaint()
    url = reverse("complaints:follow", args=[complaint.case.number])
    assert_accessible(client.get(url).content.decode(), "follow")
    client.post(url, {"email": "tetangga@contoh.test", "email_request": "1"})
    client.post(url, {"email": "tetangga@contoh.test", "code": _code_from_last_message(), "email_confirm": "1"})
    follower = ComplaintFollower.objects.get()
    assert follower.email == "tetangga@contoh.test"
    stop = reverse("complaints:unfollow", args=[follower.unsubscribe_token])
    assert client.get(stop).status_code == 200 and ComplaintFollower.objects.exists()
    client.post(stop)
    assert not ComplaintFollower.objects.exists()


def test_confidential_complaint_cannot_be_followed(world, client):
    complaint = filed_complaint(category="PUNGLI", latitude=None, longitude=None, attributes={})
    assert client.get(reverse("complaints:follow", args=[complaint.case.number])).status_code == 404


def test_staff_list_and_detail_scoped(world, django_assert_max_num_queries):
    coordinator = staff(world.coordinator, Role.COMPLAINT_ADMIN)
    for _ in range(5):
        filed_complaint()
    client = sign_in_verified(Client(), coordinator)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("complaints_staff:list"))
    assert response.content.decode().count('href="/kantor/pengaduan/ADU-') == 5
    assert_accessible(response.content.decode(), "staff list")
    complaint = Complaint.objects.first()
    detail = client.get(reverse("complaints_staff:detail", args=[complaint.case.number]))
    assert_accessible(detail.content.decode(), "staff detail")
    other = sign_in_verified(Client(), staff(world.dishub))
    assert other.get(reverse("complaints_staff:detail", args=[complaint.case.number])).status_code == 404
    assert "ADU-" not in other.get(reverse("complaints_staff:list")).content.decode()


def test_staff_dispatch_and_respond_on_the_page(world):
    complaint = filed_complaint()
    coordinator = sign_in_verified(Client(), staff(world.coordinator, Role.COMPLAINT_ADMIN))
    step = reverse("complaints_staff:step", args=[complaint.case.number, "dispatch"])
    bad = coordinator.post(step, {"dispatch-agency": "NOPE", "version": complaint.case.version})
    assert bad.status_code == 400
    coordinator.post(step, {"dispatch-agency": "DPUPR", "version": complaint.case.version})
    complaint.refresh_from_db()
    assert complaint.case.state.code == "in_progress"
    agency = sign_in_verified(Client(), staff(world.dpupr))
    page = agency.get(reverse("complaints_staff:detail", args=[complaint.case.number]))
    assert_accessible(page.content.decode(), "agency detail")
    empty = agency.post(
        reverse("complaints_staff:step", args=[complaint.case.number, "respond"]), {"respond-response": ""}
    )
    assert empty.status_code == 400
    agency.post(
        reverse("complaints_staff:step", args=[complaint.case.number, "respond"]), {"respond-response": "Ditambal"}
    )
    complaint.refresh_from_db()
    assert complaint.case.state.code == "responded"


def test_anonymous_reporter_is_hidden_from_the_agency(world):
    citizen = UserFactory(citizen=True, full_name="Pelapor Rahasia")
    complaint = filed_complaint(reporter=citizen, privacy="anonymous")
    complaint_dispatch(actor=staff(world.coordinator, Role.COMPLAINT_ADMIN), complaint=complaint)
    agency = sign_in_verified(Client(), staff(world.dpupr, Role.HEAD))
    html = agency.get(reverse("complaints_staff:detail", args=[complaint.case.number])).content.decode()
    assert "Pelapor Rahasia" not in html
    coordinator = sign_in_verified(Client(), staff(world.coordinator, Role.COMPLAINT_ADMIN))
    assert (
        "Pelapor Rahasia"
        in coordinator.get(reverse("complaints_staff:detail", args=[complaint.case.number])).content.decode()
    )


def test_counter_filing_page(world):
    officer = sign_in_verified(Client(), staff(world.dpupr, Role.FRONT_OFFICE))
    url = reverse("complaints_staff:counter")
    assert_accessible(officer.get(url).content.decode(), "counter step 1")
    query = "?kategori=LAYANAN-PUBLIK&lanjut=1"
    form = officer.get(url + query)
    assert_accessible(form.content.decode(), "counter step 3")
    missing = officer.post(
        url + query, {"kategori": "LAYANAN-PUBLIK", "description": "Antre lama", "privacy": "public"}
    )
    assert missing.status_code == 200 and not Complaint.objects.exists()
    done = officer.post(
        url + query,
        {"kategori": "LAYANAN-PUBLIK", "description": "Antre lama", "privacy": "public", "reporter_name": "Ibu Wati"},
    )
    complaint = Complaint.objects.get()
    assert done.url == reverse("complaints_staff:detail", args=[complaint.case.number])
    assert complaint.case.channel == "counter"
    responder = sign_in_verified(Client(), staff(world.dpupr, Role.RESPONDER))
    assert responder.get(url).status_code == 200
    responder.post(
        url + query, {"kategori": "LAYANAN-PUBLIK", "description": "x", "privacy": "public", "reporter_name": "A"}
    )
    assert Complaint.objects.count() == 1  # a responder may not file for someone else


def test_response_template_fills_the_response(world):
    from balai.complaints.models import ResponseTemplate

    template = ResponseTemplate.objects.get(title="Perbaikan dijadwalkan")
    complaint = filed_complaint()
    complaint_dispatch(actor=staff(world.coordinator, Role.COMPLAINT_ADMIN), complaint=complaint)
    agency = sign_in_verified(Client(), staff(world.dpupr))
    url = reverse("complaints_staff:detail", args=[complaint.case.number])
    assert "Perbaikan dijadwalkan" in agency.get(url).content.decode()
    html = agency.get(url, {"template": template.pk}).content.decode()
    assert "Tim DPUPR telah meninjau lokasi" in html
    assert_accessible(html, "staff detail with template")
    other = sign_in_verified(Client(), staff(world.dishub))
    assert other.get(url, {"template": template.pk}).status_code == 404
