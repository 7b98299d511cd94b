"""The public directory through the API: active organizations only, no sign-in, JSON 404 for unknown codes."""

from __future__ import annotations

import pytest
from django.test import Client

from balai.api.tests.test_auth import assert_error
from balai.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_list_shows_active_organizations_without_sign_in():
    parent = OrganizationFactory(code="DINKES", name="Dinas Kesehatan", name_en="Health Office")
    OrganizationFactory(code="PKM1", name="Puskesmas Satu", parent=parent, kind="bagian")
    OrganizationFactory(code="TUTUP", name="Dinas Lama", inactive=True)
    body = Client().get("/api/v1/organizations").json()
    assert body["count"] == 2
    by_code = {org["code"]: org for org in body["results"]}
    assert set(by_code) == {"DINKES", "PKM1"}
    assert by_code["PKM1"]["parent"] == "DINKES"
    assert by_code["DINKES"]["parent"] is None
    assert by_code["DINKES"]["name_en"] == "Health Office"
    assert set(by_code["DINKES"]) == {
        "code",
        "name",
        "name_en",
        "kind",
        "parent",
        "address",
        "phone",
        "email",
        "website",
        "opening_hours",
    }


def test_list_filters_by_kind_and_name():
    OrganizationFactory(code="DINKES", name="Dinas Kesehatan", kind="dinas")
    OrganizationFactory(code="BAPPEDA", name="Badan Perencanaan", kind="badan")
    assert [o["code"] for o in Client().get("/api/v1/organizations?kind=badan").json()["results"]] == ["BAPPEDA"]
    assert [o["code"] for o in Client().get("/api/v1/organizations?q=kesehatan").json()["results"]] == ["DINKES"]


def test_list_paginates():
    for n in range(5):
        OrganizationFactory(code=f"OPD{n}", name=f"Dinas {n}")
    body = Client().get("/api/v1/organizations?page=2&page_size=2").json()
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (5, 2, 2, 3)
    assert [o["code"] for o in body["results"]] == ["OPD2", "OPD3"]
    assert Client().get("/api/v1/organizations?page=9&page_size=2").json()["results"] == []


def test_list_query_budget(django_assert_max_num_queries):
    parents = [OrganizationFactory(code=f"P{n}") for n in range(5)]
    for n, parent in enumerate(parents):
        OrganizationFactory(code=f"U{n}", parent=parent)
    with django_assert_max_num_queries(3):
        response = Client().get("/api/v1/organizations")
    assert response.json()["count"] == 10


def test_detail_by_code_any_case():
    OrganizationFactory(code="DINKES", name="Dinas Kesehatan", website="https://dinkes.contoh.go.id")
    body = Client().get("/api/v1/organizations/dinkes").json()
    assert body["code"] == "DINKES"
    assert body["website"] == "https://dinkes.contoh.go.id"


@pytest.mark.parametrize("code", ["NOPE", "TUTUP", "x" * 300, "%3Cb%3E"])
def test_unknown_or_inactive_code_gets_json_404(code):
    OrganizationFactory(code="TUTUP", inactive=True)
    assert_error(Client().get(f"/api/v1/organizations/{code}"), 404, "not_found")


def test_bad_filters_get_422():
    error = assert_error(Client().get("/api/v1/organizations?q=" + "x" * 101), 422, "validation_failed")
    assert list(error["fields"]) == ["q"]


def test_hostile_search_text_finds_nothing_and_is_not_echoed():
    OrganizationFactory(code="DINKES", name="Dinas Kesehatan")
    response = Client().get("/api/v1/organizations", {"q": "<script>alert(1)</script>' OR 1=1 --"})
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert "<script>" not in response.content.decode()
