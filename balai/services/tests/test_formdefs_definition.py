"""validate_definition: every demo service passes; each kind of malformed definition is refused with a
message that says what is wrong."""

from pathlib import Path

import pytest
import yaml
from django.utils import translation

from balai.core.exceptions import ValidationFailed
from balai.services.formdefs import FIELD_TYPES, upload_specs, validate_definition

DEMO = Path(__file__).resolve().parents[2] / "demo" / "data" / "services.yaml"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _demo_services():
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))["services"]


@pytest.mark.parametrize("service", _demo_services(), ids=lambda s: s["code"])
def test_every_demo_service_definition_is_valid(service):
    validate_definition({"fields": service.get("fields") or [], "requirements": service.get("requirements") or []})


def test_the_demo_data_uses_the_field_types_of_the_engine():
    used = {f["type"] for s in _demo_services() for f in s.get("fields") or []}
    assert used <= set(FIELD_TYPES)
    assert {"text", "textarea", "integer", "decimal", "date", "choice", "nik", "geo"} <= used


def _errors(definition):
    with pytest.raises(ValidationFailed) as excinfo:
        validate_definition(definition)
    return " | ".join(excinfo.value.fields["form_definition"])


def _field(**overrides):
    return {"code": "name", "label": "Nama", "type": "text", "required": True, **overrides}


def test_every_field_type_with_its_constraints_is_accepted():
    validate_definition(
        {
            "fields": [
                _field(code="a", type="text", max_length=10, pattern="^[A-Z]+$", hint="Huruf besar"),
                _field(code="b", type="textarea", max_length=3000, label_en="Notes"),
                _field(code="c", type="integer", min=1, max=30),
                _field(code="d", type="decimal", min=0.1, max=1000),
                _field(code="e", type="date", not_after="today", not_before="2000-01-01"),
                _field(code="f", type="choice", choices={"L": "Laki-laki", "P": "Perempuan"}, choices_en={"L": "Male"}),
                _field(code="g", type="nik"),
                _field(code="h", type="phone"),
                _field(code="i", type="email"),
                _field(code="j", type="region"),
                _field(code="k", type="geo"),
                _field(code="l", type="file", file=["pdf"], max_mb=2),
                _field(code="m", type="checkbox"),
            ],
            "requirements": [
                {"code": "ktp", "name": "KTP", "file": ["pdf", "jpg", "png"], "max_mb": 5},
                {"code": "kk", "name": "KK", "original_at_counter": True},
            ],
        }
    )


def test_an_empty_definition_is_valid():
    validate_definition({})
    validate_definition({"fields": [], "requirements": []})


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ({"fields": [_field(type="colour")]}, "unknown type 'colour'"),
        ({"fields": [_field(), _field()]}, "Code name is used twice"),
        ({"fields": [_field(code="ktp")], "requirements": [{"code": "ktp", "name": "KTP", "file": ["pdf"]}]}, "twice"),
        ({"fields": [_field(pattern="[0-9")]}, "'pattern' is not a valid regular expression"),
        ({"fields": [_field(type="choice")]}, "a choice field needs 'choices'"),
        ({"fields": [_field(type="choice", choices={})]}, "a choice field needs 'choices'"),
        ({"fields": [_field(type="choice", choices=["a", "b"])]}, "a choice field needs 'choices'"),
        ({"fields": [_field(type="choice", choices={"a": ""})]}, "every choice needs a label"),
        ({"fields": [_field(type="choice", choices={"a": "A"}, choices_en={"b": "B"})]}, "'choices_en'"),
        ({"fields": [_field(requried=True)]}, "unknown keys requried"),
        ({"fields": [_field(min=1)]}, "unknown keys min for type text"),
        ({"fields": [_field(type="integer", min="satu")]}, "'min' must be a number"),
        ({"fields": [_field(type="integer", min=True)]}, "'min' must be a number"),
        ({"fields": [_field(type="integer", min=10, max=1)]}, "'min' is greater than 'max'"),
        ({"fields": [_field(max_length=0)]}, "'max_length' must be a whole number"),
        ({"fields": [_field(max_length=10**6)]}, "'max_length' must be a whole number"),
        ({"fields": [_field(type="date", not_after="tomorrow")]}, "'not_after' must be 'today' or a date"),
        ({"fields": [_field(required="yes")]}, "'required' must be true or false"),
        ({"fields": [_field(label="")]}, "'label' must be a non-empty text"),
        ({"fields": [_field(code="Nama Anak")]}, "is not valid"),
        ({"fields": [_field(code=None)]}, "is not valid"),
        ({"fields": [_field(type="file")]}, "'file' must list the accepted file types"),
        ({"fields": ["name"]}, "Field 1 must be a mapping"),
        ({"fields": {"name": {}}}, "'fields' must be a list"),
        ({"requirements": [{"code": "x", "name": "X", "file": ["exe"]}]}, "file type 'exe' is not supported"),
        ({"requirements": [{"code": "x", "name": "X", "file": "pdf"}]}, "'file' must list"),
        ({"requirements": [{"code": "x", "name": "X", "file": ["pdf"], "max_mb": 0}]}, "'max_mb' must be a number"),
        ({"requirements": [{"code": "x", "name": "X", "file": ["pdf"], "max_mb": 500}]}, "'max_mb' must be a number"),
        ({"requirements": [{"code": "x", "name": "X", "max_mb": 5}]}, "'max_mb' needs 'file'"),
        ({"requirements": [{"code": "x", "name": "X", "optional": "no"}]}, "'optional' must be true or false"),
        ({"requirements": [{"code": "x", "file": ["pdf"]}]}, "'name' must be a non-empty text"),
        ({"requirements": [{"code": "x", "name": "X", "mandatory": True}]}, "unknown keys mandatory"),
        ({"fields": [], "steps": []}, "Unknown keys in the form definition: steps"),
    ],
)
def test_a_malformed_definition_is_refused_with_a_clear_message(definition, expected):
    assert expected in _errors(definition)


def test_every_problem_is_listed_at_once():
    errors = _errors({"fields": [_field(type="colour"), _field(code="b", pattern="(")]})
    assert "unknown type" in errors
    assert "pattern" in errors


def test_a_definition_that_is_not_a_mapping_is_refused():
    with pytest.raises(ValidationFailed):
        validate_definition(["fields"])


def test_a_bare_key_without_value_from_an_unquoted_yaml_name_is_refused():
    # {name: Gambar (arsitektur, struktur)} in YAML gives {"name": "Gambar (arsitektur", "struktur)": None}:
    # the administrator must quote the name rather than have part of it silently dropped.
    with pytest.raises(ValidationFailed):
        validate_definition(
            {"requirements": [{"code": "g", "name": "Gambar (arsitektur", "struktur)": None, "file": ["pdf"]}]}
        )


def test_upload_specs_lists_requirements_with_files_and_file_fields():
    definition = {
        "fields": [_field(code="plan", type="file", file=["pdf"], required=False), _field()],
        "requirements": [
            {"code": "ktp", "name": "KTP", "file": ["pdf"]},
            {"code": "kk", "name": "KK", "original_at_counter": True},
        ],
    }
    specs = upload_specs(definition)
    assert [s["code"] for s in specs] == ["ktp", "plan"]
    assert specs[1]["optional"] is True
