"""XML and JSON as GeoReport v2 writes them: one canonical structure, rendered by the Spark convention.

A response is built once as ``{"<root>": [item, ...]}`` or ``{"<root>": {...}}`` with plain Python values;
``render`` makes the XML (``<root><singular>...</singular></root>``, UTF-8 with the declaration, no namespace)
or the JSON (the root dropped, lists always lists, empty values as ``null``). Text that XML 1.0 cannot carry
(control characters typed into a description) is dropped from both formats alike, so XML and JSON agree."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from balai.core.calendar import CALENDAR_TZ

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

# Children of a list element, where removing the final "s" is not the name GeoReport uses.
SINGULAR = {
    "service_requests": "request",
    "service_request_updates": "request_update",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "services": "service",
}
# Characters XML 1.0 forbids (C0 controls other than tab, line feed and carriage return; lone surrogates,
# U+FFFE/U+FFFF). They cannot be escaped, only left out.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def w3_datetime(moment: dt.datetime | None) -> str | None:
    """ISO 8601 as the W3C note wants it, with the offset (Asia/Jakarta, ``+07:00``), to the second."""
    if moment is None:
        return None
    return moment.astimezone(CALENDAR_TZ).isoformat(timespec="seconds")


class Prepared(list):
    """Items already in JSON's terms (strings cleaned, empty values None, times as text): the JSON writer
    dumps them as they are instead of walking every value."""


def clean_text(value: str | None) -> str | None:
    """Text without the characters XML cannot carry; None for an empty text (JSON's null)."""
    if not value:
        return None
    return _NOT_XML.sub("", value) if _NOT_XML.search(value) else value


def _singular(name: str) -> str:
    return SINGULAR.get(name) or (name[:-1] if name.endswith("s") else name)


def _text(value: Any) -> str:
    """A scalar as XML character data: escaped, without the characters XML cannot carry."""
    kind = type(value)
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is str:
        text = value
    elif isinstance(value, dt.datetime):
        return w3_datetime(value) or ""
    elif isinstance(value, Decimal):
        return format(value.normalize(), "f")
    elif kind is float:
        return format(value, ".6f").rstrip("0").rstrip(".")  # never "1e-05"
    else:
        text = str(value)
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml(parts: list[str], name: str, value: Any) -> None:
    # Element names are ours (spec field names), never the client's: only character data is escaped.
    parts.append(f"<{name}>")
    kind = type(value)
    if kind is dict:
        for key, child in value.items():
            _xml(parts, key, child)
    elif kind is list or kind is tuple or kind is Prepared:
        child_name = _singular(name)
        for item in value:
            _xml(parts, child_name, item)
    else:
        parts.append(_text(value))
    parts.append(f"</{name}>")


def to_xml(document: Mapping[str, Any]) -> str:
    ((root_name, content),) = document.items()
    parts = [XML_DECLARATION]
    _xml(parts, root_name, content)
    return "".join(parts)


def _json_value(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        if _NOT_XML.search(value):
            value = _NOT_XML.sub("", value)
        return value or None
    if kind is Prepared:
        return value
    if kind is dict:
        return {key: _json_value(child) for key, child in value.items()}
    if kind is list or kind is tuple:
        return [_json_value(item) for item in value]
    if isinstance(value, dt.datetime):
        return w3_datetime(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_json(document: Mapping[str, Any]) -> str:
    ((_root, content),) = document.items()
    return json.dumps(_json_value(content), ensure_ascii=False, separators=(",", ":"))


def render(document: Mapping[str, Any], fmt: str, *, status: int = 200) -> HttpResponse:
    body = to_json(document) if fmt == "json" else to_xml(document)
    response = HttpResponse(
        body.encode("utf-8"), status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["xml"])
    )
    # Clients in other origins (maps, dashboards) read the public resources; nothing here uses cookies.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def errors_document(errors: Iterable[tuple[int | str, str]]) -> dict[str, Any]:
    return {"errors": [{"code": code, "description": str(description)} for code, description in errors]}


def render_errors(errors: Iterable[tuple[int | str, str]], fmt: str, *, status: int) -> HttpResponse:
    response = render(errors_document(errors), fmt if fmt in FORMATS else "xml", status=status)
    response["Cache-Control"] = "no-store"
    return response
