from django.core.exceptions import ValidationError
from django.utils import translation

from balai.core.exceptions import NotFound, ValidationFailed, from_django_validation_error


def test_error_body_has_code_message_and_fields():
    exc = ValidationFailed(fields={"nik": ["bad"]})
    assert exc.status == 422
    assert exc.as_dict() == {
        "error": {"code": "validation_failed", "message": str(exc.message), "fields": {"nik": ["bad"]}}
    }


def test_error_without_fields_has_no_fields_key():
    assert NotFound().as_dict()["error"].keys() == {"code", "message"}


def test_default_message_is_translated_to_indonesian():
    with translation.override("id"):
        indonesian = NotFound().as_dict()["error"]["message"]
    with translation.override("en"):
        english = NotFound().as_dict()["error"]["message"]
    assert english == "Not found."
    assert indonesian != english


def test_django_validation_error_keeps_field_messages():
    exc = from_django_validation_error(ValidationError({"email": ["taken"], "phone": ["invalid"]}))
    assert exc.fields == {"email": ["taken"], "phone": ["invalid"]}
    plain = from_django_validation_error(ValidationError("whole form"))
    assert plain.fields == {"__all__": ["whole form"]}
