"""Search understands Indonesian word forms on both databases (Sastrawi stemming)."""

import pytest
from django.db import connection

from balai.services.search import stem_text, tokens
from balai.services.selectors import published_services

from .factories import ServiceCategoryFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_tokens_are_stemmed():
    assert tokens("Perizinan Kelahiran") == ["izin", "lahir"]
    assert tokens("<script>alert(1)</script> kelahiran") == ["script", "alert", "1", "lahir"]
    assert "akta-lahir" not in stem_text("AKTA-LAHIR")  # split into words
    assert {"akta", "lahir"} <= set(stem_text("AKTA-LAHIR").split())


@pytest.fixture
def catalogue():
    izin = ServiceCategoryFactory(code="perizinan", name="Perizinan", name_en="Permits")
    sipil = ServiceCategoryFactory(code="kependudukan", name="Administrasi Kependudukan", name_en="Civil registration")
    return {
        "reklame": ServiceFactory(code="REKLAME", name="Izin Penyelenggaraan Reklame", category=izin),
        "akta": ServiceFactory(code="AKTA-LAHIR", name="Penerbitan Akta Kelahiran", category=sipil),
        "kematian": ServiceFactory(code="AKTA-KEMATIAN", name="Penerbitan Akta Kematian", category=sipil),
        "hidden": ServiceFactory(code="RAHASIA", name="Izin Rahasia Kelahiran", category=izin, unpublished=True),
    }


def codes(query):
    return {s.code for s in published_services(query=query)}


@pytest.mark.parametrize("database", ["any"])
def test_word_forms_find_each_other(catalogue, database):
    assert codes("perizinan") == {"REKLAME"}
    assert codes("izin") == {"REKLAME"}
    assert codes("kelahiran") == {"AKTA-LAHIR"}
    assert codes("lahir") == {"AKTA-LAHIR"}
    assert codes("akta") == {"AKTA-LAHIR", "AKTA-KEMATIAN"}
    assert codes("akta kelahiran") == {"AKTA-LAHIR"}  # all words must match
    assert codes("Civil registration") == {"AKTA-LAHIR", "AKTA-KEMATIAN"}  # category names count too
    assert codes("kapal selam") == set()
    assert codes("'; DROP TABLE services_service; --") == set()
    assert codes("!!! & | :*") == {"REKLAME", "AKTA-LAHIR", "AKTA-KEMATIAN"}  # no words: no filter


@pytest.mark.postgres
def test_postgres_full_text_ranks_best_match_first(catalogue):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    ServiceFactory(code="AKTA-LAHIR-ULANG", name="Akta", summary="Penggantian akta yang hilang; bukan kelahiran")
    results = list(published_services(query="akta kelahiran"))
    assert results[0].code == "AKTA-LAHIR"
    assert {s.code for s in results} == {"AKTA-LAHIR", "AKTA-LAHIR-ULANG"}
    assert codes("perizinan") == {"REKLAME"}
    assert codes("kelahiran") == {"AKTA-LAHIR", "AKTA-LAHIR-ULANG"}
