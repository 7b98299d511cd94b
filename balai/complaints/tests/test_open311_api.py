"""Open311 GeoReport v2 reads at /open311/v2/: discovery, services, service definitions, requests (list and
one), tokens and FixMyStreet's servicerequestupdates, in XML (parsed with a real parser) and JSON; what never
appears (confidential complaints, unconfirmed ones, any personal field) and the errors of bad arguments."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from balai.complaints.models import Complaint
from balai.complaints.open311.formats import w3_datetime
from balai.complaints.tests.open311_public_setup import dispatch, file_complaint, make_world, respond, xml

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
# The reporter's name, the unmasked parts of what they typed, and every personal field name.
PERSONAL = (
    "Siti",
    "Aminah",
    "siti@",
    "3456-7890",
    "3201010101010001",
    "reporter",
    "email",
    "phone",
    "first_name",
    "account",
)


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def get_json(client, path, **params):
    response = client.get(BASE + path, params)
    assert response["Content-Type"] == "application/json; charset=utf-8", response.content[:200]
    return response, json.loads(response.content)


# --- discovery, services ------------------------------------------------------------------------------


def test_discovery_in_both_formats(client, world):
    root = xml(client.get(BASE + "discovery.xml"))
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.find("specification").text == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.find("url").text == "http://testserver/open311/v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    for name in ("changeset", "contact", "key_service"):
        assert root.find(name).text
    _response, data = get_json(client, "discovery.json")
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_services_list_every_active_category(client, world):
    root = xml(client.get(BASE + "services.xml"))
    services = root.findall("service")
    codes = [s.find("service_code").text for s in services]
    assert codes[:3] == ["001", "002", "003"] and "010" in codes
    road = services[0]
    assert road.find("service_name").text == "Damaged road or pothole"  # Accept-Language: en
    assert road.find("metadata").text == "true"
    assert road.find("type").text == "realtime"
    assert road.find("group").text == "Infrastruktur"
    assert road.find("keywords").text == "jalan, lubang, aspal, rusak"
    light = services[1]
    assert light.find("metadata").text == "false"
    _response, data = get_json(client, "services.json")
    assert data[0]["service_code"] == "001" and data[0]["metadata"] is True


def test_services_follow_the_language(world):
    root = xml(Client(HTTP_ACCEPT_LANGUAGE="id").get(BASE + "services.xml"))
    assert root.find("service/service_name").text == "Jalan rusak atau berlubang"


def test_an_inactive_category_is_not_offered(client, world):
    world.category("DRAINASE").__class__.objects.filter(code="DRAINASE").update(is_active=False)
    codes = [s.find("service_code").text for s in xml(client.get(BASE + "services.xml")).findall("service")]
    assert "003" not in codes
    assert client.get(BASE + "services/003.xml").status_code == 404


def test_service_definition_from_the_category_questions(client, world):
    root = xml(client.get(BASE + "services/001.xml"))
    assert root.tag == "service_definition"
    assert root.find("service_code").text == "001"
    attributes = root.findall("attributes/attribute")
    assert [a.find("code").text for a in attributes] == ["road_class", "hazard"]
    hazard = attributes[1]
    assert hazard.find("variable").text == "true"
    assert hazard.find("datatype").text == "singlevaluelist"
    assert hazard.find("required").text == "true"
    assert hazard.find("order").text == "2"
    assert hazard.find("description").text == "Membahayakan pengendara?"
    # (PostgreSQL's jsonb keeps an object's keys in its own order, so the options are compared as a set.)
    assert {(v.find("key").text, v.find("name").text) for v in hazard.findall("values/value")} == {
        ("ya", "Ya"),
        ("tidak", "Tidak"),
    }
    _response, data = get_json(client, "services/001.json")
    road_class = data["attributes"][0]
    assert road_class["required"] is False
    assert {v["key"] for v in road_class["values"]} == {"kabupaten", "desa", "tidak_tahu"}
    _response, data = get_json(client, "services/002.json")
    assert data == {"service_code": "002", "attributes": []}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_service_code_is_404_in_the_asked_format(client, world, fmt):
    response = client.get(BASE + f"services/777.{fmt}")
    assert response.status_code == 404
    if fmt == "xml":
        error = xml(response).find("error")
        assert error.find("code").text == "404"
        assert "777" in error.find("description").text
    else:
        assert json.loads(response.content)[0]["code"] == 404


def test_unknown_format_and_unknown_resource(client, world):
    response = client.get(BASE + "services.html")
    assert response.status_code == 400
    assert "Unknown format" in xml(response).find("error/description").text
    response = client.get(BASE + "nothing.json")
    assert response.status_code == 404
    assert json.loads(response.content)[0]["code"] == 404
    assert xml(client.get(BASE + "a/b/c")).find("error/code").text == "404"


def test_wrong_jurisdiction_is_404_and_ours_is_accepted(client, world):
    response = client.get(BASE + "services.xml", {"jurisdiction_id": "elsewhere.example"})
    assert response.status_code == 404
    assert "jurisdiction_id" in xml(response).find("error/description").text
    assert client.get(BASE + "services.xml", {"jurisdiction_id": "127.0.0.1"}).status_code == 200


def test_a_wrong_method_is_refused_in_the_format(client, world):
    response = client.post(BASE + "services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert json.loads(response.content)[0]["code"] == 405


# --- requests ---------------------------------------------------------------------------------------------


def test_requests_show_public_complaints_with_the_spec_fields(client, world):
    complaint = dispatch(world, file_complaint(world))
    complaint = respond(world, complaint, "Sudah kami tambal hari ini.")
    root = xml(client.get(BASE + "requests.xml"))
    (request,) = root.findall("request")
    fields = [child.tag for child in request]
    assert fields == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]
    assert request.find("service_request_id").text == complaint.case.number
    assert request.find("status").text == "open"
    assert request.find("status_notes").text == "Responded"
    assert request.find("service_code").text == "001"
    assert request.find("agency_responsible").text == "Dinas Pekerjaan Umum dan Penataan Ruang"
    assert request.find("lat").text == "-6.595" and request.find("long").text == "106.8166"
    assert request.find("address").text == "Jl. Pasar Baru"
    assert request.find("requested_datetime").text == w3_datetime(complaint.created_at)  # Asia/Jakarta, +07:00
    assert request.find("requested_datetime").text.endswith("+07:00")
    # Responded: the government's step is done, the reporter is to react: no expected time.
    assert request.find("expected_datetime").text is None
    assert dt.datetime.fromisoformat(request.find("updated_datetime").text) >= complaint.created_at.replace(
        microsecond=0
    )
    _response, data = get_json(client, "requests.json")
    assert data[0]["service_request_id"] == complaint.case.number
    assert data[0]["lat"] == -6.595 and data[0]["address_id"] is None


def test_never_a_confidential_an_unconfirmed_or_a_personal_field(client, world):
    public = file_complaint(
        world, description="Hubungi saya di 0812-3456-7890 atau siti@contoh.test, NIK 3201010101010001"
    )
    file_complaint(world, privacy="confidential", description="Rahasia sekali")
    file_complaint(
        world, category="PUNGLI", privacy="public", description="Petugas minta uang", attributes={}, address=""
    )
    file_complaint(
        world, actor=None, reporter_email="tamu@contoh.test", reporter_name="Tamu", description="Belum dikonfirmasi"
    )
    anonymous = file_complaint(world, privacy="anonymous", description="Tanpa nama")
    for fmt in ("xml", "json"):
        body = client.get(BASE + f"requests.{fmt}").content.decode()
        assert public.case.number in body and anonymous.case.number in body
        for hidden in ("Rahasia", "Petugas minta", "Belum dikonfirmasi"):
            assert hidden not in body
        for word in PERSONAL:
            assert word not in body, (fmt, word)
    _response, data = get_json(client, "requests.json")
    assert len(data) == 2
    masked = next(item for item in data if item["service_request_id"] == public.case.number)["description"]
    assert "3456-7890" not in masked and "siti@" not in masked and "0101010001" not in masked


def test_expected_time_is_the_current_deadline(client, world):
    waiting = file_complaint(world)
    handled = dispatch(world, file_complaint(world))
    _response, data = get_json(client, "requests.json")
    by_number = {item["service_request_id"]: item for item in data}
    assert by_number[waiting.case.number]["expected_datetime"] == w3_datetime(waiting.verification_due_at)
    assert by_number[handled.case.number]["expected_datetime"] == w3_datetime(handled.response_due_at)


def test_a_closed_request_has_its_closing_time_and_no_expected_time(client, world):
    from balai.complaints.services.reporter import complaint_accept

    complaint = respond(world, dispatch(world, file_complaint(world)), "Selesai diperbaiki.")
    complaint_accept(actor=world.citizen, complaint=complaint)
    complaint.case.refresh_from_db()
    _response, data = get_json(client, f"requests/{complaint.case.number}.json")
    assert data[0]["status"] == "closed"
    assert data[0]["updated_datetime"] == w3_datetime(complaint.case.closed_at)
    assert data[0]["expected_datetime"] is None


def test_one_request_and_its_404s(client, world):
    complaint = file_complaint(world)
    confidential = file_complaint(world, privacy="confidential")
    root = xml(client.get(BASE + f"requests/{complaint.case.number}.xml"))
    assert root.find("request/service_request_id").text == complaint.case.number
    _response, data = get_json(client, f"requests/{complaint.case.number.lower()}.json")
    assert data[0]["service_request_id"] == complaint.case.number
    for number in (confidential.case.number, "ADU-1999-000001", "x"):
        response = client.get(BASE + f"requests/{number}.xml")
        assert response.status_code == 404
        assert xml(response).find("error/code").text == "404"


def test_filters_ids_codes_status_and_dates(client, world):
    road = file_complaint(world)
    light = file_complaint(world, category="LAMPU-JALAN", attributes={})
    old = file_complaint(world, description="Laporan lama")
    Complaint.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=120))

    def numbers(**params):
        return [item["service_request_id"] for item in get_json(client, "requests.json", **params)[1]]

    assert numbers() == [light.case.number, road.case.number]  # newest first, the last 90 days
    assert numbers(service_code="002") == [light.case.number]
    assert numbers(service_code="001,002") == [light.case.number, road.case.number]
    assert numbers(status="closed") == []
    assert numbers(status="open,closed") == [light.case.number, road.case.number]
    # service_request_id overrides every other argument, the date window too.
    assert numbers(service_request_id=f"{old.case.number},{road.case.number}", service_code="002") == [
        road.case.number,
        old.case.number,
    ]
    start = (timezone.now() - dt.timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - dt.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert numbers(start_date=start, end_date=end) == [old.case.number]
    assert numbers(start_date=start) == [old.case.number]  # 90 days from the start


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"start_date": "kemarin"}, "start_date"),
        ({"end_date": "2026-01-01T00:00:00"}, "time zone"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "after end_date"),
        ({"status": "fixed"}, "Unknown status"),
        ({"service_code": "777"}, "777"),
    ],
)
def test_bad_list_arguments_are_400_errors(client, world, params, words):
    for fmt in ("xml", "json"):
        response = client.get(BASE + f"requests.{fmt}", params)
        assert response.status_code == 400
        description = (
            xml(response).find("error/description").text
            if fmt == "xml"
            else json.loads(response.content)[0]["description"]
        )
        assert words in description


def test_at_most_1000_requests(client, world, django_assert_max_num_queries):
    from balai.complaints.open311 import reads

    complaints = [file_complaint(world, description=f"Laporan {n}") for n in range(3)]
    original = reads.MAX_REQUESTS
    try:
        reads.MAX_REQUESTS = 2
        rows, _lookups = reads.request_rows(reads.RequestFilter())
        assert len(rows) == 2
    finally:
        reads.MAX_REQUESTS = original
    assert len(complaints) == 3
    with django_assert_max_num_queries(8):
        response = client.get(BASE + "requests.json")
    assert len(json.loads(response.content)) == 3


def test_requests_list_query_budget_does_not_grow(client, world, django_assert_max_num_queries):
    for n in range(12):
        file_complaint(world, description=f"Laporan {n}")
    client.get(BASE + "requests.xml")  # loads the cached reference (categories, agencies, states)
    # One query for the requests with their first photos; on PostgreSQL also SET LOCAL (no parallel workers)
    # and the savepoint around it.
    with django_assert_max_num_queries(4):
        assert client.get(BASE + "requests.xml").status_code == 200


def test_media_url_points_at_the_public_photo(client, world):
    from balai.complaints.tests.open311_public_setup import jpeg

    complaint = file_complaint(world, photos=[jpeg()])
    _response, data = get_json(client, "requests.json")
    url = data[0]["media_url"]
    photo = complaint.photos.get()
    assert url == f"http://testserver/pengaduan/{complaint.case.number}/foto/{photo.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


# --- tokens and updates -------------------------------------------------------------------------------


def test_token_lookup(client, world):
    complaint = file_complaint(world)
    Complaint.objects.filter(pk=complaint.pk).update(open311_token="tok-abc")
    root = xml(client.get(BASE + "tokens/tok-abc.xml"))
    assert root.find("request/service_request_id").text == complaint.case.number
    assert root.find("request/token").text == "tok-abc"
    response = client.get(BASE + "tokens/unknown.json")
    assert response.status_code == 404 and json.loads(response.content)[0]["code"] == 404


def test_a_token_of_a_hidden_request_gives_no_id(client, world):
    hidden = file_complaint(world, privacy="confidential")
    Complaint.objects.filter(pk=hidden.pk).update(open311_token="tok-hidden")
    _response, data = get_json(client, "tokens/tok-hidden.json")
    assert data == [{"service_request_id": None, "token": "tok-hidden"}]


def test_service_request_updates(client, world):
    complaint = dispatch(world, file_complaint(world))
    respond(world, complaint, "Sudah diperbaiki. Info: 0812-9999-8888")
    hidden = dispatch(world, file_complaint(world, privacy="confidential"))
    respond(world, hidden, "Rahasia ditanggapi")
    root = xml(client.get(BASE + "servicerequestupdates.xml"))
    assert root.tag == "service_request_updates"
    updates = root.findall("request_update")
    assert {u.find("service_request_id").text for u in updates} == {complaint.case.number}
    fields = [child.tag for child in updates[0]]
    assert fields == ["update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"]
    texts = [u.find("description").text for u in updates]
    assert any("Sudah diperbaiki" in (t or "") for t in texts)
    assert not any("9999-8888" in (t or "") for t in texts)
    assert all(u.find("updated_datetime").text.endswith("+07:00") for u in updates)
    _response, data = get_json(client, "servicerequestupdates.json", start_date="2020-01-01T00:00:00Z")
    assert data == []  # the window 2020-01-01 + 90 days has none
    response = client.get(BASE + "servicerequestupdates.json", {"end_date": "nope"})
    assert response.status_code == 400
