"""build_form: one accessible field per definition field and one file input per requirement, the same
rules as clean_answers, the design system's error summary, and nothing trusted from hidden inputs."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils import translation

from balai.accounts.nik import make_nik
from balai.organizations.tests.factories import DistrictFactory, VillageFactory
from balai.services.formdefs import build_form, clean_answers
from balai.services.formdefs.display import display_answer, display_answers

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NIK = make_nik(datetime.date(1990, 8, 17), "F")

DEFINITION = {
    "fields": [
        {"code": "child_name", "label": "Nama anak", "label_en": "Child's name", "type": "text", "required": True},
        {"code": "birth_date", "label": "Tanggal lahir", "type": "date", "required": True, "not_after": "today"},
        {
            "code": "sex",
            "label": "Jenis kelamin",
            "type": "choice",
            "choices": {"L": "Laki-laki", "P": "Perempuan"},
            "choices_en": {"L": "Male", "P": "Female"},
            "required": True,
        },
        {"code": "birth_order", "label": "Anak ke-", "type": "integer", "min": 1, "max": 30, "required": True},
        {"code": "mother_nik", "label": "NIK ibu", "type": "nik", "required": True},
        {"code": "phone", "label": "Nomor HP", "type": "phone", "required": False},
        {"code": "email", "label": "Surel", "type": "email", "required": False},
        {"code": "note", "label": "Catatan", "type": "textarea", "required": False, "hint": "Boleh dikosongkan"},
        {"code": "area", "label": "Luas", "type": "decimal", "required": False},
        {"code": "location", "label": "Lokasi", "type": "geo", "required": False},
        {"code": "agree", "label": "Saya menyatakan data benar", "type": "checkbox", "required": True},
    ],
    "requirements": [
        {"code": "skl", "name": "Surat keterangan lahir", "file": ["pdf", "jpg"], "max_mb": 5},
        {"code": "buku_nikah", "name": "Buku nikah", "file": ["pdf"], "max_mb": 5, "optional": True},
        {"code": "kk_asli", "name": "KK asli", "original_at_counter": True},
    ],
}

VALID = {
    "child_name": "Ani",
    "birth_date": "2024-05-01",
    "sex": "P",
    "birth_order": "1",
    "mother_nik": NIK,
    "phone": "0812 3456 7890",
    "email": "Ibu@Contoh.id",
    "note": "",
    "area": "12,5",
    "location_lat": "-6,2",
    "location_lon": "106,8",
    "agree": "on",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def post(values=None, **changes):
    data = QueryDict(mutable=True)
    for key, value in {**VALID, **(values or {}), **changes}.items():
        if value is not None:
            data[key] = value
    return data


def skl():
    return {"skl": SimpleUploadedFile("skl.pdf", PDF, content_type="application/pdf")}


def test_the_form_has_one_field_per_answer_and_per_uploaded_requirement():
    form = build_form(DEFINITION)
    assert list(form.fields) == [f["code"] for f in DEFINITION["fields"]] + ["skl", "buku_nikah"]
    assert form.fields["skl"].required and not form.fields["buku_nikah"].required


def test_a_valid_post_gives_json_ready_answers_and_the_uploads():
    form = build_form(DEFINITION, data=post(), files=skl())
    assert form.is_valid(), form.errors
    assert form.answers == {
        "child_name": "Ani",
        "birth_date": "2024-05-01",
        "sex": "P",
        "birth_order": 1,
        "mother_nik": NIK,
        "phone": "+6281234567890",
        "email": "ibu@contoh.id",
        "note": None,
        "area": "12.5",
        "location": {"lat": "-6.2", "lon": "106.8"},
        "agree": True,
    }
    assert list(form.uploads) == ["skl"]
    assert form.uploads["skl"].balai_content_type == "application/pdf"


def test_the_form_and_the_api_agree():
    form = build_form(DEFINITION, data=post(), files=skl())
    assert form.is_valid()
    assert clean_answers(DEFINITION, post()) == form.answers


def test_errors_name_the_field_and_store_nothing():
    form = build_form(DEFINITION, data=post(birth_order="0", mother_nik="123", agree=None, child_name="<b>x</b>"))
    assert not form.is_valid()
    assert form.errors["birth_order"] == ["Anak ke- must be at least 1; you entered 0."]
    assert "NIK ibu" in form.errors["mother_nik"][0]
    assert form.errors["agree"] == ["Saya menyatakan data benar must be ticked to continue."]
    assert "HTML" in form.errors["child_name"][0]
    assert form.errors["skl"] == ["Upload Surat keterangan lahir."]
    assert form.answers == {k: v for k, v in form.cleaned_data.items() if k in form.answer_codes}
    assert "birth_order" not in form.cleaned_data


def test_a_wrong_file_renamed_to_pdf_is_refused_in_the_form():
    files = {"skl": SimpleUploadedFile("skl.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")}
    form = build_form(DEFINITION, data=post(), files=files)
    assert not form.is_valid()
    assert "content is not PDF, JPG" in form.errors["skl"][0]
    assert form.uploads == {}


def test_a_file_uploaded_earlier_satisfies_the_requirement():
    form = build_form(DEFINITION, data=post(), initial={"skl": "drafts/1/abc.pdf"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["skl"] == "drafts/1/abc.pdf"
    assert form.uploads == {}


def test_partial_form_saves_a_draft_without_required_answers():
    form = build_form(DEFINITION, data=QueryDict("child_name=Ani&birth_order=99"), partial=True)
    assert not form.is_valid()
    assert list(form.errors) == ["birth_order"]
    form = build_form(DEFINITION, data=QueryDict("child_name=Ani"), partial=True)
    assert form.is_valid(), form.errors
    assert form.answers["child_name"] == "Ani"


def test_hidden_and_unknown_inputs_are_ignored():
    form = build_form(
        DEFINITION,
        data=post(applicant="1", fee_amount="0", state="completed", service_version="999"),
        files=skl(),
    )
    assert form.is_valid()
    assert not form.hidden_fields()
    assert not {"applicant", "fee_amount", "state", "service_version"} & set(form.cleaned_data)


def test_a_repeated_input_is_refused():
    data = post()
    data.setlist("child_name", ["Ani", "Budi"])
    form = build_form(DEFINITION, data=data, files=skl())
    # Django reads the last value of a repeated text input; the answer is still one clean string.
    assert form.is_valid()
    assert form.answers["child_name"] == "Budi"


def test_render_is_accessible_without_javascript():
    html = str(build_form(DEFINITION))
    assert '<label class="field__label" for="id_child_name">Child&#x27;s name' in html
    assert 'type="date"' in html and 'max="' in html
    assert 'inputmode="numeric"' in html  # NIK and integers
    assert 'type="tel"' in html and 'autocomplete="tel"' in html
    assert 'autocomplete="email"' in html
    assert '<legend class="field__label">Jenis kelamin' in html  # radios in a fieldset
    assert "Female" in html
    assert '<label class="field__label" for="id_location_0">Latitude</label>' in html
    assert 'name="location_lat"' in html and 'name="location_lon"' in html
    assert 'type="file" name="skl" accept=".pdf,.jpg"' in html
    assert "File type PDF, JPG, at most 5 MB." in html
    assert "KK asli" not in html  # shown at the counter, not uploaded
    assert " required>" not in html and " required " not in html  # the server's messages, not the browser's
    assert "<script" not in html and 'style="' not in html


def test_errors_render_with_a_summary_linking_to_each_field():
    form = build_form(DEFINITION, data=post(child_name="", location_lat="100"), files=skl())
    assert not form.is_valid()
    html = str(form)
    assert 'class="error-summary"' in html
    assert 'href="#id_child_name"' in html
    assert 'href="#id_location_0"' in html
    assert "Child&#x27;s name is required." in html


def test_labels_and_hints_from_a_definition_are_escaped():
    definition = {
        "fields": [
            {"code": "x", "label": "<img src=x onerror=alert(1)>", "type": "text", "hint": "<script>bad()</script>"}
        ]
    }
    html = str(build_form(definition))
    assert "<img" not in html and "<script>" not in html
    assert "&lt;script&gt;" in html


def test_indonesian_labels_and_messages_when_the_language_is_id():
    form = build_form(DEFINITION, data=post(child_name=""), files=skl(), language="id")
    assert not form.is_valid()
    assert form.fields["child_name"].label == "Nama anak"
    assert form.errors["child_name"] == ["Nama anak wajib diisi."]


def test_many_choices_render_as_a_select_with_a_blank_option():
    choices = {f"c{i}": f"Pilihan {i}" for i in range(8)}
    html = str(build_form({"fields": [{"code": "x", "label": "X", "type": "choice", "choices": choices}]}))
    assert '<select name="x"' in html and '<option value="" selected>' in html


@pytest.mark.django_db
def test_region_selects_group_villages_by_district_and_check_they_agree():
    north = DistrictFactory(code="32.01.01", name="Bukit Hijau")
    south = DistrictFactory(code="32.01.02", name="Tepi Sungai")
    VillageFactory(district=north, code="32.01.01.2001", name="Sukamaju")
    far = VillageFactory(district=south, code="32.01.02.2001", name="Muara")
    definition = {"fields": [{"code": "address", "label": "Alamat", "type": "region", "required": True}]}
    html = str(build_form(definition))
    assert '<optgroup label="Bukit Hijau">' in html
    assert 'for="id_address_1">Village (kelurahan/desa)</label>' in html
    form = build_form(definition, data=QueryDict("address_district=32.01.01&address_village=32.01.02.2001"))
    assert not form.is_valid()
    assert f"the village {far.name} is not in the district chosen" in form.errors["address"][0]
    form = build_form(definition, data=QueryDict("address_district=32.01.02&address_village=32.01.02.2001"))
    assert form.is_valid()
    assert form.answers == {"address": {"district": "32.01.02", "village": "32.01.02.2001"}}
    assert display_answer(definition["fields"][0], form.answers["address"]) == "Muara, district Tepi Sungai"


def test_initial_answers_are_shown_again():
    html = str(build_form(DEFINITION, initial={"child_name": "Ani", "location": {"lat": "-6.2", "lon": "106.8"}}))
    assert 'value="Ani"' in html and 'value="-6.2"' in html and 'value="106.8"' in html


def test_display_answers_masks_personal_numbers():
    answers = clean_answers(DEFINITION, post())
    shown = dict(display_answers(DEFINITION, answers))
    assert shown["NIK ibu"] == NIK[:4] + "••••••••" + NIK[-4:]
    assert shown["Nomor HP"] == "+62812••••7890"
    assert shown["Jenis kelamin"] == "Female"
    assert shown["Tanggal lahir"] == "01/05/2024"
    assert shown["Catatan"] == "—"
    assert shown["Saya menyatakan data benar"] == "Yes"
    assert dict(display_answers(DEFINITION, answers, unmask=True))["NIK ibu"] == NIK
