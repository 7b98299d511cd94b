"""Answers as people read them (review page, case page, receipt): choice labels instead of codes, dates as
dd/mm/yyyy, personal numbers masked unless the caller may see them in full."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from balai.accounts.nik import mask_nik
from balai.accounts.phone import mask_phone

from .values import choice_items, current_language, field_label


def display_answer(spec: dict[str, Any], value: Any, *, language: str | None = None, unmask: bool = False) -> str:
    """The answer ``value`` of field ``spec`` as text (escape it when rendering, as templates do)."""
    if value is None or value == "":
        return "—"
    ftype = spec.get("type")
    if ftype == "checkbox":
        return _("Yes") if value else _("No")
    if ftype == "choice":
        return dict(choice_items(spec, language)).get(str(value), str(value))
    if ftype == "date":
        try:
            return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if ftype == "nik":
        return str(value) if unmask else mask_nik(str(value))
    if ftype == "phone":
        return str(value) if unmask else mask_phone(str(value))
    if ftype == "decimal":
        return str(value).replace(".", ",") if current_language(language) == "id" else str(value)
    if ftype == "geo" and isinstance(value, dict):
        return "%s, %s" % (value.get("lat"), value.get("lon"))  # noqa: UP031 - coordinates, not a sentence
    if ftype == "region" and isinstance(value, dict):
        from balai.organizations.models import Village

        village = Village.objects.filter(code=value.get("village")).select_related("district").first()
        if village is None:
            return "%s / %s" % (value.get("district"), value.get("village"))  # noqa: UP031
        return _("%(village)s, district %(district)s") % {"village": village.name, "district": village.district.name}
    return str(value)


def display_answers(definition: dict, answers: dict, *, language: str | None = None, unmask: bool = False):
    """(label, text) pairs in the definition's order, for a summary list."""
    return [
        (field_label(spec, language), display_answer(spec, answers.get(spec["code"]), language=language, unmask=unmask))
        for spec in (definition or {}).get("fields") or []
        if spec.get("type") != "file"
    ]
