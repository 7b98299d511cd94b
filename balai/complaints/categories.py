"""Complaint categories: their extra questions (Open311 attributes), the checking of answers to them, and
the loader of ``data/complaint_categories.yaml`` (the demo regency's categories and handling numbers)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from balai.core.calendar import CALENDAR_TZ
from balai.core.exceptions import ValidationFailed

DATA_FILE = Path(__file__).resolve().parent / "data" / "complaint_categories.yaml"
TEMPLATES_FILE = Path(__file__).resolve().parent / "data" / "response_templates.yaml"
DEFAULT_COORDINATOR = "DISKOMINFO"

# Open311 GeoReport v2 attribute datatypes.
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
ATTRIBUTE_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
ATTRIBUTE_KEYS = {"code", "description", "description_en", "datatype", "required", "values", "order", "variable"}
MAX_STRING = 500
MAX_TEXT = 2000
MAX_NUMBER = Decimal("1e12")


def attribute_errors(attributes: Any) -> list[str]:
    """What is wrong with a category's list of extra questions (empty when it is right)."""
    if attributes in (None, ""):
        return []
    if not isinstance(attributes, list):
        return [_("The extra questions must be a list.")]
    errors: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(attributes, start=1):
        where = _("Question %(n)d") % {"n": index}
        if not isinstance(item, dict):
            errors.append(_("%(where)s must be an object.") % {"where": where})
            continue
        unknown = set(item) - ATTRIBUTE_KEYS
        if unknown:
            errors.append(
                _("%(where)s has unknown keys: %(keys)s.") % {"where": where, "keys": ", ".join(sorted(unknown))}
            )
        code = item.get("code")
        if not isinstance(code, str) or not ATTRIBUTE_CODE_RE.match(code):
            errors.append(_("%(where)s needs a code of lower-case letters, digits and underscores.") % {"where": where})
        elif code in seen:
            errors.append(_("%(where)s repeats the code %(code)s.") % {"where": where, "code": code})
        else:
            seen.add(code)
        if not isinstance(item.get("description"), str) or not item["description"].strip():
            errors.append(_("%(where)s needs the question text (description).") % {"where": where})
        datatype = item.get("datatype")
        if datatype not in DATATYPES:
            errors.append(
                _("%(where)s: the datatype must be one of %(types)s.") % {"where": where, "types": ", ".join(DATATYPES)}
            )
        if "required" in item and not isinstance(item["required"], bool):
            errors.append(_("%(where)s: required must be true or false.") % {"where": where})
        values = item.get("values")
        if datatype in ("singlevaluelist", "multivaluelist"):
            if not isinstance(values, dict) or not values:
                errors.append(_("%(where)s: a list question needs its values (key: name).") % {"where": where})
            elif any(not isinstance(k, str) or not k or not isinstance(v, str) for k, v in values.items()):
                errors.append(_("%(where)s: each value needs a key and a name.") % {"where": where})
        elif values not in (None, {}, []):
            errors.append(_("%(where)s: only list questions have values.") % {"where": where})
    return errors


def sorted_attributes(attributes: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The questions in the order they are asked (``order``, then as listed)."""
    items = list(attributes or [])
    return sorted(items, key=lambda item: (int(item.get("order") or 0), items.index(item)))


def _clean_value(spec: dict[str, Any], raw: Any) -> Any:
    """One answer in its stored form; raises ValueError with the message to show."""
    datatype = spec.get("datatype")
    if datatype in ("string", "text"):
        if not isinstance(raw, str | int | Decimal) or isinstance(raw, bool):
            raise ValueError(_("Enter text."))
        text = str(raw).strip()
        limit = MAX_STRING if datatype == "string" else MAX_TEXT
        if len(text) > limit:
            raise ValueError(_("The answer is too long (at most %(max)d characters).") % {"max": limit})
        return text
    if datatype == "number":
        if isinstance(raw, bool):
            raise ValueError(_("Enter a number."))
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite() or abs(number) >= MAX_NUMBER:
            raise ValueError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if datatype == "datetime":
        moment = parse_datetime(str(raw).strip()) if isinstance(raw, str) else raw
        if not isinstance(moment, dt.datetime):
            raise ValueError(_("Enter a date and time such as 2026-05-01T08:30:00+07:00."))
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=CALENDAR_TZ)  # a form's local time is the regency's
        return moment.isoformat()
    values = spec.get("values") or {}
    if datatype == "singlevaluelist":
        key = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else None
        if key not in values:
            raise ValueError(_("Choose one of the offered answers."))
        return key
    if datatype == "multivaluelist":
        items = raw if isinstance(raw, list | tuple) else [raw]
        keys = []
        for item in items:
            key = str(item).strip() if isinstance(item, str | int) and not isinstance(item, bool) else None
            if key not in values:
                raise ValueError(_("Choose only from the offered answers."))
            if key not in keys:
                keys.append(key)
        return keys
    raise ValueError(_("This question cannot be answered."))


def _is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list | tuple) and not raw)


def clean_attribute_answers(category: Any, answers: Any) -> dict[str, Any]:
    """The answers to ``category``'s extra questions, checked: every required one present, no unknown
    question, every value of the right type and, for lists, one of the offered keys. Raises
    ValidationFailed with one message per question (field ``attribute[<code>]``)."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ValidationFailed(fields={"attributes": [_("The answers to the extra questions must be an object.")]})
    specs = {spec["code"]: spec for spec in category.attributes or [] if isinstance(spec, dict) and "code" in spec}
    errors: dict[str, list[str]] = {}
    for code in answers:
        if str(code) not in specs:
            errors[f"attribute[{str(code)[:50]}]"] = [_("This category has no such question.")]
    cleaned: dict[str, Any] = {}
    for code, spec in specs.items():
        raw = answers.get(code)
        if _is_empty(raw):
            if spec.get("required"):
                errors[f"attribute[{code}]"] = [_("Answer this question.")]
            continue
        try:
            cleaned[code] = _clean_value(spec, raw)
        except ValueError as exc:
            errors[f"attribute[{code}]"] = [str(exc)]
    if errors:
        raise ValidationFailed(_("Some answers to the extra questions are not valid."), fields=errors)
    return cleaned


def read_category_data(path: Path | None = None) -> dict[str, Any]:
    with open(path or DATA_FILE, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise ValueError("complaint categories file: a mapping with a 'categories' list expected")
    return data


@transaction.atomic
def load_complaint_categories(
    *, path: Path | None = None, coordinator_code: str = DEFAULT_COORDINATOR, result: Any = None
) -> int:
    """Create the categories of the file that do not exist yet (by code; existing ones keep an administrator's
    edits) and the complaint settings row when there is none; returns how many categories were created.

    The agencies named in ``routes_to`` must exist (load the organizations first); a missing one leaves the
    category without an answering agency: the coordinator then dispatches by hand."""
    from balai.complaints.models import ComplaintCategory, ComplaintSettings
    from balai.organizations.models import Organization

    data = read_category_data(path)
    organizations = {o.code: o for o in Organization.objects.all()}
    if not ComplaintSettings.objects.exists():
        settings_row = ComplaintSettings(
            verification_days=int(data.get("verification_days") or 3),
            auto_close_days=int(data.get("auto_close_days") or 10),
            coordinator=organizations.get(coordinator_code),
        )
        settings_row.full_clean()
        settings_row.save()
        if result is not None:
            result.count("complaint settings")
    existing = set(ComplaintCategory.objects.values_list("code", flat=True))
    created = 0
    for position, item in enumerate(data["categories"], start=1):
        if item["code"] in existing:
            continue
        errors = attribute_errors(item.get("attributes"))
        if errors:
            raise ValueError(f"complaint category {item['code']}: {' '.join(errors)}")
        category = ComplaintCategory(
            code=item["code"],
            open311_code=str(item["open311_code"]),
            name=item["name"],
            name_en=item.get("name_en", ""),
            group=item.get("group", ""),
            description=item.get("description", ""),
            routes_to=organizations.get(item.get("routes_to") or ""),
            by_district=bool(item.get("by_district", False)),
            response_days=int(item.get("response_days") or 5),
            needs_location=bool(item.get("needs_location", False)),
            forces_confidential=bool(item.get("confidential_by_default") or item.get("forces_confidential")),
            keywords=list(item.get("keywords") or []),
            attributes=list(item.get("attributes") or []),
            position=position * 10,
        )
        category.full_clean()
        category.save()
        created += 1
    if result is not None and created:
        result.count("complaint categories", created)
    if path is None:
        _load_response_templates(organizations, result)
    return created


def _load_response_templates(organizations: dict[str, Any], result: Any) -> None:
    """The demo's response templates, when none exists yet (administrators keep them afterwards)."""
    from balai.complaints.models import ComplaintCategory, ResponseTemplate

    if ResponseTemplate.objects.exists():
        return
    with open(TEMPLATES_FILE, encoding="utf-8") as handle:
        items = (yaml.safe_load(handle) or {}).get("templates") or []
    categories = {c.code: c for c in ComplaintCategory.objects.all()}
    for item in items:
        template = ResponseTemplate(
            title=item["title"],
            body=str(item["body"]).strip(),
            category=categories.get(item.get("category") or ""),
            organization=organizations.get(item.get("organization") or ""),
        )
        template.full_clean()
        template.save()
    if result is not None and items:
        result.count("response templates", len(items))
