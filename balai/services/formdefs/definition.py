"""The shape of a form definition (``{"fields": [...], "requirements": [...]}``, as the services YAML writes
it) and the check that refuses a malformed one before it can reach a citizen."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from balai.core.exceptions import ValidationFailed

FIELD_TYPES = (
    "text",
    "textarea",
    "integer",
    "decimal",
    "date",
    "choice",
    "nik",
    "phone",
    "email",
    "region",
    "geo",
    "file",
    "checkbox",
)
# Caps that apply when a definition gives no max_length: nobody's name or address is longer, and they keep a
# hostile 100 000-character body out of the database.
DEFAULT_MAX_LENGTH = {"text": 500, "textarea": 5000}
HARD_MAX_LENGTH = {"text": 2000, "textarea": 20000}
# Extensions a requirement may list, with the content type detected from the file's first bytes.
FILE_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "dwg": "image/vnd.dwg",
}
DEFAULT_MAX_MB = 10
HARD_MAX_MB = 100
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

# Keys a field or requirement may carry. Unknown keys are refused: a typo such as "requried: true" would
# otherwise silently make a field optional. (In YAML flow style, quote text that contains commas:
# `{name: a, b}` makes `b` a key of its own, which is refused here.)
COMMON_FIELD_KEYS = {"code", "label", "label_en", "type", "required", "hint", "hint_en"}
FIELD_KEYS_BY_TYPE = {
    "text": {"max_length", "pattern"},
    "textarea": {"max_length"},
    "integer": {"min", "max"},
    "decimal": {"min", "max"},
    "date": {"not_after", "not_before"},
    "choice": {"choices", "choices_en"},
    "nik": set(),
    "phone": set(),
    "email": set(),
    "region": set(),
    "geo": set(),
    "file": {"file", "max_mb"},
    "checkbox": set(),
}
REQUIREMENT_KEYS = {"code", "name", "name_en", "file", "max_mb", "optional", "original_at_counter", "hint", "hint_en"}
DATE_BOUND_WORDS = {"today"}


def _unknown_keys(item: dict, known: set[str]) -> set[str]:
    return {key for key in item if key not in known}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_text(errors: list[str], where: str, key: str, value: Any, *, required: bool = False) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or not value.strip():
        errors.append(_("%(where)s: '%(key)s' must be a non-empty text.") % {"where": where, "key": key})


def _check_extensions(errors: list[str], where: str, spec: dict[str, Any], *, required: bool) -> None:
    exts = spec.get("file")
    if exts is None and not required:
        return
    if not isinstance(exts, list) or not exts:
        errors.append(_("%(where)s: 'file' must list the accepted file types.") % {"where": where})
        return
    for ext in exts:
        if not isinstance(ext, str) or ext.lower() not in FILE_TYPES:
            errors.append(
                _("%(where)s: file type '%(ext)s' is not supported (use %(allowed)s).")
                % {"where": where, "ext": ext, "allowed": ", ".join(sorted(FILE_TYPES))}
            )
    max_mb = spec.get("max_mb")
    if max_mb is not None and (not _is_number(max_mb) or not 0 < max_mb <= HARD_MAX_MB):
        errors.append(
            _("%(where)s: 'max_mb' must be a number above 0 and at most %(max)d.")
            % {"where": where, "max": HARD_MAX_MB}
        )


def _check_date_bound(errors: list[str], where: str, key: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return
    if isinstance(value, str):
        if value in DATE_BOUND_WORDS:
            return
        try:
            datetime.date.fromisoformat(value)
            return
        except ValueError:
            pass
    errors.append(
        _("%(where)s: '%(key)s' must be 'today' or a date such as 2026-01-31.") % {"where": where, "key": key}
    )


def _check_field(errors: list[str], index: int, field: Any) -> None:
    if not isinstance(field, dict):
        errors.append(_("Field %(number)d must be a mapping of keys to values.") % {"number": index + 1})
        return
    where = _("Field %(code)s") % {"code": field.get("code") or index + 1}
    ftype = field.get("type")
    if ftype not in FIELD_TYPES:
        errors.append(
            _("%(where)s: unknown type '%(type)s' (use %(allowed)s).")
            % {"where": where, "type": ftype, "allowed": ", ".join(FIELD_TYPES)}
        )
        return
    unknown = _unknown_keys(field, COMMON_FIELD_KEYS | FIELD_KEYS_BY_TYPE[ftype])
    if unknown:
        errors.append(
            _("%(where)s: unknown keys %(keys)s for type %(type)s.")
            % {"where": where, "keys": ", ".join(sorted(map(str, unknown))), "type": ftype}
        )
    _check_text(errors, where, "label", field.get("label"), required=True)
    for key in ("label_en", "hint", "hint_en"):
        _check_text(errors, where, key, field.get(key))
    if "required" in field and not isinstance(field["required"], bool):
        errors.append(_("%(where)s: 'required' must be true or false.") % {"where": where})
    if "max_length" in field:
        cap = HARD_MAX_LENGTH[ftype]
        value = field["max_length"]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= cap:
            errors.append(
                _("%(where)s: 'max_length' must be a whole number from 1 to %(max)d.") % {"where": where, "max": cap}
            )
    if "pattern" in field:
        pattern = field["pattern"]
        if not isinstance(pattern, str) or not pattern:
            errors.append(_("%(where)s: 'pattern' must be a regular expression.") % {"where": where})
        else:
            try:
                re.compile(pattern)
            except re.error as exc:
                errors.append(
                    _("%(where)s: 'pattern' is not a valid regular expression (%(error)s).")
                    % {"where": where, "error": exc}
                )
    bounds = {}
    for key in ("min", "max"):
        if key in field:
            value = field[key]
            if not _is_number(value) or (ftype == "integer" and isinstance(value, float) and not value.is_integer()):
                errors.append(_("%(where)s: '%(key)s' must be a number.") % {"where": where, "key": key})
            else:
                bounds[key] = value
    if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
        errors.append(_("%(where)s: 'min' is greater than 'max'.") % {"where": where})
    for key in ("not_after", "not_before"):
        _check_date_bound(errors, where, key, field.get(key))
    if ftype == "choice":
        choices = field.get("choices")
        if not isinstance(choices, dict) or not choices:
            errors.append(_("%(where)s: a choice field needs 'choices' (value: label).") % {"where": where})
        else:
            for value, label in choices.items():
                if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
                    errors.append(_("%(where)s: choice values must be texts or numbers.") % {"where": where})
                    break
                if not isinstance(label, str) or not label.strip():
                    errors.append(_("%(where)s: every choice needs a label.") % {"where": where})
                    break
        choices_en = field.get("choices_en")
        if choices_en is not None and (
            not isinstance(choices_en, dict)
            or not isinstance(choices, dict)
            or set(map(str, choices_en)) - set(map(str, choices))
        ):
            errors.append(_("%(where)s: 'choices_en' may only translate the values of 'choices'.") % {"where": where})
    if ftype == "file":
        _check_extensions(errors, where, field, required=True)


def _check_requirement(errors: list[str], index: int, requirement: Any) -> None:
    if not isinstance(requirement, dict):
        errors.append(_("Requirement %(number)d must be a mapping of keys to values.") % {"number": index + 1})
        return
    where = _("Requirement %(code)s") % {"code": requirement.get("code") or index + 1}
    unknown = _unknown_keys(requirement, REQUIREMENT_KEYS)
    if unknown:
        errors.append(
            _("%(where)s: unknown keys %(keys)s (quote a name that contains commas).")
            % {"where": where, "keys": ", ".join(sorted(map(str, unknown)))}
        )
    _check_text(errors, where, "name", requirement.get("name"), required=True)
    for key in ("name_en", "hint", "hint_en"):
        _check_text(errors, where, key, requirement.get(key))
    for key in ("optional", "original_at_counter"):
        if key in requirement and not isinstance(requirement[key], bool):
            errors.append(_("%(where)s: '%(key)s' must be true or false.") % {"where": where, "key": key})
    if "file" not in requirement and "max_mb" in requirement:
        errors.append(_("%(where)s: 'max_mb' needs 'file'.") % {"where": where})
    _check_extensions(errors, where, requirement, required=False)


def validate_definition(definition: dict) -> None:
    """Raise ValidationFailed(fields={"form_definition": [...]}) listing every problem of ``definition``."""
    errors: list[str] = []
    if not isinstance(definition, dict):
        raise ValidationFailed(
            _("The form definition is not valid."),
            fields={"form_definition": [_("The form definition must be a mapping with 'fields' and 'requirements'.")]},
        )
    unknown = set(definition) - {"fields", "requirements"}
    if unknown:
        errors.append(
            _("Unknown keys in the form definition: %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))}
        )
    fields = definition.get("fields") or []
    requirements = definition.get("requirements") or []
    if not isinstance(fields, list):
        errors.append(_("'fields' must be a list."))
        fields = []
    if not isinstance(requirements, list):
        errors.append(_("'requirements' must be a list."))
        requirements = []
    for index, field in enumerate(fields):
        _check_field(errors, index, field)
    for index, requirement in enumerate(requirements):
        _check_requirement(errors, index, requirement)
    seen: set[str] = set()
    for item in [*fields, *requirements]:
        if not isinstance(item, dict):
            continue
        code = item.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            errors.append(
                _("Code %(code)s is not valid: use lower-case letters, digits and _, starting with a letter.")
                % {"code": repr(code)}
            )
        elif code in seen:
            errors.append(_("Code %(code)s is used twice.") % {"code": code})
        else:
            seen.add(code)
    if errors:
        raise ValidationFailed(_("The form definition is not valid."), fields={"form_definition": errors})


def field_specs(definition: dict) -> list[dict[str, Any]]:
    """The definition's fields (an empty list when there are none)."""
    return list((definition or {}).get("fields") or [])


def upload_specs(definition: dict) -> list[dict[str, Any]]:
    """Everything the applicant uploads: requirements with a ``file`` list, then fields of type ``file``,
    each as a requirement-shaped dict (``code``, ``name``, ``file``, ``max_mb``, ``optional``)."""
    specs: list[dict[str, Any]] = []
    for requirement in (definition or {}).get("requirements") or []:
        if requirement.get("file"):
            specs.append(requirement)
    for field in field_specs(definition):
        if field.get("type") == "file":
            specs.append(
                {
                    "code": field["code"],
                    "name": field.get("label", field["code"]),
                    "name_en": field.get("label_en"),
                    "file": field.get("file"),
                    "max_mb": field.get("max_mb"),
                    "optional": not field.get("required", False),
                    "hint": field.get("hint"),
                    "hint_en": field.get("hint_en"),
                }
            )
    return specs


def answer_codes(definition: dict) -> Iterable[str]:
    return [f["code"] for f in field_specs(definition) if f.get("type") != "file"]
