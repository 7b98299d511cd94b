"""The public catalogue pages, in both languages, with filters, search, empty state and query budgets."""

import pytest
from django.urls import reverse

from balai.services.models import FeeRuleConfig

from .factories import ServiceCategoryFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    sipil = ServiceCategoryFactory(code="kependudukan", name="Administrasi Kependudukan", name_en="Civil registration")
    izin = ServiceCategoryFactory(code="perizinan", name="Perizinan", name_en="Permits")
    akta = ServiceFactory(
        code="AKTA-LAHIR",
        name="Penerbitan Akta Kelahiran",
        name_en="Birth certificate",
        category=sipil,
        legal_basis=["UU 24/2013"],
        output={"document": "Akta Kelahiran", "format": "signed_pdf"},
    )
    reklame = ServiceFactory(
        code="REKLAME", name="Izin Reklame", name_en="Billboard permit", category=izin, fixed_fee=True
    )
    hidden = ServiceFactory(code="RAHASIA", name="Izin Rahasia", category=izin, unpublished=True)
    return {"akta": akta, "reklame": reklame, "hidden": hidden}


def test_catalogue_groups_by_category_in_indonesian(client, catalogue):
    client.cookies["balai_language"] = "id"
    response = client.get("/layanan/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Administrasi Kependudukan" in html and "Penerbitan Akta Kelahiran" in html
    assert "Izin Reklame" in html and "Izin Rahasia" not in html
    assert "2 layanan" in html


def test_catalogue_in_english(client, catalogue):
    client.cookies["django_language"] = "en"
    client.cookies["balai_language"] = "en"
    html = client.get("/layanan/").content.decode()
    assert "Civil registration" in html and "Birth certificate" in html and "2 services" in html


def test_search_and_filters(client, catalogue):
    html = client.get("/layanan/", {"q": "kelahiran"}).content.decode()
    assert "Penerbitan Akta Kelahiran" in html and "Izin Reklame" not in html
    html = client.get("/layanan/", {"q": "perizinan"}).content.decode()
    assert "Izin Reklame" in html and "Akta Kelahiran" not in html
    html = client.get("/layanan/", {"category": "kependudukan"}).content.decode()
    assert "Penerbitan Akta Kelahiran" in html and "Izin Reklame" not in html
    html = client.get("/layanan/", {"agency": catalogue["reklame"].owner.code}).content.decode()
    assert "Izin Reklame" in html and "Akta Kelahiran" not in html


def test_no_result_shows_the_empty_state(client, catalogue):
    response = client.get("/layanan/", {"q": "kapal selam"})
    assert response.status_code == 200
    assert "Tidak ada layanan yang cocok" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [{"q": "x" * 201}, {"category": "tidak-ada"}, {"agency": "<script>alert(1)</script>"}],
)
def test_bad_filters_get_a_message_not_a_500(client, catalogue, params):
    response = client.get("/layanan/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "Penerbitan Akta Kelahiran" not in html


def test_hostile_query_is_escaped(client, catalogue):
    response = client.get("/layanan/", {"q": '<img src=x onerror="alert(1)">'})
    assert response.status_code == 200
    assert '<img src=x onerror="alert(1)">' not in response.content.decode()


def test_catalogue_query_budget(client, catalogue, django_assert_max_num_queries):
    for _n in range(15):
        ServiceFactory(category=catalogue["akta"].category)
    with django_assert_max_num_queries(6):
        assert client.get("/layanan/", {"q": "layanan"}).status_code == 200


def test_detail_page_shows_what_a_citizen_needs(client, catalogue):
    response = client.get(reverse("services:detail", args=["AKTA-LAHIR"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Penerbitan Akta Kelahiran" in html
    assert "Kartu Keluarga" in html and "PDF, JPG" in html and "5 MB" in html  # requirement with type and size
    assert "Keterangan" in html  # the form's field
    assert "3 hari kerja" in html
    assert "Gratis" in html
    assert "UU 24/2013" in html
    assert "Akta Kelahiran" in html
    assert f'href="/instansi/{catalogue["akta"].owner.code}/"' in html
    assert 'href="/layanan/AKTA-LAHIR/ajukan/"' in html


def test_detail_in_english_and_fixed_fee(client, catalogue):
    client.cookies["django_language"] = "en"
    client.cookies["balai_language"] = "en"
    html = client.get("/layanan/REKLAME/").content.decode()
    assert "Billboard permit" in html and "Rp 100.000" in html and "Family card" not in html
    assert "Note" in html  # label_en of the field
    assert "3 working days" in html


def test_detail_of_a_rule_fee_says_what_it_is_calculated_from(client):
    FeeRuleConfig.objects.create(code="retribusi_pbg", description="Retribusi PBG", config={"inputs": ["note"]})
    ServiceFactory(code="PBG", fee_kind="rule", fee_rule="retribusi_pbg")
    html = client.get("/layanan/PBG/").content.decode()
    assert "Dihitung dari: Keterangan" in html


def test_information_service_has_no_apply_button(client):
    ServiceFactory(code="INFO-IMUNISASI", information=True)
    html = client.get("/layanan/INFO-IMUNISASI/").content.decode()
    assert "/ajukan/" not in html


def test_appointment_says_how_to_proceed(client):
    ServiceFactory(
        code="KTP-EL",
        kind="appointment",
        extra={"slots": {"locations": ["Kantor Disdukcapil"], "hours": "08:00-14:00"}},
    )
    html = client.get("/layanan/KTP-EL/").content.decode()
    assert "/ajukan/" not in html and "Kantor Disdukcapil" in html and "08:00-14:00" in html


@pytest.mark.parametrize("code", ["RAHASIA", "TIDAK-ADA", "x" * 300, "%3Cscript%3E"])
def test_unknown_or_unpublished_is_404(client, catalogue, code):
    assert client.get(f"/layanan/{code}/").status_code == 404


def test_lower_case_code_finds_the_service(client, catalogue):
    assert client.get("/layanan/akta-lahir/").status_code == 200


def test_detail_query_budget(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get("/layanan/AKTA-LAHIR/").status_code == 200
