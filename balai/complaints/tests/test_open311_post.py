"""POST requests.{xml,json}: an application with an ``open311`` API key files a complaint; every bad request
(key, service code, location, attributes, description, photos, format) is the spec's error list with 400, 403
or 404, in the asked format, and stores nothing."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from balai.api.models import ApiKey
from balai.api.services import api_key_create, api_key_revoke
from balai.cases.models import Case
from balai.complaints.models import Complaint, ComplaintCategory, ComplaintPhoto
from balai.complaints.tests.open311_public_setup import jpeg, make_world, xml

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def form(world, **overrides):
    data = {
        "api_key": world.api_key,
        "service_code": "001",
        "lat": "-6.5950",
        "long": "106.8166",
        "address_string": "Jl. Pasar Baru No. 3",
        "description": "Lubang besar di tengah jalan.",
        "attribute[hazard]": "ya",
        "attribute[road_class]": "kabupaten",
        "email": "pelapor@contoh.test",
        "first_name": "Budi",
        "last_name": "Santoso",
        "device_id": "abc-123",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def counts():
    return Case.objects.count(), Complaint.objects.count(), ComplaintPhoto.objects.count()


def error_descriptions(response, fmt):
    if fmt == "xml":
        return [(e.find("code").text, e.find("description").text) for e in xml(response).findall("error")]
    return [(str(e["code"]), e["description"]) for e in json.loads(response.content)]


def test_a_complaint_is_filed_and_its_id_returned(client, world):
    response = client.post(f"{URL}.xml", form(world))
    assert response.status_code == 200, response.content
    request = xml(response).find("request")
    number = request.find("service_request_id").text
    assert request.find("token") is None  # never both
    assert "working days" in request.find("service_notice").text
    assert request.find("account_id").text is None
    complaint = Complaint.objects.select_related("case", "category").get(case__number=number)
    assert complaint.case.channel == "open311"
    assert complaint.category.code == "JALAN-RUSAK"
    assert complaint.attributes == {"hazard": "ya", "road_class": "kabupaten"}
    assert str(complaint.latitude) == "-6.595000" and complaint.address == "Jl. Pasar Baru No. 3"
    assert complaint.is_published and complaint.open311_token
    assert complaint.case.applicant == world.app_owner
    # The token answers with the same id, and the request is readable at once.
    token = client.get(f"/open311/v2/tokens/{complaint.open311_token}.json")
    assert json.loads(token.content)[0]["service_request_id"] == number
    assert json.loads(client.get(f"/open311/v2/requests/{number}.json").content)[0]["service_code"] == "001"


def test_json_answer_and_address_only(client, world):
    response = client.post(f"{URL}.json", form(world, lat=None, long=None, address_string="Depan Puskesmas Cibadak"))
    assert response.status_code == 200
    (item,) = json.loads(response.content)
    assert item["service_request_id"].startswith("ADU-")
    assert Complaint.objects.get(case__number=item["service_request_id"]).latitude is None


def test_a_forced_confidential_category_returns_a_token_and_never_appears(client, world):
    data = form(world, service_code="010", description="Diminta uang di loket.", privacy="public")
    data = {k: v for k, v in data.items() if not k.startswith("attribute")}
    response = client.post(f"{URL}.json", data)
    assert response.status_code == 200, response.content
    (item,) = json.loads(response.content)
    assert "service_request_id" not in item and item["token"]
    complaint = Complaint.objects.get(open311_token=item["token"])
    assert complaint.privacy == "confidential"
    lookup = json.loads(client.get(f"/open311/v2/tokens/{item['token']}.json").content)
    assert lookup == [{"service_request_id": None, "token": item["token"]}]
    assert complaint.case.number not in client.get("/open311/v2/requests.xml").content.decode()


def test_anonymous_privacy_is_kept(client, world):
    response = client.post(f"{URL}.json", form(world, privacy="anonymous"))
    number = json.loads(response.content)[0]["service_request_id"]
    assert Complaint.objects.get(case__number=number).privacy == "anonymous"


def test_a_multivaluelist_attribute(client, world):
    ComplaintCategory.objects.filter(code="SAMPAH").update(
        attributes=[
            {
                "code": "kinds",
                "description": "Jenis sampah",
                "datatype": "multivaluelist",
                "required": True,
                "values": {"organik": "Organik", "plastik": "Plastik", "b3": "B3"},
            }
        ]
    )
    data = form(world, service_code="004")
    data = {k: v for k, v in data.items() if not k.startswith("attribute")}
    data["attribute[kinds][]"] = ["organik", "plastik"]
    response = client.post(f"{URL}.json", data)
    assert response.status_code == 200, response.content
    number = json.loads(response.content)[0]["service_request_id"]
    assert Complaint.objects.get(case__number=number).attributes == {"kinds": ["organik", "plastik"]}


def test_photos_sent_as_media(client, world):
    data = form(world)
    data["media"] = [jpeg("a.jpg"), jpeg("b.jpg")]
    response = client.post(f"{URL}.json", data)
    assert response.status_code == 200, response.content
    number = json.loads(response.content)[0]["service_request_id"]
    assert ComplaintPhoto.objects.filter(complaint__case__number=number).count() == 2


def test_html_and_script_are_stored_as_text_and_escaped_on_output(client, world):
    hostile = "<script>alert('x')</script><b>tebal</b> & \"kutip\""
    response = client.post(f"{URL}.xml", form(world, description=hostile))
    number = xml(response).find("request/service_request_id").text
    assert Complaint.objects.get(case__number=number).description == hostile
    body = client.get(f"/open311/v2/requests/{number}.xml")
    assert b"<script>" not in body.content
    assert xml(body).find("request/description").text == hostile
    page = client.get(f"/pengaduan/{number}/")
    assert b"<script>alert" not in page.content and b"&lt;script&gt;" in page.content


# --- refusals: nothing stored ----------------------------------------------------------------------------


def _revoked(world):
    key = ApiKey.objects.get(owner=world.app_owner)
    api_key_revoke(actor=None, api_key=key)
    return world.api_key


def _without_scope(world):
    _key, clear = api_key_create(actor=None, owner=world.app_owner, name="Baca saja", scopes=[])
    return clear


KEY_CASES = {
    "missing": lambda world: None,
    "malformed": lambda world: "not-a-key",
    "wrong secret": lambda world: world.api_key[:-4] + "AAAA",
    "revoked": _revoked,
    "without the open311 scope": _without_scope,
}


@pytest.mark.parametrize("case", list(KEY_CASES))
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_api_keys_are_403(client, world, case, fmt):
    before = counts()
    key = KEY_CASES[case](world)
    response = client.post(f"{URL}.{fmt}", form(world, api_key=key))
    assert response.status_code == 403
    ((code, description),) = error_descriptions(response, fmt)
    assert code == "403" and "api_key" in description
    assert counts() == before


BAD_INPUT = [
    ({"service_code": None}, 400, "service_code was not provided"),
    ({"service_code": "777"}, 404, "service_code 777 was not found"),
    ({"lat": None, "long": None, "address_string": None}, 400, "A location is required"),
    ({"lat": "-6.5", "long": None}, 400, "lat and long together"),
    ({"lat": "-91"}, 400, "lat must be between -90 and 90"),
    ({"long": "200.5"}, 400, "long must be between -180 and 180"),
    ({"lat": "utara"}, 400, "lat must be a number"),
    ({"attribute[hazard]": None}, 400, "attribute[hazard]: Answer this question."),
    ({"attribute[hazard]": "mungkin"}, 400, "attribute[hazard]"),
    ({"attribute[colour]": "red"}, 400, "attribute[colour]: This category has no such question."),
    ({"description": "x" * 4001}, 400, "at most 4000 characters"),
    ({"description": "   "}, 400, "description"),
    ({"privacy": "secret"}, 400, "privacy must be one of"),
    ({"email": "bukan-email"}, 400, "email: Enter a valid e-mail address."),
    ({"first_name": "B" * 101}, 400, "first_name and last_name"),
    ({"jurisdiction_id": "kota-lain.example"}, 404, "jurisdiction_id"),
]


@pytest.mark.parametrize(("overrides", "status", "words"), BAD_INPUT)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_input_is_refused_and_nothing_stored(client, world, overrides, status, words, fmt):
    before = counts()
    response = client.post(f"{URL}.{fmt}", form(world, **overrides))
    assert response.status_code == status, response.content
    descriptions = " | ".join(description for _code, description in error_descriptions(response, fmt))
    assert words in descriptions
    assert counts() == before


def test_several_problems_are_listed_together(client, world):
    response = client.post(f"{URL}.xml", form(world, **{"attribute[hazard]": "mungkin", "email": "x"}))
    assert response.status_code == 400
    assert len(xml(response).findall("error")) == 2


def test_fake_and_oversized_photos_are_refused(client, world, settings):
    before = counts()
    data = form(world)
    data["media"] = SimpleUploadedFile("foto.jpg", b"this is not an image" * 10, content_type="image/jpeg")
    response = client.post(f"{URL}.json", data)
    assert response.status_code == 400
    assert "media:" in json.loads(response.content)[0]["description"]
    data["media"] = [jpeg(f"{n}.jpg") for n in range(6)]
    response = client.post(f"{URL}.json", data)
    assert response.status_code == 400
    assert counts() == before


def test_a_json_body_is_refused(client, world):
    response = client.post(f"{URL}.json", json.dumps(form(world)), content_type="application/json")
    assert response.status_code == 400
    assert "x-www-form-urlencoded" in json.loads(response.content)[0]["description"]


def test_a_body_over_the_limit_is_400_not_500(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = counts()
    response = client.post(f"{URL}.xml", form(world, description="y" * 20_000))
    assert response.status_code == 400
    assert xml(response).find("error/code").text == "400"
    assert counts() == before


def test_post_needs_no_csrf_token(world):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"{URL}.json", form(world)).status_code == 200


# --- POST servicerequestupdates (FixMyStreet) ---------------------------------------------------------

UPDATES = "/open311/v2/servicerequestupdates"


def _filed(client, world) -> str:
    response = client.post(f"{URL}.json", form(world))
    return json.loads(response.content)[0]["service_request_id"]


def test_an_application_adds_its_users_message_to_its_request(client, world):
    from balai.cases.models import TimelineEntry

    number = _filed(client, world)
    response = client.post(
        f"{UPDATES}.xml",
        {
            "api_key": world.api_key,
            "service_request_id": number,
            "description": "Lubangnya makin besar.",
            "status": "OPEN",
        },
    )
    assert response.status_code == 200, response.content
    update_id = xml(response).find("request_update/update_id").text
    entry = TimelineEntry.objects.get(pk=update_id)
    assert entry.body == "Lubangnya makin besar." and entry.case.number == number
    assert entry.actor == world.app_owner
    # The reporter's own words are not published as an update.
    listed = client.get(f"{UPDATES}.json").content.decode()
    assert "makin besar" not in listed


def test_updates_to_someone_elses_request_are_404(client, world):
    from balai.cases.models import TimelineEntry
    from balai.complaints.tests.open311_public_setup import file_complaint

    other = file_complaint(world)  # filed on the web by a citizen
    before = TimelineEntry.objects.count()
    response = client.post(
        f"{UPDATES}.json", {"api_key": world.api_key, "service_request_id": other.case.number, "description": "Hai"}
    )
    assert response.status_code == 404
    assert TimelineEntry.objects.count() == before


@pytest.mark.parametrize(
    ("data", "status", "words"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"service_request_id": None}, 400, "service_request_id was not provided"),
        ({"description": "  "}, 400, "description was not provided"),
        ({"description": "z" * 4001}, 400, "at most 4000 characters"),
    ],
)
def test_bad_updates_are_refused(client, world, data, status, words):
    from balai.cases.models import TimelineEntry

    number = _filed(client, world)
    before = TimelineEntry.objects.count()
    values = {"api_key": world.api_key, "service_request_id": number, "description": "Masih rusak."}
    values.update(data)
    response = client.post(f"{UPDATES}.json", {k: v for k, v in values.items() if v is not None})
    assert response.status_code == status
    assert words in json.loads(response.content)[0]["description"]
    assert TimelineEntry.objects.count() == before


def test_no_update_on_a_closed_request(client, world):
    from balai.complaints.services.handling import complaint_reject

    number = _filed(client, world)
    complaint_reject(
        actor=world.coordinator_staff,
        complaint=Complaint.objects.get(case__number=number),
        reason="Bukan kewenangan kabupaten.",
    )
    response = client.post(
        f"{UPDATES}.xml", {"api_key": world.api_key, "service_request_id": number, "description": "Kenapa ditolak?"}
    )
    assert response.status_code == 400
    assert xml(response).find("error/code").text == "400"
