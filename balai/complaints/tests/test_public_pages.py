"""The public complaint pages: /pengaduan/ (list and filters), /pengaduan/peta/ (SVG map over configured
tiles, a list of coordinates without), /pengaduan/<number>/ (public timeline, photos) and its photos. What
must never show: confidential or unconfirmed complaints, a reporter's contact, unmasked personal data,
internal notes, markup from the text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from balai.complaints.models import Complaint, ComplaintPhoto, ComplaintSettings
from balai.complaints.public import listing
from balai.complaints.tests.open311_public_setup import dispatch, file_complaint, jpeg, make_world, respond
from balai.organizations.tests.factories import DistrictFactory
from tests.test_accessibility_basics import assert_accessible

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def client():
    client = Client()
    client.cookies["balai_language"] = "en"  # pages follow the language cookie (decision 0005)
    return client


def text_of(response) -> str:
    return response.content.decode()


# --- the list -----------------------------------------------------------------------------------------


def test_the_list_shows_public_complaints_newest_first(client, world):
    first = file_complaint(world, title="Jalan berlubang di Pasar")
    second = file_complaint(world, category="LAMPU-JALAN", attributes={}, title="Lampu mati")
    response = client.get("/pengaduan/")
    assert response.status_code == 200
    html = text_of(response)
    assert html.index(second.case.number) < html.index(first.case.number)
    assert "Jalan berlubang di Pasar" in html and "Street light out" in html
    assert_accessible(html, "/pengaduan/")


def test_the_list_hides_what_is_not_public(client, world):
    file_complaint(world, privacy="confidential", title="Rahasia di kantor")
    file_complaint(world, category="PUNGLI", attributes={}, title="Pungli loket", address="Loket 3")
    file_complaint(world, actor=None, reporter_email="tamu@contoh.test", title="Belum dikonfirmasi")
    shown = file_complaint(world, privacy="anonymous", title="Tanpa nama")
    html = text_of(client.get("/pengaduan/"))
    assert shown.case.number in html
    for hidden in ("Rahasia di kantor", "Pungli loket", "Belum dikonfirmasi", "tamu@contoh.test"):
        assert hidden not in html


def test_personal_data_is_masked_and_markup_escaped(client, world):
    complaint = file_complaint(
        world,
        title="<b>Tebal</b> 0812-3456-7890",
        description="<script>alert(1)</script> Hubungi 0812-3456-7890, siti@contoh.test, NIK 3201010101010001",
    )
    for path in ("/pengaduan/", f"/pengaduan/{complaint.case.number}/"):
        html = text_of(client.get(path))
        assert "<script>alert" not in html and "<b>Tebal" not in html
        assert "&lt;b&gt;Tebal&lt;/b&gt;" in html
        assert "3456-7890" not in html and "siti@contoh.test" not in html and "3201010101010001" not in html


def test_filters(client, world):
    district = DistrictFactory(code="99.01.01", name="Kota Lama")
    road = file_complaint(world, district=district)
    light = file_complaint(world, category="LAMPU-JALAN", attributes={})
    old = file_complaint(world, title="Laporan lama")
    Complaint.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=45))
    dispatch(world, road)

    def numbers(**params):
        html = text_of(client.get("/pengaduan/", params))
        return {c.case.number for c in (road, light, old) if c.case.number in html}

    assert numbers() == {road.case.number, light.case.number, old.case.number}
    assert numbers(category="LAMPU-JALAN") == {light.case.number}
    assert numbers(agency="DPUPR") == {road.case.number}  # dispatched there; the others wait at the coordinator
    assert numbers(district="99.01.01") == {road.case.number}
    assert numbers(state="in_progress") == {road.case.number}
    assert numbers(state="verification") == {light.case.number, old.case.number}
    assert numbers(period="30") == {road.case.number, light.case.number}
    assert numbers(period="90") == {road.case.number, light.case.number, old.case.number}


@pytest.mark.parametrize("params", [{"category": "NOPE"}, {"state": "contact_check"}, {"period": "2"}])
def test_unknown_filter_values_are_a_form_error(client, world, params):
    response = client.get("/pengaduan/", params)
    assert response.status_code == 400
    assert "Choose one of the options in the list." in text_of(response)


def test_pages_without_a_total_count(client, world, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    made = [file_complaint(world, title=f"Laporan {n}") for n in range(5)]
    first = text_of(client.get("/pengaduan/"))
    assert made[4].case.number in first and made[3].case.number in first and made[2].case.number not in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = text_of(client.get("/pengaduan/", {"page": "3"}))
    assert made[0].case.number in last and 'rel="next"' not in last and 'rel="prev"' in last
    for junk in ("0", "-1", "abc", "9" * 12):
        assert client.get("/pengaduan/", {"page": junk}).status_code == 200


def test_list_query_budget(client, world, django_assert_max_num_queries):
    for n in range(25):
        file_complaint(world, title=f"Laporan {n}")
    with django_assert_max_num_queries(5):  # the cached reference of categories, agencies, districts, states
        assert client.get("/pengaduan/").status_code == 200
    with django_assert_max_num_queries(1):  # then one query per page, filtered or not
        assert client.get("/pengaduan/", {"category": "JALAN-RUSAK", "page": "2"}).status_code == 200


def test_a_renamed_agency_shows_at_once(client, world):
    complaint = dispatch(world, file_complaint(world))
    assert "Dinas Pekerjaan Umum" in text_of(client.get("/pengaduan/"))
    agency = world.agencies["DPUPR"]
    agency.name = "Dinas PUPR Baru"
    agency.save()
    html = text_of(client.get("/pengaduan/"))
    assert "Dinas PUPR Baru" in html and complaint.case.number in html


# --- one complaint ------------------------------------------------------------------------------------


def test_detail_shows_the_public_timeline_and_no_contact(client, world):
    complaint = dispatch(world, file_complaint(world, title="Jalan ambles"))
    from balai.complaints.services.handling import complaint_add_note

    complaint_add_note(
        actor=world.officers["DPUPR"], complaint=complaint, body="Catatan internal rahasia", is_public=False
    )
    complaint = respond(world, complaint, "Sudah kami tambal. Hubungi 0812-1111-2222.")
    response = client.get(f"/pengaduan/{complaint.case.number}/")
    assert response.status_code == 200
    html = text_of(response)
    assert "Jalan ambles" in html and "Dinas Pekerjaan Umum" in html
    assert "Sudah kami tambal" in html and "1111-2222" not in html
    assert "Catatan internal rahasia" not in html
    assert world.citizen.email not in html and "Siti Aminah Lestari" not in html
    assert "Siti L." in html  # a public complaint shows a shortened name
    assert "Being handled" in html or "Responded" in html
    assert f"/pengaduan/{complaint.case.number}/ikuti/" in html
    assert_accessible(html, "/pengaduan/<number>/")


def test_an_anonymous_complaint_shows_no_name(client, world):
    complaint = file_complaint(world, privacy="anonymous")
    html = text_of(client.get(f"/pengaduan/{complaint.case.number}/"))
    assert "Anonymous reporter" in html and "Siti" not in html


@pytest.mark.parametrize("signed_in", [False, True])
def test_hidden_and_unknown_complaints_are_404(world, signed_in):
    from balai.accounts.tests.factories import UserFactory

    client = Client()
    if signed_in:  # another citizen, even signed in, never reads someone's confidential complaint here
        client.force_login(UserFactory(verified=True))
    confidential = file_complaint(world, privacy="confidential")
    unconfirmed = file_complaint(world, actor=None, reporter_email="tamu@contoh.test")
    for number in (confidential.case.number, unconfirmed.case.number, "ADU-1999-000001"):
        assert client.get(f"/pengaduan/{number}/").status_code == 404


def test_photos_public_and_not(client, world):
    complaint = file_complaint(world, photos=[jpeg("a.jpg"), jpeg("b.jpg")])
    shown, hidden = complaint.photos.order_by("pk")
    ComplaintPhoto.objects.filter(pk=hidden.pk).update(is_public=False)
    html = text_of(client.get(f"/pengaduan/{complaint.case.number}/"))
    assert f"/foto/{shown.pk}/" in html and f"/foto/{hidden.pk}/" not in html
    response = client.get(f"/pengaduan/{complaint.case.number}/foto/{shown.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"Exif" not in b"".join(response.streaming_content)
    assert client.get(f"/pengaduan/{complaint.case.number}/foto/{hidden.pk}/").status_code == 404
    other = file_complaint(world)
    assert client.get(f"/pengaduan/{other.case.number}/foto/{shown.pk}/").status_code == 404
    secret = file_complaint(world, privacy="confidential", photos=[jpeg()])
    photo = secret.photos.get()
    assert client.get(f"/pengaduan/{secret.case.number}/foto/{photo.pk}/").status_code == 404


def test_the_filing_form_still_resolves_beside_the_public_pages(client, world):
    from django.urls import resolve

    assert resolve("/pengaduan/baru/").url_name == "file"
    assert resolve("/pengaduan/ADU-2026-000001/").url_name == "detail"
    assert resolve("/pengaduan/ADU-2026-000001/ikuti/").url_name == "follow"


# --- the map --------------------------------------------------------------------------------------------


def test_without_tiles_the_map_is_a_list_of_coordinates(client, world):
    complaint = file_complaint(world)
    file_complaint(world, category="LAYANAN-PUBLIK", attributes={}, latitude=None, longitude=None, address="Kantor")
    response = client.get("/pengaduan/peta/")
    html = text_of(response)
    assert response.status_code == 200
    assert "<svg" not in html
    assert "No map is set up" in html
    assert complaint.case.number in html
    assert "-6.595000" in html and "106.816600" in html
    assert 'href="geo:-6.595,106.8166"' in html
    assert html.count('href="geo:') == 1  # the complaint without a point is not listed
    assert_accessible(html, "/pengaduan/peta/")


def test_with_tiles_the_map_is_drawn_and_the_tile_host_allowed(client, world):
    ComplaintSettings.objects.update(map_tile_url="https://{s}.tiles.example/{z}/{x}/{y}.png")
    file_complaint(world)
    file_complaint(world, latitude="-6.600000", longitude="106.820000")
    response = client.get("/pengaduan/peta/")
    html = text_of(response)
    assert "<svg" in html and html.count("<circle") == 2
    tiles = re.findall(r'<image href="https://[abc]\.tiles\.example/(\d+)/(\d+)/(\d+)\.png"', html)
    assert tiles and all(int(z) <= 17 for z, _x, _y in tiles)
    assert "https://*.tiles.example" in response["Content-Security-Policy"]
    assert "-6.600000" in html  # the list stays under the map
    assert_accessible(html, "/pengaduan/peta/ (tiles)")
    detail = client.get(f"/pengaduan/{Complaint.objects.order_by('pk').first().case.number}/")
    assert "<svg" in text_of(detail) and "https://*.tiles.example" in detail["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)//{z}/{x}/{y}", "https://tiles.example/static.png", "ftp://x/{z}/{x}/{y}"]
)
def test_an_unusable_tile_url_degrades_to_the_list(client, world, url):
    ComplaintSettings.objects.update(map_tile_url=url)
    file_complaint(world)
    html = text_of(client.get("/pengaduan/peta/"))
    assert "<svg" not in html and "javascript:" not in html and "Open in a map app" in html


# --- every page, in both languages -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_public_page_opens_and_meets_the_basics(world, language):
    ComplaintSettings.objects.update(map_tile_url="https://tiles.example/{z}/{x}/{y}.png")
    complaint = respond(world, dispatch(world, file_complaint(world, photos=[jpeg()])), "Sudah ditangani.")
    client = Client()
    client.cookies["balai_language"] = language
    for path in (
        "/pengaduan/",
        "/pengaduan/peta/",
        f"/pengaduan/{complaint.case.number}/",
        "/pengaduan/statistik/",
        "/open311/v2/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        html = text_of(response)
        assert f'<html lang="{language}">' in html
        assert html.count("<h1") == 1, path
        assert_accessible(html, f"{path} [{language}]")
