"""The GeoReport v2 documents: the canonical structures that ``formats.render`` writes as XML or JSON.

Field names and order follow the specification (wiki.open311.org/GeoReport_v2) and, for updates,
FixMyStreet's ``servicerequestupdates`` extension. Nothing personal is ever placed in a document: no
reporter's name, e-mail, phone or account id, whatever the complaint's privacy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balai.cases.models import StateKind
from balai.complaints.models import ComplaintCategory
from balai.complaints.open311.formats import Prepared, clean_text
from balai.complaints.open311.reads import Lookups, UpdateRow, category_name, public_text
from balai.complaints.public.reference import english

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


def discovery(*, endpoint_url: str, changeset: dt.datetime, key_service: str) -> dict[str, Any]:
    contact_email = getattr(settings, "BALAI_CONTACT_EMAIL", "")
    contact = (
        _("Questions about this API: %(email)s.") % {"email": contact_email}
        if contact_email
        else _("Questions about this API: contact the office of %(site)s.") % {"site": settings.BALAI_SITE_NAME}
    )
    stamp = changeset.strftime("%Y-%m-%d %H:%M")
    return {
        "discovery": {
            "changeset": stamp,
            "contact": contact,
            "key_service": key_service,
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": endpoint_url,
                    "changeset": stamp,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }
    }


def _attributes(category: ComplaintCategory) -> list[dict[str, Any]]:
    return [item for item in (category.attributes or []) if isinstance(item, dict) and item.get("code")]


def service(category: ComplaintCategory) -> dict[str, Any]:
    return {
        "service_code": category.open311_code,
        "service_name": category_name(category),
        "description": category.description,
        "metadata": bool(_attributes(category)),
        "type": "realtime",
        "keywords": ", ".join(str(word) for word in (category.keywords or [])),
        "group": category.group,
    }


def services(categories: Iterable[ComplaintCategory]) -> dict[str, Any]:
    return {"services": [service(category) for category in categories]}


def _values(attribute: dict[str, Any]) -> list[dict[str, str]]:
    values = attribute.get("values") or {}
    if isinstance(values, dict):
        return [{"key": str(key), "name": str(name)} for key, name in values.items()]
    if isinstance(values, list):
        rows = []
        for item in values:
            if isinstance(item, dict) and "key" in item:
                rows.append({"key": str(item["key"]), "name": str(item.get("name") or item["key"])})
            else:
                rows.append({"key": str(item), "name": str(item)})
        return rows
    return []


def _datatype_description(datatype: str) -> str:
    return {
        "number": _("A number, e.g. 12 or 3.5."),
        "datetime": _("A date and time in ISO 8601 with its offset, e.g. 2026-01-31T08:00:00+07:00."),
        "singlevaluelist": _("Send one of the keys below."),
        "multivaluelist": _("Send one or more of the keys below, each as attribute[code][]=key."),
    }.get(datatype, "")


def service_definition(category: ComplaintCategory) -> dict[str, Any]:
    attributes = []
    for position, item in enumerate(_attributes(category), start=1):
        datatype = item.get("datatype") if item.get("datatype") in DATATYPES else "string"
        description = (
            item.get("description_en") if english() and item.get("description_en") else item.get("description")
        )
        entry: dict[str, Any] = {
            "variable": item.get("variable", True) is not False,
            "code": str(item["code"]),
            "datatype": datatype,
            "required": bool(item.get("required")),
            "datatype_description": _datatype_description(datatype),
            "order": int(item.get("order") or position),
            "description": str(description or item["code"]),
        }
        if datatype in {"singlevaluelist", "multivaluelist"}:
            entry["values"] = _values(item)
        attributes.append(entry)
    return {"service_definition": {"service_code": category.open311_code, "attributes": attributes}}


def service_notice(category: Any) -> str:
    if category is None:
        return ""
    return ngettext(
        "Verified by the coordinator, then answered by the agency within %(days)s working day.",
        "Verified by the coordinator, then answered by the agency within %(days)s working days.",
        category.response_days,
    ) % {"days": category.response_days}


def _category_fields(category: Any) -> tuple[str | None, str | None, str]:
    if category is None:
        return None, None, ""
    return clean_text(category_name(category)), category.open311_code, service_notice(category)


def request(
    row: dict[str, Any],
    lookups: Lookups,
    *,
    media_url: Callable[[str, int], str],
    categories: dict[int, tuple[str | None, str | None, str]] | None = None,
) -> dict[str, Any]:
    """One service request from a row of ``reads.request_rows`` (times already W3C text, coordinates floats)."""
    if categories is None:
        categories = {}
    fields = categories.get(row["category_id"])
    if fields is None:
        fields = categories[row["category_id"]] = _category_fields(lookups.categories.get(row["category_id"]))
    service_name, service_code, notice = fields
    state_name, _state_kind = lookups.states.get(row["case__state_id"], ("", StateKind.OPEN))
    number = row["case__number"]
    return {
        "service_request_id": number,
        "status": "closed" if row["is_closed"] else "open",
        "status_notes": clean_text(state_name),
        "service_name": service_name,
        "service_code": service_code,
        "description": clean_text(public_text(row["title"], row["public_description"])),
        "agency_responsible": clean_text(lookups.agencies.get(row["case__organization_id"], "")),
        "service_notice": notice,
        "requested_datetime": row["requested"],
        "updated_datetime": row["updated"],
        "expected_datetime": row["expected"],
        "address": clean_text(row["address"]),
        "address_id": None,
        "zipcode": None,
        "lat": row["lat"],
        "long": row["long"],
        "media_url": media_url(number, row["photo_id"]) if row["photo_id"] else None,
    }


def requests(rows: list[dict[str, Any]], lookups: Lookups, *, media_url: Callable[[str, int], str]) -> dict[str, Any]:
    categories: dict[int, tuple[str | None, str | None, str]] = {}
    items = [request(row, lookups, media_url=media_url, categories=categories) for row in rows]
    return {"service_requests": Prepared(items)}


def created(number: str | None, token: str | None, notice: str) -> dict[str, Any]:
    """The answer to POST requests: the id when the request is public at once, else the token (never both)."""
    item: dict[str, Any] = {"service_request_id": number} if number else {"token": token}
    item["service_notice"] = notice
    item["account_id"] = None
    return {"service_requests": [item]}


def token(token_value: str, number: str | None) -> dict[str, Any]:
    return {"service_requests": [{"service_request_id": number, "token": token_value}]}


def updates(rows: Iterable[UpdateRow]) -> dict[str, Any]:
    return {
        "service_request_updates": [
            {
                "update_id": row.update_id,
                "service_request_id": row.number,
                "status": row.status,
                "updated_datetime": row.at,
                "description": row.description,
                "media_url": None,
            }
            for row in rows
        ]
    }


def update_created(update_id: int) -> dict[str, Any]:
    """The answer to POST servicerequestupdates, as FixMyStreet reads it."""
    return {"service_request_updates": [{"update_id": str(update_id)}]}
