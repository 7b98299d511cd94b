"""The form engine: form definitions (validated JSON of fields and required documents), the forms and the
API cleaning built from them, and uploads checked by content.

Public interface (``balai.services.formdefs``):
``validate_definition``, ``build_form``, ``clean_answers``, ``check_upload``, ``store_upload`` and helpers
(``upload_specs``, ``field_specs``, ``clean_original_name``, ``display_answer``).

``clean_answers`` IGNORES keys that the definition does not know: the result holds only the definition's
codes, so nothing unknown is ever stored, and a form post (with its CSRF token and button) can be cleaned
the same way as a JSON body. A known key with a value of the wrong type (a list where a text is expected,
an object where a number is expected) is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from balai.core.exceptions import ValidationFailed

from .definition import FIELD_TYPES, FILE_TYPES, field_specs, upload_specs, validate_definition
from .display import display_answer
from .forms import DefinitionForm, build_form
from .uploads import StoredUpload, check_upload, clean_original_name, detect_type, store_upload
from .values import AnswerError, clean_value

__all__ = [
    "FIELD_TYPES",
    "FILE_TYPES",
    "DefinitionForm",
    "StoredUpload",
    "build_form",
    "check_upload",
    "clean_answers",
    "clean_original_name",
    "detect_type",
    "display_answer",
    "field_specs",
    "store_upload",
    "upload_specs",
    "validate_definition",
]

_MULTI_PARTS = {"geo": ("lat", "lon"), "region": ("district", "village")}


def _present(data: Mapping, spec: dict[str, Any]) -> bool:
    code = spec["code"]
    if code in data:
        return True
    parts = _MULTI_PARTS.get(spec["type"], ())
    return any(f"{code}_{part}" in data for part in parts)


def _raw_value(data: Mapping, spec: dict[str, Any]) -> Any:
    """The raw answer: a JSON body's value as it is; from a form post (a QueryDict) the widget's inputs."""
    code, ftype = spec["code"], spec["type"]
    if not hasattr(data, "getlist"):
        return data.get(code)
    if ftype in _MULTI_PARTS and code not in data:
        return {part: data.get(f"{code}_{part}") for part in _MULTI_PARTS[ftype]}
    values = data.getlist(code)
    if ftype == "checkbox":
        if not values:
            return None
        return str(values[-1]).lower() not in {"", "false", "0", "off"} if len(values) == 1 else values
    if len(values) > 1:
        return values  # refused as the wrong type
    return values[0] if values else None


def clean_answers(definition: dict, data: Mapping, *, partial: bool = False) -> dict:
    """Validate ``data`` (a JSON object or a form post) against ``definition``'s fields and return JSON-ready
    answers keyed by field code, or raise ``ValidationFailed(fields={code: [messages]})``.

    With ``partial=True`` (a draft) only the answers present are checked and returned, and none is required.
    Fields of type ``file`` are not answers: they are uploaded with ``check_upload``/``store_upload``."""
    if not isinstance(data, Mapping):
        message = _("The answers must be an object of field codes and values.")
        raise ValidationFailed(message, fields={"__all__": [message]})
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for spec in field_specs(definition):
        if spec["type"] == "file":
            continue
        if partial and not _present(data, spec):
            continue
        try:
            answers[spec["code"]] = clean_value(spec, _raw_value(data, spec), required=False if partial else None)
        except AnswerError as exc:
            errors[spec["code"]] = exc.messages
    if errors:
        raise ValidationFailed(_("Some answers are not valid. Check the fields marked."), fields=errors)
    return answers
