"""The public directory of agencies at /instansi/."""

import pytest
from django.urls import reverse

from .factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies():
    setda = OrganizationFactory(code="SETDA", name="Sekretariat Daerah", kind="sekretariat")
    pbj = OrganizationFactory(code="SETDA-PBJ", name="Bagian Pengadaan", kind="bagian", parent=setda)
    disduk = OrganizationFactory(
        code="DISDUKCAPIL",
        name="Dinas Kependudukan dan Pencatatan Sipil",
        name_en="Population and Civil Registration",
        kind="dinas",
        phone="(0263) 123456",
        email="disdukcapil@contoh.example",
        website="https://disdukcapil.contoh.example",
        opening_hours="Senin–Jumat 08.00–15.00",
        address="Jl. Merdeka No. 1",
    )
    closed = OrganizationFactory(code="TUTUP", name="Dinas Yang Ditutup", inactive=True)
    return {"setda": setda, "pbj": pbj, "disduk": disduk, "closed": closed}


def test_directory_lists_active_agencies_grouped_by_kind(client, agencies, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("organizations:directory"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sekretariat Daerah" in html and "Bagian Pengadaan" in html
    assert "Dinas Kependudukan dan Pencatatan Sipil" in html
    assert "Dinas Yang Ditutup" not in html
    assert html.index("Sekretariat Daerah") < html.index("Dinas Kependudukan")  # kinds in their order
    assert reverse("organizations:detail", args=["DISDUKCAPIL"]) in html


def test_directory_query_budget_does_not_grow_with_agencies(client, django_assert_max_num_queries):
    parent = OrganizationFactory()
    for _ in range(40):
        OrganizationFactory(parent=parent)
    with django_assert_max_num_queries(2):
        assert client.get(reverse("organizations:directory")).status_code == 200


def test_search_by_name_and_english_name(client, agencies):
    response = client.get(reverse("organizations:directory"), {"q": "kependudukan"})
    html = response.content.decode()
    assert "Dinas Kependudukan" in html and "Sekretariat Daerah" not in html
    response = client.get(reverse("organizations:directory"), {"q": "civil registration"})
    assert "Dinas Kependudukan" in response.content.decode()


def test_search_without_result_says_so(client, agencies):
    client.cookies["balai_language"] = "en"
    response = client.get(reverse("organizations:directory"), {"q": "tidak ada"})
    assert response.status_code == 200
    assert "No agency matches your search" in response.content.decode()


def test_overlong_search_gets_a_clear_message(client, agencies):
    client.cookies["balai_language"] = "en"
    response = client.get(reverse("organizations:directory"), {"q": "x" * 101})
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 100 characters" in html
    assert "Sekretariat Daerah" not in html


def test_hostile_search_is_escaped(client, agencies):
    response = client.get(reverse("organizations:directory"), {"q": "<script>alert(1)</script>"})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_detail_shows_contacts_and_units(client, agencies, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("organizations:detail", args=["SETDA"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bagian Pengadaan" in html and reverse("organizations:detail", args=["SETDA-PBJ"]) in html
    response = client.get(reverse("organizations:detail", args=["DISDUKCAPIL"]))
    html = response.content.decode()
    for text in ("(0263) 123456", "mailto:disdukcapil@contoh.example", "https://disdukcapil.contoh.example",
                 "Senin–Jumat 08.00–15.00", "Jl. Merdeka No. 1"):  # fmt: skip
        assert text in html


def test_detail_code_is_case_insensitive_and_unit_links_parent(client, agencies):
    response = client.get(reverse("organizations:detail", args=["setda-pbj"]))
    assert response.status_code == 200
    assert reverse("organizations:detail", args=["SETDA"]) in response.content.decode()


def test_detail_in_english_uses_the_english_name(client, agencies):
    client.cookies["balai_language"] = "en"
    response = client.get(reverse("organizations:detail", args=["DISDUKCAPIL"]))
    assert "<h1>Population and Civil Registration</h1>" in response.content.decode()


@pytest.mark.parametrize("code", ["TUTUP", "NOPE", "x" * 40, "%3Cscript%3E"])
def test_inactive_or_unknown_agency_is_404(client, agencies, code):
    assert client.get(f"/instansi/{code}/").status_code == 404


def test_post_is_not_allowed(client, agencies):
    assert client.post(reverse("organizations:directory")).status_code == 405


@pytest.mark.parametrize(
    ("language", "heading", "units"), [("id", "Instansi pemerintah", "Unit"), ("en", "Government agencies", "Units")]
)
def test_pages_render_in_both_languages(client, agencies, language, heading, units):
    client.cookies["balai_language"] = language
    response = client.get(reverse("organizations:directory"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'lang="{language}"' in html and f"<h1>{heading}</h1>" in html
    client.cookies["balai_language"] = language
    response = client.get(reverse("organizations:detail", args=["SETDA"]))
    assert f"<h2>{units}</h2>" in response.content.decode()
