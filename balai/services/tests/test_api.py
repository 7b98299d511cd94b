"""The public catalogue API: list with filters and pagination, detail with the form, 404 and 422."""

import pytest

from .factories import ServiceCategoryFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    sipil = ServiceCategoryFactory(code="kependudukan", name="Administrasi Kependudukan")
    izin = ServiceCategoryFactory(code="perizinan", name="Perizinan")
    return {
        "akta": ServiceFactory(code="AKTA-LAHIR", name="Penerbitan Akta Kelahiran", category=sipil),
        "reklame": ServiceFactory(code="REKLAME", name="Izin Reklame", category=izin, fixed_fee=True),
        "hidden": ServiceFactory(code="RAHASIA", name="Izin Rahasia", category=izin, unpublished=True),
    }


def test_list(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/services")
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    codes = {item["code"] for item in body["results"]}
    assert codes == {"AKTA-LAHIR", "REKLAME"}
    reklame = next(item for item in body["results"] if item["code"] == "REKLAME")
    assert reklame["fee"] == {"kind": "fixed", "amount": 100000, "rule": ""}
    assert reklame["category"]["code"] == "perizinan"
    assert reklame["agency"] == catalogue["reklame"].owner.code
    assert reklame["accepts_applications"] is True


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "kelahiran"}, {"AKTA-LAHIR"}),
        ({"q": "perizinan"}, {"REKLAME"}),
        ({"category": "kependudukan"}, {"AKTA-LAHIR"}),
        ({"category": "tidak-ada"}, set()),
        ({"page_size": 1, "page": 3}, set()),
    ],
)
def test_list_filters(client, catalogue, params, expected):
    response = client.get("/api/v1/services", params)
    assert response.status_code == 200
    assert {item["code"] for item in response.json()["results"]} == expected


def test_list_by_agency(client, catalogue):
    body = client.get("/api/v1/services", {"agency": catalogue["akta"].owner.code}).json()
    assert [item["code"] for item in body["results"]] == ["AKTA-LAHIR"]


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 1000}, {"q": "x" * 201}, {"page": "satu"}])
def test_list_bad_query_is_422(client, catalogue, params):
    response = client.get("/api/v1/services", params)
    assert response.status_code == 422
    assert response.json()["error"]["code"]


def test_detail_with_the_current_form(client, catalogue):
    response = client.get("/api/v1/services/AKTA-LAHIR")
    body = response.json()
    assert response.status_code == 200
    assert body["form"]["version"] == 1
    assert body["form"]["workflow"] == "simple"
    assert body["form"]["fields"][0]["code"] == "note"
    assert body["form"]["requirements"][0]["max_mb"] == 5


def test_detail_of_information_service_has_no_form(client):
    ServiceFactory(code="INFO", information=True)
    body = client.get("/api/v1/services/INFO").json()
    assert body["form"] is None and body["accepts_applications"] is False


@pytest.mark.parametrize("code", ["RAHASIA", "TIDAK-ADA", "x" * 100])
def test_detail_unknown_or_unpublished_is_404(client, catalogue, code):
    response = client.get(f"/api/v1/services/{code}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
