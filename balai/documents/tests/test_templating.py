"""Placeholders: syntax, the check on save with clear messages, filling from a case and the body's structure."""

from __future__ import annotations

import pytest
from django.utils import translation

from balai.documents.templating import (
    MISSING,
    TableBlock,
    TextBlock,
    Values,
    fill_blocks,
    fill_text,
    format_answer,
    parse_body,
    placeholder_help,
    scan,
    validate_template,
)
from balai.documents.tests.factories import RESULT_FORM, result_service


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English message texts (the Indonesian catalogue is checked by check_translations)."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    return result_service()


def test_known_placeholders_pass(service):
    body = "{{ applicant.name }} {{answers.child_name}} {{ case.number }} {{ document.date }} {{ signer.nip }}"
    assert validate_template(body, service) == []


def test_unknown_answer_names_the_service_and_the_field(service):
    errors = validate_template("Nama: {{ answers.x }}", service)
    assert errors == [f"Unknown placeholder {{{{ answers.x }}}}: the form of service {service.code} has no field “x”."]


def test_file_fields_cannot_be_printed(service):
    (error,) = validate_template("{{ answers.ktp }}", service)
    assert "file" in error and "{{ answers.ktp }}" in error


def test_unknown_namespace_and_unknown_name(service):
    errors = validate_template("{{ pemohon.nama }} {{ applicant.birth_place }}", service)
    assert len(errors) == 2
    assert "“pemohon” is not a namespace" in errors[0]
    assert "{{ applicant.birth_place }}" in errors[1] and "birth_date" in errors[1]


def test_answers_need_a_service():
    (error,) = validate_template("{{ answers.child_name }}")
    assert "belongs to no service" in error


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("{{ nama }}", "Malformed placeholder"),
        ("{{ Applicant.Name }}", "Malformed placeholder"),
        ("{{ applicant.name ", "not closed"),
        ("applicant.name }}", "without an opening"),
        ("{{ a.b.c }}", "Malformed placeholder"),
    ],
)
def test_malformed_syntax(body, fragment):
    errors = validate_template(body)
    assert errors and fragment in errors[0]


def test_each_unknown_placeholder_is_reported_once(service):
    assert len(validate_template("{{ answers.x }} {{answers.x}}", service)) == 1


def test_messages_are_translated_into_indonesian_when_active(service):
    with translation.override("en"):
        english = validate_template("{{ answers.x }}", service)
    assert english[0].startswith("Unknown placeholder")


def test_body_structure_paragraphs_lines_and_tables():
    body = "Baris satu\nbaris dua\n\n| Nama | {{ applicant.name }}\n| Alamat | {{ applicant.address }} |\nPenutup"
    blocks = parse_body(body)
    assert blocks == [
        TextBlock(("Baris satu", "baris dua")),
        TableBlock((("Nama", "{{ applicant.name }}"), ("Alamat", "{{ applicant.address }}"))),
        TextBlock(("Penutup",)),
    ]


def test_values_cannot_add_structure_or_placeholders():
    values = Values(fixed={"applicant.name": "A\n\n| Palsu | 1 {{ applicant.nik }}", "applicant.nik": "3201"})
    (block,) = fill_blocks(parse_body("| Nama | {{ applicant.name }}"), values)
    assert isinstance(block, TableBlock) and len(block.rows) == 1
    assert block.rows[0][1] == "A\n\n| Palsu | 1 {{ applicant.nik }}"


def test_missing_values_print_a_dash():
    values = Values(fixed={"applicant.name": "Siti", "applicant.address": ""}, answers={}, definition=RESULT_FORM)
    assert fill_text("{{ applicant.address }}/{{ answers.note }}/{{ applicant.nik }}", values) == "-/-/-"
    assert MISSING == "-"


def test_answers_are_formatted_for_an_official_document():
    spec = {f["code"]: f for f in RESULT_FORM["fields"]}
    with translation.override("en"):
        assert format_answer(spec["birth_date"], "2026-03-05") == "5 Maret 2026"
        assert format_answer(spec["sex"], "P") == "Perempuan"
    assert format_answer(spec["area"], "12.5") == "12,5"
    assert format_answer({"type": "checkbox"}, True) == "Ya"
    assert format_answer({"type": "geo"}, {"lat": "-6.2", "lon": "106.8"}) == "-6.2, 106.8"
    assert format_answer({"type": "text"}, "  Jl. A\x00 ") == "Jl. A"
    assert format_answer(spec["ktp"], "x.pdf") == MISSING


def test_region_answers_print_village_and_district():
    from balai.organizations.tests.factories import VillageFactory

    village = VillageFactory(name="Desa Cempaka", district__name="Kecamatan Bukit Hijau")
    values = Values(
        fixed={},
        answers={"home": {"district": village.district.code, "village": village.code}},
        definition={"fields": [{"code": "home", "label": "Domisili", "type": "region"}]},
    )
    assert fill_text("{{ answers.home }}", values) == "Desa Cempaka, Kecamatan Bukit Hijau"


def test_scan_finds_placeholders_with_or_without_spaces():
    found, errors = scan("{{applicant.name}} dan {{  case.number  }}")
    assert [p.key for p in found] == ["applicant.name", "case.number"] and errors == []


def test_help_lists_every_fixed_placeholder():
    names = [name for name, _label in placeholder_help()]
    assert "{{ applicant.nik }}" in names and "{{ signer.nip }}" in names and "{{ region.capital }}" in names
