"""clean_answers: the rules of every field type for a JSON body (the API) and a form post, JSON-ready
results, clear messages naming the field, and hostile input refused without an exception escaping."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from balai.accounts.nik import make_nik
from balai.core.exceptions import ValidationFailed
from balai.organizations.tests.factories import DistrictFactory, VillageFactory
from balai.services.formdefs import clean_answers

NIK = make_nik(datetime.date(1990, 8, 17), "M")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def one(ftype, value, **spec):
    """Clean a single-field definition; return the answer."""
    field = {"code": "x", "label": "Isian X", "type": ftype, "required": True, **spec}
    return clean_answers({"fields": [field]}, {"x": value})["x"]


def refused(ftype, value, **spec):
    field = {"code": "x", "label": "Isian X", "type": ftype, "required": True, **spec}
    with pytest.raises(ValidationFailed) as excinfo:
        clean_answers({"fields": [field]}, {"x": value})
    messages = excinfo.value.fields["x"]
    assert all("Isian X" in m for m in messages), messages  # every message names the field
    return " ".join(messages)


# --- text and textarea ---


def test_text_is_stripped_and_kept_verbatim():
    assert one("text", "  Budi Santoso ") == "Budi Santoso"


def test_sql_fragments_are_plain_text_stored_as_written():
    assert one("text", "Robert'); DROP TABLE cases;--") == "Robert'); DROP TABLE cases;--"


def test_text_is_one_line():
    assert one("text", "Jalan\nMerdeka") == "Jalan Merdeka"
    assert one("textarea", "baris 1\r\nbaris 2") == "baris 1\nbaris 2"


def test_max_length_is_enforced_with_the_count():
    assert one("text", "a" * 100, max_length=100) == "a" * 100
    assert "at most 100 characters long; you entered 101" in refused("text", "a" * 101, max_length=100)


def test_default_caps_apply_without_max_length():
    assert one("text", "a" * 500) == "a" * 500
    assert "at most 500" in refused("text", "a" * 501)
    assert one("textarea", "a" * 5000) == "a" * 5000
    assert "at most 5000" in refused("textarea", "a" * 5001)


def test_a_100000_character_string_is_refused():
    assert "at most 500" in refused("text", "x" * 100_000)
    assert "at most 5000" in refused("textarea", "x" * 100_000)


def test_pattern_must_match_the_whole_value():
    nop = "^[0-9]{18}$"
    assert one("text", "320101000100100010", pattern=nop) == "320101000100100010"
    assert "not in the expected format" in refused("text", "32010100010010001", pattern=nop)
    assert "not in the expected format" in refused("text", "a320101000100100010", pattern="[0-9]{18}")


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "Budi <b>", "< img src=x onerror=alert(1)>"])
def test_html_tags_are_refused(value):
    assert "cannot contain HTML tags" in refused("text", value)
    assert "cannot contain HTML tags" in refused("textarea", value)


def test_a_less_than_sign_that_is_not_a_tag_is_fine():
    assert one("textarea", "luas < 100 m2") == "luas < 100 m2"


@pytest.mark.parametrize("value", ["nul\x00byte", "bell\x07", "esc\x1b[31m"])
def test_control_characters_and_nul_bytes_are_refused(value):
    assert "characters that are not allowed" in refused("text", value)


@pytest.mark.parametrize("value", [["a"], {"a": 1}, 42, True])
def test_text_of_the_wrong_type_is_refused(value):
    assert "must be a single text value" in refused("text", value)


# --- numbers ---


@pytest.mark.parametrize(("value", "expected"), [(3, 3), ("3", 3), (" 12 ", 12), (4.0, 4), ("-0", 0)])
def test_integer(value, expected):
    assert one("integer", value) == expected


@pytest.mark.parametrize("value", ["3,5", "3.5", 3.5, "tiga", "1e3", "", True, [3], {"v": 3}, "9" * 40, 10**30])
def test_integer_refuses_what_is_not_a_whole_number(value):
    if value == "":
        assert "is required" in refused("integer", value)
    else:
        assert "must be a whole number" in refused("integer", value)


def test_integer_bounds():
    assert one("integer", 1, min=1, max=30) == 1
    assert one("integer", 30, min=1, max=30) == 30
    assert "at least 1; you entered 0" in refused("integer", 0, min=1, max=30)
    assert "at most 30; you entered 31" in refused("integer", "31", min=1, max=30)


@pytest.mark.parametrize(
    ("value", "expected"), [("120,5", "120.5"), ("120.50", "120.5"), (120.5, "120.5"), (7, "7"), ("1000", "1000")]
)
def test_decimal_is_a_string_with_a_point(value, expected):
    assert one("decimal", value) == expected


@pytest.mark.parametrize("value", ["1.000,5", "12a", "NaN", "Infinity", "1e5", [1], {"v": 1}, False, "1" * 40])
def test_decimal_refuses_malformed_numbers(value):
    assert "must be a number" in refused("decimal", value)


def test_decimal_bounds_accept_fractions():
    assert one("decimal", "0,1", min=0.1, max=1000) == "0.1"
    assert "at least" in refused("decimal", "0,09", min=0.1, max=1000)
    assert "at most" in refused("decimal", "1000.01", min=0.1, max=1000)


# --- dates ---


def test_dates_in_iso_and_indonesian_order_become_iso():
    assert one("date", "2024-02-29") == "2024-02-29"
    assert one("date", "17/08/1990") == "1990-08-17"
    assert one("date", "17-08-1990") == "1990-08-17"


@pytest.mark.parametrize(
    "value", ["2023-02-29", "31/04/2020", "kemarin", "2024-1-1", 20240101, ["2024-01-01"], "9" * 200]
)
def test_dates_that_do_not_exist_are_refused(value):
    assert "must be a real date" in refused("date", value)


def _now_in_jakarta(monkeypatch, year, month, day, hour):
    moment = datetime.datetime(year, month, day, hour, tzinfo=ZoneInfo("Asia/Jakarta"))
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(datetime.UTC))


def test_not_after_today_uses_the_date_in_jakarta(monkeypatch):
    # 00:30 on 2 January in Jakarta is still 1 January in UTC: the 2nd is today, not the future.
    _now_in_jakarta(monkeypatch, 2026, 1, 2, 0)
    assert one("date", "2026-01-02", not_after="today") == "2026-01-02"
    assert "cannot be in the future" in refused("date", "2026-01-03", not_after="today")


def test_not_after_and_not_before_fixed_dates():
    assert "on or before 31/12/2020" in refused("date", "2021-01-01", not_after="2020-12-31")
    assert "on or after 01/01/2000" in refused("date", "1999-12-31", not_before="2000-01-01")


# --- choices ---


def test_choice_accepts_only_listed_values():
    choices = {"L": "Laki-laki", "P": "Perempuan"}
    assert one("choice", "P", choices=choices) == "P"
    assert "Choose one of the options" in refused("choice", "X", choices=choices)
    assert "Choose one of the options" in refused("choice", "l", choices=choices)
    assert "must be a single text value" in refused("choice", ["L", "P"], choices=choices)
    assert "Choose Isian X" in refused("choice", "", choices=choices)


def test_choice_values_written_as_numbers_in_yaml():
    assert one("choice", 1, choices={1: "Satu", 2: "Dua"}) == "1"


# --- identity and contact ---


def test_nik_is_normalised_and_checked():
    assert one("nik", NIK) == NIK
    assert one("nik", f"{NIK[:6]} {NIK[6:12]} {NIK[12:]}") == NIK
    assert "16 digits" in refused("nik", NIK[:-1])
    assert "digits only" in refused("nik", "3201' OR '1'='1")
    assert "not a province code" in refused("nik", "99" + NIK[2:])
    assert "must be a single text value" in refused("nik", [NIK])


def test_phone_becomes_e164():
    assert one("phone", "0812-3456-7890") == "+6281234567890"
    assert "valid mobile number" in refused("phone", "12345")
    assert "valid mobile number" in refused("phone", "0812" * 20)


def test_email_is_lower_case():
    assert one("email", " Budi@Contoh.ID ") == "budi@contoh.id"
    assert "e-mail address" in refused("email", "budi@")
    assert "e-mail address" in refused("email", "a" * 250 + "@contoh.id")
    assert "e-mail address" in refused("email", "budi@contoh.id\n<script>")


# --- checkbox ---


def test_checkbox():
    assert one("checkbox", True) is True
    assert "must be ticked" in refused("checkbox", False)
    assert clean_answers({"fields": [{"code": "x", "label": "X", "type": "checkbox"}]}, {}) == {"x": False}
    assert "true or false" in refused("checkbox", "yes")
    assert "true or false" in refused("checkbox", 1)


# --- geo ---


def test_geo_stored_as_strings():
    assert one("geo", {"lat": "-6,2", "lon": 106.8}) == {"lat": "-6.2", "lon": "106.8"}
    assert one("geo", "-6.2, 106.8") == {"lat": "-6.2", "lon": "106.8"}
    assert one("geo", {"lat": "90", "lon": "-180"}) == {"lat": "90", "lon": "-180"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"lat": "91", "lon": "0"}, "latitude must be a number from -90 to 90"),
        ({"lat": "0", "lon": "180.5"}, "longitude must be a number from -180 to 180"),
        ({"lat": "utara", "lon": "0"}, "latitude"),
        ({"lat": "0"}, "longitude"),
        ({"lat": ["0"], "lon": "0"}, "latitude"),
        ({"lat": "0", "lon": "0", "alt": "5"}, "a location with a latitude and a longitude"),
        ([-6.2, 106.8], "a location with a latitude and a longitude"),
        ("di dekat pasar", "a location with a latitude and a longitude"),
    ],
)
def test_geo_refuses_bad_coordinates(value, expected):
    assert expected in refused("geo", value)


# --- region ---


@pytest.mark.django_db
def test_region_village_must_belong_to_the_district():
    district = DistrictFactory(code="32.01.01")
    other = DistrictFactory(code="32.01.02")
    village = VillageFactory(district=district, code="32.01.01.2001", name="Desa Sukamaju")
    answer = {"district": "32.01.01", "village": "32.01.01.2001"}
    assert one("region", answer) == answer
    assert "is not in the district chosen" in refused("region", {"district": other.code, "village": village.code})
    assert "does not exist" in refused("region", {"district": district.code, "village": "32.01.01.9999"})
    assert "choose the village" in refused("region", {"district": district.code, "village": ""})
    assert "Choose Isian X" in refused("region", {"district": "", "village": ""})
    assert "a district (kecamatan) and a village" in refused("region", "32.01.01")
    assert "a district (kecamatan) and a village" in refused("region", {"district": ["x"], "village": "y"})


# --- the whole body ---


DEFINITION = {
    "fields": [
        {"code": "child_name", "label": "Nama anak", "type": "text", "required": True, "max_length": 100},
        {"code": "birth_order", "label": "Anak ke-", "type": "integer", "min": 1, "max": 30, "required": True},
        {"code": "father_nik", "label": "NIK ayah", "type": "nik", "required": False},
        {"code": "plan", "label": "Denah", "type": "file", "file": ["pdf"], "required": True},
    ],
    "requirements": [{"code": "kk", "name": "Kartu Keluarga", "file": ["pdf"]}],
}


def test_a_valid_body_returns_every_answer_and_none_for_empty_optional_ones():
    assert clean_answers(DEFINITION, {"child_name": "Ani", "birth_order": "2"}) == {
        "child_name": "Ani",
        "birth_order": 2,
        "father_nik": None,
    }


def test_unknown_keys_are_ignored_and_never_returned():
    answers = clean_answers(
        DEFINITION, {"child_name": "Ani", "birth_order": 1, "is_approved": True, "fee_amount": 0, "kk": "x.pdf"}
    )
    assert set(answers) == {"child_name", "birth_order", "father_nik"}


def test_all_errors_come_back_together_keyed_by_field():
    with pytest.raises(ValidationFailed) as excinfo:
        clean_answers(DEFINITION, {"child_name": "", "birth_order": "nol", "father_nik": "123"})
    fields = excinfo.value.fields
    assert set(fields) == {"child_name", "birth_order", "father_nik"}
    assert fields["child_name"] == ["Nama anak is required."]
    assert excinfo.value.status == 422


def test_partial_checks_only_what_is_present():
    assert clean_answers(DEFINITION, {"child_name": "Ani"}, partial=True) == {"child_name": "Ani"}
    assert clean_answers(DEFINITION, {"child_name": ""}, partial=True) == {"child_name": None}
    with pytest.raises(ValidationFailed) as excinfo:
        clean_answers(DEFINITION, {"birth_order": 99}, partial=True)
    assert set(excinfo.value.fields) == {"birth_order"}


@pytest.mark.parametrize("body", [["child_name"], "child_name=Ani", None, 42])
def test_a_body_that_is_not_an_object_is_refused(body):
    with pytest.raises(ValidationFailed) as excinfo:
        clean_answers(DEFINITION, body)
    assert "__all__" in excinfo.value.fields


def test_a_form_post_is_cleaned_like_json():
    post = QueryDict("child_name=Ani&birth_order=3&csrfmiddlewaretoken=abc&submit=1")
    assert clean_answers(DEFINITION, post) == {"child_name": "Ani", "birth_order": 3, "father_nik": None}


def test_a_repeated_form_key_is_refused_as_the_wrong_type():
    post = QueryDict("child_name=Ani&child_name=Budi&birth_order=3")
    with pytest.raises(ValidationFailed) as excinfo:
        clean_answers(DEFINITION, post)
    assert "must be a single text value" in excinfo.value.fields["child_name"][0]


def test_form_post_parts_of_geo_and_a_checkbox():
    definition = {
        "fields": [
            {"code": "loc", "label": "Lokasi", "type": "geo", "required": True},
            {"code": "agree", "label": "Setuju", "type": "checkbox", "required": True},
        ]
    }
    answers = clean_answers(definition, QueryDict("loc_lat=-6,2&loc_lon=106,8&agree=on"))
    assert answers == {"loc": {"lat": "-6.2", "lon": "106.8"}, "agree": True}
    with pytest.raises(ValidationFailed) as excinfo:
        clean_answers(definition, QueryDict("loc_lat=-6,2&loc_lon=106,8"))
    assert set(excinfo.value.fields) == {"agree"}


def test_messages_are_indonesian_by_default():
    with translation.override("id"), pytest.raises(ValidationFailed) as excinfo:
        clean_answers(DEFINITION, {"child_name": "", "birth_order": 1})
    assert excinfo.value.fields["child_name"] == ["Nama anak wajib diisi."]


# --- properties ---

ALL_TYPES = {
    "fields": [
        {"code": "t", "label": "T", "type": "text", "pattern": "^[a-z]*$"},
        {"code": "a", "label": "A", "type": "textarea"},
        {"code": "i", "label": "I", "type": "integer", "min": 0, "max": 100},
        {"code": "d", "label": "D", "type": "decimal", "min": 0},
        {"code": "dt", "label": "DT", "type": "date", "not_after": "today"},
        {"code": "c", "label": "C", "type": "choice", "choices": {"y": "Ya"}},
        {"code": "n", "label": "N", "type": "nik"},
        {"code": "p", "label": "P", "type": "phone"},
        {"code": "e", "label": "E", "type": "email"},
        {"code": "g", "label": "G", "type": "geo"},
        {"code": "b", "label": "B", "type": "checkbox"},
    ]
}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([f["code"] for f in ALL_TYPES["fields"]]), JSON_VALUES))
def test_any_json_body_is_either_accepted_or_refused_with_field_messages(body):
    with translation.override("en"):
        try:
            answers = clean_answers(ALL_TYPES, body)
        except ValidationFailed as exc:
            assert exc.fields
            assert set(exc.fields) <= set(body) | {f["code"] for f in ALL_TYPES["fields"]}
            assert all(isinstance(m, str) and m for msgs in exc.fields.values() for m in msgs)
            return
    # What is accepted is JSON-ready and cleans to itself again (idempotent).
    assert clean_answers(ALL_TYPES, answers) == answers


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_any_text_is_accepted_verbatim_or_refused(value):
    with translation.override("en"):
        try:
            answer = one("text", value)
        except ValidationFailed:
            return
    assert "\x00" not in answer
    assert "<script" not in answer.lower()
    assert len(answer) <= 500


HOSTILE = ["9" * 100_000, "\x00", "<script>alert(1)</script>", "' OR 1=1 --", ["a"], {"a": "b"}]


@pytest.mark.django_db
@pytest.mark.parametrize("ftype", ["text", "textarea", "integer", "decimal", "date", "choice", "nik", "phone", "email"])
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_get_a_message_for_the_field_never_an_exception(ftype, value):
    field = {"code": "x", "label": "Isian X", "type": ftype, "required": True, "choices": {"a": "A"}}
    if ftype != "choice":
        field.pop("choices")
    try:
        answer = clean_answers({"fields": [field]}, {"x": value})["x"]
    except ValidationFailed as exc:
        assert exc.fields["x"] and all("Isian X" in m for m in exc.fields["x"])
        return
    # Only plain text may accept an SQL-looking string (stored verbatim, queries are parameterised)
    # and a long run of digits as a number would have been refused above.
    assert ftype in {"text", "textarea"} and answer == value


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["9" * 100_000, "\x00", ["a"], {"lat": "9" * 100_000, "lon": "\x00"}, 5])
@pytest.mark.parametrize("ftype", ["geo", "region", "checkbox"])
def test_hostile_values_for_structured_fields(ftype, value):
    with pytest.raises(ValidationFailed) as excinfo:
        clean_answers({"fields": [{"code": "x", "label": "Isian X", "type": ftype, "required": True}]}, {"x": value})
    assert all("Isian X" in m for m in excinfo.value.fields["x"])
