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
from balai.complaints.open311.reads import Lookups, UpdateRow, category_name, public_text, status_of
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


def request(
    row: dict[str, Any],
    lookups: Lookups,
    *,
    media_url: Callable[[str, int], str],
    notices: dict[int, str] | None = None,
) -> dict[str, Any]:
    category = lookups.categories.get(row["category_id"])
    state_name, _state_kind = lookups.states.get(row["case__state_id"], ("", StateKind.OPEN))
    closed_at = row["case__closed_at"]
    updated = closed_at or max(filter(None, [row["updated_at"], row["case__updated_at"], row["created_at"]]))
    number = row["case__number"]
    if notices is None:
        notices = {}
    notice = notices.get(row["category_id"])
    if notice is None:
        notice = notices[row["category_id"]] = service_notice(category)
    latitude, longitude = row["latitude"], row["longitude"]
    return {
        "service_request_id": number,
        "status": status_of(closed_at),
        "status_notes": state_name,
        "service_name": category_name(category) if category else "",
        "service_code": category.open311_code if category else "",
        "description": public_text(row["title"], row["public_description"]),
        "agency_responsible": lookups.agencies.get(row["case__organization_id"], ""),
        "service_notice": notice,
        "requested_datetime": row["created_at"],
        "updated_datetime": updated,
        "expected_datetime": None if closed_at else (row["response_due_at"] or row["case__due_at"]),
        "address": row["address"],
        "address_id": None,
        "zipcode": None,
        "lat": float(latitude) if latitude is not None else None,
        "long": float(longitude) if longitude is not None else None,
        "media_url": media_url(number, row["photo_id"]) if row.get("photo_id") else None,
    }


def requests(rows: list[dict[str, Any]], lookups: Lookups, *, media_url: Callable[[str, int], str]) -> dict[str, Any]:
    notices: dict[int, str] = {}
    return {"service_requests": [request(row, lookups, media_url=media_url, notices=notices) for row in rows]}


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
